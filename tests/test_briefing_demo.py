"""The demo pair (and a third edition derived from it) through the briefing, the evidence of absence,
the timelines, page links and the Excel workbook, read back from what the CLI writes."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from briefing_check import briefing_lines, numbers_not_in_rows

from cli import main
from guidance_parser import export
from guidance_parser.model import DiffResult

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpora" / "demo"
PDFS = sorted(DEMO.glob("*.pdf"))
MDS = sorted((DEMO / "src").glob("*.md"))


def _need(files: list[Path]) -> list[Path]:
    if len(files) < 2:
        pytest.skip(f"demo editions not found under {DEMO} (run python corpora/build_demo.py)")
    return files


def _briefing_items(html: str) -> list[str]:
    brief = re.search(r'<section class="briefing".*?</section>', html, re.S)
    assert brief, "no briefing in the report"
    return [re.sub(r"<[^>]+>", "", li) for li in re.findall(r'<li class="t\d">.*?</li>', brief.group(0), re.S)]


@pytest.fixture(scope="module")
def beside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo PDFs copied into a folder, with the CLI's HTML and JSON reports written beside them."""
    folder = tmp_path_factory.mktemp("beside")
    for f in _need(PDFS):
        shutil.copy(f, folder / f.name)
    pdfs = [str(folder / f.name) for f in PDFS]
    assert main(["diff", *pdfs, "-o", str(folder / "report.html"), "--no-cache"]) == 0
    assert main(["diff", *pdfs, "--format", "json", "-o", str(folder / "diff.json"), "--no-cache"]) == 0
    return folder


def test_briefing_leads_with_the_ae_four_hour_change_and_the_dropped_ucr(beside: Path):
    html = (beside / "report.html").read_text(encoding="utf-8")
    items = _briefing_items(html)
    assert "A&amp;E: patients seen within 4 hours: 76% by March 2024 → 78% by March 2025" in items[0]
    assert "2-hour urgent community response: 70% → not in 2024/25" in items[1]
    for target in re.findall(r'<a class="brief-link" href="#([^"]+)"', html):
        assert f'id="{target}"' in html, target  # every briefing line links to a row that exists


def test_every_number_of_the_briefing_is_in_the_rows_it_links_to(beside: Path):
    html = (beside / "report.html").read_text(encoding="utf-8")
    assert briefing_lines(html), "empty briefing"
    assert numbers_not_in_rows(html, ("2023/24", "2024/25")) == []


def test_evidence_links_open_the_pdf_beside_the_report_at_the_page(beside: Path):
    html = (beside / "report.html").read_text(encoding="utf-8")
    links = set(re.findall(r'<a class="src" href="([^"]+)"', html))
    assert links and all(re.fullmatch(r"planning-guidance-202[34]-2[45]\.pdf#page=\d+", h) for h in links)
    assert (beside / links.pop().split("#")[0]).is_file()


def test_dropped_ucr_lists_the_closest_passages_of_the_new_edition(beside: Path):
    data = json.loads((beside / "diff.json").read_text(encoding="utf-8"))
    export.validate(data, "diff")
    ucr = [c for c in data["pairs"][0]["changes"] if c["kind"] == "dropped"
           and "urgent community response" in c["label"].lower()]
    assert len(ucr) == 1 and ucr[0]["closest"], ucr
    new_text = (DEMO / "src" / "planning-guidance-2024-25.md").read_text(encoding="utf-8")
    for p in ucr[0]["closest"]:
        assert p["page"] and p["page_label"] and p["similarity"] > 0
        assert p["text"].split(" | ")[-1][:30] in new_text.replace("**", "")  # a passage of 2024/25
    assert any("community" in p["text"].lower() for p in ucr[0]["closest"])
    html = (beside / "report.html").read_text(encoding="utf-8")
    row = re.search(r'<tr class="change k-dropped".*?</tr>', html, re.S)
    assert row and "Closest passages in 2024/25" in row.group(0)


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> tuple[DiffResult, str, dict]:
    """Demo 2023/24 and 2024/25 plus a 2025/26 derived from 2024/25 (A&E 78% -> 80% by March 2026)."""
    folder = tmp_path_factory.mktemp("three")
    old, mid = _need(MDS)
    text = mid.read_text(encoding="utf-8").replace("2024/25", "2025/26").replace("27 March 2024", "27 March 2025")
    text = text.replace("no less than 78% of patients are seen within 4 hours by March 2025",
                        "no less than 80% of patients are seen within 4 hours by March 2026")
    text = text.replace("| 78% by March 2025 |", "| 80% by March 2026 |")
    derived = folder / "planning-guidance-2025-26.md"
    derived.write_text(text, encoding="utf-8")
    from guidance_parser.diff import diff_editions
    from guidance_parser.extract import extract
    from guidance_parser.ingest import ingest_file
    from guidance_parser.report import render_html

    docs = [ingest_file(f) for f in (old, mid, derived)]
    result = diff_editions([(d, extract(d)) for d in docs])
    return result, render_html(result), export.diff_payload(result)


def test_timeline_of_the_ae_target_shows_three_values_in_order(three):
    result, html, payload = three
    assert [e.edition for e in result.editions] == ["2023/24", "2024/25", "2025/26"]
    ae = [t for t in payload["timelines"] if t["record_type"] == "target"
          and any("4 hours" in p["evidence"]["sentence"] and "A&E" in p["evidence"]["sentence"] for p in t["points"])]
    assert len(ae) == 1, [t["label"] for t in ae]
    assert [(p["edition"], p["value"]) for p in ae[0]["points"]] == [
        ("2023/24", "76%"), ("2024/25", "78%"), ("2025/26", "80%")]
    row = re.search(rf'<tr class="tlrow"[^>]*>\s*<td>[^<]*<div class="rid">{re.escape(ae[0]["id"])}</div>.*?</tr>',
                    html, re.S)
    assert row, "no timeline row for the A&E target"
    cells = re.findall(r'<td class="present[^"]*">(.*?)</td>', row.group(0), re.S)
    assert [re.match(r"[\d.]+%", c).group(0) for c in cells] == ["76%", "78%", "80%"]  # type: ignore[union-attr]
    assert all(re.search(r'href="[^"]*\.md#L\d+">line \d+', c) for c in cells)  # evidence per edition: its line


def test_timeline_sheet_of_the_workbook_follows_the_ae_target(three):
    openpyxl = pytest.importorskip("openpyxl")
    import io

    from guidance_parser.xlsx import diff_xlsx

    result, _, payload = three
    ws = openpyxl.load_workbook(io.BytesIO(diff_xlsx(result)))["Timelines"]
    head = [c.value for c in ws[1]]
    ae_id = next(t["id"] for t in payload["timelines"] if t["points"][0]["value"] == "76%"
                 and "4 hours" in t["points"][0]["evidence"]["sentence"])
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[head.index("id")] == ae_id]
    assert [(r[head.index("edition")], r[head.index("value")], r[head.index("status")]) for r in rows] == [
        ("2023/24", "76%", "first stated"), ("2024/25", "78%", "changed"), ("2025/26", "80%", "changed")]


def test_timeline_marks_the_dropped_ucr_target(three):
    _, html, _ = three
    row = next(r for r in re.findall(r'<tr class="tlrow".*?</tr>', html, re.S) if "urgent community" in r.lower())
    assert row.count('class="gone">dropped<') == 2  # gone in 2024/25 and still gone in 2025/26


def test_xlsx_workbooks_have_typed_cells_frozen_headers_and_filters(beside: Path):
    openpyxl = pytest.importorskip("openpyxl")
    pdfs = [str(beside / f.name) for f in PDFS]
    assert main(["extract", *pdfs, "--format", "xlsx", "-o", str(beside / "x.xlsx"), "--no-cache"]) == 0
    assert main(["diff", *pdfs, "--format", "xlsx", "-o", str(beside / "d.xlsx"), "--no-cache"]) == 0
    x = openpyxl.load_workbook(beside / "x.xlsx")
    assert x.sheetnames == ["README", "Targets", "Deadlines", "Priorities"]
    readme = list(x["README"].iter_rows(values_only=True))
    assert readme[3] == ("edition", "title", "file", "sha256")
    edition, title, path, sha = readme[4]
    assert (edition, path) == ("2023/24", str(beside / PDFS[0].name)) and title
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    targets = x["Targets"]
    head = [c.value for c in targets[1]]
    assert targets.freeze_panes == "A2" and targets.auto_filter.ref == targets.dimensions
    ae = next(r for r in targets.iter_rows(min_row=2) if "4 hours" in str(r[head.index("sentence")].value))
    assert isinstance(ae[head.index("value")].value, int) and ae[head.index("value")].value == 76
    end = ae[head.index("deadline_end")]
    assert end.is_date and end.value.date() == date(2024, 3, 31)  # a date cell (openpyxl reads a datetime)
    assert isinstance(ae[head.index("page")].value, int)
    assert targets.column_dimensions["A"].width > 5
    d = openpyxl.load_workbook(beside / "d.xlsx")
    assert d.sheetnames == ["README", "Changes", "Timelines", "Targets", "Deadlines", "Priorities"]
    changes = d["Changes"]
    head = [c.value for c in changes[1]]
    rows = list(changes.iter_rows(min_row=2, values_only=True))
    moved = next(r for r in rows if r[head.index("old_value")] == 76)
    assert moved[head.index("new_value")] == 78 and moved[head.index("change")] == "changed"
    assert moved[head.index("old_value_text")] == "76%" and moved[head.index("old_unit")] == "%"
    dropped = next(r for r in rows if r[head.index("change")] == "dropped")
    assert "p. " in dropped[head.index("closest")]


def test_xlsx_refuses_the_terminal(capsys: pytest.CaptureFixture[str]):
    assert main(["extract", str(_need(PDFS)[0]), "--format", "xlsx", "--no-cache"]) != 0
    assert "-o" in capsys.readouterr().err
