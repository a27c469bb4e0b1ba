"""The shared damage repairs: lost "ll" ligatures, hyphenated line breaks, stray characters.

The damaged phrases below are copied from the real corpus texts (grep ../shared/corpus/md for them);
the lookalikes are real words the repair must never touch.
"""

from __future__ import annotations

import re

import pytest
from conftest import corpus_file

from guidance_parser.ingest import repair_text
from guidance_parser.ingest.repair import (
    join_hyphenated,
    repair_ligatures,
    shows_ligature_damage,
)
from guidance_parser.text import clean_chars

# (damaged as found in the corpus, repaired)
DAMAGED = [
    ("Leaders wil need to come together", "Leaders will need to come together"),
    ("The ful vision wil be set out", "The full vision will be set out"),
    ("and al ocated to a segment", "and allocated to a segment"),
    ("to meet the chal enges and changing needs", "to meet the challenges and changing needs"),
    ("and, crucial y, build the foundation", "and, crucially, build the foundation"),
    ("shifts the focus towards a rol ing five-year planning horizon", "shifts the focus towards a rolling "
                                                                     "five-year planning horizon"),
    ("working closely with col eagues across the NHS", "working closely with colleagues across the NHS"),
    ("taking ful advantage of breakthroughs", "taking full advantage of breakthroughs"),
    ("Overal , NHS productivity is below", "Overall, NHS productivity is below"),
    ("Al organisations wil be asked to prepare", "All organisations will be asked to prepare"),
    ("an automated process that fol ows a set of rules", "an automated process that follows a set of rules"),
    ("as wel as a publicly accessible dashboard", "as well as a publicly accessible dashboard"),
    ("Report by: Julian Kel y, Chief Financial Officer", "Report by: Julian Kelly, Chief Financial Officer"),
    ("proportion of our lives spent in il -health", "proportion of our lives spent in ill-health"),
    ("£2.2 bil ion and 8 mil ion appointments", "£2.2 billion and 8 million appointments"),
    ("staff wel being and skil s", "staff wellbeing and skills"),
    ("demand and capacity model ing", "demand and capacity modelling"),
    ("a smal er organisation, stil growing", "a smaller organisation, still growing"),
    ("Overal , growth across al points of delivery", "Overall, growth across all points of delivery"),
    ("Elective spel s", "Elective spells"),
    ("reported annual y and national y", "reported annually and nationally"),
    ("pal iative care and end of life", "palliative care and end of life"),
]

# Real words that look like damage, in sentences with damage elsewhere so the ambiguous repairs are on.
LOOKALIKES = [
    "Smith et al found that leaders wil need support.",
    "Al Smith said the plan wil work.",
    "A wilful refusal to fulfil the duty wil be reported.",
    "All staff will be ill at ease if they ally with a wily rival; the ful y funded plan.",
    "The skill mix, the hospital bill and the call centre wil change.",
    "Real world evidence and local plans wil matter, as wel as the annual cycle.",
    "Individual care and national policy, social care and mental health wil improve.",
]


@pytest.mark.parametrize(("damaged", "repaired"), DAMAGED)
def test_damaged_words_from_the_corpus_are_repaired(damaged: str, repaired: str) -> None:
    assert repair_text(damaged) == repaired


@pytest.mark.parametrize("text", LOOKALIKES)
def test_real_words_that_look_damaged_survive(text: str) -> None:
    out = repair_text(text)
    for word in ("et al", "Al Smith", "wilful", "fulfil", "All staff", "ill at", "ally", "wily", "skill",
                 "bill", "call", "Real world", "local plans", "annual cycle", "Individual care",
                 "national policy", "social care", "mental health"):
        if word in text:
            assert word in out, (word, out)


def test_clean_text_is_left_exactly_as_it_was() -> None:
    """The undamaged 2025/26 guidance has hundreds of words ending in "l" before a space; none change."""
    text = corpus_file("nhs-planning-guidance-2025-26.md").read_text(encoding="utf-8")
    assert not shows_ligature_damage(text)
    assert repair_ligatures(text) == text


def test_damaged_corpus_text_is_recognised_and_repaired() -> None:
    text = corpus_file("nhs-planning-framework-2025.md").read_text(encoding="utf-8")
    assert shows_ligature_damage(text)
    fixed = repair_ligatures(text)
    for damage in (" al ocated", "chal enges", "crucial y", "rol ing", "col eagues", " Al "):
        assert damage not in fixed, damage
    assert re.findall(r"\bwil\b", text) and not re.findall(r"\bwil\b", fixed)


@pytest.mark.parametrize(("left", "right", "joined"), [
    ("partner organis-", "ations to", "partner organisations to"),
    ("year-on-", "year plans", "year-on-year plans"),
    ("services co-", "produced with", "services co-produced with"),
    ("the long-", "term plan", "the long-term plan"),
    ("local commun-", "ities.", "local communities."),
    ("the cancer 62-", "day standard", "the cancer 62-day standard"),
    ("a plain", "line", "a plain line"),
])
def test_hyphenated_line_breaks(left: str, right: str, joined: str) -> None:
    assert join_hyphenated(left, right) == joined
    if left.endswith("-"):  # repair_text joins hyphenated breaks only; other lines stay lines
        assert repair_text(f"{left}\n{right}") == joined


def test_an_ambiguous_repair_needs_evidence_of_damage() -> None:
    """ "al" is a word ("Al", "et al"); it becomes "all" only where the text shows the damage."""
    assert repair_text("growth across al points") == "growth across al points"
    assert repair_text("Overal , growth across al points") == "Overall, growth across all points"


def test_suspended_hyphens_are_kept() -> None:
    assert repair_text("pre- and post-operative care") == "pre- and post-operative care"
    assert repair_text("the cancer 62- day standard") == "the cancer 62-day standard"


def test_control_characters_and_odd_spaces() -> None:
    dirty = "\ufeffReduce\x00 waits\x07 to 18\u00a0weeks\u200b by March 2026.\x1b[31m\x0cNext \ufb01nance"
    assert clean_chars(dirty) == "Reduce waits to 18 weeks by March 2026.\nNext finance"
