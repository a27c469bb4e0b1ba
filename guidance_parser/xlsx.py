"""The Excel workbook for trackers (``--format xlsx``): the same rows as the CSV exports, typed.

Owned here: turning extraction / diff rows into one workbook with a sheet per record kind (targets,
deadlines, priorities; for a diff also changes and timelines) and a README sheet naming the editions,
their files and checksums. Cells are typed (figures as numbers, deadline bounds as dates, pages as
integers), each sheet has a frozen header row, an autofilter and column widths fitted to the text.
Text is always stored as text, never as a formula, whatever it starts with. Written with openpyxl.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from guidance_parser import __version__
from guidance_parser.export import EXTRACTION_COLUMNS, _record_row, diff_rows, extraction_rows
from guidance_parser.model import Deadline, DiffResult, DocumentRef, Extraction, Priority, Target
from guidance_parser.present import display_value, steps
from guidance_parser.report import where

MAX_WIDTH = 60  # characters: long sentences wrap in the cell rather than push columns off screen
DATE_COLUMNS = ("deadline_start", "deadline_end")
RECORD_COLUMNS = [c for c in EXTRACTION_COLUMNS if c != "page"] + ["page", "page_label"]
TIMELINE_COLUMNS = ["id", "metric_id", "record_type", "area", "label", "edition", "status", "value", "deadline",
                    "record_id", "page", "page_label", "sentence"]
SHEETS = {"target": "Targets", "deadline": "Deadlines", "priority": "Priorities"}


def _typed(column: str, v: Any) -> Any:
    if v is None or v == "":
        return None
    if column in DATE_COLUMNS and isinstance(v, str):
        return date.fromisoformat(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _bold(cells: Iterable[Any]) -> None:
    from openpyxl.styles import Font

    for cell in cells:
        cell.font = Font(bold=True)


def _sheet(wb: Any, title: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(list(columns))
    widths = [len(c) for c in columns]
    for row in rows:
        values = [_typed(c, row.get(c)) for c in columns]
        ws.append(values)
        for k, v in enumerate(values):
            cell = ws.cell(row=ws.max_row, column=k + 1)
            if isinstance(v, str):
                cell.data_type = "s"  # "=..." from a document stays text, never a formula
            elif isinstance(v, date):
                cell.number_format = "yyyy-mm-dd"
            widths[k] = max(widths[k], min(MAX_WIDTH, len(str(v)) if v is not None else 0))
    _bold(ws[1])
    for k, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(k + 1)].width = w + 2
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _readme(wb: Any, kind: str, docs: Sequence[DocumentRef], sheets: Sequence[str]) -> None:
    ws = wb.active
    ws.title = "README"
    ws.append([f"guidance-parser {__version__}: {kind}"])
    _bold([ws["A1"]])
    ws.append(["Sheets: " + ", ".join(sheets) + ". Ids are stable across editions and re-runs."])
    ws.append([])
    ws.append(["edition", "title", "file", "sha256"])
    _bold(ws[4])
    for d in docs:
        ws.append([d.edition, d.title, d.path, d.sha256])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"
    for col, width in zip("ABCD", (20, 60, 50, 66), strict=True):
        ws.column_dimensions[col].width = width


def _save(wb: Any) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _new_workbook() -> Any:
    from openpyxl import Workbook  # deferred: only this output format needs it

    return Workbook()


def _by_type(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in SHEETS}
    for r in rows:
        out[r["record_type"]].append(r)
    return out


def extraction_xlsx(extractions: Sequence[Extraction]) -> bytes:
    """One workbook of every record of one or more editions: README, Targets, Deadlines, Priorities."""
    wb = _new_workbook()
    _readme(wb, "extraction", [x.document for x in extractions], list(SHEETS.values()))
    rows = extraction_rows(extractions)
    records: list[Target | Deadline | Priority] = []
    for x in extractions:  # the rows' order
        records += [*x.targets, *x.deadlines, *x.priorities]
    for row, rec in zip(rows, records, strict=True):
        row["page_label"] = rec.evidence.page_label
    for rtype, group in _by_type(rows).items():
        _sheet(wb, SHEETS[rtype], RECORD_COLUMNS, group)
    return _save(wb)


def _diff_records(result: DiffResult) -> list[dict[str, Any]]:
    """Every record stated in any edition of the diff, once per edition (taken from the changes)."""
    seen: set[tuple[str, str]] = set()
    paths = {e.edition: e.path for e in result.editions}
    out = []
    for p in result.pairs:
        for c in p.changes:
            for edition, rec in ((c.old_edition, c.old), (c.new_edition, c.new)):
                if rec is None or (edition, rec.id) in seen:
                    continue
                seen.add((edition, rec.id))
                out.append({**_record_row(rec), "edition": edition, "document": paths.get(edition),
                            "page_label": rec.evidence.page_label})
    return out


_STATUS_WORDS = {"first": "first stated", "same": "same", "changed": "changed", "gone": "dropped"}


def _timeline_rows(result: DiffResult) -> list[dict[str, Any]]:
    rows = []
    editions = [e.edition for e in result.editions]
    for t in result.timelines:
        for e, pt, status in steps(t, editions):
            if status == "absent":
                continue
            row: dict[str, Any] = {"id": t.id, "metric_id": t.metric_id, "record_type": t.record_type,
                                   "area": t.area, "label": t.label, "edition": e, "status": _STATUS_WORDS[status]}
            if pt is not None:
                row.update(value=pt.value, deadline=pt.deadline, record_id=pt.record_id, page=pt.evidence.page,
                           page_label=pt.evidence.page_label, sentence=pt.evidence.sentence)
            rows.append(row)
    return rows


CHANGE_COLUMNS = ["id", "old_edition", "new_edition", "record_type", "change", "aspects", "area", "label",
                  "old_value", "new_value", "old_figure", "new_figure", "unit", "old_deadline", "new_deadline",
                  "summary", "similarity", "old_id", "new_id", "old_page", "new_page", "old_page_label",
                  "new_page_label", "old_section", "new_section", "old_sentence", "new_sentence", "closest"]


def _change_rows(result: DiffResult) -> list[dict[str, Any]]:
    rows = diff_rows(result)
    changes = [c for p in result.pairs for c in p.changes]
    for row, c in zip(rows, changes, strict=True):
        for side, rec in (("old", c.old), ("new", c.new)):
            if isinstance(rec, Target):
                row[f"{side}_figure"] = rec.value  # the number alone, for sorting and sums
                row["unit"] = rec.unit
                row[f"{side}_value"] = display_value(rec)
            if rec is not None:
                row[f"{side}_page_label"] = rec.evidence.page_label
        row["closest"] = " | ".join(f"{where(p)}: {p.text}" if where(p) else p.text for p in c.closest) or None
    return rows


def diff_xlsx(result: DiffResult) -> bytes:
    """One workbook of a diff: README, Changes, Timelines, and the records of every edition."""
    wb = _new_workbook()
    sheets = ["Changes", "Timelines", *SHEETS.values()]
    _readme(wb, "diff " + " -> ".join(e.edition for e in result.editions), result.editions, sheets)
    _sheet(wb, "Changes", CHANGE_COLUMNS, _change_rows(result))
    _sheet(wb, "Timelines", TIMELINE_COLUMNS, _timeline_rows(result))
    for rtype, group in _by_type(_diff_records(result)).items():
        _sheet(wb, SHEETS[rtype], RECORD_COLUMNS, group)
    return _save(wb)
