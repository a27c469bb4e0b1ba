"""Ingest of the text formats (Markdown, HTML, plain text), edition detection and dispatch.

The seven real corpus texts must each give a sane Document; small documents written here pin the
individual rules (bold-only headings, bullets, running headers found by repetition, glued page
numbers, HTML furniture) and that HTML, Markdown and text give the same model.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS_MD, corpus_file
from ingest_measure import in_order_recall, norm_words

from guidance_parser.errors import GuidanceError
from guidance_parser.ingest import detect_edition, ingest_file, ingest_text
from guidance_parser.ingest.repair import repair_ligatures
from guidance_parser.model import Document, Edition

# file -> (words the title must contain, edition label). The 10 Year Health Plan summary prints
# no financial year, only "July 2025": its edition is the calendar year 2025. The Board paper is
# dated 5 December 2024 with no planning year on its title page: "2024". The planning framework's
# front matter names the planning round it frames, "2026/27 to 2030/31".
CORPUS = {
    "nhs-planning-guidance-2025-26.md": ("2025/26 priorities and operational planning guidance", "2025/26"),
    "nhs-medium-term-planning-framework-2026-27-to-2028-29.md": ("Medium Term Planning Framework",
                                                                 "2026/27 to 2028/29"),
    "nhs-planning-framework-2025.md": ("Planning framework for the NHS in England", "2026/27 to 2030/31"),
    "nhs-oversight-framework-2025-26-methodology-manual.md": ("NHS Oversight Framework 2025/26", "2025/26"),
    "nhs-neighbourhood-health-guidelines-2025-26.md": ("Neighbourhood health guidelines 2025/26", "2025/26"),
    "10-year-health-plan-executive-summary-2025.md": ("FIT FOR THE FUTURE", "2025"),
    "nhs-england-board-paper-productivity-2024-12.md": ("NHS productivity", "2024"),
}


def _source_words(text: str) -> list[str]:
    """Words of a Markdown source as written: markup, headings' # and bare page-number lines aside.

    The lost-ligature damage is repaired first (``repair_ligatures``, tested on its own in
    test_repair.py): "wil" -> "will" must not count as a lost word here, where what is measured is
    whether the structure reading loses or reorders text."""
    lines = [ln for ln in text.splitlines() if not re.fullmatch(r"\s*(#+\s*)?\d{1,3}\s*", ln)]
    return norm_words(repair_ligatures(re.sub(r"(?m)^\s*#+\s", " ", "\n".join(lines))))


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_real_text_ingests_to_a_sane_document(name: str) -> None:
    path = corpus_file(name)
    doc = ingest_file(path)
    title_words, edition = CORPUS[name]
    assert title_words in doc.title
    assert doc.edition.label == edition
    assert doc.source_format == "markdown" and doc.page_count is None
    headings = [b for b in doc.blocks if b.kind == "heading"]
    assert len(headings) >= 5
    body = [b for b in doc.blocks if b.kind != "heading"]
    assert sum(1 for b in body if b.section) >= 0.9 * len(body)
    text = "\n".join(b.text for b in doc.blocks)
    assert "**" not in text and "\\(" not in text
    assert not re.search(r"\b(wil|ful y|al ocated|chal enges|col eagues|rol ing|crucial y)\b", text)
    assert not [b for b in doc.blocks if re.fullmatch(r"\d{1,3}", b.text)]
    recall = in_order_recall(_source_words(path.read_text(encoding="utf-8")),
                             [w for b in doc.blocks for w in norm_words(b.text)])
    print(f"\n{name}: {len(doc.blocks)} blocks, {len(headings)} headings, edition {doc.edition.label}, "
          f"in-order word recall vs source {recall:.4f}")
    # What is lost is the page furniture: running headers and glued page numbers (~2% at most).
    assert recall >= 0.97


def test_running_header_inlined_in_the_real_guidance_is_gone() -> None:
    doc = ingest_file(corpus_file("nhs-planning-guidance-2025-26.md"))
    header = "2025/26 priorities and operational planning guidance"
    raw = corpus_file("nhs-planning-guidance-2025-26.md").read_text(encoding="utf-8")
    assert raw.count(header) >= 15
    body = [b for b in doc.blocks if b.kind != "heading"]
    assert not [b.text[:80] for b in body if header in b.text]
    # The page numbers glued to paragraph ends went; the sentence across the break is whole again.
    assert any("underpinned by robust and realistic delivery plans that are assured" in b.text for b in body)
    assert any("facing waits of 12 hours or more" in b.text for b in body)  # a real 12 stays
    # The heading the header was glued to is a heading again.
    assert any(b.kind == "heading" and b.text == "Foreword from the NHS Chief Executive" for b in doc.blocks)


def test_corpus_ligature_damage_is_repaired_in_context() -> None:
    doc = ingest_file(corpus_file("nhs-planning-framework-2025.md"))
    text = " ".join(b.text for b in doc.blocks)
    for good in ("meet the challenges and changing needs", "crucially, build", "rolling five-year",
                 "colleagues across the NHS", "All organisations will be asked"):
        assert good in text, good


# --------------------------------------------------------------------------- rules on small inputs

MARKDOWN = """Classification: Official

**Example Trust annual plan **

**2031/32 **

Publication reference: EX001

Example Trust annual plan 2031/32 **Introduction **

This plan sets out \\(in brief\\) what the trust wil deliver. It is ful y funded and is
continued on the next line. Our target is robust and realistic 1



Example Trust annual plan 2031/32 delivery that is affordable.

## 1. Priorities

• reduce waits for elective care
o validate waiting lists every 12 weeks
• improve access to urgent care, including
the new urgent treatment centres

**2. Finance**

Example Trust annual plan 2031/32 The budget is fixed at £10 million. 2



Example Trust annual plan 2031/32 **3. Workforce **

Staff numbers will grow. 3



Example Trust annual plan 2031/32 Agency spend will fall by 30%.

| Measure | Target |
|---|---|
| Agency spend | -30% |
"""


def test_markdown_rules() -> None:
    doc = ingest_text(MARKDOWN, fmt="markdown", path="plan.md")
    assert doc.title == "Example Trust annual plan 2031/32"
    assert doc.edition.label == "2031/32"
    kinds = [(b.kind, b.text) for b in doc.blocks]
    # The header repeated at block starts is found by repetition, not by name, and removed.
    assert not any(t.startswith("Example Trust annual plan") for k, t in kinds[2:])
    assert ("heading", "Introduction") in kinds
    assert ("heading", "1. Priorities") in kinds and ("heading", "2. Finance") in kinds
    assert ("heading", "3. Workforce") in kinds
    para = next(t for k, t in kinds if t.startswith("This plan"))
    assert para == ("This plan sets out (in brief) what the trust will deliver. It is fully funded and is "
                    "continued on the next line. Our target is robust and realistic delivery that is "
                    "affordable.")
    items = [(b.level, b.text) for b in doc.blocks if b.kind == "list_item"]
    assert items == [(1, "reduce waits for elective care"), (2, "validate waiting lists every 12 weeks"),
                     (1, "improve access to urgent care, including the new urgent treatment centres")]
    assert "The budget is fixed at £10 million." in [t for _, t in kinds]  # glued page number gone
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert [r.cells for r in rows] == [("Measure", "Target"), ("Agency spend", "-30%")]
    assert rows[0].section == ("3. Workforce",)
    budget = next(b for b in doc.blocks if b.text.startswith("The budget"))
    assert budget.section == ("2. Finance",)


HTML = """<!DOCTYPE html><html><head><title>Example Trust annual plan 2031/32 | NHS</title>
<style>p { color: red }</style><script>var tracking = 'do not read me';</script></head><body>
<header><nav><a href="/">Home</a> <a href="/about">About us</a></nav></header>
<main><article>
<h1>Example Trust annual plan 2031/32</h1>
<h2>1. Priorities</h2>
<p>This plan sets out what the trust will deliver.</p>
<ul><li>reduce waits for elective care<ul><li>validate waiting lists every 12 weeks</li></ul></li>
<li>improve access to urgent care</li></ul>
<h2>2. Finance</h2>
<p>The budget is fixed at <strong>£10 million</strong>.</p>
<table><tr><th>Measure</th><th>Target</th></tr><tr><td>Agency spend</td><td>-30%</td></tr></table>
</article></main>
<aside>Related content: other plans</aside>
<footer><p>© Example Trust. Cookie settings.</p></footer>
<script>document.write('injected')</script></body></html>"""

SAME_MARKDOWN = """# Example Trust annual plan 2031/32

## 1. Priorities

This plan sets out what the trust will deliver.

- reduce waits for elective care
  - validate waiting lists every 12 weeks
- improve access to urgent care

## 2. Finance

The budget is fixed at **£10 million**.

| Measure | Target |
|---|---|
| Agency spend | -30% |
"""


def _shape(doc: Document) -> list[tuple[str, str, int, tuple[str, ...]]]:
    return [(b.kind, b.text, b.level if b.kind == "list_item" else 0, b.cells) for b in doc.blocks]


def test_html_long_read_drops_furniture_and_matches_markdown() -> None:
    html = ingest_text(HTML, fmt="html", path="plan.html")
    text = " ".join(b.text for b in html.blocks)
    for furniture in ("Home", "About us", "Related content", "Cookie", "tracking", "injected", "color"):
        assert furniture not in text
    assert "<" not in text
    assert html.title == "Example Trust annual plan 2031/32" and html.edition.label == "2031/32"
    md = ingest_text(SAME_MARKDOWN, fmt="markdown", path="plan.md")
    assert _shape(html) == _shape(md)
    sections = {b.text: b.section for b in html.blocks}
    assert sections["validate waiting lists every 12 weeks"] == ("Example Trust annual plan 2031/32",
                                                                 "1. Priorities")


def test_plain_text_gives_the_same_model() -> None:
    text = ("Example Trust annual plan 2031/32\n\n1. Priorities\n\nThis plan sets out what the trust\n"
            "will deliver.\n\n• reduce waits for elective care\n  o validate waiting lists every 12 weeks\n"
            "• improve access to urgent care\n\n2. Finance\n\nThe budget is fixed at £10 million.\n")
    doc = ingest_text(text, fmt="text", path="plan.txt")
    shape = [(k, t, lvl) for k, t, lvl, _ in _shape(doc)]
    assert shape == [("heading", "Example Trust annual plan 2031/32", 0), ("heading", "1. Priorities", 0),
                     ("paragraph", "This plan sets out what the trust will deliver.", 0),
                     ("list_item", "reduce waits for elective care", 1),
                     ("list_item", "validate waiting lists every 12 weeks", 2),
                     ("list_item", "improve access to urgent care", 1),
                     ("heading", "2. Finance", 0), ("paragraph", "The budget is fixed at £10 million.", 0)]


# --------------------------------------------------------------------------- editions


@pytest.mark.parametrize(("title", "front", "label"), [
    ("2025/26 priorities and operational planning guidance", "", "2025/26"),
    ("NHS Oversight Framework 2025/26 – methodology manual", "", "2025/26"),
    ("Medium Term Planning Framework", "delivering change together 2026/27 to 2028/29", "2026/27 to 2028/29"),
    ("Planning guidance 2024-25", "", "2024/25"),
    ("Fit for the future", "10 Year Health Plan for England Executive Summary July 2025", "2025"),
    ("Urgent care 24/7 standards", "Published 2023", "2023"),  # 24/7 is not a year
    ("Plan for 2025/30", "", None),  # not a financial year, and no plain year either
    ("Priorities and planning guidance", "Systems should improve access.", None),
])
def test_edition_detection(title: str, front: str, label: str | None) -> None:
    found = detect_edition(title, front)
    assert (found.label if found else None) == label


def test_edition_override_wins_and_a_missing_year_is_undated() -> None:
    assert detect_edition("2025/26 guidance", override=Edition.from_label("2024/25")).label == "2024/25"  # type: ignore[union-attr]
    assert detect_edition("Priorities and planning guidance", "no year here") is None
    doc = ingest_text("Priorities and planning guidance\n\nSystems should improve access.\n", fmt="text",
                      path="undated.txt")
    assert not doc.edition.dated and doc.edition.label == "undated" and "no year" in doc.edition_basis
    doc = ingest_text("Priorities and planning guidance\n\nSystems should improve access.\n", fmt="text",
                      path="undated.txt", edition="2025/26")
    assert doc.edition.label == "2025/26" and doc.edition.first_year == 2025
    with pytest.raises(GuidanceError):
        ingest_text("Guidance 2025/26\n\nText.\n", fmt="text", edition="next year")


# --------------------------------------------------------------------------- dispatch and bad input


def test_dispatch_by_content_then_extension(tmp_path: Path) -> None:
    md = tmp_path / "plan.markdown"
    md.write_text(SAME_MARKDOWN, encoding="utf-8")
    assert ingest_file(md).source_format == "markdown"
    sniff = tmp_path / "plan.download"
    sniff.write_text(HTML, encoding="utf-8")
    assert ingest_file(sniff).source_format == "html"
    txt = tmp_path / "plan.txt"
    txt.write_bytes("Guidance 2025/26\n\nFunding of \u00a3500 million \u2013 agreed.\n".encode("cp1252"))
    doc = ingest_file(txt)
    assert doc.source_format == "text" and "\u00a3500 million \u2013 agreed." in doc.blocks[-1].text


@pytest.mark.parametrize(("content", "words"), [
    (b"", ("empty",)),
    (b"   \n\n", ("empty",)),
    (b"<html><body><h1>Not Found</h1></body></html>", ("html", "not a pdf")),
    (b"PK\x03\x04....word/document.xml....", ("word",)),
    (b"just some bytes", ("not a pdf",)),
])
def test_bad_files_named_pdf(tmp_path: Path, content: bytes, words: tuple[str, ...]) -> None:
    path = tmp_path / "guidance.pdf"
    path.write_bytes(content)
    with pytest.raises(GuidanceError) as err:
        ingest_file(path)
    msg = str(err.value)
    assert str(path) in msg and "\n" not in msg
    for w in words:
        assert w in msg.lower()


def test_document_without_text_is_an_error() -> None:
    with pytest.raises(GuidanceError) as err:
        ingest_text("<html><body><script>x()</script><nav>Home</nav></body></html>", fmt="html",
                    path="x.html")
    assert "x.html" in str(err.value) and "no readable text" in str(err.value)


def test_corpus_location_is_reported_when_absent() -> None:
    assert CORPUS_MD.name == "md"


def test_markdown_inline_html_is_read_as_its_text() -> None:
    """Inline HTML in a Markdown file is markup, not wording: its tags must not reach a block (or an
    evidence quote), and a paragraph that is an HTML element is whole."""
    doc = ingest_text("# 2025/26 guidance\n\nTrusts should publish plans <b>by June&nbsp;2025</b>.\n\n"
                      "<p>An inline note</p>\n\nthe next paragraph starts here.\n\nCosts stay <£5 a pack.\n",
                      fmt="markdown")
    texts = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert texts == ["Trusts should publish plans by June 2025.", "An inline note", "the next paragraph starts here.",
                     "Costs stay <£5 a pack."]
