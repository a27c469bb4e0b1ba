"""guidance_parser/units.py: one definition of a unit's kind, its canonical name, value equality and display."""

from __future__ import annotations

from guidance_parser import units
from guidance_parser.evaluate import unit_category


def test_kinds_and_canonical_names():
    assert units.kind("%") == units.kind("per cent") == units.kind("percent") == "percent"
    assert units.kind("percentage points") == units.kind("pp") == "points"  # points everywhere
    assert units.kind("minutes") == units.kind("hours") == units.kind("weeks") == "time"
    assert units.kind("GBP") == units.kind("£ billion") == units.kind("£") == "money"
    assert units.kind("appointments") == units.kind("CYP") == "count"  # "appointments" contains "point"
    assert units.kind(None) is None and units.kind("  ") is None
    assert units.canonical("per cent") == "%" and units.canonical("Hours") == "hour"
    assert units.canonical("£") == units.canonical("gbp") == "GBP"
    assert units.comparable("percent", "points") and not units.comparable("percent", "time")


def test_the_differ_and_the_scorer_agree():
    # the scorer told "percentage points" from "%" and the differ did not: now both read points
    assert unit_category("percentage points") == units.kind("percentage points") == "points"
    assert unit_category("minutes") == "minute" != unit_category("hours")


def test_one_tolerance_for_equal_values():
    assert units.same_value(0.1 + 0.2, 0.3) and units.same_value(7e9, 7e9 + 1)
    assert not units.same_value(78, 78.1) and not units.same_value(None, 0.0) and units.same_value(None, None)


def test_display_as_a_reader_writes_it():
    assert units.display(250_000_000, "GBP") == "£250 million"  # was "250,000,000 GBP"
    assert units.display(1.2, "£ billion") == "£1.2 billion"
    assert units.display(7e9, "GBP") == "£7 billion" and units.display(500, "£") == "£500"
    assert units.display(18, "minutes") == "18 minutes" and units.display(1, "days") == "1 day"
    assert units.display(5, "percentage points") == "5 percentage points"
    assert units.display(66.7, "%") == "66.7%" and units.display(700_000, "appointments") == "700,000 appointments"
    assert units.display(4, "count") == "4" and units.display(None, "CYP") == "CYP"
