"""The Python API gives the records the CLI writes, and saves in every format the CLI does."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import guidance_parser
from cli import main
from guidance_parser import api, export

DEMO = Path(__file__).resolve().parent.parent / "corpora" / "demo"
PDFS = sorted(DEMO.glob("*.pdf"))


@pytest.fixture(scope="module")
def pdfs() -> list[Path]:
    if len(PDFS) < 2:
        pytest.skip(f"demo PDFs not found under {DEMO} (run python corpora/build_demo.py)")
    return PDFS


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def _as_csv(rows: list[dict], columns: list[str]) -> list[dict[str, str]]:
    return _csv_rows(export.to_csv(rows, columns))


def test_extract_records_are_the_cli_csv_rows(pdfs: list[Path], tmp_path: Path):
    x = api.extract(pdfs[0], cache=False)
    rows = api.records(x)
    assert rows and list(rows[0]) == export.EXTRACTION_COLUMNS
    assert any(isinstance(r["value"], float) for r in rows)  # numbers stay numbers
    out = tmp_path / "x.csv"
    assert main(["extract", str(pdfs[0]), "--format", "csv", "-o", str(out), "--no-cache"]) == 0
    assert _as_csv(rows, export.EXTRACTION_COLUMNS) == _csv_rows(out.read_text(encoding="utf-8"))


def test_diff_records_and_save_match_the_cli(pdfs: list[Path], tmp_path: Path):
    result = api.diff(pdfs[1], pdfs[0], cache=False)  # any order: sorted by edition
    assert [e.edition for e in result.editions] == ["2023/24", "2024/25"]
    out = tmp_path / "d.csv"
    assert main(["diff", *map(str, pdfs), "--format", "csv", "-o", str(out), "--no-cache"]) == 0
    assert _as_csv(api.records(result), export.DIFF_COLUMNS) == _csv_rows(out.read_text(encoding="utf-8"))
    saved = api.save(result, tmp_path / "d.json")
    export.validate(json.loads(saved.read_text(encoding="utf-8")), "diff")
    assert api.save(result, tmp_path / "d.xlsx").read_bytes()[:2] == b"PK"  # a zip: the workbook
    assert api.save(result, tmp_path / "d.sqlite").read_bytes().startswith(b"SQLite format 3")
    assert "Briefing" in api.save(result, tmp_path / "d.html").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="unknown output format"):
        api.save(result, tmp_path / "d.txt")


def test_load_then_extract_a_document_and_package_reexports(pdfs: list[Path]):
    doc = guidance_parser.load(pdfs[0], cache=False)
    assert doc.edition.label == "2023/24" and doc.blocks
    assert [t.id for t in api.extract(doc).targets] == [t.id for t in api.extract(pdfs[0], cache=False).targets]
    assert guidance_parser.records is api.records and guidance_parser.save is api.save
    with pytest.raises(AttributeError):
        guidance_parser.no_such_thing  # noqa: B018


def test_records_make_a_dataframe(pdfs: list[Path]):
    pd = pytest.importorskip("pandas", reason="pandas is optional (not a dependency)")
    df = pd.DataFrame(api.records(api.extract(pdfs[0], cache=False)))
    assert list(df.columns) == export.EXTRACTION_COLUMNS and len(df) > 5
