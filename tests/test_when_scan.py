"""``find_times`` searches only the stretches of text that can hold a date (``when._time_matches``).

The shortcut must never change a result: these tests compare it with running the full grammar
(``_TIME_RE.finditer``) over the whole text, on generated text that mixes dates, prepositions, the
punctuation the lookarounds read ("’s", "£", "/") and letters that fold under IGNORECASE ("ſ", "K", "ı"),
and on every real corpus text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidance_parser import when
from guidance_parser.model import Edition
from guidance_parser.when import TimeMention, find_times

ED = Edition.from_label("2025/26")
EXAMPLES = int(os.environ.get("GUIDANCE_FUZZ_EXAMPLES", "300"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("GUIDANCE_FUZZ_EXAMPLES"),
                    suppress_health_check=[HealthCheck.too_slow])

# Pieces of every kind of expression in the grammar, and the characters around them that its lookarounds
# read; joined with random separators so a date can straddle punctuation, line breaks and odd spaces.
PIECES = [
    "by", "by the end of", "no later than the end of", "between now and the end of", "within", "in", "from",
    "the", "end of the Parliament", "end of this parliament", "the next three years", "coming 5 years",
    "Q3", "q4", "of", "2025/26", "2025-26", "2025 – 26", "24/25", "25/26/27", "quarter two", "the final quarter",
    "first half of", "31st", "1", "March", "Sept", "sep", "may", "MAY", "December", "2026", "2028 to 2029",
    "2027–2030", "financial year", "this financial year", "the current", "spring", "Summer", "autumn",
    "winter", "early", "late", "mid-", "the start of", "this year", "later this calendar year", "years",
    "ſpring", "Ｍarch", "K", "ı", "İ", "’s", "'", "£", ".", ",", "/", "-", "–", ";", "(", ")", "%", "\\(",
    "**", "|", "weekend", "primary", "Omar", "within\u00a0the", "0", "19", "999", "19/20", "12/13", "Q5", "q0",
    "20", "2o25", "Mar.", "Dec-", "next year", "beginning", "decade", "the end of the decade", "this decade",
    "10 years’ time", "years' time", "3 to 4", "financial year 2026 to 2027", "over the next 5 to 10 years",
]
SEPARATORS = st.sampled_from(["", " ", "  ", "\n", "\t", "\u00a0", ", ", ". ", "-", "/", "’", "£"])
guidance_like = st.lists(st.tuples(st.sampled_from(PIECES), SEPARATORS), max_size=30).map(
    lambda parts: "".join(p + s for p, s in parts))
texts = st.one_of(guidance_like, st.text(max_size=200),
                  st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=30).map(" ".join))


def _signature(matches: Iterator[re.Match[str]]) -> list[tuple[object, ...]]:
    return [(m.span(), m.lastgroup, m.groups()) for m in matches]


def _without_shortcut(text: str, edition: Edition | None, published: date | None) -> list[TimeMention]:
    with mock.patch.object(when, "_time_matches", when._TIME_RE.finditer):
        return find_times(text, edition, published)


@PROPERTY
@given(text=texts)
def test_the_stretch_search_finds_exactly_what_the_full_grammar_finds(text: str) -> None:
    assert _signature(when._time_matches(text)) == _signature(when._TIME_RE.finditer(text))


@PROPERTY
@given(text=st.one_of(guidance_like, st.text(alphabet=st.characters(max_codepoint=127), max_size=200)))
def test_the_ascii_trigger_test_agrees_with_the_case_folding_one(text: str) -> None:
    for stretch in when._STRETCH.findall(text):
        assert when._may_hold_time(stretch) == (when._TRIGGER.search(stretch) is not None), stretch


@PROPERTY
@given(text=guidance_like, published=st.sampled_from([None, date(2025, 3, 12), date(2024, 12, 5)]))
def test_find_times_is_unchanged_by_the_shortcut(text: str, published: date | None) -> None:
    assert find_times(text, ED, published) == _without_shortcut(text, ED, published)


def test_real_texts_give_the_same_mentions_with_and_without_the_shortcut(corpus_texts: list[Path]) -> None:
    found = 0
    for path in corpus_texts:
        text = path.read_text(encoding="utf-8")
        fast = find_times(text, ED)
        assert fast == _without_shortcut(text, ED, None), path.name
        found += len(fast)
    assert found > 100  # the corpus is full of dates: an empty result would mean the comparison proved nothing


def test_a_date_is_found_at_the_edges_of_its_stretch() -> None:
    # the lookahead reads one character past the stretch ("this year’s" is not "this year") and the
    # lookbehind one before it ("£2025" is money, "/24/25" not a year)
    assert [m.when.text for m in find_times("by March 2026. This year’s plan; in 2025/26, from £2025 (2027)", ED)] \
        == ["March 2026", "2025/26", "2027"]
    assert find_times("this year’s", ED) == []
    assert [m.when.text for m in find_times("this year.", ED)] == ["this year"]


def test_a_season_spelt_with_a_long_s_is_read_not_a_crash() -> None:
    # IGNORECASE lets "ſ" match "s" in the grammar; the season table must fold it the same way (found by
    # hypothesis with more examples: "ſpring 2025/26" raised KeyError)
    assert [m.when.label for m in find_times("ſpring 2025/26", ED)] == ["spring 2025"]
