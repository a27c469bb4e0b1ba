"""The HTML change report: one self-contained page a policy analyst can read, filter and print.

This module owns turning a ``DiffResult`` into HTML. It prepares plain view data (display strings,
evidence locations, highlighted quote segments) and renders ``templates/report.html.j2`` with
jinja2 autoescaping ON: every string that came from a source document is escaped, so text in a PDF
can never inject markup or script. The page has inline CSS and JS only (no network), and a
Content-Security-Policy whose script hash admits only our own script.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from guidance_parser import __version__
from guidance_parser.briefing import BriefingItem, briefing
from guidance_parser.model import (
    Change,
    Deadline,
    DiffResult,
    DocumentRef,
    EditionDiff,
    Evidence,
    Passage,
    Priority,
    SectionDiff,
    Target,
    TextOp,
)
from guidance_parser.present import (
    area_rank,
    change_kind,
    display_trajectory,
    display_value,
    display_when,
    heading_renamed,
    record_text,
    section_headings,
    source_fragment,
    steps,
    where,
)
from guidance_parser.text import reader_text

# What the report shows: a change whose only difference is wording gets its own label and filter,
# so the headline "Changed" count is figures, dates, scope and direction.
DISPLAY_KINDS = {"changed": "Changed", "reworded": "Reworded only", "added": "New", "dropped": "Dropped",
                 "kept_without_figure": "Kept without a figure", "unchanged": "Unchanged"}
SECTION_LABELS = {"changed": "Reworded", "added": "New", "dropped": "Dropped", "unchanged": "Unchanged"}
TYPE_LABELS = {"target": "Target", "deadline": "Deadline", "priority": "Priority"}
TYPE_PLURALS = {"target": "Targets", "deadline": "Deadlines", "priority": "Priorities"}
ASPECT_LABELS = {
    "value": "value", "unit": "unit", "direction": "direction", "deadline_earlier": "deadline earlier",
    "deadline_later": "deadline later", "deadline_added": "deadline set", "deadline_removed":
    "deadline removed", "scope": "scope", "baseline": "baseline", "area": "area moved", "wording": "wording",
    "trajectory": "trajectory",
}
AREA_OPEN_MAX = 12  # an area with more records to show starts collapsed, its counts in the summary
EQUAL_RUN_SHOWN = 1  # unchanged paragraphs shown either side of a change; longer runs fold away


@cache
def _env() -> jinja2.Environment:
    folder = resources.files("guidance_parser.templates")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,  # all templates, whatever their extension: source text is untrusted
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _asset(name: str) -> str:
    return resources.files("guidance_parser.templates").joinpath(name).read_text(encoding="utf-8")


# --- view data --------------------------------------------------------------------------------

@dataclass
class Side:
    """One edition's statement of a record, ready to print."""

    edition: str
    value: str | None
    deadline: str | None
    scope: str | None
    where: str
    quote: list[tuple[str, bool]]  # (text, highlighted) segments of the source sentence
    href: str | None = None  # opens the source at this page, section or line
    section: str = ""  # the headings above it (the last two, fragments left out), when ``where`` does not say


@dataclass
class Row:
    id: str
    kind: str
    kind_label: str
    type: str
    type_label: str
    area: str
    label: str
    new_label: str | None
    aspects: list[tuple[str, str]]
    summary: str
    old: Side | None
    new: Side | None
    similarity: float | None
    changed: set[str] = field(default_factory=set)  # which of value / deadline / scope differ
    anchor: str = ""  # the row's HTML id, which briefing lines link to
    closest: list[tuple[Passage, str, str | None]] = field(default_factory=list)  # (passage, where, href)
    searched: str = ""  # for a dropped / kept record: what the new edition was searched for, as a reader reads it


def mark(sentence: str, needles: Sequence[str | None]) -> list[tuple[str, bool]]:
    """Split ``sentence`` into segments, flagging the first occurrence of each needle for <mark>."""
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        m = re.search(r"(?<![\w.])" + re.escape(needle) + r"(?![\w])", sentence, flags=re.IGNORECASE)
        if m and not any(a < m.end() and m.start() < b for a, b in spans):
            spans.append(m.span())
    out: list[tuple[str, bool]] = []
    pos = 0
    for a, b in sorted(spans):
        if a > pos:
            out.append((sentence[pos:a], False))
        out.append((sentence[a:b], True))
        pos = b
    if pos < len(sentence):
        out.append((sentence[pos:], False))
    return out


def _needles(r: Target | Deadline | Priority) -> list[str | None]:
    if isinstance(r, Target):
        v = display_value(r)
        number = re.match(r"£?[\d,.]+%?", v or "")
        when = r.deadline.text if r.deadline else None
        return [v, number.group(0) if number else None, when]
    if isinstance(r, Deadline):
        return [r.when.text]
    return []


@dataclass
class Sources:
    """Links from evidence to the source files: ``file.pdf#page=N`` (N the PDF page index, which is
    what viewers open) and ``page.html#section-id`` for HTML long-reads, relative to the report's
    folder when the report is written to a file."""

    docs: dict[str, DocumentRef]
    out_dir: Path | None = None

    def file_href(self, edition: str) -> str | None:
        """The edition's source file, relative to the report's folder (else to the current folder)."""
        doc = self.docs.get(edition)
        if doc is None:
            return None
        path = Path(doc.path)
        if self.out_dir is not None:
            path = Path(os.path.relpath(path.resolve(), self.out_dir.resolve()))
        return quote(path.as_posix())

    def href(self, edition: str, ev: Evidence | Passage) -> str | None:
        doc = self.docs.get(edition)
        fragment = source_fragment(doc.path, ev) if doc is not None else None
        if fragment is None:
            return None
        return f"{self.file_href(edition)}#{quote(fragment, safe='=')}"


def _side(edition: str, r: Target | Deadline | Priority | None, sources: Sources) -> Side | None:
    if r is None:
        return None
    if isinstance(r, Target) and len(r.points) > 1:  # a trajectory: every point with its own deadline
        value, when, scope = display_trajectory(r), None, r.scope
    elif isinstance(r, Target):
        value, when, scope = display_value(r), display_when(r.deadline), r.scope
    elif isinstance(r, Deadline):
        value, when, scope = None, display_when(r.when), None
    else:
        value, when, scope = None, None, None
    sentence = reader_text(r.evidence.sentence).replace("\\(", "(").replace("\\)", ")")
    at = where(r.evidence)
    section = "" if at.startswith("section:") else " › ".join(section_headings(r.evidence.section)[-2:])
    return Side(edition=edition, value=value, deadline=when, scope=scope, where=at,
                quote=mark(sentence, _needles(r)), href=sources.href(edition, r.evidence), section=section)


def _row(c: Change, index: int, sources: Sources) -> Row:
    changed = set()
    for a in c.aspects:
        if a in ("value", "unit"):
            changed.add("value")
        elif a.startswith("deadline"):
            changed.add("deadline")
        elif a == "scope":
            changed.add("scope")
    kind = change_kind(c)
    new_label = None
    if "wording" in c.aspects and c.new is not None:
        new_label = reader_text(record_text(c.new))
    closest = [(p, where(p), sources.href(c.new_edition, p)) for p in c.closest]
    return Row(id=c.id, kind=kind, kind_label=DISPLAY_KINDS[kind], type=c.record_type,
               type_label=TYPE_LABELS[c.record_type], area=c.area, label=c.label, new_label=new_label,
               aspects=[(a, ASPECT_LABELS[a]) for a in c.aspects], summary=c.summary,
               old=_side(c.old_edition, c.old, sources), new=_side(c.new_edition, c.new, sources),
               similarity=c.similarity, changed=changed, anchor=row_anchor(index, c.id), closest=closest,
               searched=_searched(c))


def _searched(c: Change) -> str:
    """The search that verified a drop (or found the measure still named), in a sentence."""
    s = c.search
    if s is None:
        return ""
    if s.by == "none":
        return f"Not verified: the record names no measure to search {c.new_edition} for."
    what = {"catalogue": "the measure's catalogue names", "standards": "the standards it names",
            "key words": "its key words"}[s.by]
    terms = "; ".join(f"“{t}”" for t in s.terms)
    found = f"named in {s.passages} passage{'s' if s.passages != 1 else ''}" if s.passages else "named in no passage"
    return f"Searched {c.new_edition} for {what} ({terms}): {found}."


def row_anchor(pair_index: int, change_id: str) -> str:
    """The HTML id of a change's row: unique in the report (ids are unique within a pair)."""
    return f"r{pair_index}-{_slug(change_id)}"


@dataclass
class AreaTable:
    name: str
    slug: str
    rows: list[Row]
    counts: Counter[str]

    @property
    def open(self) -> bool:
        """Shown expanded: few enough rows besides the unchanged ones (hidden by default)."""
        return sum(r.kind != "unchanged" for r in self.rows) <= AREA_OPEN_MAX


@dataclass
class Chunk:
    """A piece of a section diff: a single op, or a folded run of unchanged paragraphs."""

    op: str
    ops: list[TextOp]


def _chunks(ops: Sequence[TextOp], keep: int = EQUAL_RUN_SHOWN) -> list[Chunk]:
    """Fold long runs of unchanged paragraphs, keeping ``keep`` either side of a change for context."""
    out: list[Chunk] = []
    i = 0
    n = len(ops)
    while i < n:
        if ops[i].op != "equal":
            out.append(Chunk(ops[i].op, [ops[i]]))
            i += 1
            continue
        j = i
        while j < n and ops[j].op == "equal":
            j += 1
        run = list(ops[i:j])
        head = keep if i > 0 else 0
        tail = keep if j < n else 0
        if len(run) <= head + tail + 1:
            out.extend(Chunk("equal", [op]) for op in run)
        else:
            out.extend(Chunk("equal", [op]) for op in run[:head])
            out.append(Chunk("fold", run[head: len(run) - tail]))
            out.extend(Chunk("equal", [op]) for op in run[len(run) - tail:])
        i = j
    return out


@dataclass
class SectionView:
    status: str
    status_label: str
    title: str
    old_title: str | None
    where: str
    words_added: int
    words_removed: int
    chunks: list[Chunk]


def _section_view(s: SectionDiff) -> SectionView:
    title = s.new_heading or s.old_heading or "(untitled)"
    renamed = s.old_heading if heading_renamed(s.old_heading, s.new_heading) else None
    pages = []
    if s.old_page is not None:
        pages.append(f"was p. {s.old_page}")
    if s.new_page is not None:
        pages.append(f"now p. {s.new_page}")
    return SectionView(status=s.status, status_label=SECTION_LABELS[s.status], title=title, old_title=renamed,
                       where=", ".join(pages), words_added=s.words_added, words_removed=s.words_removed,
                       chunks=_chunks(s.ops))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "area"


def _area_order(name: str) -> tuple[int, str]:
    return area_rank(name), name


@dataclass
class PairView:
    old: DocumentRef
    new: DocumentRef
    counts: dict[str, int]
    by_type: dict[str, Counter[str]]
    type_summary: dict[str, str]
    areas: list[AreaTable]
    briefing: list[BriefingItem]
    doubtful: list[BriefingItem]  # low-confidence briefing items, shown apart
    more: int  # confident briefing items that did not fit
    sections: list[SectionView]
    section_counts: Counter[str]


def _pair_view(p: EditionDiff, index: int, sources: Sources, threshold: float | None) -> PairView:
    rows = [_row(c, index, sources) for c in p.changes]
    groups: dict[str, list[Row]] = {}
    for r in rows:
        groups.setdefault(r.area, []).append(r)
    areas = [AreaTable(name, f"p{index}-{_slug(name)}", groups[name], Counter(r.kind for r in groups[name]))
             for name in sorted(groups, key=_area_order)]
    by_type: dict[str, Counter[str]] = {t: Counter() for t in TYPE_LABELS}
    for r in rows:
        by_type[r.type][r.kind] += 1
    lead, doubtful, more = briefing(p.changes, p.new.edition, threshold)
    for item in (*lead, *doubtful):
        item.change_id = row_anchor(index, item.change_id)  # the template links to the row
        item.change_ids = [row_anchor(index, c) for c in item.change_ids]
    # The cards' numbers count targets only (the commitments that make news); other types are named below them.
    def _n(t: str, k: str) -> str:
        return f"{'also ' if t != 'target' else ''}{by_type[t][k]} " \
               f"{(TYPE_LABELS if by_type[t][k] == 1 else TYPE_PLURALS)[t].lower()}"
    type_summary = {k: " · ".join(_n(t, k) for t in TYPE_LABELS if by_type[t][k]) for k in DISPLAY_KINDS}
    counts = {k: by_type["target"][k] for k in DISPLAY_KINDS}
    sections = [_section_view(s) for s in p.sections]
    return PairView(old=p.old, new=p.new, counts=counts, by_type=by_type, type_summary=type_summary,
                    areas=areas, briefing=lead, doubtful=doubtful, more=more, sections=sections,
                    section_counts=Counter(s.status for s in sections))


@dataclass
class TimelineCell:
    present: bool
    value: str | None = None
    deadline: str | None = None
    moved: bool = False  # differs from the previous edition that stated it
    status: str = "absent"  # "first", "same", "changed", "gone" (absent after being stated), "absent"
    where: str = ""
    href: str | None = None


def _timeline_rows(result: DiffResult, sources: Sources) -> list[dict[str, Any]]:
    editions = [e.edition for e in result.editions]
    rows = []
    for t in result.timelines:
        cells = [TimelineCell(False, status=status) if pt is None else
                 TimelineCell(True, pt.value, pt.deadline, moved=status == "changed", status=status,
                              where=where(pt.evidence), href=sources.href(e, pt.evidence))
                 for e, pt, status in steps(t, editions)]
        rows.append({"id": t.id, "label": t.label, "area": t.area, "type": t.record_type, "cells": cells,
                     "first_seen": t.first_seen, "last_seen": t.last_seen, "metric_id": t.metric_id})
    return rows


def view(result: DiffResult, out_dir: Path | None = None) -> dict[str, Any]:
    """Everything the template prints, as plain data (also handy for tests). ``out_dir`` is the
    folder the report is written to, so links to the source PDFs are relative to it."""
    sources = Sources({e.edition: e for e in result.editions}, out_dir)
    pairs = [_pair_view(p, i, sources, result.settings.get("threshold")) for i, p in enumerate(result.pairs)]
    area_names = sorted({a.name for p in pairs for a in p.areas}, key=_area_order)
    return {
        "editions": result.editions,
        # the File column: the file's name (never the user's folders), linked relative to the report
        "files": {e.edition: (Path(e.path).name, sources.file_href(e.edition)) for e in result.editions},
        "pairs": pairs,
        "timelines": _timeline_rows(result, sources),
        "timeline_editions": [e.edition for e in result.editions],
        "areas": area_names,
        "kinds": DISPLAY_KINDS,
        "types": TYPE_PLURALS,
        "settings": result.settings,
        "generator": f"guidance-parser {__version__}",
        "generated": datetime.now(timezone.utc).strftime("%d %B %Y %H:%M UTC"),
    }


def render_html(result: DiffResult, out_dir: Path | None = None) -> str:
    """The self-contained HTML report for a diff (inline CSS and JS, no network access). Give
    ``out_dir``, the folder the report will be written to, to link evidence to the source PDFs
    relative to the report (by default, relative to the current folder)."""
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    # Markup() only for our own static assets shipped in the package; never for document text.
    return _env().get_template("report.html.j2").render(
        **view(result, out_dir), css=Markup(_asset("report.css")), script=Markup(script), csp=csp)
