"""Time normalisation: UK financial years, quarters, months against the publication date or the
edition, relative periods."""

from __future__ import annotations

from datetime import date

import pytest

from guidance_parser.extract import extract
from guidance_parser.model import Block, Document, Edition
from guidance_parser.when import find_times, normalise

ED = Edition.from_label("2026/27 to 2028/29")


@pytest.mark.parametrize(
    ("text", "label", "start", "end", "gran"),
    [
        ("by March 2026", "2026-03", date(2026, 3, 1), date(2026, 3, 31), "month"),
        ("in 2025/26", "2025/26", date(2025, 4, 1), date(2026, 3, 31), "financial_year"),
        ("in 2025-26", "2025/26", date(2025, 4, 1), date(2026, 3, 31), "financial_year"),
        ("during 24/25", "2024/25", date(2024, 4, 1), date(2025, 3, 31), "financial_year"),
        ("by Q3 2025/26", "Q3 2025/26", date(2025, 10, 1), date(2025, 12, 31), "quarter"),
        ("in Q4 2025/26", "Q4 2025/26", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("by 31 March 2027", "2027-03-31", date(2027, 3, 31), date(2027, 3, 31), "day"),
        ("by the end of June 2028", "2028-06", date(2028, 6, 1), date(2028, 6, 30), "month"),
        ("from 2027", "2027", date(2027, 1, 1), date(2027, 12, 31), "calendar_year"),
        ("in early 2025", "early 2025", date(2025, 1, 1), date(2025, 4, 30), "period"),
        ("in the spring of 2025", "spring 2025", date(2025, 3, 1), date(2025, 5, 31), "period"),
    ],
)
def test_absolute_forms(text: str, label: str, start: date, end: date, gran: str) -> None:
    w = normalise(text, ED)
    assert w is not None
    assert (w.label, w.start, w.end, w.granularity) == (label, start, end, gran)


def test_forms_read_against_the_edition() -> None:
    # guidance for 2026/27 is published in 2025: April-December fall in 2025, January-March in 2026
    assert normalise("in November", ED).label == "2025-11"  # type: ignore[union-attr]
    assert normalise("by the end of March", ED).label == "2026-03"  # type: ignore[union-attr]
    assert normalise("later this autumn", ED).label == "autumn 2025"  # type: ignore[union-attr]
    assert normalise("later this year", ED).label == "2025"  # type: ignore[union-attr]
    assert normalise("within the next 2 years", ED).label == "2027/28"  # type: ignore[union-attr]
    parl = normalise("by the end of the Parliament", ED)
    assert parl is not None and parl.label == "end of Parliament" and parl.end == date(2029, 7, 9)
    # without an edition there is no year to give a bare month
    assert normalise("in November") is None


def test_prepositions_are_reported_and_words_are_not_dates() -> None:
    found = find_times("Plans are due by June 2025 and from April 2026, with effect from July 2026.", ED)
    assert [(m.prep, m.when.label) for m in found] == [
        ("by", "2025-06"),
        ("from", "2026-04"),
        ("with effect from", "2026-07"),
    ]
    assert find_times("this springboard may march on; the Autumn Budget; 700,000 appointments", ED) == []
    assert [m.when.label for m in find_times("Spending Review 2025", ED)] == ["2025"]  # found, no preposition
    assert find_times("Spending Review 2025", ED)[0].prep is None


def test_a_calendar_year_edition_reads_bare_months_in_that_year() -> None:
    board = Edition.from_label("2024")  # a board paper, not a planning year
    assert normalise("in May", board).label == "2024-05"  # type: ignore[union-attr]
    assert normalise("later this year", board).label == "2024"  # type: ignore[union-attr]
    assert normalise("from April", ED).label == "2026-04"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("agreed during the first half of quarter four", "Q4 2025/26"),  # Jan-Mar before the first FY
        ("signed off by Q2", "Q2 2025/26"),  # July-September of the publication year
        ("starting in quarter 1", "Q1 2026/27"),  # April opens the first financial year
        ("in the third quarter", "Q3 2025/26"),
        ("by Q3 2027/28", "Q3 2027/28"),  # a stated year wins
    ],
)
def test_quarter_without_a_year_is_read_against_the_edition(text: str, label: str) -> None:
    when = normalise(text, ED)
    assert when is not None and when.label == label and when.granularity == "quarter"


def test_quarter_words_that_are_not_dates() -> None:
    assert normalise("a quarter of all trusts", ED) is None
    assert normalise("the first quarter of the year", ED) is None


# --- periods without a year, read from the stated publication date -------------------------------

BOARD = Edition.from_label("2024")  # a paper dated by calendar year
DEC_2024 = date(2024, 12, 5)
MANUAL = Edition.from_label("2025/26")
JUN_2025 = date(2025, 6, 26)


@pytest.mark.parametrize(
    ("text", "edition", "published", "label"),
    [
        # a December paper: the next March / spring, its own December
        ("by March", BOARD, DEC_2024, "2025-03"),
        ("in the Spring", BOARD, DEC_2024, "spring 2025"),
        ("in December", BOARD, DEC_2024, "2024-12"),
        ("later this year", BOARD, DEC_2024, "2024"),
        ("this financial year", BOARD, DEC_2024, "2024/25"),
        ("next financial year", BOARD, DEC_2024, "2025/26"),
        # a manual published in June of its own financial year
        ("before the end of quarter 2", MANUAL, JUN_2025, "Q2 2025/26"),
        ("by Q1", MANUAL, JUN_2025, "Q1 2025/26"),  # the quarter it is published in is not over yet
        ("in quarter 4", MANUAL, JUN_2025, "Q4 2025/26"),
        ("in June", MANUAL, JUN_2025, "2025-06"),  # at the publication month
        ("by May", MANUAL, JUN_2025, "2026-05"),
        ("later this summer", MANUAL, JUN_2025, "summer 2025"),
        ("this winter", MANUAL, JUN_2025, "winter 2025/26"),
        ("this year", MANUAL, JUN_2025, "2025"),
        ("this financial year", MANUAL, JUN_2025, "2025/26"),
        # published in January: the winter it is in; March and April of that year
        ("this winter", MANUAL, date(2025, 1, 29), "winter 2024/25"),
        ("by the end of March", MANUAL, date(2025, 1, 29), "2025-03"),
        # a stated year is never moved
        ("by March 2024", BOARD, DEC_2024, "2024-03"),
        ("in Q2 2024/25", MANUAL, JUN_2025, "Q2 2024/25"),
        ("in the spring of 2024", BOARD, DEC_2024, "spring 2024"),
    ],
)
def test_periods_without_a_year_follow_the_publication_date(text: str, edition: Edition, published: date,
                                                             label: str) -> None:
    when = normalise(text, edition, published)
    assert when is not None and when.label == label


def test_without_a_publication_date_the_edition_rule_stays() -> None:
    # the same phrases, publication date unknown: read against the edition as before
    assert normalise("by March", BOARD).label == "2024-03"  # type: ignore[union-attr]
    assert normalise("before the end of quarter 2", MANUAL).label == "Q2 2024/25"  # type: ignore[union-attr]
    assert normalise("this financial year", MANUAL).label == "2024/25"  # type: ignore[union-attr]


def test_extraction_reads_bare_months_from_the_document_publication_date() -> None:
    text = "We will achieve 92% of secondary care trusts having an electronic patient record by March."
    doc = Document(path="paper.md", title="Board paper", edition=BOARD, source_format="markdown",
                   blocks=[Block("paragraph", text)], sha256="0" * 64, published=DEC_2024)
    (target,) = extract(doc).targets
    assert target.deadline is not None and target.deadline.label == "2025-03"
    doc.published = None
    (target,) = extract(doc).targets
    assert target.deadline is not None and target.deadline.label == "2024-03"


# --- relative spans and years: the anchor follows the edition's kind (tests/gold/README.md) ------------
#
# A financial-year edition counts in financial years from its first one; a calendar edition (a strategy dated
# by calendar year) in calendar years from its publication year. Each case quotes the sentence the form was
# found in (10YHP: the 10 Year Health Plan executive summary, July 2025; MTPF: the Medium Term Planning
# Framework; 2025/26: the 2025/26 planning guidance; NHG: the neighbourhood health guidelines 2025/26), or says
# where a form was written for the test.

PLAN_10Y = Edition.from_label("2025")  # as ingest detects the 10 Year Health Plan
JUL_2025 = date(2025, 7, 1)
FY_ED = Edition.from_label("2026/27")


@pytest.mark.parametrize(
    ("text", "words", "calendar", "financial"),
    [
        # 10YHP lines 357 and 369
        ("over the next 3 years, create 1,000 new specialty training posts", "the next 3 years", "2028", "2028/29"),
        ("Over the next 3 years we will overhaul education and training curricula", "the next 3 years", "2028",
         "2028/29"),
        # 10YHP line 419; MTPF line 1367 ("will be introduced within the next 2 years")
        ("we will move to a single national formulary for medicines within the next 2 years", "the next 2 years",
         "2027", "2027/28"),
        # 2025/26 guidance line 451 (found, though the extractor does not take it as a deadline: see below)
        ("how they propose to exercise their functions in the next 5 years", "the next 5 years", "2030", "2030/31"),
        # written for the test: "during" and "coming", a number in words
        ("during the coming three years", "the coming three years", "2028", "2028/29"),
        # 10YHP line 349
        ("healthcare work will look very different in 10 years’ time", "10 years’ time", "2035", "2035/36"),
        # a range reads its upper bound: 10YHP line 77, NHG line 49
        ("the core components of our new care model over the next 3 to 4 years", "the next 3 to 4 years", "2029",
         "2029/30"),
        ("the aims for all neighbourhoods over the next 5 to 10 years", "the next 5 to 10 years", "2035", "2035/36"),
        # 10YHP lines 387 and 89
        ("beginning next year, expand surgical robot adoption", "next year", "2026", "2027/28"),
        ("introduce 2 new contracts, with roll-out beginning next year", "next year", "2026", "2027/28"),
        # written for the test: the other words "next year" follows
        ("from next year, trusts will report monthly", "next year", "2026", "2027/28"),
        ("starting next year, the scheme opens to all", "next year", "2026", "2027/28"),
        ("the service will be in place by next year", "next year", "2026", "2027/28"),
        ("we will publish it next year", "next year", "2026", "2027/28"),
        # 10YHP line 227 (its columns interleave the words; here as the sentence reads)
        ("a new genomics population health service, accessible to all, by the end of the decade",
         "the end of the decade", "2030", "2030"),
        ("before the end of the decade", "the end of the decade", "2030", "2030"),
        ("we will halve the gap this decade", "this decade", "2030", "2030"),
        # 10YHP lines 433-437 and 231 (GOV.UK names a financial year by its first year)
        ("test the development of ‘year of care’ payments starting in financial year 2026 to 2027",
         "financial year 2026 to 2027", "2026/27", "2026/27"),
        ("payments starting in financial year 2026", "financial year 2026", "2026/27", "2026/27"),
        ("restore the value of Healthy Start from financial year 2026 to 2027", "financial year 2026 to 2027",
         "2026/27", "2026/27"),
    ],
)
def test_relative_spans_count_from_the_anchor_of_the_edition_kind(text: str, words: str, calendar: str,
                                                                  financial: str) -> None:
    (cal,) = find_times(text, PLAN_10Y, JUL_2025)
    assert (cal.when.text, cal.when.label) == (words, calendar)
    (fin,) = find_times(text, FY_ED)
    assert (fin.when.text, fin.when.label) == (words, financial)


def test_a_calendar_edition_without_a_publication_date_counts_from_its_year() -> None:
    assert normalise("over the next 3 years", PLAN_10Y).label == "2028"  # type: ignore[union-attr]
    assert normalise("over the next 3 years", Edition.from_label("2024")).label == "2027"  # type: ignore[union-attr]
    # the stated date wins over the edition's year
    assert normalise("beginning next year", PLAN_10Y, date(2026, 1, 15)).label == "2027"  # type: ignore[union-attr]
    # nothing to count from
    assert normalise("over the next 3 years") is None


@pytest.mark.parametrize(("anchor", "label"), [(2025, "2030"), (2030, "2030"), (2031, "2040"), (2029, "2030")])
def test_the_end_of_the_decade_is_the_last_year_of_the_anchor_years_decade(anchor: int, label: str) -> None:
    calendar = normalise("by the end of the decade", Edition.from_label(str(anchor)))
    financial = normalise("by the end of the decade", Edition.from_label(f"{anchor}/{(anchor + 1) % 100:02d}"))
    assert calendar is not None and financial is not None and calendar.label == financial.label == label


def test_a_span_of_years_keeps_the_edition_rules_of_a_financial_year_edition() -> None:
    # unchanged for planning guidance: the first financial year is the first of the N
    assert normalise("within the next 2 years", ED).label == "2027/28"  # type: ignore[union-attr]
    assert normalise("over the next 2 years", Edition.from_label("2025/26")).label == "2026/27"  # type: ignore[union-attr]
    # a stated publication date does not move it
    assert normalise("within the next 2 years", ED, date(2025, 10, 1)).label == "2027/28"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "This document sets out expectations for next year pathways",  # MTPF line 2003: "for" names a period
        "next year’s allocations will follow",  # a possessive names something
        "next year's allocations will follow",
        "Fit for the Future: 10 Year Health Plan for England",  # the plan's name
        "The 10 Year Plan sets out the next 10 years of reform",  # a span without its preposition
        "a growth rate of 3% for the next 3 years",  # a yearly rate: the span it holds for, not a deadline
        "the next financial year's plan",
    ],
)
def test_words_that_are_not_relative_dates(text: str) -> None:
    assert [m for m in find_times(text, PLAN_10Y, JUL_2025) if m.kind in ("next_years", "next_year", "decade")] == []


def test_next_financial_year_stays_its_own_form() -> None:
    (m,) = find_times("by the next financial year", PLAN_10Y, JUL_2025)
    assert (m.kind, m.when.label) == ("fy_relative", "2026/27")
    (m,) = find_times("in the next financial year", FY_ED)
    assert (m.kind, m.when.label) == ("fy_relative", "2026/27")  # no publication date: FY before the first + 1


def _plan_doc(*blocks: Block) -> Document:
    return Document(path="10yhp.md", title="Fit for the Future: 10 Year Health Plan for England", edition=PLAN_10Y,
                    source_format="markdown", blocks=list(blocks), sha256="0" * 64, published=JUL_2025)


def test_extract_dates_the_10_year_plan_commitments_from_its_publication_year() -> None:
    ex = extract(_plan_doc(
        Block("paragraph", "To achieve this, we will:", section=("Workforce",)),
        Block("list_item", "over the next 3 years, create 1,000 new specialty training posts with a focus on "
                           "specialties where there is greatest need", section=("Workforce",)),
        Block("paragraph", "Over the next 3 years we will overhaul education and training curricula with the aim "
                           "of future-proofing the NHS workforce.", section=("Workforce",)),
        Block("paragraph", "We will move to a single national formulary for medicines within the next 2 years.",
              section=("Workforce",)),
        Block("list_item", "beginning next year, expand surgical robot adoption in line with National Institute "
                           "for Health and Care Excellence (NICE) guidelines", section=("Workforce",)),
    ))
    posts = [t for t in ex.targets if t.value == 1000]
    assert len(posts) == 1 and "specialty training posts" in posts[0].metric
    assert posts[0].deadline is not None and posts[0].deadline.label == "2028"
    assert sorted(d.when.label for d in ex.deadlines) == ["2026", "2027", "2028"]


def test_a_span_of_years_binds_only_what_the_writer_commits_to() -> None:
    # MTPF line 209: an outcome the plan claims; 2025/26 guidance line 451: the period a plan covers;
    # 10YHP line 349: a prediction. None is a deadline; the writer's own commitment is.
    ex = extract(_plan_doc(
        Block("paragraph", "In short, this is the most ambitious plan the NHS has published in a generation. Over "
                           "the next 3 years it will return the NHS to much better health.", section=("Intro",)),
        Block("paragraph", "ICBs and their partner trusts have a duty to prepare a plan setting out how they "
                           "propose to exercise their functions in the next 5 years.", section=("Intro",)),
        Block("paragraph", "Because healthcare work will look very different in 10 years’ time, we will need a "
                           "very different kind of workforce.", section=("Intro",)),
    ))
    assert ex.deadlines == []
    ex = extract(_plan_doc(Block("paragraph", "Over the next 3 years we will overhaul education and training "
                                              "curricula.", section=("Intro",))))
    assert [d.when.label for d in ex.deadlines] == ["2028"]


def test_a_title_or_plan_name_holding_ten_years_sets_no_deadline() -> None:
    ex = extract(_plan_doc(
        Block("heading", "Fit for the Future: 10 Year Health Plan for England", section=()),
        Block("heading", "Our health service over the next 10 years", section=()),
        Block("paragraph", "The 10 Year Health Plan sets out the next 10 years of reform, and we will deliver "
                           "the 10 Year Plan.", section=("Intro",)),
        Block("paragraph", "We will publish the next 10 years: a plan for change.", section=("Intro",)),
    ))
    assert ex.deadlines == []


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        # the framework's next steps (p. 39), read against its edition: December before the first financial year
        ("We will ask for the first submission of plans before Christmas.", "2025-12"),
        ("Final plans will be expected in early February, including refreshed", "2026-02"),
        ("Trusts should confirm their plans by mid-March 2027.", "2027-03"),  # written for the test
    ],
)
def test_a_part_of_a_month_and_christmas_are_read_as_their_month(sentence: str, label: str) -> None:
    found = find_times(sentence, ED)
    assert [m.when.label for m in found] == [label] and found[0].prep is not None


def test_christmas_is_the_next_december_after_the_publication_date() -> None:
    assert [m.when.label for m in find_times("before Christmas", None, date(2024, 12, 5))] == ["2024-12"]
    assert [m.when.label for m in find_times("before Christmas", None, date(2025, 1, 10))] == ["2025-12"]
    # a name, not a date: "Christmas" without a preposition, or "early" qualifying a lowercase verb
    assert find_times("Christmas Day services", ED) == [] and find_times("in late may we", ED) == []
