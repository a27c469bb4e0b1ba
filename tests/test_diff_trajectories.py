"""Trajectories: a measure's figures for several years in one sentence are one target, compared point by
point (diff/trajectories.py)."""

from __future__ import annotations

from test_diff_helpers import catalogued, edition, target

from guidance_parser import export
from guidance_parser.diff import diff_editions
from guidance_parser.model import Target

AE = "patients seen within 4 hours in A&E"
ROW = "A&E: every trust to 82% by March 2027, rising to a national 85% in 2028/29."


def _ae(value: float, deadline: str, sentence: str | None = None) -> Target:
    return catalogued(target(AE, value, deadline=deadline, sentence=sentence))


def test_a_multi_year_row_is_one_target_compared_point_by_point():
    old = edition("2025/26", [_ae(78, "2026-03")])
    new = edition("2026/27 to 2028/29", [_ae(82, "2027-03", ROW), _ae(85, "2028/29", ROW)])
    result = diff_editions([old, new])
    targets = [c for c in result.pairs[0].changes if c.record_type == "target"]
    assert [c.kind for c in targets] == ["changed"]  # not "changed" plus a new 85%
    c = targets[0]
    assert isinstance(c.new, Target) and [p.value for p in c.new.points] == [82.0, 85.0]
    assert (c.new.value, c.new.deadline.label) == (82.0, "2027-03")  # type: ignore[union-attr]  # the headline point
    assert "trajectory" in c.aspects and "value" in c.aspects
    assert "trajectory 78% by March 2026 -> 82% by March 2027, 85% by 2028/29" in c.summary
    export.validate(export.diff_payload(result), "diff")  # points are in the published schema


def test_the_same_trajectory_next_year_is_unchanged_and_a_moved_point_is_a_change():
    same = edition("2026/27 to 2028/29", [_ae(82, "2027-03", ROW), _ae(85, "2028/29", ROW)])
    again = edition("2027/28 to 2029/30", [_ae(82, "2027-03", ROW), _ae(85, "2028/29", ROW)])
    assert [c.kind for c in diff_editions([same, again]).pairs[0].changes] == ["unchanged"]
    row = "A&E: every trust to 82% by March 2027, rising to a national 84% in 2028/29."
    lowered = edition("2027/28 to 2029/30", [_ae(82, "2027-03", row), _ae(84, "2028/29", row)])
    c = diff_editions([same, lowered]).pairs[0].changes[0]
    assert c.kind == "changed" and "trajectory" in c.aspects and "value" not in c.aspects  # the headline held


def test_two_figures_for_one_date_are_not_read_as_a_trajectory():
    row = "A&E: every trust to 82% and a national 85% by March 2027."
    new = edition("2026/27", [_ae(82, "2027-03", row), _ae(85, "2027-03", row)])
    result = diff_editions([edition("2025/26", [_ae(78, "2026-03")]), new])
    targets = [c for c in result.pairs[0].changes if c.record_type == "target"]
    assert len(targets) == 2 and not any(isinstance(c.new, Target) and c.new.points for c in targets)
