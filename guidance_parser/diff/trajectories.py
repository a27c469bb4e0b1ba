"""Trajectories: the figures one edition sets for one measure over several years, read as one target.

Owned here: which targets of an edition (after its restatements are merged) are the points of one
trajectory, and the one target that stands for them (``Target.points``, earliest first; its value, unit,
deadline and evidence are the earliest point's, so everything that reads one figure still can). The differ
then pairs the trajectory with last year's target once and compares the two point by point
(``classify``), instead of pairing one year's figure and calling the others new.

The rule is deliberately narrow, because a wrong trajectory is a false claim: the points are stated in
the same sentence (a multi-year table row, "82% by March 2027, rising to 85% in 2028/29"), name the same
measure of the metric catalogue, in units of one kind, all levels or all changes (``records.figure_kind``),
each with its own deadline. A sentence that sets two figures of one measure for
the same date (a recovery and an improvement rate, a national target and every trust's floor, both for
2026/27) is ambiguous and left as separate targets. A point keeps its own scope ("every trust",
"national"), so a trajectory may move from a floor to a national target.

Grouping happens in the diff stage, not at extraction, so extraction's exports and its evaluation
against the gold files (one record per stated figure) are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from guidance_parser import units
from guidance_parser.diff.normalise import clean
from guidance_parser.diff.records import Labelled, figure_kind
from guidance_parser.model import Target, TrajectoryPoint

_Key = tuple[str, str, str | None, bool]


def _key(t: Target) -> _Key | None:
    """What the points of one trajectory share, or None when a target cannot be a point (no figure, no
    date, no catalogue measure)."""
    if t.metric_id is None or t.value is None or t.deadline is None:
        return None
    # a change ("a 7% improvement") is never a point of a trajectory of levels ("to 65%"); an unknown kind
    # goes with the levels, as most figures are
    return clean(t.evidence.sentence), t.metric_id, units.kind(t.unit), figure_kind(t) == "change"


def _end(t: Target) -> date:
    assert t.deadline is not None
    return t.deadline.end


def point(t: Target) -> TrajectoryPoint:
    """A target's own figure as a trajectory point."""
    return TrajectoryPoint(value=t.value, unit=t.unit, deadline=t.deadline, scope=t.scope, evidence=t.evidence)


def group(records: Sequence[Labelled]) -> list[Labelled]:
    """The records of one edition with each trajectory's points merged into one target, in document
    order (a trajectory stands where its earliest point was)."""
    candidates: dict[_Key, list[int]] = {}
    for k, (r, _) in enumerate(records):
        key = _key(r) if isinstance(r, Target) else None
        if key is not None:
            candidates.setdefault(key, []).append(k)
    merged: dict[int, Labelled] = {}
    absorbed: set[int] = set()
    for members in candidates.values():
        targets = [records[k][0] for k in members]
        ends = [_end(t) for t in targets if isinstance(t, Target)]
        if len(members) < 2 or len(set(ends)) < len(ends):
            continue  # one figure, or two figures for one date: not a trajectory we can read safely
        order = sorted(members, key=lambda k: _end(records[k][0]))  # type: ignore[arg-type]
        head, label = records[order[0]]
        assert isinstance(head, Target)
        merged[order[0]] = (replace(head, points=[point(records[k][0]) for k in order]), label)  # type: ignore[arg-type]
        absorbed.update(order[1:])
    return [merged.get(k, rl) for k, rl in enumerate(records) if k not in absorbed]
