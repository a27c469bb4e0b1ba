"""Printed page labels: evidence cites the number printed on the page, and links open the PDF page.

Built PDFs carry a cover and a contents page (unnumbered), so body page 1 is the file's third page;
the real IFR policy PDF prints "1 | individual funding requests" at the top of its second page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS
from pdfbuild import build_pdf

from guidance_parser.ingest import ingest_file
from guidance_parser.ingest.pagelabels import printed_labels

BODY = """# Urgent and emergency care

Trusts should improve A&E performance, with 78% of patients seen within 4 hours by March 2026.

# Elective care

Systems should deliver 65% of patients waiting less than 18 weeks for treatment by March 2026.
"""
COVER = "# Planning guidance 2025/26\n\nPublished 30 January 2025"
CONTENTS = "# Contents\n\nUrgent and emergency care 1\n\nElective care 1"
# enough plain text to fill three more numbered pages
FILLER = "\n\n".join(f"Paragraph {i} describes how systems plan services with their partners." for i in range(150))


def test_printed_labels_follow_the_page_index_and_ignore_fixed_numbers():
    # a year in the running header is the same on every page: never a page label
    edges = [["Planning guidance 2025/26"], ["Planning guidance 2025/26", "1"],
             ["Planning guidance 2025/26", "2"], ["Planning guidance 2025/26", "Page 3 of 9"]]
    assert printed_labels(edges) == [None, "1", "2", "3"]
    # a lone number at the foot of one page that keeps no step with the others is not one
    assert printed_labels([["4"], ["17"], ["9"]]) == [None, None, None]
    assert printed_labels([["12 | title"], ["13 | title"]]) == ["12", "13"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("labels") / "guidance-2025-26.pdf"
    gt = build_pdf(BODY + "\n" + FILLER, path, front_pages=[COVER, CONTENTS], header="NHS England planning guidance")
    assert gt.page_labels.get(3) == "1" and 1 not in gt.page_labels  # the builder's own truth
    return path


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_built_pdf_with_cover_and_contents(built: Path, engine: str):
    doc = ingest_file(built, engine=engine)
    ae = next(b for b in doc.blocks if "4 hours" in b.text)
    assert ae.page == 3 and ae.page_label == "1"
    assert all(b.page_label is None for b in doc.blocks if b.page in (1, 2))
    body_labels = {b.page_label for b in doc.blocks if b.page and b.page > 2}
    assert body_labels == {str(p - 2) for p in range(3, (doc.page_count or 0) + 1)}


def test_real_pdf_prints_its_own_page_numbers():
    pdf = CORPUS / "pdf" / "nhse-commissioning-policy-ifr-2023.pdf"
    if not pdf.is_file():
        pytest.skip(f"real PDF {pdf.name} not found under {pdf.parent}")
    doc = ingest_file(pdf)
    labelled = [b for b in doc.blocks if b.page and 2 <= b.page < 29]  # cover and back cover print none
    assert labelled and all(b.page_label == str(b.page - 1) for b in labelled)
    equality = next(b for b in doc.blocks if b.kind == "heading" and b.text == "Equality statement")
    assert (equality.page, equality.page_label) == (3, "2")


def _page_text(pdf: Path, index: int) -> str:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return " ".join(doc[index - 1].get_textpage().get_text_range().split())
    finally:
        doc.close()


def test_report_shows_the_printed_page_and_links_the_pdf_page(built: Path, tmp_path: Path):
    from guidance_parser.diff import diff_editions
    from guidance_parser.extract import extract
    from guidance_parser.report import render_html

    newer = tmp_path / "guidance-2026-27.pdf"
    build_pdf((BODY + "\n" + FILLER).replace("78%", "82%").replace("March 2026", "March 2027"), newer,
              front_pages=[COVER.replace("2025/26", "2026/27"), CONTENTS], header="NHS England planning guidance")
    docs = [ingest_file(p) for p in (built, newer)]
    html = render_html(diff_editions([(d, extract(d)) for d in docs]), out_dir=tmp_path)
    row = re.search(r'<tr class="change k-changed"[^>]*data-type="target".*?4 hours.*?</tr>', html, re.S)
    assert row, "the A&E change is not in the report"
    links = re.findall(r'<a class="src" href="([^"]+)"[^>]*>p\. (\d+)</a>', row.group(0))
    assert [label for _, label in links] == ["1", "1"]  # printed page 1 ...
    for href, _ in links:  # ... is the file's third page, which the link opens
        file, page = href.split("#page=")
        assert page == "3" and "within 4 hours" in _page_text((tmp_path / file).resolve(), int(page))


def test_real_pdf_evidence_links_open_the_page_it_quotes():
    """The policy states no targets, so every paragraph stands in for a record's evidence."""
    from guidance_parser.model import DocumentRef, Evidence
    from guidance_parser.report import Sources, where

    pdf = CORPUS / "pdf" / "nhse-commissioning-policy-ifr-2023.pdf"
    if not pdf.is_file():
        pytest.skip(f"real PDF {pdf.name} not found under {pdf.parent}")
    doc = ingest_file(pdf)
    sources = Sources({doc.edition.label: DocumentRef.of(doc)}, out_dir=pdf.parent)
    checked = 0
    for k, b in enumerate(doc.blocks):
        if b.kind != "paragraph" or not b.page or not 2 <= b.page < 29:
            continue
        ev = Evidence(sentence=b.text, page=b.page, section=b.section, block_index=k, page_label=b.page_label)
        href = sources.href(doc.edition.label, ev)
        assert href is not None and href.startswith(pdf.name + "#page=")
        page = int(href.split("=")[1])
        assert where(ev) == f"p. {page - 1}"  # printed number, one less than the page the link opens
        words = " ".join(b.text.split()[:4])
        assert words in _page_text(pdf, page), (page, words)
        checked += 1
    assert checked > 20


LONG_READ = """<!DOCTYPE html><html><head><title>Planning guidance {year}</title></head><body><main>
<h1>Priorities and operational planning guidance {year}</h1>
<p>This guidance sets out the national objectives for the year ahead for systems and providers.</p>
<h2 id="urgent-and-emergency-care">Urgent and emergency care</h2>
<p>Improve A&amp;E waiting times so that no less than {ae}% of patients are seen within 4 hours by March {end}.</p>
<h3><a name="ambulance"></a>Ambulance services</h3>
<p>Improve ambulance response times for category 2 calls to an average of 30 minutes.</p>
</main></body></html>"""


def test_html_long_read_evidence_links_the_section_anchor(tmp_path: Path):
    from guidance_parser.diff import diff_editions
    from guidance_parser.extract import extract
    from guidance_parser.report import render_html

    files = []
    for year, ae, end in (("2024/25", 78, 2025), ("2025/26", 80, 2026)):
        f = tmp_path / f"guidance-{year.replace('/', '-')}.html"
        f.write_text(LONG_READ.format(year=year, ae=ae, end=end), encoding="utf-8")
        files.append(f)
    docs = [ingest_file(f) for f in files]
    ae = next(b for b in docs[0].blocks if "4 hours" in b.text)
    cat2 = next(b for b in docs[0].blocks if "category 2" in b.text)
    assert (ae.anchor, cat2.anchor, ae.page, ae.page_label) == ("urgent-and-emergency-care", "ambulance", None, None)
    html = render_html(diff_editions([(d, extract(d)) for d in docs]), out_dir=tmp_path)
    row = re.search(r'<tr class="change k-changed"[^>]*data-type="target".*?</tr>', html, re.S)
    assert row, "the A&E change is not in the report"
    links = re.findall(r'<a class="src" href="([^"]+)"', row.group(0))
    assert links == [f"guidance-{y}.html#urgent-and-emergency-care" for y in ("2024-25", "2025-26")]


def test_closest_passages_of_a_dropped_record_link_into_the_long_read(tmp_path: Path):
    from guidance_parser.diff import diff_editions
    from guidance_parser.extract import extract
    from guidance_parser.report import render_html

    old = tmp_path / "guidance-2024-25.html"
    old.write_text(LONG_READ.format(year="2024/25", ae=78, end=2025), encoding="utf-8")
    # the new edition drops the category 2 target but still names the measure in its ambulance section
    new = tmp_path / "guidance-2025-26.html"
    new.write_text(LONG_READ.format(year="2025/26", ae=80, end=2026).replace(
        "Improve ambulance response times for category 2 calls to an average of 30 minutes.",
        "Systems should keep reviewing ambulance response times for category 2 calls with their providers."),
        encoding="utf-8")
    docs = [ingest_file(f) for f in (old, new)]
    result = diff_editions([(d, extract(d)) for d in docs])
    # still named without its figure: kept without a figure, with the passage naming it first
    dropped = [c for c in result.pairs[0].changes if c.kind == "kept_without_figure"]
    assert dropped and dropped[0].closest and dropped[0].closest[0].anchor == "ambulance"
    html = render_html(result, out_dir=tmp_path)
    box = re.search(r'<details class="closest"[^>]*>.*?</details>', html, re.S)
    assert box and 'href="guidance-2025-26.html#ambulance"' in box.group(0)
