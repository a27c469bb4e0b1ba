"""guidance_parser/present.py: what the report and exports show, without loading the differ."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from guidance_parser.model import Evidence, FieldChange, Target, When
from guidance_parser.present import display_point, display_value, display_when, heading_renamed, summarise

ROOT = Path(__file__).resolve().parent.parent


def _target(value: float, unit: str) -> Target:
    return Target(id="t-1", metric="capital allocation", value=value, unit=unit, direction=None, baseline=None,
                  deadline=When("March 2026", "2026-03", date(2026, 3, 1), date(2026, 3, 31), "month"), scope=None,
                  priority=None, evidence=Evidence("s", 1, (), 0))


def test_money_and_dates_as_a_reader_writes_them():
    t = _target(250_000_000, "GBP")
    assert display_value(t) == "£250 million"
    assert display_when(t.deadline) == "March 2026"
    assert summarise("added", None, t, []) == "new: £250 million by March 2026"
    change = [FieldChange("value", "£250 million", "£300 million")]
    assert summarise("changed", t, t, change) == "value £250 million -> £300 million"


def test_heading_renamed_ignores_a_rolled_year():
    assert not heading_renamed("Annex A: objectives for 2024/25", "Annex A: objectives for 2025/26")
    assert heading_renamed("Urgent care", "Urgent and emergency care")
    assert not heading_renamed(None, "Urgent care")


def test_report_and_export_do_not_import_the_differ():
    code = ("import sys, guidance_parser.report, guidance_parser.export; "
            "print('guidance_parser.diff' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_deadline_written_without_its_year_is_shown_as_what_it_resolves_to() -> None:
    written = When("March 2027", "2027-03", date(2027, 3, 1), date(2027, 3, 31), "month")
    relative = When("the next 3 years", "2028/29", date(2028, 4, 1), date(2029, 3, 31), "financial_year")
    month = When("November", "2025-11", date(2025, 11, 1), date(2025, 11, 30), "month")
    day = When("the end of this financial year", "2026-03-31", date(2026, 3, 31), date(2026, 3, 31), "day")
    assert display_when(written) == "March 2027"
    assert display_point(2, "%", relative) == "2% by 2028/29"  # not "2% by the next 3 years"
    assert display_when(month) == "November 2025" and display_when(day) == "31 March 2026"
