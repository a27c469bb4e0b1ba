"""PDF ingest, on both engines, against PDFs built from the real corpus texts with known ground truth.

``pdfbuild`` renders a real text to an NHS-style PDF (running header, footer, page numbers, a
two-column page, a ruled table) and records which page every block landed on. Reading it back must
give the text in order without the page furniture, with headings, pages and table rows right.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

import pdfbuild
import pytest
from conftest import MEDIUM_TERM, PLANNING_2025, corpus_file
from ingest_measure import in_order_recall, norm_words

from guidance_parser.ingest import ingest_file
from guidance_parser.model import Document

ENGINES = ["pdfplumber", "pdfium"]
FOOTER = "Publication reference: PRN01625"
# A small ruled table of our own, appended to each real text so every built PDF has one.
TABLE = """
## Success measures summary

| Measure | 2024/25 position | Ambition |
|---|---|---|
| Patients waiting no longer than 18 weeks | 59% | 65% by March 2026 |
| A&E patients seen within 4 hours | 74% | 78% in March 2026 |
| Category 2 ambulance mean response | 35 minutes | 30 minutes across the year |
"""


@dataclass
class Built:
    name: str
    gt: pdfbuild.GroundTruth
    header: str
    expected_edition: str


SOURCES = {
    PLANNING_2025: ("2025/26 priorities and operational planning guidance", "2025/26"),
    MEDIUM_TERM: ("Medium Term Planning Framework – delivering change together 2026/27 to 2028/29",
                  "2026/27 to 2028/29"),
}


@pytest.fixture(scope="module", params=sorted(SOURCES))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    name = request.param
    header, edition = SOURCES[name]
    src = corpus_file(name).read_text(encoding="utf-8") + TABLE
    path = tmp_path_factory.mktemp("ingest-pdf") / (Path(name).stem + ".pdf")
    gt = pdfbuild.build_pdf(src, path, header=header, footer=FOOTER, two_column_pages=[3],
                            bold_headings=True, markup="bold")
    return Built(name, gt, header, edition)


_DOCS: dict[tuple[str, str], Document] = {}


def _doc(b: Built, engine: str) -> Document:
    key = (str(b.gt.path), engine)
    if key not in _DOCS:
        _DOCS[key] = ingest_file(b.gt.path, engine=engine)  # type: ignore[arg-type]
    return _DOCS[key]


def _expected_words(b: Built) -> list[str]:
    """Ground-truth words minus the page furniture the source text itself carries inline (its own
    copies of the running header and bare page numbers), which ingest is right to drop."""
    words: list[str] = []
    for it in b.gt.items:
        text = it.text.replace(b.header, " ")
        if re.fullmatch(r"\s*\d{1,3}\s*", text):
            continue
        words += norm_words(text)
    return words


@pytest.mark.parametrize("engine", ENGINES)
def test_words_come_back_in_order(built: Built, engine: str) -> None:
    doc = _doc(built, engine)
    got = [w for blk in doc.blocks for w in norm_words(blk.text)]
    expected = _expected_words(built)
    recall = in_order_recall(expected, got)
    print(f"\n{built.name} [{engine}]: in-order word recall {recall:.4f} "
          f"({len(expected)} expected words, {len(got)} read, {built.gt.page_count} pages)")
    assert recall >= 0.99
    # Nothing much invented either: running headers / footers / page numbers would add words.
    assert len(got) <= len(expected) * 1.01


@pytest.mark.parametrize("engine", ENGINES)
def test_no_running_header_footer_or_page_number_survives(built: Built, engine: str) -> None:
    doc = _doc(built, engine)
    assert doc.page_count == built.gt.page_count

    def count(text: str, texts: list[str]) -> int:
        return sum(t.count(text) for t in texts)

    got = [b.text for b in doc.blocks]
    # The body itself may mention the title or the reference; those mentions are all that may remain
    # (the source's own inline copies of the running header, at a block start, go too).
    genuine = [it.text.removeprefix(built.header) for it in built.gt.items]
    assert count(built.header, got) <= count(built.header, genuine), built.header
    assert count(FOOTER, got) <= count(FOOTER, genuine)
    assert not [b.text for b in doc.blocks if re.fullmatch(r"\d{1,3}", b.text.strip())]
    # The page number drawn in the corner never ends a block either ("... support you. 3"), unless
    # the source text itself ends that way.
    endings = {" ".join(norm_words(it.text)[-3:]) for it in built.gt.items}
    for blk in doc.blocks:
        label = built.gt.page_labels.get(blk.page or 0)
        if blk.kind == "paragraph" and label and blk.text.endswith(f" {label}"):
            assert " ".join(norm_words(blk.text)[-3:]) in endings, blk.text[-60:]


@pytest.mark.parametrize("engine", ENGINES)
def test_title_edition_and_headings(built: Built, engine: str) -> None:
    doc = _doc(built, engine)
    assert doc.edition.label == built.expected_edition
    assert doc.title and doc.title.split()[0] in built.header
    headings = [b for b in doc.blocks if b.kind == "heading"]
    got = {" ".join(norm_words(h.text)) for h in headings}
    want = [" ".join(norm_words(it.text)) for it in built.gt.of_kind("heading")]
    found = sum(1 for w in want if w in got)
    print(f"\n{built.name} [{engine}]: {found}/{len(want)} headings found as headings, "
          f"{len(headings)} in all")
    assert found >= 0.9 * len(want)
    # Every block carries its section path: the heading above it.
    body = [b for b in doc.blocks if b.kind != "heading" and b.page and b.page > 2]
    assert body and sum(1 for b in body if b.section) >= 0.95 * len(body)


@pytest.mark.parametrize("engine", ENGINES)
def test_pages_of_sampled_sentences(built: Built, engine: str) -> None:
    doc = _doc(built, engine)
    texts = [(" ".join(norm_words(b.text)), b.page) for b in doc.blocks]
    # A sampled block may have been joined onto the unfinished sentence before it (the source text
    # was cut mid-sentence there); then the joined block starts earlier, which is where the
    # sentence starts, and that counts as right.
    sample = [it for it in built.gt.items if it.kind in ("paragraph", "list_item") and len(it.text) > 80
              and built.header not in it.text][::4]
    assert len(sample) >= 10
    right = 0
    for it in sample:
        probe = " ".join(norm_words(it.text)[:10])
        hits = [(t.startswith(probe), p) for t, p in texts if probe in t]
        right += bool(hits) and (hits[0][1] == it.page or (not hits[0][0] and (hits[0][1] or 0) < it.page))
    print(f"\n{built.name} [{engine}]: page right for {right}/{len(sample)} sampled blocks")
    assert right >= 0.95 * len(sample)


@pytest.mark.parametrize("engine", ENGINES)
def test_two_column_page_reads_left_column_first(built: Built, engine: str) -> None:
    doc = _doc(built, engine)
    two = [it for it in built.gt.items if it.page == 3 and it.page == it.end_page and len(it.text) > 60]
    left = [it for it in two if it.frame == "left"]
    right = [it for it in two if it.frame == "right"]
    assert left and right, "the builder made page 3 two-column"
    joined = " ".join(w for b in doc.blocks for w in norm_words(b.text))
    last_left = joined.find(" ".join(norm_words(left[-1].text)[:8]))
    first_right = joined.find(" ".join(norm_words(right[0].text)[:8]))
    assert 0 <= last_left < first_right


@pytest.mark.parametrize("engine", ENGINES)
def test_table_rows_come_back_with_cells(built: Built, engine: str) -> None:
    if engine == "pdfium":
        pytest.skip("pdfium exposes no ruling lines to find tables by: its rows flatten to paragraphs")
    doc = _doc(built, engine)
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    want = [it.cells for it in built.gt.of_kind("table_row")]
    got = [b.cells for b in rows]
    assert want and all(w in got for w in want), (want, got)
    assert all(b.section and b.section[-1] == "Success measures summary" for b in rows
               if b.cells in want)


def test_engines_agree_on_the_text(built: Built) -> None:
    a, b = (_doc(built, e) for e in ENGINES)
    words_a = [w for blk in a.blocks if blk.kind != "table_row" for w in norm_words(blk.text)]
    words_b = [w for blk in b.blocks if blk.kind != "table_row" for w in norm_words(blk.text)]
    assert in_order_recall(words_a, words_b) >= 0.98


@pytest.mark.parametrize("engine", ENGINES)
def test_artefacts_rendered_into_the_pdf_are_repaired(tmp_path: Path, engine: str) -> None:
    """The conversion damage of the corpus (\\( escapes, ** markers, lost ligatures, hyphenated line
    ends) survives into a PDF made from it; ingest repairs all of it."""
    src = ("# Planning guidance 2025/26\n\n"
           "Leaders wil need to work with col eagues to meet the chal enges, and crucial y the "
           "funding al ocated to integrated care boards \\(ICBs\\) must be ful y used. **Bold words** "
           "stay words.\n")
    gt = pdfbuild.build_pdf(src, tmp_path / "damaged.pdf", header=None, footer=None, page_numbers=False)
    doc = ingest_file(gt.path, engine=engine)  # type: ignore[arg-type]
    text = " ".join(b.text for b in doc.blocks)
    for good in ["will need", "colleagues", "challenges", "crucially", "allocated", "(ICBs)", "fully used",
                 "Bold words stay"]:
        assert good in text, (good, text)
    assert "**" not in text and "\\(" not in text


@pytest.mark.parametrize("engine", ENGINES)
def test_words_hyphenated_at_line_ends_are_joined(tmp_path: Path, engine: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "hyphens.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 10)
    lines = ["Guidance for 2025/26 asks partner organis-", "ations to publish year-on-", "year plans and to",
             "share co-", "produced pathways with local commun-", "ities."]
    for i, line in enumerate(lines):
        c.drawString(60, 700 - 14 * i, line)
    c.showPage()
    c.save()
    text = " ".join(b.text for b in ingest_file(path, engine=engine).blocks)  # type: ignore[arg-type]
    assert "partner organisations to publish year-on-year plans" in text
    assert "co-produced pathways with local communities." in text


@pytest.mark.parametrize("engine", ENGINES)
def test_bad_pdfs_raise_one_line_errors(tmp_path: Path, engine: str) -> None:
    from badinputs import encrypted_pdf, image_only_pdf, truncated_pdf

    from guidance_parser.errors import GuidanceError

    for make, word in ((truncated_pdf, "pdf"), (image_only_pdf, "ocr"), (encrypted_pdf, "password")):
        path = make(tmp_path)
        with pytest.raises(GuidanceError) as err:
            ingest_file(path, engine=engine)  # type: ignore[arg-type]
        msg = str(err.value)
        assert str(path) in msg and word in msg.lower() and "\n" not in msg


def test_finished_page_marks_bands_and_keeps_packed_copies() -> None:
    """A read page's lines are kept as fresh copies (for the allocator's sake, see _finished_page):
    equal in every field, but not the objects allocated during the page's work."""
    from guidance_parser.ingest.pdf import Line, _finished_page

    made = [Line("2025/26 priorities", 1, 10.0, 20.0, 50.0, 300.0, size=9.0),
            Line("Reduce waits to 65 weeks by March 2025.", 1, 400.0, 412.0, 50.0, 500.0, size=11.0, bold=0.25),
            Line("Metric | Target", 1, 500.0, 540.0, 50.0, 500.0, column="table", rows=[("Metric", "Target")]),
            Line("7", 1, 820.0, 830.0, 290.0, 300.0)]
    kept = _finished_page(made, 842.0)

    assert [ln.in_band for ln in kept] == [True, False, False, True]
    assert kept == made  # the marks were set on the originals too, before the copy
    assert all(a is not b for a, b in zip(kept, made, strict=True))
    assert kept[1].text is not made[1].text and kept[1].top is not made[1].top
    assert kept[2].rows is not made[2].rows


@pytest.mark.parametrize("engine", ENGINES)
def test_list_item_split_by_a_page_break_stays_one_item(tmp_path: Path, engine: str) -> None:
    """A list item that a page break cuts goes on at its hanging indent on the next page: one item, however
    the next page's text begins (here every word is capitalised, so no lower-case cue helps), and the
    paragraph after the list, back at the margin, stays a paragraph."""
    vocab = [f"{c}{'aeiou'[k % 5]}n{'dgkrt'[k % 5]}" for k, c in enumerate(string.ascii_uppercase)]
    # every line differs from every other (a repeated line at a page's edge would pass for a running header)
    items = "\n".join("- " + " ".join(f"{vocab[(i * 7 + n) % 26]}{vocab[(i + n * 3) % 26].lower()}"
                                       for n in range(90)) + "." for i in range(12))
    src = "# Test plan 2025/26\n\nThe national priorities are:\n\n" + items + "\n\nAfter The List Comes A Paragraph.\n"
    gt = pdfbuild.build_pdf(src, tmp_path / "split.pdf", header="Test plan", footer=FOOTER)
    split = [it for it in gt.of_kind("list_item") if it.end_page > it.page]
    assert split, "the builder did not split any list item across pages"
    doc = ingest_file(gt.path, engine=engine)
    got = [b.text for b in doc.blocks if b.kind == "list_item"]
    assert got == [it.text for it in gt.of_kind("list_item")]
    assert doc.blocks[-1].kind == "paragraph" and doc.blocks[-1].text == "After The List Comes A Paragraph."


@pytest.mark.parametrize("engine", ENGINES)
def test_sentence_cut_by_a_page_or_column_break_is_rejoined(tmp_path: Path, engine: str) -> None:
    """A paragraph that a page or column break cuts is one block even when the next page or column
    opens with a capital or a figure ("... But for" + "2026/27, while ..."): the line before the break
    was wrapped (the next word did not fit), and it ends no sentence. Short lines that end without a
    full stop (each a paragraph of its own) are not joined across a break."""
    vocab = [f"{c}{'aeiou'[k % 5]}n{'dgkrt'[k % 5]}" for k, c in enumerate(string.ascii_uppercase)]
    paras = []
    for i in range(14):
        words = [vocab[(i * 5 + n * 7) % 26] if n % 4 else f"{2025 + (i + n) % 5}/{26 + (i + n) % 5}"
                 for n in range(70 + i * 3)]
        paras.append(" ".join(words) + ".")
        paras += [f"Short line {vocab[(i + k) % 26]} {k} without a stop" for k in range(3)]
    gt = pdfbuild.build_pdf("# Test plan 2025/26\n\n" + "\n\n".join(paras), tmp_path / "cut.pdf",
                            header="Test plan", footer=FOOTER, two_column_pages=[3])
    cut = [it for it in gt.of_kind("paragraph") if it.end_page > it.page]
    assert cut, "the builder did not cut any paragraph at a page break"
    doc = ingest_file(gt.path, engine=engine)
    assert [b.text for b in doc.blocks if b.kind == "paragraph"] == [it.text for it in gt.of_kind("paragraph")]


@pytest.mark.parametrize("engine", ENGINES)
def test_cover_title_that_the_running_header_repeats_is_kept(tmp_path: Path, engine: str) -> None:
    """The running header repeats the title, which the cover prints near the top too: the header goes
    from every page, the cover's title (where the header never sits) stays."""
    body = "\n\n".join(f"## Section {k}\n\n" + " ".join(["We will deliver the plan in 2025/26."] * 40)
                       for k in range(6))
    gt = pdfbuild.build_pdf(body, tmp_path / "cover.pdf", header="Test plan 2025/26", footer=FOOTER,
                            front_pages=["# Test plan 2025/26\n\nNHS England"])
    assert gt.page_count >= 4
    doc = ingest_file(gt.path, engine=engine)
    assert [(b.kind, b.page) for b in doc.blocks if b.text == "Test plan 2025/26"] == [("heading", 1)]


@pytest.mark.parametrize("engine", ENGINES)
def test_cover_title_opens_no_section(tmp_path: Path, engine: str) -> None:
    """The title on the cover, set larger than every heading, names the document: the body's headings
    are not nested under it (as in a text without pages), so a title that says "priorities" does not
    make every section one that announces priorities."""
    title = "2025/26 priorities and operational planning guidance"
    body = "\n\n".join(f"## Section {k}\n\nSystems will deliver plan {k} by March 2026." for k in range(4))
    gt = pdfbuild.build_pdf(body, tmp_path / "title.pdf", header=title, footer=FOOTER,
                            front_pages=[f"# {title}\n\nNHS England"])
    doc = ingest_file(gt.path, engine=engine)
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].text == title
    heads = [b for b in doc.blocks if b.text.startswith("Section")]
    assert [b.section for b in heads] == [()] * 4
    assert doc.blocks[-1].section == ("Section 3",)
