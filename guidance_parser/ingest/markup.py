"""Readers for the text formats: HTML long reads, Markdown conversions and plain text.

Each turns its input into ``RawBlock``s in reading order (headings with levels, paragraphs, list
items with nesting, table rows with cells); ``structure.finish_document`` does the rest.

HTML goes through BeautifulSoup: page furniture (nav, header, footer, aside, script, style, forms)
is dropped and only text is kept, so no markup or script reaches a block. Markdown is read line by
line rather than by a CommonMark parser because the real inputs are PDF conversions whose bold
markers are often unbalanced ("**Medium Term **"), which a strict parser leaves as literal text:
``#`` headings and lines bold from end to end are headings, "• " / "o " / "- " lines are list items,
pipe rows are table rows, and everything else joins into paragraphs.

The Markdown and text readers note the source line each block starts on (and the line of each line
joined into it), so evidence can be cited as ``file.md#L123``; ``label_pages`` gives blocks the page
number a PDF conversion kept as a line of its own at the foot of each page.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from guidance_parser.ingest.repair import join_hyphenated
from guidance_parser.ingest.structure import RawBlock, is_page_number
from guidance_parser.ingest.tables import grid_from_spans, table_rows
from guidance_parser.text import unbold

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_ONLY = re.compile(r"^(?:\*\*[^*]*\*\*\s*)+$")
_BULLET = re.compile(r"^(\s*)([•●▪■◦○·▸►➢✓*+\-–]|o(?=\s))\s+(\S.*)$")
_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_TABLE_SEP = re.compile(r"^\s*:?-{2,}:?\s*$")
_LINK = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)+|\d+\.|[A-Z]\.|Annex [A-Z0-9]+:?|Appendix [A-Z0-9]+:?)\s")
_SECOND_LEVEL = set("o◦○–-▪■")
_ENDS_WITH_TAG = re.compile(r"</?[A-Za-z][\w-]*[^<>]*>\s*$")  # inline HTML: "<div>...</div>"
_INLINE_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")  # a tag; "<£5" or "< 18 weeks" is text
# Strings in the HTML tree that are not text a reader sees.
_COMMENT_TYPES = (Comment, CData, Declaration, Doctype, ProcessingInstruction)


def _bullet_level(indent: str, marker: str) -> int:
    depth = len(indent.expandtabs(4)) // 2 + 1
    if marker in _SECOND_LEVEL and depth == 1 and marker not in "-":
        depth = 2  # "o" and "–" are the second-level markers of Word / PDF exports
    return depth


def _heading_level(text: str, default: int) -> int:
    m = _NUMBERED.match(text)
    if m and "." in m.group(1).rstrip("."):
        return min(6, default + m.group(1).rstrip(".").count("."))
    return default


def read_markdown(text: str) -> list[RawBlock]:
    """Markdown (including the corpus's PDF-to-Markdown conversions) to raw blocks."""
    out: list[RawBlock] = []
    para: list[str] = []
    para_lines: list[int] = []
    blank_run = 0

    def flush() -> None:
        if para:
            joined = para[0]
            for line in para[1:]:
                joined = join_hyphenated(joined, line)
            block = RawBlock("paragraph", _inline_html(joined), extras={"after_break": float(brk)},
                             line=para_lines[0], line_words=_line_words(para, para_lines))
            # an HTML paragraph is whole: the next one starts afresh, not as its continuation
            block.may_continue = not (out and out[-1].extras.get("html_end"))
            if _ENDS_WITH_TAG.search(joined):
                block.extras["html_end"] = 1.0
            out.append(block)
            para.clear()
            para_lines.clear()

    brk = False
    in_code = False
    prev_was_item = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.strip().startswith("```"):
            flush()
            in_code = not in_code
            continue
        if not line.strip():
            flush()
            blank_run += 1
            prev_was_item = False
            continue
        if not para:
            brk = blank_run >= 2 or bool(out and is_page_number(out[-1].text))
        blank_run = 0
        if not (out and out[-1].kind == "list_item"):
            prev_was_item = False
        line = _LINK.sub(lambda m: m.group(1) or "", line)
        if in_code:
            para.append(line)
            para_lines.append(number)
            continue
        m = _TABLE_ROW.match(line)
        if m:
            flush()
            cells = tuple(c.strip() for c in re.split(r"(?<!\\)\|", m.group(1)))
            if not all(_TABLE_SEP.match(c) for c in cells if c):
                out.append(RawBlock("table_row", " | ".join(cells), cells=cells, line=number))
            continue
        m = _MD_HEADING.match(line)
        if m:
            flush()
            body = m.group(2)
            level = len(m.group(1))
            out.append(RawBlock("heading", body, level=_heading_level(unbold(body), level),
                                extras={"after_break": float(brk)}, line=number))
            continue
        stripped = line.strip()
        if _BOLD_ONLY.match(stripped) and _looks_like_heading(unbold(stripped)):
            flush()
            out.append(RawBlock("heading", stripped, level=_heading_level(unbold(stripped), 2),
                                extras={"after_break": float(brk)}, line=number))
            continue
        m = _BULLET.match(line)
        if m and not stripped.startswith("**"):
            flush()
            out.append(RawBlock("list_item", _inline_html(m.group(3)), level=_bullet_level(m.group(1), m.group(2)),
                                line=number))
            prev_was_item = True
            continue
        if not para and out and out[-1].kind == "list_item" and prev_was_item:
            # A wrapped bullet: the next line, with no blank line between, continues the item.
            _continue_item(out[-1], stripped, number)
            continue
        para.append(stripped)
        para_lines.append(number)
    flush()
    label_pages(out)
    return out


def _line_words(lines: list[str], numbers: list[int]) -> tuple[tuple[int, int], ...]:
    """(source line, index of its first word in the joined text) for each line of a joined block."""
    if len(lines) < 2:
        return ()
    out, words = [], 0
    for text, number in zip(lines, numbers, strict=True):
        out.append((number, words))
        words += len(text.split())
    return tuple(out)


def _continue_item(item: RawBlock, text: str, number: int) -> None:
    """Join a wrapped line to a list item, keeping where each of its lines starts."""
    if item.line is not None:
        item.line_words = (item.line_words or ((item.line, 0),)) + ((number, len(item.text.split())),)
    item.text = join_hyphenated(item.text, text)


_PAGE_NUMBER = re.compile(r"\d{1,4}")


def label_pages(blocks: list[RawBlock]) -> None:
    """Give each block the page number printed at the foot of its page, as a PDF conversion keeps it
    (a line holding only "12" after the page's text). A block gets number N only when the page before
    ended with N-1 (or N is 1 and no number came before), so a page that printed no number, or a stray
    number, labels nothing rather than the wrong page."""
    marks = [(i, int(m.group(0))) for i, b in enumerate(blocks)
             if b.kind == "paragraph" and is_page_number(b.text) and (m := _PAGE_NUMBER.search(b.text))]
    previous: int | None = None
    start = 0
    for index, number in marks:
        if (previous is None and number == 1) or (previous is not None and number == previous + 1):
            for b in blocks[start:index]:
                b.page_label = str(number)
        previous, start = number, index + 1


def _inline_html(text: str) -> str:
    """Inline HTML in Markdown ("<b>by June</b>", "<p>...</p>") as the text a reader sees."""
    if not _INLINE_TAG.search(text):
        return text
    words = " ".join(html.unescape(_INLINE_TAG.sub(" ", text)).split())
    return re.sub(r"\s+(?=[.,;:!?)])", "", words)  # "<b>by June</b>." -> "by June."


def _looks_like_heading(text: str) -> bool:
    """A bold-only line is a heading when it is short and not a sentence."""
    words = text.split()
    return (0 < len(words) <= 20 and not text.endswith((".", ",", ";"))
            and bool(re.search(r"[A-Za-z0-9]", text)))


def read_text(text: str) -> list[RawBlock]:
    """Plain text: blank-line paragraphs, bullet lines, and short title-like lines as headings."""
    out: list[RawBlock] = []
    first_line = 1
    for chunk, gap in _chunks(text):
        lines = [(first_line + k, ln.rstrip()) for k, ln in enumerate(chunk.split("\n")) if ln.strip()]
        first_line += chunk.count("\n") + gap.count("\n")
        para: list[tuple[int, str]] = []
        for number, line in lines:
            m = _BULLET.match(line)
            if m:
                _flush_text(para, out)
                out.append(RawBlock("list_item", _inline_html(m.group(3)), level=_bullet_level(m.group(1), m.group(2)),
                                    line=number))
                continue
            if not para and len(lines) == 1 and _plain_heading(line):
                out.append(RawBlock("heading", line.strip(), level=_heading_level(line.strip(), 1), line=number))
                continue
            if out and out[-1].kind == "list_item" and not para and line[:1].isspace():
                _continue_item(out[-1], line.strip(), number)
                continue
            para.append((number, line.strip()))
        _flush_text(para, out)
    label_pages(out)
    return out


def _chunks(text: str) -> list[tuple[str, str]]:
    """The blank-line separated chunks of a text, each with the blank lines after it."""
    parts = re.split(r"(\n[ \t]*\n)", text)
    return [(parts[k], parts[k + 1] if k + 1 < len(parts) else "") for k in range(0, len(parts), 2)]


def _flush_text(para: list[tuple[int, str]], out: list[RawBlock]) -> None:
    if para:
        texts = [t for _, t in para]
        joined = texts[0]
        for line in texts[1:]:
            joined = join_hyphenated(joined, line)
        out.append(RawBlock("paragraph", joined, line=para[0][0], line_words=_line_words(texts, [n for n, _ in para])))
        para.clear()


def _plain_heading(line: str) -> bool:
    """A lone short line that is not a sentence: "Introduction", "2.1 Financial context"."""
    text = line.strip()
    words = text.split()
    if not words or len(words) > 14 or text.endswith((".", ",", ";", ":")) or is_page_number(text):
        return False
    return text[0].isupper() or text[0].isdigit()


# --------------------------------------------------------------------------- HTML

_DROP_TAGS = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
              "iframe", "svg", "canvas", "button", "select", "input", "textarea", "object", "embed", "head"]
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "blockquote", "figure", "figcaption", "dl", "dt",
               "dd", "details", "summary", "pre", "address", "center", "body", "html", "span"}


def read_html(text: str) -> tuple[list[RawBlock], str | None]:
    """HTML to raw blocks, and the document's <title> (or None)."""
    soup = BeautifulSoup(text, "html.parser")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if isinstance(title_tag, Tag) else None
    for name in _DROP_TAGS:
        for t in soup.find_all(name):
            t.decompose()
    for t in soup.find_all(lambda tag: tag.has_attr("hidden") or tag.get("aria-hidden") == "true"):
        t.decompose()
    found = soup.find("main") or soup.find("article") or soup.body
    root: Tag = found if isinstance(found, Tag) else soup
    out: list[RawBlock] = []
    _walk(root, out, list_depth=0)
    h1 = next((b.text for b in out if b.kind == "heading" and b.level == 1), None)
    return out, h1 or title


def _text_of(node: Tag, *, skip_lists: bool = False) -> str:
    parts: list[str] = []
    for piece in node.descendants:
        if isinstance(piece, NavigableString) and not isinstance(piece, _COMMENT_TYPES):
            if skip_lists and any(p.name in ("ul", "ol") and p is not node for p in piece.parents
                                  if isinstance(p, Tag) and _is_inside(p, node)):
                continue
            parts.append(str(piece))
        elif isinstance(piece, Tag) and piece.name == "br":
            parts.append(" ")
    return " ".join("".join(parts).split())


def _anchor(heading: Tag) -> str | None:
    """The id a link can jump to for this heading: its own, else an anchor inside it."""
    own = heading.get("id")
    if isinstance(own, str) and own:
        return own
    for inner in heading.descendants:
        if isinstance(inner, Tag):
            value = inner.get("id") or (inner.get("name") if inner.name == "a" else None)
            if isinstance(value, str) and value:
                return value
    return None


def _is_inside(p: Tag, node: Tag) -> bool:
    return any(a is node for a in p.parents)


def _walk(node: Tag, out: list[RawBlock], list_depth: int) -> None:
    inline: list[str] = []

    def flush_inline() -> None:
        text = " ".join(" ".join(inline).split())
        if text:
            out.append(RawBlock("paragraph", text))
        inline.clear()

    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, _COMMENT_TYPES):
                inline.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name or ""
        if re.fullmatch(r"h[1-6]", name):
            flush_inline()
            out.append(RawBlock("heading", _text_of(child), level=int(name[1]), anchor=_anchor(child)))
        elif name in ("ul", "ol"):
            flush_inline()
            _walk_list(child, out, list_depth)
        elif name == "table":
            flush_inline()
            out.extend(_table_blocks(child))
        elif name == "p":
            flush_inline()
            text = _text_of(child)
            if text:
                out.append(RawBlock("paragraph", text))
        elif name in _BLOCK_TAGS and child.find(["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table",
                                                "div", "section", "blockquote"]):
            flush_inline()
            _walk(child, out, list_depth)
        elif name in _BLOCK_TAGS - {"span"}:
            flush_inline()
            text = _text_of(child)
            if text:
                out.append(RawBlock("paragraph", text))
        else:
            inline.append(_text_of(child))
    flush_inline()


def _span(td: Tag, name: str) -> int:
    value = td.get(name)
    return int(value) if isinstance(value, str) and value.strip().isdigit() else 1


def _table_blocks(table: Tag) -> list[RawBlock]:
    """A ``<table>``'s rows with its spans laid out and its header rows (``<thead>``, or leading rows of
    ``<th>`` only) joined into one (``ingest.tables``)."""
    trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    rows = [[(_text_of(td), _span(td, "colspan"), _span(td, "rowspan"))
             for td in tr.find_all(["td", "th"], recursive=False)] for tr in trs]
    head = sum(1 for tr in trs if tr.find_parent("thead") is not None)
    if not head:
        while head < len(trs) and not trs[head].find_all("td", recursive=False):
            head += 1
    out = []
    for cells in table_rows(grid_from_spans(rows), head or None):
        if any(cells):
            out.append(RawBlock("table_row", " | ".join(cells), cells=cells))
    return out


def _walk_list(lst: Tag, out: list[RawBlock], depth: int) -> None:
    for li in lst.find_all("li", recursive=False):
        text = _text_of(li, skip_lists=True)
        if text:
            out.append(RawBlock("list_item", text, level=depth + 1))
        for sub in li.find_all(["ul", "ol"], recursive=False):
            _walk_list(sub, out, depth + 1)
