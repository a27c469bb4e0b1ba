"""The Python API gives the records the CLI writes, and saves in every format the CLI does."""

from __future__ import annotations

import csv
import json
import os
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


# --- the command's protections hold for the API (each case under the 2 GiB cap and the wall-clock kill) ---

_CALL = """
from guidance_parser import api
from guidance_parser.errors import GuidanceError
try:
    doc = api.load({path!r}, cache=False, engine={engine!r})
    print("loaded", len(doc.blocks))
except GuidanceError as err:
    print("error:", err)
"""


def test_api_load_of_the_loop_pdf_ends_at_the_time_budget(tmp_path: Path) -> None:
    from badinputs import length_loop_pdf
    from capped import run_python

    loop = length_loop_pdf(tmp_path)  # 1 KB; pdfplumber never finishes it
    proc = run_python(_CALL.format(path=str(loop), engine="pdfplumber"), tmp_path, env={"GUIDANCE_LIMITS": "time=10"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"error: {loop}: reading it took longer than the time budget (limit: 10 s)")


def test_api_load_of_many_big_streams_meets_the_memory_cap(tmp_path: Path) -> None:
    from badinputs import many_streams_pdf
    from capped import run_python

    pdf = many_streams_pdf(tmp_path)  # 25 streams of 60 MiB: pdfium holds them all (3 GB without the cap)
    proc = run_python(_CALL.format(path=str(pdf), engine="pdfium"), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"error: {pdf}: ") and "out of memory (limit: 768 MiB)" in proc.stdout, proc.stdout


def _guidance_html(tmp_path: Path, year: str) -> Path:
    p = tmp_path / f"g{year[:4]}.html"
    p.write_text(f"<html><body><h1>{year} priorities and operational planning guidance</h1>"
                 f"<p>Reduce waits to 18 weeks by March {year[:4]}.</p></body></html>", encoding="utf-8")
    return p


def test_api_save_refuses_to_overwrite_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from guidance_parser.errors import GuidanceError

    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    old, new = _guidance_html(tmp_path, "2024/25"), _guidance_html(tmp_path, "2025/26")
    before = new.read_bytes()
    result = api.diff(old, new)
    with pytest.raises(GuidanceError, match="is one of the input files"):
        api.save(result, new)
    alias = tmp_path / "alias.json"
    alias.symlink_to(old)
    with pytest.raises(GuidanceError, match="is one of the input files"):
        api.save(api.extract(old), alias)
    assert new.read_bytes() == before and old.read_text(encoding="utf-8").startswith("<html>")
    assert api.save(result, tmp_path / "report.html").is_file()  # any other name is written


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="planting another user's link needs root")
def test_api_save_never_follows_another_users_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from guidance_parser.errors import GuidanceError

    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    secret = tmp_path / "secret"
    secret.write_text("root only\n", encoding="utf-8")
    secret.chmod(0o600)
    link = tmp_path / "out.json"
    link.symlink_to(secret)
    os.lchown(link, 65534, 65534)
    with pytest.raises(GuidanceError, match="symbolic link owned by another user"):
        api.save(api.extract(_guidance_html(tmp_path, "2024/25")), link)
    assert secret.read_text(encoding="utf-8") == "root only\n"


def test_api_warns_on_and_skips_a_cache_folder_others_can_write_to(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(shared))
    src = _guidance_html(tmp_path, "2024/25")
    with pytest.warns(RuntimeWarning, match="not using the cache at .*other users can write to it"):
        doc = api.load(src)
    assert doc.edition.label == "2024/25" and list(shared.iterdir()) == []
    with pytest.warns(RuntimeWarning, match="not using the cache"):
        api.extract(src)
