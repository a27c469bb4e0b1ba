"""The test-PDF builder: its PDFs read back with pdfplumber as the ground truth says they should."""

from __future__ import annotations

import re
from pathlib import Path

import pdfbuild
import pdfplumber
import pytest
from conftest import PLANNING_2025, corpus_file
from pdfbuild import Element, build_long_pdf, build_pdf, parse_markdown

HEADER = "2025/26 priorities and operational planning guidance"
FOOTER = "Publication reference: PRN01625"
TOP_REGION = 50  # points from the top edge: the running header lives here, body text starts lower
BOTTOM_REGION = 50


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def real_pdf(tmp_path_factory: pytest.TempPathFactory) -> pdfbuild.GroundTruth:
    src = corpus_file(PLANNING_2025).read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("pdfbuild") / "planning.pdf"
    return build_pdf(src, path, header=HEADER, footer=FOOTER, two_column_pages=[3])


def test_real_text_builds_pdf_with_header_footer_and_numbers(real_pdf: pdfbuild.GroundTruth) -> None:
    with pdfplumber.open(real_pdf.path) as pdf:
        assert len(pdf.pages) == real_pdf.page_count > 1
        for page in pdf.pages:
            top = page.crop((0, 0, page.width, TOP_REGION)).extract_text()
            bottom = page.crop((0, page.height - BOTTOM_REGION, page.width, page.height)).extract_text()
            assert _norm(top) == HEADER, page.page_number
            assert FOOTER in bottom
            assert bottom.split()[-1] == str(page.page_number) == real_pdf.page_labels[page.page_number]


def test_two_column_page_really_has_two_columns(real_pdf: pdfbuild.GroundTruth) -> None:
    assert real_pdf.two_column_pages == [3]
    with pdfplumber.open(real_pdf.path) as pdf:
        for number, expect_two in ((3, True), (2, False)):
            page = pdf.pages[number - 1]
            body = page.crop((0, TOP_REGION, page.width, page.height - BOTTOM_REGION))
            words = body.extract_words()
            mid = page.width / 2
            crossing = [w for w in words if w["x0"] < mid - 5 and w["x1"] > mid + 5]
            right = [w for w in words if w["x0"] > mid]
            if expect_two:
                assert not crossing, "a word spans the gutter of a two-column page"
                assert len(right) > 50
                # The right column starts at one x, like the left one.
                assert min(w["x0"] for w in right) > mid
            else:
                assert len(crossing) > 10
    frames = {it.frame for it in real_pdf.items if it.page == 3}
    assert frames == {"left", "right"}


def test_ground_truth_pages_match_extracted_page_text(real_pdf: pdfbuild.GroundTruth) -> None:
    with pdfplumber.open(real_pdf.path) as pdf:
        pages = [_norm(p.extract_text()) for p in pdf.pages]
    one_col = [it for it in real_pdf.items
               if it.page == it.end_page and it.page not in real_pdf.two_column_pages and len(it.text) > 40]
    assert len(one_col) > 30
    for it in one_col[::3]:
        hits = [n + 1 for n, text in enumerate(pages) if it.text in text]
        assert it.page in hits, (it.text[:60], it.page, hits)
    # A block split over a page break starts on `page` and ends on `end_page`.
    split = [it for it in real_pdf.items if it.end_page > it.page and it.page not in real_pdf.two_column_pages
             and it.end_page not in real_pdf.two_column_pages]
    assert split, "expected at least one paragraph to run over a page break"
    for it in split:
        words = it.text.split()
        assert " ".join(words[:4]) in pages[it.page - 1]
        assert " ".join(words[-4:]) in pages[it.end_page - 1]
        assert " ".join(words[-4:]) not in pages[it.page - 1]


def test_damage_is_rendered_as_given_by_default(real_pdf: pdfbuild.GroundTruth) -> None:
    with pdfplumber.open(real_pdf.path) as pdf:
        text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "**" in text  # bold markers kept: ingest must repair them
    assert "’" in text and "–" in text  # non-ASCII punctuation survives the embedded font


SAMPLE = """# National objectives

Intro with <angle brackets> & an ampersand, **bold words** and \\(escaped\\) brackets.

## Urgent care

- Improve A&E waiting times
  - nested point
* second point

| Objective | Metric | Target |
|---|---|---|
| Urgent and emergency care | 4-hour A&E standard | 78% by March 2025 |
| Elective care | 65-week waits | eliminate by September 2024 |
"""


def test_parse_markdown_blocks() -> None:
    els = parse_markdown(SAMPLE)
    assert [e.kind for e in els] == ["heading", "paragraph", "heading", "list_item", "list_item", "list_item",
                                     "table_row", "table_row", "table_row"]
    assert [e.level for e in els if e.kind == "list_item"] == [1, 2, 1]
    assert els[6].cells == ("Objective", "Metric", "Target") and els[6].header_row
    assert not els[7].header_row
    bold = parse_markdown("**Table 1: Principles**\n\ntext **not** a heading\n\n****", bold_headings=True)
    assert [(e.kind, e.text) for e in bold] == [("heading", "Table 1: Principles"),
                                               ("paragraph", "text **not** a heading")]
    assert parse_markdown("**Table 1: Principles**")[0].kind == "paragraph"


def test_table_renders_as_table_and_markup_options(tmp_path: Path) -> None:
    gt = build_pdf(SAMPLE, tmp_path / "s.pdf", markup="bold", unescape=True)
    intro = gt.find("Intro with")
    assert intro.text == "Intro with <angle brackets> & an ampersand, bold words and (escaped) brackets."
    rows = gt.of_kind("table_row")
    assert rows[1].cells == ("Urgent and emergency care", "4-hour A&E standard", "78% by March 2025")
    assert rows[0].section == ("National objectives", "Urgent care")
    with pdfplumber.open(gt.path) as pdf:
        page = pdf.pages[0]
        tables = page.extract_tables()
        assert [list(r.cells) for r in rows] == tables[0]
        text = _norm(page.extract_text())
        assert intro.text in text
        bold_chars = [c for c in page.chars if "Bold" in c["fontname"]]
        assert "boldwords" in "".join(c["text"] for c in bold_chars).replace(" ", "")
        assert "Intro" not in "".join(c["text"] for c in bold_chars)
        assert "• Improve A&E waiting times" in page.extract_text()
    stripped = build_pdf(SAMPLE, tmp_path / "t.pdf", markup="strip")
    assert stripped.find("Intro").text.endswith("bold words and \\(escaped\\) brackets.")


def test_helvetica_fallback_replaces_unsupported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfbuild, "DEJAVU_DIR", tmp_path / "no-fonts")
    gt = build_pdf("Up ▲ 5% – by £3 ‘now’", tmp_path / "h.pdf")
    assert gt.font == "Helvetica"
    assert gt.items[0].text == "Up ? 5% – by £3 ‘now’"  # ▲ is outside WinAnsi; the rest is inside
    with pdfplumber.open(gt.path) as pdf:
        assert gt.items[0].text in pdf.pages[0].extract_text()


def test_section_in_two_columns_and_exact_long_pdf(tmp_path: Path) -> None:
    body = "\n\n".join(f"Point {i}: " + "systems should plan capacity " * 10 for i in range(30))
    src = f"# Guide\n\nOpening.\n\n## Annex\n\n{body}\n\n## After\n\nClosing."
    gt = build_pdf(src, tmp_path / "sec.pdf", two_column_sections=["annex"])
    annex = [it for it in gt.items if it.section[-1:] == ("Annex",)]
    assert gt.find("Opening").page == 1 and gt.find("Annex").page == 2
    assert {it.frame for it in annex} == {"left", "right"}
    assert gt.find("Closing").frame == "body" and gt.find("Closing").page > max(it.page for it in annex)
    assert set(gt.two_column_pages) == {it.page for it in annex}

    long = build_long_pdf([src, "# Second\n\nMore text here."], 20, tmp_path / "long.pdf", header="H")
    assert long.page_count == 20
    with pdfplumber.open(long.path) as pdf:
        assert len(pdf.pages) == 20
        last = _norm(pdf.pages[-1].extract_text())
    assert all(it.end_page <= 20 for it in long.items)
    assert long.items[-1].page == 20 and long.items[-1].text in last


def test_deterministic_bytes(tmp_path: Path) -> None:
    a = build_pdf(SAMPLE, tmp_path / "a.pdf", header="H", two_column_pages=[1])
    b = build_pdf(SAMPLE, tmp_path / "b.pdf", header="H", two_column_pages=[1])
    assert a.path.read_bytes() == b.path.read_bytes()
    assert re.search(rb"%PDF-1\.\d", a.path.read_bytes()[:10])


def test_elements_can_be_given_directly(tmp_path: Path) -> None:
    gt = build_pdf([Element("heading", "Only", level=1), Element("paragraph", "Text.")], tmp_path / "e.pdf",
                   page_numbers=False)
    assert [(i.kind, i.text, i.page) for i in gt.items] == [("heading", "Only", 1), ("paragraph", "Text.", 1)]
    assert gt.page_labels == {} and gt.title == "Only"


def test_undrawable_characters_and_giant_table_cells(tmp_path: Path) -> None:
    big = "long cell text " * 900
    src = (f"Emoji \U0001F600 bell \x07 triangle ▲.\n\n"
           f"| Area | Detail |\n|---|---|\n| A | {big} |\n| B | end |\n")
    gt = build_pdf(src, tmp_path / "u.pdf", two_column_pages=[1, 2])
    assert gt.items[0].text == "Emoji ? bell triangle ▲."
    rows = gt.of_kind("table_row")
    assert rows[1].end_page > rows[1].page, "a cell taller than a column splits inside the row"
    assert rows[2].cells == ("B", "end")
    with pdfplumber.open(gt.path) as pdf:
        page = pdf.pages[0]
        left = _norm(page.crop((0, 0, page.width / 2, page.height)).extract_text())
    assert gt.items[0].text in left
    assert [b.kind for b in gt.blocks()] == [it.kind for it in gt.items]
    assert gt.blocks()[2].cells == rows[1].cells and gt.blocks()[2].page == rows[1].page
