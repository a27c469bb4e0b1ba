"""The pdfplumber reader's own character walk must give exactly the words ``page.extract_words`` gives.

``pdf._layout_chars`` skips pdfplumber's generic per-object conversion (the dearest part of reading a
page) and builds only the keys word grouping reads. That is only a speed-up if nothing changes, so
every page of a range of PDFs is read both ways and compared word for word, value for value
(including float types), together with the count of ruling lines that decides table finding:
reportlab documents with tables, two columns, bold runs, a form XObject (pdfminer's LTFigure
container), rotated text, a page whose MediaBox does not start at the origin, and the demo corpus.

Reading also pauses Python's cyclic garbage collector; the caller's setting must survive it, and
the reference cycles made while reading must still be freed.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import badinputs
import pdfbuild
import pdfplumber
import pytest
from pdfplumber.utils import extract_words
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from guidance_parser.errors import GuidanceError
from guidance_parser.ingest import ingest_file
from guidance_parser.ingest.pdf import _WORD_OPTIONS, _layout_chars

ROOT = Path(__file__).resolve().parent.parent

MARKDOWN = """# 2025/26 planning guidance for testing

## Introduction

Systems **must** reduce the time people wait for elective care, and all organisations will
deliver the 18-week standard for 65% of patients by March 2026. This paragraph is long enough
to wrap over several lines of the page so that word grouping sees many rows of characters.

- Improve A&E waiting times: 78% of patients seen within 4 hours
- Category 2 ambulance response: 30 minutes on average across the year

## Success measures

| Measure | Position | Ambition |
|---|---|---|
| Elective waits under 18 weeks | 59% | 65% by March 2026 |
| A&E within 4 hours | 74% | 78% in March 2026 |
"""


def _compare(path: Path) -> tuple[int, int]:
    """(pages read the fast way, pages that had words); asserts the fast way equals pdfplumber's."""
    fast_pages = worded = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            fast = _layout_chars(page)
            ref = page.extract_words(**_WORD_OPTIONS)
            rules = len(page.lines) + 4 * len(page.rects)
            page.close()
            assert fast is not None, f"{path.name} p{page.page_number}: unexpected fallback"
            words = extract_words(fast[0], **_WORD_OPTIONS)
            assert words == ref, f"{path.name} p{page.page_number}: words differ"
            assert [_types(w) for w in words] == [_types(w) for w in ref]
            assert fast[1] == rules, f"{path.name} p{page.page_number}: rule count differs"
            fast_pages += 1
            worded += bool(words)
    return fast_pages, worded


def _types(word: dict[str, Any]) -> list[tuple[str, type]]:
    return [(k, type(v)) for k, v in word.items()]


def test_built_guidance_pdf_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "built.pdf"
    pdfbuild.build_pdf(MARKDOWN * 6, path, header="2025/26 planning guidance", footer="Reference: TEST01",
                       two_column_pages=[2], bold_headings=True, markup="bold")
    pages, worded = _compare(path)
    assert pages >= 3 and worded == pages


@pytest.mark.parametrize("name", ["planning-guidance-2023-24.pdf", "planning-guidance-2024-25.pdf"])
def test_demo_pdfs_read_the_same(name: str) -> None:
    pages, worded = _compare(ROOT / "corpora" / "demo" / name)
    assert pages == worded >= 1


def test_figure_and_rotated_text_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "figure.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.beginForm("box")
    c.setFont("Helvetica-Bold", 11)
    c.drawString(80, 700, "Inside a form XObject: 2025/26 targets")
    c.rect(70, 690, 300, 30)
    c.endForm()
    c.doForm("box")
    c.setFont("Helvetica", 10)
    c.drawString(80, 600, "Body text outside the figure, with a line under it.")
    c.line(80, 595, 400, 595)
    c.saveState()
    c.translate(50, 300)
    c.rotate(90)
    c.drawString(0, 0, "Rotated margin note")
    c.restoreState()
    c.showPage()
    c.save()
    assert _compare(path) == (1, 1)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        fast = _layout_chars(page)
        assert fast is not None
        assert any(not ch["upright"] for ch in fast[0])  # the rotated run really is there
        assert any(type(o).__name__ == "LTFigure" for o in page.layout)


def _offset_mediabox_pdf(path: Path) -> None:
    """A one-page PDF whose MediaBox starts at (40, 30), written by hand (reportlab always uses 0, 0)."""
    content = (b"BT /F1 12 Tf 80 700 Td (Offset page: 2025/26 guidance text) Tj ET\n"
               b"100 650 m 400 650 l S\n")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [40 30 635 872] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


def test_offset_mediabox_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "offset.pdf"
    _offset_mediabox_pdf(path)
    with pdfplumber.open(path) as pdf:
        x0, top = pdf.pages[0].mediabox[:2]
        assert x0 != 0 and top != 0  # both offsets of pdfplumber's arithmetic are exercised
    assert _compare(path) == (1, 1)


def test_layout_analysis_falls_back_to_pdfplumber(tmp_path: Path) -> None:
    """With pdfminer layout analysis on, containers become objects of their own: not the plain case."""
    path = tmp_path / "offset.pdf"
    _offset_mediabox_pdf(path)
    with pdfplumber.open(path, laparams={}) as pdf:
        assert _layout_chars(pdf.pages[0]) is None


def test_offset_mediabox_ingests(tmp_path: Path) -> None:
    path = tmp_path / "offset.pdf"
    _offset_mediabox_pdf(path)
    doc = ingest_file(path)
    assert "Offset page: 2025/26 guidance text" in [b.text for b in doc.blocks]


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collector_state_is_restored(tmp_path: Path, engine: str, enabled: bool) -> None:
    """Reading pauses the cyclic collector; the caller's setting must come back, on errors too."""
    good = ROOT / "corpora" / "demo" / "planning-guidance-2024-25.pdf"
    scanned = badinputs.image_only_pdf(tmp_path)
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        ingest_file(good, engine=engine)  # type: ignore[arg-type]
        assert gc.isenabled() is enabled
        with pytest.raises(GuidanceError):
            ingest_file(scanned, engine=engine)  # type: ignore[arg-type]
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def test_reading_leaves_no_cyclic_garbage_behind() -> None:
    """pdfminer's per-page reference cycles and the document's own graph are freed while reading."""
    gc.collect()
    gc.disable()
    try:
        ingest_file(ROOT / "corpora" / "demo" / "planning-guidance-2023-24.pdf")
        assert gc.collect() < 50  # without the in-read collections: ~360 for these four pages
    finally:
        gc.enable()


def test_a_moved_internal_falls_back_to_the_public_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast walk reads pdfplumber/pdfminer internals; if an upgrade moves one, ingest must read
    the slow way and give the same document, not fail."""
    from guidance_parser.ingest import pdf as pdf_mod

    demo = ROOT / "corpora" / "demo" / "planning-guidance-2024-25.pdf"
    fast = ingest_file(demo, engine="pdfplumber")

    def moved(page: Any) -> None:
        raise AttributeError("'LTChar' object has no attribute 'fontname'")

    monkeypatch.setattr(pdf_mod, "_layout_chars", moved)
    assert ingest_file(demo, engine="pdfplumber").blocks == fast.blocks
