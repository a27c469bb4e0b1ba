"""Render Markdown-ish text to a real, multi-page PDF that looks like an NHS England guidance PDF.

Owned here: the test / benchmark PDF builder and the *ground truth* of what it put on which page.
The ingest tests and the benchmarks read these PDFs back with pdfplumber / pypdfium2 and compare
what they recover with the ground truth, so the page of every block is recorded from the layout
engine itself (reportlab platypus ``afterFlowable``), never estimated.

Public API (stable; extend with keyword arguments that have defaults, never break these):

``parse_markdown(text, *, bold_headings=False) -> list[Element]``
    Split source text into headings (``#``/``##``/``###``; with ``bold_headings=True`` also a line
    that is bold from end to end, ``**like this**``, of at most 25 words -> level 2), paragraphs
    (consecutive non-blank lines joined by a space), list items (``• ``, ``- ``, ``* ``; nesting
    from indentation, 2 spaces a level) and pipe-table rows (``| a | b |``; ``|---|`` separator rows
    dropped; the first row of a table is its header).

``build_pdf(source, path, **options) -> GroundTruth``
    ``source`` is text (parsed with ``parse_markdown``) or a list of ``Element``. Options:
    ``title`` (PDF metadata; default the first heading), ``header`` (running header drawn at the
    top of every page, or None), ``footer`` (drawn bottom-left of every page, or None),
    ``page_numbers`` (bare number bottom-right, as NHS PDFs do; default True),
    ``two_column_pages`` (1-based page numbers set in two columns), ``two_column_sections``
    (heading texts, as rendered, case-insensitive, whose section -- up to the next heading of the
    same or a higher level -- is set in two columns; it starts on a fresh page and the page after
    it returns to one column), ``pagesize`` (default A4), ``markup`` ("keep" renders ``**`` as
    given, so an ingest must repair it -- the default; "strip" removes the markers; "bold" sets the
    marked words in bold), ``unescape`` (turn Markdown escapes such as ``\\(`` back into ``(``;
    default False, i.e. render the damage), ``bold_headings`` (as in ``parse_markdown``),
    ``max_pages`` (stop the layout after this page; blocks cut off are left out of the ground truth),
    ``front_pages`` (texts set one to a page before ``source``, such as a cover and a contents page;
    they print no page number, and the page after them is numbered 1, as NHS PDFs do).

``build_long_pdf(texts, pages, path, **options) -> GroundTruth``
    Concatenate (and repeat) texts until the layout reaches ``pages`` pages and stop there, so the
    page count is exact unless the texts are empty. ``texts`` holds strings or paths.

``GroundTruth`` has ``path``, ``page_count``, ``items`` (``Item``: kind, text as rendered with
whitespace collapsed and without the bullet glyph, page and end_page of the block's first and last
line, level, cells, frame "body"/"left"/"right", section path), ``header``, ``footer``,
``page_labels`` (page -> the page-number string drawn), ``two_column_pages``, ``font`` and
``seconds`` (build time), plus ``of_kind(kind)``, ``on_page(n)``, ``find(fragment)`` and
``blocks()`` (the items as ``guidance_parser.model.Block`` records, for comparing with an ingest).

Reading it back: every block's words are on its pages in order, but a word too long for a line
(a long URL) is broken across lines, and text extraction then puts a line break inside it; compare
with whitespace removed if a block may hold such words. A two-column page reads row by row with
plain ``extract_text()``; crop each half to read a column. A table row taller than a frame splits
inside the row (``end_page`` > ``page``).

Font decision: DejaVu Sans (``/usr/share/fonts/truetype/dejavu/``) when present -- it covers every
character in the real corpus (curly quotes, en dashes, bullets, pound signs, triangles) and is
embedded with a ToUnicode map, so text extraction gives back exactly what was drawn. Without it
we fall back to Helvetica, and any character outside WinAnsi (cp1252) is replaced by its ASCII
decomposition or "?" *before* layout, so the ground truth still records what is really on the page.
With DejaVu, characters it lacks and astral-plane characters (emoji: reportlab's ToUnicode map
truncates them) become "?"; control characters are dropped. Headers and footers get the same
treatment.

Output is deterministic (reportlab ``invariant=1``): the same input gives the same bytes.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

Kind = Literal["heading", "paragraph", "list_item", "table_row"]
Markup = Literal["keep", "strip", "bold"]

NHS_BLUE = colors.HexColor("#005EB8")
DARK_GREY = colors.HexColor("#425563")
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Element:
    """One block of source text before layout (``text`` is raw: markup not yet applied)."""

    kind: Kind
    text: str
    level: int = 0
    cells: tuple[str, ...] = ()
    header_row: bool = False  # first row of a pipe table


@dataclass
class Item:
    """Ground truth for one rendered block: what was drawn, and where."""

    index: int
    kind: Kind
    text: str
    page: int
    end_page: int
    level: int = 0
    cells: tuple[str, ...] = ()
    frame: str = "body"
    section: tuple[str, ...] = ()


@dataclass
class GroundTruth:
    """What ``build_pdf`` put into the PDF, as the layout engine reported it."""

    path: Path
    page_count: int
    items: list[Item]
    header: str | None
    footer: str | None
    title: str
    page_labels: dict[int, str] = field(default_factory=dict)
    two_column_pages: list[int] = field(default_factory=list)
    font: str = "Helvetica"
    seconds: float = 0.0

    def of_kind(self, kind: Kind) -> list[Item]:
        return [it for it in self.items if it.kind == kind]

    def on_page(self, page: int) -> list[Item]:
        """Items that start on ``page``."""
        return [it for it in self.items if it.page == page]

    def find(self, fragment: str) -> Item:
        """First item whose text contains ``fragment`` (KeyError if none)."""
        for it in self.items:
            if fragment in it.text:
                return it
        raise KeyError(fragment)

    def blocks(self) -> list[Any]:
        """The items as ``guidance_parser.model.Block`` records (what a perfect ingest would return)."""
        from guidance_parser.model import Block

        return [Block(kind=it.kind, text=it.text, page=it.page, section=it.section, level=it.level,
                      cells=it.cells) for it in self.items]


# --------------------------------------------------------------------------- parsing

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)(?:•|-|\*)\s+(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_TABLE_SEP = re.compile(r"^\s*:?-{2,}:?\s*$")
_BOLD_LINE = re.compile(r"^\*\*(?!\*)(.+?)\*\*\s*$")
_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|&<>])")


def _split_cells(inner: str) -> tuple[str, ...]:
    # Split on pipes that are not escaped (``\|`` stays a literal pipe inside a cell).
    return tuple(c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner))


def parse_markdown(text: str, *, bold_headings: bool = False) -> list[Element]:
    """Split Markdown-ish text into blocks; see the module docstring for the rules."""
    out: list[Element] = []
    para: list[str] = []
    in_table = False

    def flush() -> None:
        if para:
            out.append(Element("paragraph", " ".join(p.strip() for p in para)))
            para.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            flush()
            in_table = False
            continue
        m = _TABLE_ROW.match(line)
        if m:
            flush()
            cells = _split_cells(m.group(1))
            if all(_TABLE_SEP.match(c) for c in cells if c) and any(cells):
                continue
            out.append(Element("table_row", " | ".join(cells), cells=cells, header_row=not in_table))
            in_table = True
            continue
        in_table = False
        m = _HEADING.match(line)
        if m:
            flush()
            out.append(Element("heading", m.group(2), level=len(m.group(1))))
            continue
        if bold_headings:
            if not line.replace("*", "").strip():
                flush()
                continue  # an empty bold run ("****") left by the converter
            m = _BOLD_LINE.match(line.strip())
            if m and "**" not in m.group(1) and len(m.group(1).split()) <= 25:
                flush()
                if m.group(1).strip():
                    out.append(Element("heading", m.group(1).strip(), level=2))
                continue
        m = _BULLET.match(line)
        if m and not line.lstrip().startswith("**"):
            flush()
            depth = len(m.group(1).expandtabs(2)) // 2 + 1
            out.append(Element("list_item", m.group(2).strip(), level=depth))
            continue
        para.append(line)
    flush()
    return out


# --------------------------------------------------------------------------- fonts and text


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    unicode: bool
    glyphs: frozenset[int] = frozenset()  # code points the TTF can draw (empty for Helvetica)


def _fonts() -> _Fonts:
    regular, bold = DEJAVU_DIR / "DejaVuSans.ttf", DEJAVU_DIR / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        if "GPSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("GPSans", str(regular)))
            pdfmetrics.registerFont(TTFont("GPSans-Bold", str(bold)))
            pdfmetrics.registerFontFamily("GPSans", normal="GPSans", bold="GPSans-Bold",
                                          italic="GPSans", boldItalic="GPSans-Bold")
        covered = frozenset(pdfmetrics.getFont("GPSans").face.charToGlyph) & \
            frozenset(pdfmetrics.getFont("GPSans-Bold").face.charToGlyph)
        return _Fonts("GPSans", "GPSans-Bold", True, covered)
    return _Fonts("Helvetica", "Helvetica-Bold", False)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _drawable(text: str, fonts: _Fonts) -> str:
    """Text with control characters dropped and anything the font cannot draw replaced."""
    text = _CONTROL.sub("", text)
    if not fonts.unicode:
        return _winansi(text)
    # Astral-plane characters are replaced too: reportlab's ToUnicode map keeps only 16 bits of them,
    # so they would read back as a different character.
    return "".join(ch if (ord(ch) in fonts.glyphs and ord(ch) <= 0xFFFF) or ch.isspace() else "?"
                   for ch in text)


def _winansi(text: str) -> str:
    """Replace characters Helvetica cannot show with their ASCII decomposition, else '?'."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            ascii_form = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(ascii_form or "?")
    return "".join(out)


def _render(text: str, markup: Markup, unescape: bool, fonts: _Fonts) -> tuple[str, str]:
    """(reportlab paragraph markup, plain text as it will read on the page)."""
    if unescape:
        text = _UNESCAPE.sub(r"\1", text)
    text = _drawable(text, fonts)
    plain = text
    if markup != "keep":
        plain = text.replace("**", "")
    plain = " ".join(plain.split())
    if markup == "bold":
        parts = text.split("**")
        # Even segments are outside bold, odd inside; an unmatched trailing marker is just dropped.
        xml = "".join(escape(p) if i % 2 == 0 else f"<b>{escape(p)}</b>" for i, p in enumerate(parts))
    else:
        xml = escape(plain if markup == "strip" else text)
    return xml, plain


# --------------------------------------------------------------------------- layout


class _GTParagraph(Paragraph):
    """A Paragraph that remembers which ground-truth item it renders, across page splits."""

    gt_index: int = -1

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        for p in parts:
            p.gt_index = self.gt_index
        return parts


class _GTTable(Table):
    """One table row as a Table; may split inside the row when a cell is taller than a frame."""

    gt_index: int = -1

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        for p in parts:
            p.gt_index = self.gt_index
        return parts


class _SetColumns(ActionFlowable):
    """Switch the following content into (or out of) two columns, starting a page if needed."""

    def __init__(self, two: bool) -> None:
        super().__init__()
        self.two = two

    def apply(self, doc: Any) -> None:
        doc.set_section_columns(self.two)


class _GuidanceDoc(BaseDocTemplate):
    pageTemplate: Any  # set by BaseDocTemplate as pages begin
    frame: Any
    def __init__(self, filename: str, *, header: str | None, footer: str | None, page_numbers: bool,
                 two_column_pages: Collection[int], max_pages: int | None, fonts: _Fonts,
                 story: list[Flowable], unnumbered: int = 0, **kw: Any) -> None:
        super().__init__(filename, invariant=1, **kw)
        self.header_text, self.footer_text, self.page_numbers = header, footer, page_numbers
        self.unnumbered = unnumbered
        self.two_column_page_set = set(two_column_pages)
        self.max_pages = max_pages
        self.fonts = fonts
        self.story = story
        self.section_two = False
        self.cut: set[int] = set()
        self.first_page: dict[int, tuple[int, str]] = {}
        self.last_page: dict[int, int] = {}
        self.page_labels: dict[int, str] = {}
        self.two_pages: list[int] = []
        gutter = 0.8 * cm
        col_w = (self.width - gutter) / 2
        one = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                    leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        left = Frame(self.leftMargin, self.bottomMargin, col_w, self.height, id="left",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        right = Frame(self.leftMargin + col_w + gutter, self.bottomMargin, col_w, self.height, id="right",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="one", frames=[one], onPage=self._decorate),
                               PageTemplate(id="two", frames=[left, right], onPage=self._decorate)])

    # Page 1's template is chosen before the first page begins; later pages at the end of the previous.
    def beforeDocument(self) -> None:
        self.pageTemplate = next(t for t in self.pageTemplates if t.id == self._template_for(1))

    def _template_for(self, page: int) -> str:
        return "two" if page in self.two_column_page_set or self.section_two else "one"

    def set_section_columns(self, two: bool) -> None:
        self.section_two = two
        want = self._template_for(self.page + 1 if self.page else 1)
        if self.page and self.pageTemplate.id != want:
            fresh = self.frame is self.pageTemplate.frames[0] and self.frame._atTop
            if self._curPageFlowableCount == 0 and fresh:
                # Nothing drawn yet on this page (only header/footer): switch it in place, no blank page.
                self.pageTemplate = next(t for t in self.pageTemplates if t.id == want)
                for f in self.pageTemplate.frames:
                    f._reset()
                self.frame = self.pageTemplate.frames[0]
                self.handle_frameBegin()
            else:
                self.handle_nextPageTemplate(want)
                self.handle_pageBreak()

    def afterPage(self) -> None:
        if self.pageTemplate.id == "two":
            self.two_pages.append(self.page)
        if self.max_pages is not None and self.page >= self.max_pages and self.story:
            # Blocks begun on this page whose remainder is still queued are cut: not in the ground truth.
            queued = {getattr(f, "gt_index", -1) for f in self.story}
            self.cut |= queued & set(self.first_page)
            del self.story[:]  # the build loop reads this very list: emptying it ends the layout here
        self.handle_nextPageTemplate(self._template_for(self.page + 1))

    def afterFlowable(self, flowable: Flowable) -> None:
        stack = [flowable]
        while stack:
            f = stack.pop()
            idx = getattr(f, "gt_index", -1)
            if idx >= 0:
                self.first_page.setdefault(idx, (self.page, self.frame.id if self.frame else "body"))
                self.last_page[idx] = self.page
            stack.extend(getattr(f, "_content", []) or [])

    def _decorate(self, canv: Any, doc: Any) -> None:
        w, h = self.pagesize
        canv.saveState()
        if self.header_text:
            canv.setFont(self.fonts.regular, 8)
            canv.setFillColor(DARK_GREY)
            canv.drawString(self.leftMargin, h - 1.3 * cm, self.header_text)
            canv.setStrokeColor(NHS_BLUE)
            canv.setLineWidth(0.5)
            canv.line(self.leftMargin, h - 1.5 * cm, w - self.rightMargin, h - 1.5 * cm)
        canv.setFont(self.fonts.regular, 8)
        canv.setFillColor(DARK_GREY)
        if self.footer_text:
            canv.drawString(self.leftMargin, 1.2 * cm, self.footer_text)
        if self.page_numbers and doc.page > self.unnumbered:
            label = str(doc.page - self.unnumbered)
            canv.drawRightString(w - self.rightMargin, 1.2 * cm, label)
            self.page_labels[doc.page] = label
        canv.restoreState()


def _styles(fonts: _Fonts) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=10.5, leading=14, spaceAfter=7,
                          alignment=TA_LEFT, textColor=colors.black)
    return {
        "body": base,
        "h1": ParagraphStyle("h1", parent=base, fontName=fonts.bold, fontSize=22, leading=27,
                             textColor=NHS_BLUE, spaceBefore=6, spaceAfter=12, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=fonts.bold, fontSize=15, leading=19,
                             textColor=NHS_BLUE, spaceBefore=12, spaceAfter=7, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base, fontName=fonts.bold, fontSize=12, leading=15,
                             textColor=NHS_BLUE, spaceBefore=9, spaceAfter=5, keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=base, fontName=fonts.bold, fontSize=9, leading=11.5,
                                   spaceAfter=0, textColor=colors.white),
    }


def _col_fractions(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Percentage column widths from the longest cell per column, damped so no column starves."""
    n = max(len(r) for r in rows)
    longest = [max((len(r[i]) if i < len(r) else 0) for r in rows) for i in range(n)]
    weights = [min(x, 40) + 8 for x in longest]
    total = sum(weights)
    pcts = [round(100 * w / total, 1) for w in weights]
    pcts[-1] = round(100 - sum(pcts[:-1]), 1)
    return [f"{p}%" for p in pcts]


def _story(elements: Sequence[Element], *, markup: Markup, unescape: bool, fonts: _Fonts,
           two_column_sections: Collection[str]) -> tuple[list[Flowable], list[Item]]:
    st = _styles(fonts)
    wanted = {" ".join(s.split()).casefold() for s in two_column_sections}
    story: list[Flowable] = []
    items: list[Item] = []
    path: list[tuple[int, str]] = []  # (level, heading text) above the current block
    two_level: int | None = None  # heading level of the open two-column section
    i = 0
    while i < len(elements):
        el = elements[i]
        if el.kind == "heading":
            xml, plain = _render(el.text, markup, unescape, fonts)
            level = max(1, el.level)
            if two_level is not None and level <= two_level:
                story.append(_SetColumns(False))
                two_level = None
            if two_level is None and plain.casefold() in wanted:
                story.append(_SetColumns(True))
                two_level = level
            while path and path[-1][0] >= level:
                path.pop()
            items.append(Item(len(items), "heading", plain, 0, 0, level=level,
                              section=tuple(t for _, t in path)))
            path.append((level, plain))
            p = _GTParagraph(xml, st[f"h{min(level, 3)}"])
            p.gt_index = len(items) - 1
            story.append(p)
            i += 1
            continue
        section = tuple(t for _, t in path)
        if el.kind == "table_row":
            j = i
            while j < len(elements) and elements[j].kind == "table_row":
                j += 1
            rows = elements[i:j]
            rendered = [[_render(c, markup, unescape, fonts) for c in r.cells] for r in rows]
            widths = _col_fractions([tuple(p for _, p in r) for r in rendered])
            ncols = len(widths)
            # One Table per row, with shared column widths: rows line up as one ruled grid, and each
            # row's page is known exactly even when the table runs over a page break.
            for r, cells in zip(rows, rendered, strict=True):
                style = st["cellhead"] if r.header_row else st["cell"]
                padded = cells + [("", "")] * (ncols - len(cells))
                data = [[Paragraph(x, style) for x, _ in padded]]
                t = _GTTable(data, colWidths=widths, hAlign="LEFT", splitInRow=1)
                ts = [("GRID", (0, 0), (-1, -1), 0.5, DARK_GREY), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                      ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
                if r.header_row:
                    ts.append(("BACKGROUND", (0, 0), (-1, -1), NHS_BLUE))
                t.setStyle(TableStyle(ts))
                plain_cells = tuple(p for _, p in cells)
                items.append(Item(len(items), "table_row", " | ".join(plain_cells), 0, 0,
                                  cells=plain_cells, section=section))
                t.gt_index = len(items) - 1
                story.append(t)
            story.append(Spacer(1, 8))
            i = j
            continue
        xml, plain = _render(el.text, markup, unescape, fonts)
        if not plain:
            i += 1
            continue
        if el.kind == "list_item":
            indent = 14 * el.level
            style = ParagraphStyle(f"li{el.level}", parent=st["body"], leftIndent=indent,
                                   bulletIndent=indent - 11, bulletFontName=fonts.regular, spaceAfter=4)
            p = _GTParagraph(xml, style, bulletText="•")
            items.append(Item(len(items), "list_item", plain, 0, 0, level=el.level, section=section))
        else:
            p = _GTParagraph(xml, st["body"])
            items.append(Item(len(items), "paragraph", plain, 0, 0, section=section))
        p.gt_index = len(items) - 1
        story.append(p)
        i += 1
    if two_level is not None:
        story.append(_SetColumns(False))
    return story, items


def build_pdf(
    source: str | Sequence[Element],
    path: str | Path,
    *,
    title: str | None = None,
    header: str | None = None,
    footer: str | None = None,
    page_numbers: bool = True,
    two_column_pages: Iterable[int] = (),
    two_column_sections: Iterable[str] = (),
    pagesize: tuple[float, float] = A4,
    markup: Markup = "keep",
    unescape: bool = False,
    bold_headings: bool = False,
    max_pages: int | None = None,
    front_pages: Sequence[str] = (),
) -> GroundTruth:
    """Render ``source`` to a PDF at ``path`` and return where every block landed."""
    t0 = time.perf_counter()
    fonts = _fonts()
    elements = parse_markdown(source, bold_headings=bold_headings) if isinstance(source, str) else list(source)
    parts = [(parse_markdown(f, bold_headings=bold_headings), ()) for f in front_pages]
    parts.append((elements, tuple(two_column_sections)))
    story: list[Flowable] = []
    items: list[Item] = []
    for n, (part_elements, two_sections) in enumerate(parts):
        if n:
            story.append(PageBreak())  # each front page on its own page, the body after them
        part, part_items = _story(part_elements, markup=markup, unescape=unescape, fonts=fonts,
                                  two_column_sections=list(two_sections))
        for f in part:
            if getattr(f, "gt_index", -1) >= 0:
                f.gt_index += len(items)
        for it in part_items:
            it.index += len(items)
        story += part
        items += part_items
    if header is not None:
        header = _drawable(header, fonts)
    if footer is not None:
        footer = _drawable(footer, fonts)
    if title is None:
        title = next((it.text for it in items if it.kind == "heading"), "")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = _GuidanceDoc(str(out), header=header, footer=footer, page_numbers=page_numbers,
                       two_column_pages=list(two_column_pages), max_pages=max_pages, fonts=fonts, story=story,
                       unnumbered=len(front_pages),
                       pagesize=pagesize, leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=2.3 * cm,
                       bottomMargin=2.2 * cm, title=title, author="guidance-parser test builder",
                       subject=title, creator="guidance-parser tests/pdfbuild.py")
    doc.build(story)
    done: list[Item] = []
    for it in items:
        if it.index not in doc.first_page or it.index in doc.cut:
            continue  # never drawn, or only partly (the layout stopped at max_pages)
        it.page, it.frame = doc.first_page[it.index]
        it.end_page = doc.last_page[it.index]
        done.append(it)
    for n, it in enumerate(done):
        it.index = n
    return GroundTruth(path=out, page_count=doc.page, items=done, header=header, footer=footer, title=title,
                       page_labels=dict(doc.page_labels), two_column_pages=sorted(set(doc.two_pages)),
                       font=fonts.regular, seconds=time.perf_counter() - t0)


def build_long_pdf(texts: Sequence[str | Path], pages: int, path: str | Path, **options: Any) -> GroundTruth:
    """A PDF of exactly ``pages`` pages (when the texts are not empty) made by repeating ``texts``."""
    bold_headings = options.pop("bold_headings", False)
    parsed: list[Element] = []
    chars = 0
    for t in texts:
        text = Path(t).read_text(encoding="utf-8") if isinstance(t, Path) else t
        els = parse_markdown(text, bold_headings=bold_headings)
        parsed.extend(els)
        chars += sum(len(e.text) for e in els)
    if not parsed or chars == 0:
        raise ValueError("build_long_pdf needs at least one non-empty text")
    # ~2,600 characters fill an A4 page at this type size; overshoot, then cut the layout at `pages`.
    copies = max(1, int(pages * 2600 * 1.3 / chars) + 1)
    while True:
        gt = build_pdf(parsed * copies, path, max_pages=pages, **options)
        if gt.page_count >= pages:
            return gt
        copies *= 2
