"""The Excel workbook for trackers (``--format xlsx``): the export contract's rows (``rows.py``), typed.

Owned here: turning extraction / diff rows into one workbook with a sheet per record kind (targets,
deadlines, priorities; for a diff also changes and timelines) and a README sheet naming the editions,
their files and checksums. Columns are the contract's, in its order; cells are typed by the contract's
column types (figures as numbers, deadline bounds as dates, pages as integers), each sheet has a
frozen header row, an autofilter and column widths fitted to the text. Text is always stored as text,
never as a formula, whatever it starts with. Written with openpyxl.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from guidance_parser import __version__
from guidance_parser.model import DiffResult, DocumentRef, Extraction
from guidance_parser.rows import (
    CHANGE_COLUMNS,
    RECORD_COLUMNS,
    TIMELINE_COLUMNS,
    Column,
    diff_record_rows,
    diff_rows,
    extraction_rows,
    timeline_rows,
)

MAX_WIDTH = 60  # characters: long sentences wrap in the cell rather than push columns off screen
SHEETS = {"target": "Targets", "deadline": "Deadlines", "priority": "Priorities"}


def _typed(column: Column, v: Any) -> Any:
    if v is None or v == "":
        return None
    if column.type == "date" and isinstance(v, str):
        return date.fromisoformat(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _bold(cells: Iterable[Any]) -> None:
    from openpyxl.styles import Font

    for cell in cells:
        cell.font = Font(bold=True)


def _sheet(wb: Any, title: str, columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append([c.name for c in columns])
    widths = [len(c.name) for c in columns]
    for row in rows:
        values = [_typed(c, row.get(c.name)) for c in columns]
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
    for rtype, group in _by_type(extraction_rows(extractions)).items():
        _sheet(wb, SHEETS[rtype], RECORD_COLUMNS, group)
    return _save(wb)


def diff_xlsx(result: DiffResult) -> bytes:
    """One workbook of a diff: README, Changes, Timelines, and the records of every edition."""
    wb = _new_workbook()
    sheets = ["Changes", "Timelines", *SHEETS.values()]
    _readme(wb, "diff " + " -> ".join(e.edition for e in result.editions), result.editions, sheets)
    _sheet(wb, "Changes", CHANGE_COLUMNS, diff_rows(result))
    _sheet(wb, "Timelines", TIMELINE_COLUMNS, timeline_rows(result))
    for rtype, group in _by_type(diff_record_rows(result)).items():
        _sheet(wb, SHEETS[rtype], RECORD_COLUMNS, group)
    return _save(wb)
