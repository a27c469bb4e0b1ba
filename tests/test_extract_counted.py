"""Priorities a document announces by count ("3 radical shifts", "four national priorities") and then gives.

Each case quotes the real sentences the form exists for (the 10 Year Health Plan executive summary, the
2025/26 planning guidance, the Medium Term Planning Framework), laid out as blocks the way the Markdown
conversion of that text ingests them; where a form has no real instance in those texts, the test says so.
"""

from __future__ import annotations

import pytest

from guidance_parser.extract import extract
from guidance_parser.model import Block, Document, Edition

ED = Edition.from_label("2025/26")

# 10 Year Health Plan, p. 3: the announcement as printed ...
SHIFTS = ("We will reinvent the NHS through 3 radical shifts - hospital to community, analogue to digital and "
          "sickness to prevention.")
# ... and as the two-column conversion cut it (the rest of the sentence went into the other column's block)
SHIFTS_CUT = "We will reinvent the NHS through 3 radical shifts - hospital to community, analogue to"
# the sections the shifts open: one a heading, two left inside the other column's text
OPENS_HOSPITAL = ("experience worse NHS access, worse outcomes and to die younger. This is an intolerable "
                  "From hospital to community: the injustice.")
OPENS_DIGITAL = "From analogue to digital: power"
OPENS_PREVENTION = ("get instant advice for non-urgent care and From sickness to prevention: help finding the most "
                    "appropriate service power to make the healthy choice first time, through My NHS GP")


def titles(*blocks: Block | str) -> list[str]:
    bl = [b if isinstance(b, Block) else Block("paragraph", b, section=("Summary",)) for b in blocks]
    doc = Document(path="test.md", title="Test", edition=ED, blocks=bl, source_format="text", sha256="0" * 64)
    return [p.title for p in extract(doc).priorities]


def test_the_shifts_the_announcement_names_are_the_priorities() -> None:
    assert titles(SHIFTS) == ["hospital to community", "analogue to digital", "sickness to prevention"]


def test_a_cut_announcement_finds_its_shifts_in_the_section_openings() -> None:
    got = titles(Block("heading", "Summary", level=2), OPENS_HOSPITAL, SHIFTS_CUT,
                 "• This is not just a long-term ambition. We digital and sickness to prevention.",
                 Block("heading", OPENS_DIGITAL, level=2, section=(OPENS_DIGITAL,)),
                 Block("list_item", OPENS_PREVENTION, level=1, section=(OPENS_DIGITAL,)))
    assert got == ["From hospital to community", "From analogue to digital", "From sickness to prevention"]


def test_openings_that_hold_no_name_of_the_announcement_give_nothing() -> None:
    # the same three openings, but the sentence names no shift: nothing ties the openings to the count
    assert titles(Block("heading", "Summary", level=2), OPENS_HOSPITAL,
                  "We will reinvent the NHS through 3 radical shifts.",
                  Block("heading", OPENS_DIGITAL, level=2), Block("list_item", OPENS_PREVENTION, level=1)) == []


def test_a_count_the_items_do_not_match_gives_nothing() -> None:
    # the cut sentence alone names 2 of its 3 shifts, and no openings follow
    assert titles(SHIFTS_CUT) == []
    # 2 same-level headings after "3 shifts", then a higher heading: 2 is not 3
    assert titles("The plan sets out 3 radical shifts:", Block("heading", "From hospital to community", level=2),
                  Block("heading", "From analogue to digital", level=2), Block("heading", "Endnotes", level=1)) == []


def headings(*texts: str) -> list[Block]:
    return [Block("heading", t, level=2) for t in texts]


# Medium Term Planning Framework p. 10, its two numbered headings; the real announcement before them is an ask
# of systems ("systems are expected to make demonstrable progress on 2 long-term shifts in the models:"), so
# the sentence here is written for the test.
MTPF_NUMBERED = ("1. UEC: transition to digital-first and clinically prioritised access",
                 "2. Outpatients: shift to a digital-first, patient-led model")


def test_numbered_headings_after_a_counted_announcement_are_the_priorities() -> None:
    assert titles("The NHS will make 2 long-term shifts in its models:", *headings(*MTPF_NUMBERED)) == \
        ["UEC", "Outpatients"]


def test_lettered_headings_after_a_counted_announcement_are_the_priorities() -> None:
    # no lettered headings in the texts this rule was designed on: written for the test
    assert titles("This plan has three missions.", *headings("A. Healthier lives", "B. Faster care",
                                                             "C. Fairer access")) == \
        ["Healthier lives", "Faster care", "Fairer access"]
    # a fourth lettered heading: three missions are not four headings
    assert titles("This plan has three missions.", *headings("A. Healthier lives", "B. Faster care",
                                                             "C. Fairer access", "D. Better value")) == []


# 2025/26 planning guidance p. 8: four numbered headings after "4 key areas"
KEY_AREAS = ("The immediate task for 2025/26 is to apply the learning from our best performing systems in "
             "4 key areas:")
KEY_AREA_HEADINGS = (
    "1. Reduce avoidable ambulance dispatches and conveyances, and reduce handover delays by:",
    "2. Improve and standardise urgent care at the front door of the hospital by:",
    "3. Reduce length of stay in hospital and ensure that patients are cared for in the most appropriate setting by:",
    "4. Set the foundations of the neighbourhood health model by:",
)


@pytest.mark.parametrize("announcement, found", [
    (KEY_AREAS, False),  # areas are not priorities
    ("We will deliver 3 key areas of spend:", False),
    (KEY_AREAS.replace("4 key areas", "4 national priorities"), True),  # the same headings under priorities
])
def test_a_counted_noun_that_is_not_priority_like_gives_nothing(announcement: str, found: bool) -> None:
    got = titles(announcement, *headings(*KEY_AREA_HEADINGS[: 3 if "3" in announcement else 4]))
    assert bool(got) is found
    if found:
        assert got[0] == "Reduce avoidable ambulance dispatches and conveyances"


def test_the_list_a_counted_announcement_introduces() -> None:
    # written for the test: the texts this rule was designed on introduce no counted list of priorities
    items = ["cut waiting times for planned care", "improve ambulance response", "improve access to general practice"]
    got = titles("We set out three national priorities for 2025/26:", *[Block("list_item", t, level=1) for t in items])
    assert got == items


@pytest.mark.parametrize("text", [
    # MTPF p. 10 as converted: "patient-2" is a word the column break glued, not a count
    "expected to make demonstrable progress on a digital-first, patient-2 long-term shifts in the models:",
    "productivity and delivery of the 3 shifts:",  # MTPF p. 12: what follows is two items, not three
])
def test_what_is_not_a_counted_announcement(text: str) -> None:
    assert titles(text, *headings(*MTPF_NUMBERED)) == []
