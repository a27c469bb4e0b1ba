"""Timelines: every record followed across three or more editions."""

from __future__ import annotations

from collections.abc import Sequence

from guidance_parser.diff.normalise import clean
from guidance_parser.diff.records import _TYPE_ORDER
from guidance_parser.model import (
    Deadline,
    EditionDiff,
    RecordType,
    Target,
    TimelineEntry,
    TimelinePoint,
)
from guidance_parser.present import (
    Record,
    area_rank,
    display_trajectory,
    display_value,
    display_when,
    record_text,
)

# --- timelines --------------------------------------------------------------------------------

def _point(edition: str, r: Record) -> TimelinePoint:
    value = (display_trajectory(r) if r.points else display_value(r)) if isinstance(r, Target) else None
    when = r.deadline if isinstance(r, Target) else r.when if isinstance(r, Deadline) else None
    return TimelinePoint(edition=edition, record_id=r.id, value=value, deadline=display_when(when),
                         text=clean(record_text(r)), evidence=r.evidence)


def _timelines(pairs: Sequence[EditionDiff]) -> list[TimelineEntry]:
    entries: dict[tuple[RecordType, str], TimelineEntry] = {}
    order: list[tuple[RecordType, str]] = []
    for p in pairs:
        for c in p.changes:
            key = (c.record_type, c.id)
            entry = entries.get(key)
            if entry is None:
                entry = TimelineEntry(id=c.id, record_type=c.record_type, area=c.area, label=c.label,
                                      first_seen="", last_seen="", metric_id=getattr(c.old or c.new, "metric_id", None))
                entries[key] = entry
                order.append(key)
            if c.old is not None and not any(pt.edition == c.old_edition for pt in entry.points):
                entry.points.append(_point(c.old_edition, c.old))
            if c.new is not None and not any(pt.edition == c.new_edition for pt in entry.points):
                entry.points.append(_point(c.new_edition, c.new))
                entry.area = c.area  # the label stays the first wording, like the id
    out = []
    for key in order:
        e = entries[key]
        if e.points:
            e.first_seen, e.last_seen = e.points[0].edition, e.points[-1].edition
            out.append(e)
    return sorted(out, key=lambda e: (area_rank(e.area), e.area, _TYPE_ORDER[e.record_type],
                                      e.label.lower()))
