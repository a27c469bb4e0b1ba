"""Time normalisation: UK financial years, quarters, months against the edition, relative periods."""

from __future__ import annotations

from datetime import date

import pytest

from guidance_parser.model import Edition
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
