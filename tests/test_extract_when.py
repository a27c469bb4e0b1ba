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
