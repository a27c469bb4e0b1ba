"""Reading a timeline: what happened to a followed record in each edition.

Owned here: the one definition of a timeline step's status, shared by the HTML report and the
Excel workbook. The differ builds the timelines (``diff._timelines``); this only reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from guidance_parser.model import TimelineEntry, TimelinePoint

Status = Literal["first", "same", "changed", "gone", "absent"]


def steps(entry: TimelineEntry, editions: Sequence[str]) -> list[tuple[str, TimelinePoint | None, Status]]:
    """Per edition (oldest first): the record as stated there (None if absent) and its status:
    "first" stated, "same" value and deadline as the last edition that stated it, "changed", "gone"
    (absent after being stated: dropped, or not found), or "absent" (not stated yet)."""
    by_edition = {pt.edition: pt for pt in entry.points}
    out: list[tuple[str, TimelinePoint | None, Status]] = []
    last: tuple[str | None, str | None] | None = None
    for e in editions:
        pt = by_edition.get(e)
        if pt is None:
            out.append((e, None, "gone" if last is not None else "absent"))
            continue
        now = (pt.value, pt.deadline)
        out.append((e, pt, "first" if last is None else "changed" if now != last else "same"))
        last = now
    return out
