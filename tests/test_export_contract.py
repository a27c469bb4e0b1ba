"""The export contract (rows.py): CSV, JSONL, xlsx and SQLite carry the same columns with the same values,
the published schema describes those columns, and ``--excel`` CSV starts with a byte-order mark."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cli import main
from guidance_parser import export, rows
from guidance_parser.rows import CHANGE_COLUMNS, RECORD_COLUMNS, TIMELINE_COLUMNS, Column

DEMO = Path(__file__).resolve().parent.parent / "corpora" / "demo"
PDFS = sorted(DEMO.glob("*.pdf"))
_GUARDED = tuple("=+-@\t\r")


def _from_csv(col: Column, cell: str) -> Any:
    if cell == "":
        return None
    if col.type == "number":
        return float(cell)
    if col.type == "integer":
        return int(cell)
    if cell.startswith("'") and cell[1:].startswith(_GUARDED):
        return cell[1:]  # the CSV's formula guard is its encoding of the text, not part of it
    return cell


def _from_xlsx(col: Column, v: Any) -> Any:
    if isinstance(v, datetime):
        return v.date().isoformat()
    if col.type == "number" and v is not None:
        return float(v)
    return v


def _number(col: Column, v: Any) -> Any:
    return float(v) if col.type == "number" and v is not None else v


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if len(PDFS) < 2:
        pytest.skip(f"demo PDFs not found under {DEMO} (run python corpora/build_demo.py)")
    folder = tmp_path_factory.mktemp("contract")
    pdfs = [shutil.copy(p, folder / p.name) for p in PDFS]
    out = {fmt: folder / f"d.{fmt}" for fmt in ("csv", "jsonl", "xlsx", "sqlite")}
    for fmt, path in out.items():
        extra = ["--excel"] if fmt == "csv" else []
        assert main(["diff", *map(str, pdfs), "--format", fmt, "-o", str(path), *extra]) == 0
    return out


def _tables(out: dict[str, Path], columns: tuple[Column, ...], sheet: str, table: str,
            line_rows: bool = False) -> dict[str, list[list[Any]]]:
    """The same table as each format holds it: a list of rows, each the contract's columns, typed."""
    import openpyxl

    got: dict[str, list[list[Any]]] = {}
    ws = openpyxl.load_workbook(out["xlsx"])[sheet]
    head = [c.value for c in ws[1]]
    assert head == rows.names(columns)
    got["xlsx"] = [[_from_xlsx(c, v) for c, v in zip(columns, r, strict=True)]
                   for r in ws.iter_rows(min_row=2, values_only=True)]
    con = sqlite3.connect(out["sqlite"])
    cur = con.execute(f"SELECT * FROM {table} ORDER BY rowid")
    assert [d[0] for d in cur.description] == rows.names(columns)
    got["sqlite"] = [[_number(c, v) for c, v in zip(columns, r, strict=True)] for r in cur.fetchall()]
    con.close()
    if line_rows:
        text = out["csv"].read_text(encoding="utf-8")
        assert text.startswith(export.BOM)  # --excel
        reader = csv.reader(io.StringIO(text[1:]))
        assert next(reader) == rows.names(columns)
        got["csv"] = [[_from_csv(c, v) for c, v in zip(columns, r, strict=True)] for r in reader]
        lines = [json.loads(x)["row"] for x in out["jsonl"].read_text(encoding="utf-8").splitlines()]
        assert all(list(line) == rows.names(columns) for line in lines)
        got["jsonl"] = [[_number(c, line[c.name]) for c in columns] for line in lines]
    return got


def _same_column_by_column(got: dict[str, list[list[Any]]], columns: tuple[Column, ...]) -> None:
    first, *others = got
    assert got[first], "no rows to compare"
    for other in others:
        assert len(got[other]) == len(got[first]), (other, first)
        for k, col in enumerate(columns):
            assert [r[k] for r in got[other]] == [r[k] for r in got[first]], (col.name, other, first)


def test_diff_in_csv_jsonl_xlsx_and_sqlite_is_the_same_column_by_column(outputs: dict[str, Path]):
    got = _tables(outputs, CHANGE_COLUMNS, "Changes", "changes", line_rows=True)
    assert set(got) == {"csv", "jsonl", "xlsx", "sqlite"}
    _same_column_by_column(got, CHANGE_COLUMNS)
    table = [dict(zip(rows.names(CHANGE_COLUMNS), r, strict=True)) for r in got["csv"]]
    # the contract's promises, on the demo pair: numbers, ISO dates, printed pages, locators, reworded apart
    ae = next(r for r in table if r["metric_id"] == "uec.ae_4h" and r["change"] == "changed")
    assert (ae["old_value"], ae["new_value"], ae["old_unit"]) == (76.0, 78.0, "%")
    assert ae["measure"] and ae["old_deadline_end"] == "2024-03-31" and ae["new_confidence"] is not None
    assert ae["old_locator"] == f"{PDFS[0].name}#page={ae['old_page']}" and ae["old_page_label"]
    assert {r["change"] for r in table} >= {"changed", "reworded", "added", "dropped"}
    assert all(set(r["aspects"].split(";")) <= {"wording", "area"} for r in table if r["change"] == "reworded")


def test_records_and_timelines_agree_between_the_workbook_and_the_database(outputs: dict[str, Path]):
    for sheet, table in (("Targets", "targets"), ("Deadlines", "deadlines"), ("Priorities", "priorities")):
        _same_column_by_column(_tables(outputs, RECORD_COLUMNS, sheet, table), RECORD_COLUMNS)
    with sqlite3.connect(outputs["sqlite"]) as con:
        if con.execute("SELECT count(*) FROM timelines").fetchone()[0]:
            _same_column_by_column(_tables(outputs, TIMELINE_COLUMNS, "Timelines", "timelines"), TIMELINE_COLUMNS)


def test_the_schema_publishes_the_contract():
    defs = export.schema()["$defs"]
    for name, expected in rows.schema_defs().items():
        assert defs[name] == expected, (
            f"schema.json's {name} differs from rows.py: set $defs.{name} in guidance_parser/schema.json to "
            f"rows.schema_defs()[{name!r}] (and add a changelog entry)")
    assert defs["ExtractionLine"]["properties"]["row"] == {"$ref": "#/$defs/ExtractionRow"}
    assert defs["DiffLine"]["properties"]["row"] == {"$ref": "#/$defs/DiffRow"}
    # a diff line is the Change itself plus its row: every Change property exactly as Change defines it
    assert {k: v for k, v in defs["DiffLine"]["properties"].items() if k != "row"} == defs["Change"]["properties"]
    assert defs["DiffLine"]["required"] == [*defs["Change"]["required"], "row"]
    assert export.schema()["changelog"][0].startswith(export.SCHEMA_VERSION + ":")


def test_plain_csv_has_no_byte_order_mark(tmp_path: Path):
    if len(PDFS) < 2:
        pytest.skip(f"demo PDFs not found under {DEMO}")
    out = tmp_path / "x.csv"
    assert main(["extract", str(PDFS[0]), "--format", "csv", "-o", str(out)]) == 0
    assert not out.read_text(encoding="utf-8").startswith(export.BOM)


def test_a_trajectory_s_points_are_the_same_json_text_in_every_format(tmp_path: Path):
    import openpyxl
    from test_diff_helpers import catalogued, edition, target

    from guidance_parser import database
    from guidance_parser.diff import diff_editions
    from guidance_parser.outputs import write_database
    from guidance_parser.xlsx import diff_xlsx

    row = "A&E: every trust to 82% by March 2027, rising to a national 85% in 2028/29."
    ae = "patients seen within 4 hours in A&E"
    old = edition("2025/26", [catalogued(target(ae, 78, deadline="2026-03"))])
    new = edition("2026/27 to 2028/29", [catalogued(target(ae, 82, deadline="2027-03", sentence=row)),
                                         catalogued(target(ae, 85, deadline="2028/29", sentence=row))])
    result = diff_editions([old, new])
    db = tmp_path / "t.sqlite"
    write_database(db, lambda con: database.add_diff(con, result, str(db)))
    (tmp_path / "t.xlsx").write_bytes(diff_xlsx(result))
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")

    def column(sheet: str, name: str) -> list[Any]:
        head = [c.value for c in wb[sheet][1]]
        return [r[head.index(name)] for r in wb[sheet].iter_rows(min_row=2, values_only=True)]

    with sqlite3.connect(db) as con:
        got = {
            "csv": [r["new_points"] for r in csv.DictReader(io.StringIO(export.diff_csv(result)))],
            "jsonl": [json.loads(x)["row"]["new_points"] for x in export.diff_jsonl(result).splitlines()],
            "xlsx": column("Changes", "new_points"),
            "sqlite": [r[0] for r in con.execute("SELECT new_points FROM changes ORDER BY rowid")],
            "xlsx Targets": [p for p in column("Targets", "points") if p],
            "sqlite targets": [r[0] for r in con.execute("SELECT points FROM targets WHERE points IS NOT NULL")],
        }
    trajectory = got["csv"][0]
    assert all(v == [trajectory] for v in got.values()), got  # one change, one target with points
    points = json.loads(trajectory)
    assert [(p["value"], p["unit"], p["deadline_label"], p["deadline_end"]) for p in points] == [
        (82.0, "%", "2027-03", "2027-03-31"), (85.0, "%", "2028/29", "2029-03-31")]
    old_points = next(csv.DictReader(io.StringIO(export.diff_csv(result))))["old_points"]
    assert old_points == ""  # last year's single figure has no trajectory: an empty cell, not "[]"
