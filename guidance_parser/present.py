"""What the report and the exports show: a record's text, value, deadline, label and change summary.

This module owns presentation: how a value is written (``display_value``, via ``units.display``), a
deadline (``display_when``), the text and type of a record, the label a change is listed under
(``display_label``), the one-line summary of a change (``summarise``) and the order of policy areas
(``area_rank``). The differ fills its records with these; report.py and export.py read them from here,
so they do not import the differ.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from guidance_parser import rules, units
from guidance_parser.model import (
    Aspect,
    Change,
    ChangeKind,
    Deadline,
    Evidence,
    FieldChange,
    Passage,
    Priority,
    RecordType,
    Target,
    TimelineEntry,
    TimelinePoint,
    When,
)
from guidance_parser.text import clean, reader_text, wording_key
from guidance_parser.vocabulary import anchors, fold_words

Record = Target | Deadline | Priority


def _fold(text: str) -> str:
    return fold_words(clean(text))


def display_value(t: Target) -> str | None:
    """A target's value and unit as a reader writes it: "78%", "30 minutes", "£1.2 billion"."""
    return units.display(t.value, t.unit)


def display_point(value: float | None, unit: str | None, when: When | None) -> str | None:
    """One figure and its deadline as a reader writes it: "82% by March 2027" (None without a figure)."""
    shown = units.display(value, unit)
    if shown is None:
        return None
    by = display_when(when)
    return f"{shown} by {by}" if by else shown


def display_trajectory(t: Target) -> str | None:
    """A target's figures: its trajectory's points, earliest first ("82% by March 2027, 85% by 2028/29"),
    or its one figure and deadline."""
    points = [display_point(p.value, p.unit, p.deadline) for p in t.points] or \
        [display_point(t.value, t.unit, t.deadline)]
    shown = [p for p in points if p]
    return ", ".join(shown) if shown else None


def display_when(w: When | None) -> str | None:
    """A deadline as written (cleaned) when the words name its year ("March 2027", "2028/29"); else what it
    resolves to, since "the next 3 years" or "by November" means nothing out of its edition ("2028/29",
    "November 2025"). The canonical label is the fallback."""
    if w is None:
        return None
    text = clean(w.text)
    if text and (str(w.start.year) in text or str(w.end.year) in text):
        return text
    return _label_words(w)


def _label_words(w: When) -> str:
    """A canonical label as words: "2025-11" -> "November 2025", "2026-03-31" -> "31 March 2026"."""
    if w.granularity == "month":
        return w.start.strftime("%B %Y")
    if w.granularity == "day":
        return f"{w.start.day} {w.start.strftime('%B %Y')}"
    return w.label


def record_text(r: Record) -> str:
    """The text that identifies a record for matching (values and dates excluded for targets)."""
    if isinstance(r, Target):
        return r.metric
    if isinstance(r, Deadline):
        return r.action
    return r.title


def change_kind(c: Change) -> str:
    """The kind of change a reader and a tracker see: a matched record whose wording alone moved is
    "reworded", kept apart from "changed" (a figure, date, scope or direction)."""
    return "reworded" if c.reworded_only else c.kind


def _is_fragment(heading: str) -> bool:
    """A heading that starts in lower case ("and autism") is the tail of a title a conversion split over
    two lines, or a bold phrase of body text: no section a reader would name."""
    return bool(re.match(r"[\W_]*[a-z]", heading))


def section_headings(section: Sequence[str]) -> list[str]:
    """The headings above a record as a reader names them: markup removed, fragments left out."""
    return [t for t in (reader_text(s) for s in section) if t and not _is_fragment(t)]


def section_path(section: Sequence[str], sep: str = " > ") -> str:
    """The headings above a record, outermost first, joined by " > " (exports) or ``sep``."""
    return sep.join(section_headings(section))


def source_fragment(path: str, ev: Evidence | Passage) -> str | None:
    """The URL fragment that opens the evidence in its source file: ``page=N`` for a PDF (N the page
    index viewers open), the section id for an HTML long-read, ``L123`` (the line, as GitHub, GitLab and
    editors' file links read it) for Markdown and text, or None."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix == "pdf" and ev.page is not None:
        return f"page={ev.page}"
    if suffix in ("html", "htm") and ev.anchor:
        return ev.anchor
    if suffix not in ("pdf", "html", "htm") and ev.line is not None:
        return f"L{ev.line}"
    return None


def where(ev: Evidence | Passage) -> str:
    """Where a quote is: the page number printed on the PDF page (else its index); in a Markdown or text
    conversion the printed page it kept and the line ("p. 28, line 1943"); else the section it sits in
    (an HTML long-read)."""
    if ev.page is not None:
        return f"p. {ev.page_label or ev.page}"
    located = ", ".join(p for p in (f"p. {ev.page_label}" if ev.page_label else None,
                                    f"line {ev.line}" if ev.line is not None else None) if p)
    if located:
        return located
    tail = section_headings(ev.section)[-2:]
    return "section: " + " › ".join(tail) if tail else ""


def record_type(r: Record) -> RecordType:
    if isinstance(r, Target):
        return "target"
    if isinstance(r, Deadline):
        return "deadline"
    return "priority"



_ASPECT_WORDS: dict[Aspect, str] = {
    "value": "value", "unit": "unit", "direction": "direction", "deadline_earlier": "deadline earlier",
    "deadline_later": "deadline later", "deadline_added": "deadline set", "deadline_removed":
    "deadline removed", "scope": "scope", "baseline": "baseline", "area": "area", "wording": "wording",
    "trajectory": "trajectory",
}


def describe(r: Record) -> str:
    if isinstance(r, Target):
        if len(r.points) > 1:
            return display_trajectory(r) or ""
        parts = [p for p in (display_value(r), f"by {display_when(r.deadline)}" if r.deadline else None) if p]
        return " ".join(parts)
    if isinstance(r, Deadline):
        return f"by {display_when(r.when)}"
    return ""


def summarise(kind: ChangeKind, old: Record | None, new: Record | None,
              details: Sequence[FieldChange]) -> str:
    """One line a reader can scan: "value 78% -> 82%; deadline later March 2026 -> March 2027"."""
    if kind == "added" and new is not None:
        return ("new: " + describe(new)).rstrip(": ")
    if kind == "dropped" and old is not None:
        return ("no longer stated: " + describe(old)).rstrip(": ")
    if kind == "unchanged":
        return "unchanged"
    bits = []
    for d in details:
        if d.aspect == "wording":
            bits.append("wording")
        else:
            bits.append(f"{_ASPECT_WORDS[d.aspect]} {d.old or '-'} -> {d.new or '-'}")
    return "; ".join(bits)



def _best_cell(text: str) -> str:
    """A table row's most telling cell (the one naming most standards, then the longest)."""
    cells = [c.strip() for c in text.split("|") if c.strip()]
    if len(cells) < 2:
        return clean(text.strip(" |"))
    return clean(max(cells, key=lambda c: (len(anchors(_fold(c))), len(c.split()))))


def display_label(r: Record, restatements: Sequence[Record] = ()) -> str:
    """How the report names a record: its own text, unless that names no standard and one of its
    restatements does ("Consistently meet or exceed" vs the table's "2-hour urgent community
    response (UCR) standard"). Table rows are named by their most telling cell."""
    own = _best_cell(record_text(r))
    if anchors(_fold(own)):
        return own
    others = [_best_cell(record_text(x)) for x in restatements]
    named = [o for o in others if anchors(_fold(o))]
    return max(named, key=lambda o: len(anchors(_fold(o)))) if named else own



def area_rank(area: str) -> int:
    """Where an area sorts (here and in the report): the NHS areas in rules/areas.toml's order, then
    areas named after a priority title, then the "other" area last."""
    a = rules.areas()
    return a.names.index(area) if area in a.names else len(a.names) + (area == a.other)


def heading_renamed(old: str | None, new: str | None) -> bool:
    """Whether a section's heading was reworded (figures and dates aside), so the report shows the old one."""
    return bool(old and new) and wording_key(old or "") != wording_key(new or "")


# --- timelines: what happened to a followed record in each edition (read by the report and the workbook) ---

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
