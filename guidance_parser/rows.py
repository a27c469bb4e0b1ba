"""The export contract: the one flat row of a record and of a change, shared by every tabular format.

This module owns the columns that CSV, JSONL (each line's ``row``), the Excel workbook and the SQLite
database carry: their names, order, types and meaning (``Column``), and the functions that fill a row
from a record (``record_row``), a change (``change_row``) or a timeline step (``timeline_rows``). A
format only decides how a typed value is written (a CSV cell, an Excel date, a SQLite TEXT); it never
picks, renames or computes a column, so every format carries the same columns with the same values.
``schema.json`` publishes the columns as ``ExtractionRow`` / ``DiffRow`` / ``TimelineRow``
(``schema_defs`` builds those definitions; a test keeps the shipped schema equal to them).

Values in a row are JSON-ready: numbers as ``float`` / ``int``, dates as ISO strings ("2026-03-31"),
absent values as ``None``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from guidance_parser import catalogue
from guidance_parser.model import (
    Change,
    Deadline,
    DiffResult,
    DocumentRef,
    Evidence,
    Extraction,
    Passage,
    Priority,
    Target,
    When,
)
from guidance_parser.present import (
    change_kind,
    display_value,
    display_when,
    record_text,
    record_type,
    section_path,
    source_fragment,
    steps,
    where,
)

ColumnType = Literal["string", "number", "integer", "date"]
Record = Target | Deadline | Priority


@dataclass(frozen=True)
class Column:
    """One column of the contract: its name, the type of its values and what it holds."""

    name: str
    type: ColumnType
    about: str


# The columns of one extracted record (``guidance extract``; a diff's Targets/Deadlines/Priorities).
RECORD_COLUMNS: tuple[Column, ...] = (
    Column("id", "string", "the record's id: t-/d-/p- and a hash of its normalised text (README, 'Ids')"),
    Column("record_type", "string", "target, deadline or priority"),
    Column("edition", "string", "the edition label, e.g. 2025/26"),
    Column("document", "string", "the source file as given"),
    Column("text", "string", "what the record says (a target's measure and figure)"),
    Column("metric_id", "string", "the metric catalogue's id of the measure (rules/metrics.toml), e.g. uec.ae_4h"),
    Column("measure", "string", "the catalogue's name of that measure"),
    Column("value", "number", "a target's figure, as a number"),
    Column("unit", "string", "the figure's unit (%, minutes, GBP, ...)"),
    Column("value_text", "string", "figure and unit as a reader writes them: 78%, GBP 1.2 billion"),
    Column("points", "string", "a multi-year target's trajectory, earliest first, as JSON text: a list of "
                               "{value, unit, deadline_label, deadline_end, scope} (diff/trajectories.py); "
                               "empty for a target of one figure"),
    Column("direction", "string", "increase, reduce, maintain, at_least, at_most or achieve"),
    Column("baseline", "string", "the baseline the figure is measured from, as written"),
    Column("deadline", "string", "the deadline as written"),
    Column("deadline_label", "string", "the deadline's canonical label: 2026-03, 2025/26, Q3 2025/26"),
    Column("deadline_start", "date", "first day of the deadline's period"),
    Column("deadline_end", "date", "last day of the deadline's period"),
    Column("scope", "string", "who the target binds (nationally, every trust, ...)"),
    Column("priority", "string", "the priority a target sits under, when no heading names it"),
    Column("basis", "string", "the cue or rule that made the figure a target (modal:will, table:target column)"),
    Column("confidence", "number", "how strong that basis is, 0-1 (targets only)"),
    Column("page", "integer", "the PDF page index (what file.pdf#page=N opens)"),
    Column("page_label", "string", "the page number printed on that page, as a reader cites it"),
    Column("line", "integer", "Markdown and text: the source line the evidence sentence starts on"),
    Column("locator", "string", "where the evidence is in its file: name.pdf#page=N, name.html#anchor, name.md#L123"),
    Column("section", "string", "the headings above the evidence, outermost first, joined by ' > '"),
    Column("sentence", "string", "the evidence: the exact source sentence"),
)

# A record's columns that a change carries for each side, as old_<name> and new_<name>.
SIDE_COLUMNS: tuple[str, ...] = ("id", "value", "unit", "value_text", "points", "deadline", "deadline_label",
                                 "deadline_start", "deadline_end", "scope", "confidence", "page", "page_label",
                                 "line", "locator", "section", "sentence")
_BY_NAME = {c.name: c for c in RECORD_COLUMNS}

CHANGE_COLUMNS: tuple[Column, ...] = (
    Column("id", "string", "the lineage id, the same for one commitment across editions (README, 'Ids')"),
    Column("old_edition", "string", "the older edition of the pair"),
    Column("new_edition", "string", "the newer edition of the pair"),
    Column("record_type", "string", "target, deadline or priority"),
    Column("change", "string", "added, dropped (verified by a search of the new edition), kept_without_figure "
                               "(its measure still named, with no figure), changed (a figure, date, scope or "
                               "direction), reworded (the wording only) or unchanged"),
    Column("aspects", "string", "what changed, ';'-separated (value;deadline_later;wording ...)"),
    Column("area", "string", "the policy area the report groups by"),
    Column("label", "string", "the record's name as its lineage first stated it"),
    Column("metric_id", "string", "the metric catalogue's id of the measure"),
    Column("measure", "string", "the catalogue's name of that measure"),
    *(Column(f"{side}_{name}", _BY_NAME[name].type, f"{_BY_NAME[name].about} ({side} edition)")
      for name in SIDE_COLUMNS for side in ("old", "new")),
    Column("summary", "string", "one line: value 78% -> 82%; deadline later 2026-03 -> 2027-03"),
    Column("similarity", "number", "the matching score of the pair, 0-1 (none for added / dropped)"),
    Column("closest", "string", "dropped records: the new edition's closest passages, ' | '-separated"),
)

TIMELINE_COLUMNS: tuple[Column, ...] = (
    Column("id", "string", "the lineage id of the followed record"),
    Column("metric_id", "string", "the metric catalogue's id of the measure"),
    Column("record_type", "string", "target, deadline or priority"),
    Column("area", "string", "the policy area"),
    Column("label", "string", "the record's name"),
    Column("edition", "string", "the edition of this step"),
    Column("status", "string", "first stated, same, changed or dropped"),
    Column("value", "string", "the figure as stated in this edition"),
    Column("deadline", "string", "the deadline as stated in this edition"),
    Column("record_id", "string", "the record's id in this edition"),
    Column("page", "integer", "the PDF page index"),
    Column("page_label", "string", "the printed page number"),
    Column("locator", "string", "where the evidence is in its file"),
    Column("sentence", "string", "the evidence sentence"),
)


def names(columns: Sequence[Column]) -> list[str]:
    return [c.name for c in columns]


# --- filling rows -----------------------------------------------------------------------------

def locator(path: str | None, ev: Evidence | Passage) -> str | None:
    """``name.pdf#page=7``, ``name.html#anchor`` or ``name.md#L123``: the file's name (never the user's
    folders) and the fragment that opens the evidence, or None when the file type has no such place."""
    if not path:
        return None
    fragment = source_fragment(path, ev)
    return f"{Path(path).name}#{fragment}" if fragment else None


def _absent_as_none(row: dict[str, Any]) -> dict[str, Any]:
    """Empty text is an absent value: None in every format (an empty CSV cell, a NULL, no Excel value)."""
    return {k: None if v == "" else v for k, v in row.items()}


def _when(w: When | None) -> dict[str, Any]:
    return {"deadline": display_when(w), "deadline_label": w.label if w else None,
            "deadline_start": w.start.isoformat() if w else None, "deadline_end": w.end.isoformat() if w else None}


def _measure(metric_id: str | None) -> str | None:
    m = catalogue.metric(metric_id) if metric_id else None
    return m.name if m else None


def points_text(t: Target) -> str | None:
    """The ``points`` cell: a trajectory's points as JSON text, the same string in every format (a
    spreadsheet cell or a SQLite TEXT holds no list), or None when the target states one figure."""
    if not t.points:
        return None
    return json.dumps([{"value": p.value, "unit": p.unit, "deadline_label": p.deadline.label if p.deadline else None,
                        "deadline_end": p.deadline.end.isoformat() if p.deadline else None, "scope": p.scope}
                       for p in t.points], ensure_ascii=False)


def record_row(r: Record, edition: str, document: str | None) -> dict[str, Any]:
    """The contract row of one extracted record of ``edition`` (read from file ``document``)."""
    row: dict[str, Any] = dict.fromkeys(names(RECORD_COLUMNS))
    when = r.deadline if isinstance(r, Target) else r.when if isinstance(r, Deadline) else None
    row.update(id=r.id, record_type=record_type(r), edition=edition, document=document, text=record_text(r),
               **_when(when), page=r.evidence.page, page_label=r.evidence.page_label, line=r.evidence.line,
               locator=locator(document, r.evidence), section=section_path(r.evidence.section),
               sentence=r.evidence.sentence)
    if isinstance(r, Target):
        shown = display_value(r)
        # the text says what the target is, value included; the priority only when no heading names it
        repeats = r.priority is not None and any(s.casefold().endswith(r.priority.casefold())
                                                 for s in r.evidence.section)
        row.update(text=f"{row['text']}: {shown}" if shown else row["text"], value=r.value, unit=r.unit,
                   value_text=shown, points=points_text(r), direction=r.direction, baseline=r.baseline, scope=r.scope,
                   priority=None if repeats else r.priority, metric_id=r.metric_id,
                   measure=_measure(r.metric_id), basis=r.basis, confidence=r.confidence)
    return _absent_as_none(row)


def extraction_rows(extractions: Sequence[Extraction]) -> list[dict[str, Any]]:
    """One row per record, edition by edition, targets then deadlines then priorities."""
    rows = []
    for x in extractions:
        for r in records(x):
            rows.append(record_row(r, x.document.edition, x.document.path))
    return rows


def records(x: Extraction) -> list[Record]:
    """An extraction's records in export order."""
    return [*x.targets, *x.deadlines, *x.priorities]


def _closest(p: Passage) -> str:
    at = where(p)
    return f"{at}: {p.text}" if at else p.text


def change_row(c: Change, paths: dict[str, str]) -> dict[str, Any]:
    """The contract row of one change; ``paths`` maps an edition label to its source file."""
    metric_id = next((r.metric_id for r in (c.new, c.old) if isinstance(r, Target) and r.metric_id), None)
    row: dict[str, Any] = dict.fromkeys(names(CHANGE_COLUMNS))
    row.update(id=c.id, old_edition=c.old_edition, new_edition=c.new_edition, record_type=c.record_type,
               change=change_kind(c), aspects=";".join(c.aspects), area=c.area, label=c.label,
               metric_id=metric_id, measure=_measure(metric_id), summary=c.summary, similarity=c.similarity,
               closest=" | ".join(_closest(p) for p in c.closest) or None)
    for side, edition, rec in (("old", c.old_edition, c.old), ("new", c.new_edition, c.new)):
        if rec is not None:
            one = record_row(rec, edition, paths.get(edition))
            row.update({f"{side}_{name}": one[name] for name in SIDE_COLUMNS})
    return _absent_as_none(row)


def diff_rows(result: DiffResult) -> list[dict[str, Any]]:
    """One row per change, pair by pair."""
    paths = document_paths(result.editions)
    return [change_row(c, paths) for p in result.pairs for c in p.changes]


def document_paths(docs: Sequence[DocumentRef]) -> dict[str, str]:
    return {d.edition: d.path for d in docs}


def diff_record_rows(result: DiffResult) -> list[dict[str, Any]]:
    """Every record stated in any edition of a diff, once per edition (taken from the changes)."""
    seen: set[tuple[str, str]] = set()
    paths = document_paths(result.editions)
    out = []
    for p in result.pairs:
        for c in p.changes:
            for edition, rec in ((c.old_edition, c.old), (c.new_edition, c.new)):
                if rec is None or (edition, rec.id) in seen:
                    continue
                seen.add((edition, rec.id))
                out.append(record_row(rec, edition, paths.get(edition)))
    return out


_STATUS_WORDS = {"first": "first stated", "same": "same", "changed": "changed", "gone": "dropped"}


def timeline_rows(result: DiffResult) -> list[dict[str, Any]]:
    """One row per edition in which a followed record is stated or was dropped."""
    rows = []
    editions = [e.edition for e in result.editions]
    paths = document_paths(result.editions)
    for t in result.timelines:
        for e, pt, status in steps(t, editions):
            if status == "absent":
                continue
            row: dict[str, Any] = dict.fromkeys(names(TIMELINE_COLUMNS))
            row.update(id=t.id, metric_id=t.metric_id, record_type=t.record_type, area=t.area, label=t.label,
                       edition=e, status=_STATUS_WORDS[status])
            if pt is not None:
                row.update(value=pt.value, deadline=pt.deadline, record_id=pt.record_id, page=pt.evidence.page,
                           page_label=pt.evidence.page_label, locator=locator(paths.get(e), pt.evidence),
                           sentence=pt.evidence.sentence)
            rows.append(_absent_as_none(row))
    return rows


# --- the published schema of the rows ---------------------------------------------------------

_JSON_TYPES: dict[ColumnType, dict[str, Any]] = {
    "string": {"type": ["string", "null"]}, "number": {"type": ["number", "null"]},
    "integer": {"type": ["integer", "null"]}, "date": {"type": ["string", "null"], "format": "date"}}


def _row_def(columns: Sequence[Column], title: str) -> dict[str, Any]:
    return {"type": "object", "description": title, "additionalProperties": False, "required": names(columns),
            "properties": {c.name: {**_JSON_TYPES[c.type], "description": c.about} for c in columns}}


def schema_defs() -> dict[str, dict[str, Any]]:
    """The ``$defs`` that publish the contract in schema.json (the shipped file must equal these)."""
    return {
        "ExtractionRow": _row_def(RECORD_COLUMNS, "one extracted record as a flat row: the columns of the CSV, "
                                  "the workbook's record sheets and the SQLite record tables, in this order"),
        "DiffRow": _row_def(CHANGE_COLUMNS, "one change as a flat row: the columns of the diff CSV, the "
                            "workbook's Changes sheet and the SQLite changes table, in this order"),
        "TimelineRow": _row_def(TIMELINE_COLUMNS, "one edition of a followed record: the workbook's Timelines "
                                "sheet and the SQLite timelines table"),
    }
