"""From a format's raw blocks to the finished ``Document``: the steps every format shares.

Each reader (PDF, HTML, Markdown, text) produces ``RawBlock``s in reading order. This module owns
what happens next, identically for all of them: cleaning conversion artefacts, the ligature and
hyphen repairs (document-wide, see ``repair``), dropping stray page numbers, rejoining paragraphs
that a page or column break split mid-sentence, the section path of every block, the title, the
edition, the publication date, and the "no text at all" error.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from guidance_parser.errors import GuidanceError
from guidance_parser.ingest.edition import detect
from guidance_parser.ingest.published import detect_published
from guidance_parser.ingest.repair import (
    join_hyphenated,
    repair_hyphens,
    repair_ligatures,
    shows_ligature_damage,
)
from guidance_parser.model import Block, BlockKind, Document, Edition, SourceFormat
from guidance_parser.text import clean_chars, normalise_space, row_text, strip_artefacts, unbold

_METADATA = re.compile(r"^(classification|date published|date last updated|publication reference|version \d"
                       r"|publication approval|content|contents)\b", re.IGNORECASE)
_CONTENTS = re.compile(r"^(table of )?contents?$", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?:;…)\]”\"’]\s*$")


@dataclass
class RawBlock:
    """A block as a reader found it, before the shared clean-up."""

    kind: BlockKind
    text: str
    page: int | None = None
    level: int = 0
    cells: tuple[str, ...] = ()
    # Readers that see geometry (PDF) know when a paragraph was cut by a page or column break.
    may_continue: bool = True
    extras: dict[str, float] = field(default_factory=dict)
    anchor: str | None = None  # a heading's id in an HTML long-read (what "page.html#id" opens)
    # Markdown / text readers: the source line the block starts on, (line, first word index) of each
    # line joined into it, and the printed page number the conversion kept (``markup.label_pages``)
    line: int | None = None
    line_words: tuple[tuple[int, int], ...] = ()
    page_label: str | None = None


def is_page_number(text: str) -> bool:
    """A bare page number: "12", "- 12 -", "Page 12", "12 of 40"."""
    t = text.strip().lower()
    return bool(re.fullmatch(r"(page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(\s+of\s+\d{1,4})?", t))


def ends_sentence(text: str) -> bool:
    """Does ``text`` end as a sentence, list entry or quotation can (full stop, colon, bracket, quote)?"""
    return bool(_TERMINAL.search(text))


def without_contents(blocks: list[RawBlock]) -> list[RawBlock]:
    """The blocks less a table of contents: a "Contents" heading and the entries after it, up to the next
    heading or (in a paged file) the end of its page. A contents page lists the headings to come, so it
    is not the document's opening: a PDF's contents page must not push the metadata printed after it
    (a publication date) out of the opening blocks."""
    out: list[RawBlock] = []
    contents_page: int | None = None
    skipping = False
    for b in blocks:
        if b.kind == "heading" and _CONTENTS.match(b.text.strip()):
            skipping, contents_page = True, b.page
            continue
        if skipping and (b.kind == "heading" or b.page != contents_page):
            skipping = False
        if not skipping:
            out.append(b)
    return out


def merge_continuations(blocks: list[RawBlock]) -> list[RawBlock]:
    """Rejoin a paragraph that a page / column / line break split mid-sentence.

    A paragraph or list item that does not end a sentence, followed by a paragraph that starts in
    lower case, is one text ("... facing waits of 12" + "hours or more"); so is one followed by a
    paragraph that the page layout saw go on from it (``extras["continues"]``, ``layout.layout_blocks``).
    """
    out: list[RawBlock] = []
    for b in blocks:
        if (out and b.kind == "paragraph" and b.may_continue and out[-1].kind in ("paragraph", "list_item")
                and (b.extras.get("continues") or (b.text[:1].islower() and not ends_sentence(out[-1].text)))):
            prev = out[-1]
            prev.line_words = join_line_words(prev, b)
            prev.text = join_hyphenated(prev.text, b.text)
            continue
        out.append(b)
    return out


def join_line_words(first: RawBlock, second: RawBlock) -> tuple[tuple[int, int], ...]:
    """``first``'s line map once ``second`` is joined after it (its words counted after ``first``'s)."""
    if first.line is None or second.line is None:
        return first.line_words
    own = first.line_words or ((first.line, 0),)
    offset = len(first.text.split())
    return own + tuple((line, offset + k) for line, k in (second.line_words or ((second.line, 0),)))


def guess_title(blocks: list[RawBlock]) -> str:
    """The first run of adjacent headings (skipping metadata lines), else the first line of text."""
    parts: list[str] = []
    for b in blocks[:40]:
        if b.kind == "heading" and not is_page_number(b.text) and not _METADATA.match(b.text):
            if parts and (len(" ".join(parts).split()) + len(b.text.split()) > 24):
                break
            parts.append(b.text)
            continue
        if parts:
            break
        if b.kind == "paragraph" and (_METADATA.match(b.text) or is_page_number(b.text)):
            continue
        if b.kind == "paragraph" and len(b.text.split()) <= 16 and not parts:
            # A short first line of a plain text file is its title.
            continue
    if parts:
        return normalise_space(" ".join(parts))
    for b in blocks:
        if not _METADATA.match(b.text) and not is_page_number(b.text):
            words = b.text.split()
            return " ".join(words[:16]) + (" ..." if len(words) > 16 else "")
    return ""


def front_matter(blocks: list[RawBlock]) -> str:
    """Title-page text of a file without pages: the blocks before the body's first real paragraph."""
    parts: list[str] = []
    for b in blocks[:30]:
        if b.kind == "paragraph" and len(b.text.split()) >= 25:
            break
        parts.append(b.text)
    return "\n".join(parts)


_TITLE_LEVEL = 99  # deeper than any heading: the next heading closes the title's section


def _names_document(b: RawBlock, title: str) -> bool:
    """Is ``b`` the document's title printed on a PDF's first page (its cover)? That heading names the
    document, not a section over the body: the body's headings do not nest under it (as they do not in
    a text without pages, whose title is one heading among the others), however large it is set."""
    words = unbold(b.text).casefold().split()
    return b.kind == "heading" and b.page == 1 and bool(words) and " ".join(words) in " ".join(title.casefold().split())


def _sections(blocks: list[RawBlock], title: str = "") -> list[Block]:
    out: list[Block] = []
    stack: list[tuple[int, str, str | None]] = []
    path: tuple[str, ...] = ()  # the stack's titles, rebuilt only when a heading changes the stack
    anchor: str | None = None  # the innermost heading anchor above (HTML long-reads)
    for b in blocks:
        if b.kind == "heading":
            level = max(1, b.level)
            while stack and stack[-1][0] >= level:
                stack.pop()
            path = tuple(t for _, t, _ in stack)
            # the cover's title holds the blocks after it, up to the next heading of any level
            stack.append((_TITLE_LEVEL if title and _names_document(b, title) else level, b.text, b.anchor))
            anchor = next((a for _, _, a in reversed(stack) if a), None)
            out.append(Block(kind="heading", text=b.text, page=b.page, section=path, level=level, anchor=anchor,
                             page_label=b.page_label, line=b.line))
            path = tuple(t for _, t, _ in stack)
        else:
            out.append(Block(kind=b.kind, text=b.text, page=b.page, section=path, level=b.level, cells=b.cells,
                             anchor=anchor, page_label=b.page_label, line=b.line, line_words=b.line_words))
    return out


def strip_glued_page_numbers(blocks: list[RawBlock]) -> None:
    """Drop page numbers that a conversion glued to the end of a paragraph ("... realistic 3").

    Only a number that continues the page sequence seen so far counts: the next page number
    anywhere, or one of the next three when a page break (blank lines, a running header) follows.
    "waits of 12" on page 2 keeps its 12.
    """
    last = 0
    for i, b in enumerate(blocks):
        if b.page is not None:
            return  # real pages (PDF): page numbers were removed by position, not guessed here
        if is_page_number(b.text):
            n = int(re.sub(r"\D+", " ", b.text).split()[0])
            if last < n <= last + 3:
                last = n
            continue
        m = re.search(r"(?<=[A-Za-z,;:.’)\]*])\s+(\d{1,3})\s*$", b.text)
        if m is None or b.kind == "table_row":
            continue
        n = int(m.group(1))
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        breaks = nxt is None or bool(nxt.extras.get("after_break")) or is_page_number(nxt.text)
        if (last >= 1 and n == last + 1) or (breaks and last < n <= last + 3):
            b.text = b.text[:m.start()]
            last = n


def finish_document(raw: list[RawBlock], *, path: str, fmt: SourceFormat, data: bytes,
                    edition: Edition | None, page_count: int | None = None, title: str | None = None,
                    front_text: str | None = None) -> Document:
    """Shared clean-up, repairs, sections, title and edition; raises when nothing readable is left."""
    for b in raw:
        b.text = clean_chars(b.text)
        b.cells = tuple(clean_chars(c) for c in b.cells)
    title_hint = title or guess_title([RawBlock(b.kind, unbold(strip_artefacts(b.text)), b.page, b.level)
                                       for b in raw[:60] if b.text.strip()])
    raw = strip_running_prefixes(raw, title_hint=title_hint)
    strip_glued_page_numbers(raw)
    cleaned: list[RawBlock] = []
    for b in raw:
        text = normalise_space(strip_artefacts(b.text))
        cells = tuple(normalise_space(strip_artefacts(c)) for c in b.cells)
        if b.kind == "table_row":
            if not any(cells):
                continue
            text = row_text(cells)
        if not text or (b.kind != "table_row" and not re.search(r"\w", text)):
            continue
        if b.kind != "table_row" and is_page_number(text):
            continue
        b.text, b.cells = text, cells
        cleaned.append(b)
    cleaned = merge_continuations(cleaned)
    _repair_blocks(cleaned)
    if not cleaned:
        raise GuidanceError(path, "no readable text was found in the document",
                            "check that the file is the guidance itself and not an empty page or export")
    doc_title = normalise_space(strip_artefacts(title)) if title else guess_title(cleaned)
    doc_title = repair_ligatures(doc_title)
    front = front_text if front_text is not None else front_matter(cleaned)
    published = detect_published([b.text for b in without_contents(cleaned)])
    found = detect(doc_title, strip_artefacts(front), published=published, override=edition)
    blocks = _sections(cleaned, doc_title if fmt == "pdf" else "")
    return Document(path=path, title=doc_title, edition=found.edition, blocks=blocks, source_format=fmt,
                    sha256=hashlib.sha256(data).hexdigest(), page_count=page_count, published=published,
                    edition_basis=found.basis)


def _repair_blocks(blocks: list[RawBlock]) -> None:
    """Ligature repair with one damage verdict for the whole document (see ``repair``)."""
    verdict = shows_ligature_damage("\n".join(b.text for b in blocks))
    for b in blocks:
        b.text = repair_ligatures(repair_hyphens(b.text), damaged=verdict)
        if b.cells:
            b.cells = tuple(repair_ligatures(c, damaged=verdict) for c in b.cells)
            b.text = row_text(b.cells)


_DIGIT = re.compile(r"\d")


def _norm_words(text: str) -> list[str]:
    # One pass over the whole text, not a regex call per word: case and digits never touch spaces.
    return _DIGIT.sub("#", unbold(text).lower()).split()


def strip_running_prefixes(blocks: list[RawBlock], *, title_hint: str = "") -> list[RawBlock]:
    """Remove a running header that a conversion glued to the start of blocks.

    A PDF-to-text conversion leaves the page header ("2025/26 priorities and operational planning
    guidance") at the start of the first block of every page. Found by repetition: a word sequence
    (digits ignored) that starts at least three blocks and is followed by different text each time,
    and that is title-like: it matches the document title, or most of its occurrences follow a page
    break. Returns the blocks with the prefix removed (and blocks left empty dropped); a block whose
    remainder is a bold-only line becomes the heading it was.
    """
    first_para = next((i for i, b in enumerate(blocks) if b.kind == "paragraph"), len(blocks))
    starts: list[tuple[int, list[str]]] = [
        (i, _norm_words(b.text)[:16]) for i, b in enumerate(blocks)
        if b.kind in ("paragraph", "heading") and i >= first_para]
    opening = dict(starts)  # a prefix is at most 16 words, so these are all a match needs
    counts: dict[tuple[str, ...], int] = {}
    for _, words in starts:
        for k in range(3, len(words) + 1):
            key = tuple(words[:k])
            counts[key] = counts.get(key, 0) + 1
    title_norm = " ".join(_norm_words(title_hint))
    prefixes: dict[tuple[str, ...], tuple[str, ...]] = {}  # three-word key -> the running prefix
    # Blocks grouped by their first three words, so each candidate scans only its own blocks
    # (scanning every block per candidate made long documents quadratic).
    by_key3: dict[tuple[str, ...], list[tuple[int, list[str]]]] = {}
    for i, w in starts:
        if len(w) >= 3:
            by_key3.setdefault(tuple(w[:3]), []).append((i, w))
    for key3, group in by_key3.items():
        base = counts.get(key3, 0)
        if base < 3:
            continue
        best = key3
        for _, words in group:
            k = 3
            while k < len(words) and counts.get(tuple(words[:k + 1]), 0) >= max(3, 0.6 * base):
                k += 1
            if k > len(best):
                best = tuple(words[:k])
        if any(re.search(r"[.!?;]$", w) for w in best[:-1]):
            continue  # a sentence, not a running header
        occurrences = [i for i, w in group if tuple(w[:len(best)]) == best]
        after_break = sum(1 for i in occurrences if blocks[i].extras.get("after_break"))
        text = " ".join(best)
        title_like = bool(title_norm) and (text == title_norm or (len(best) >= 4 and (
            text in title_norm or title_norm in text)))
        if title_like or (len(best) >= 4 and after_break >= 0.5 * len(occurrences)):
            prefixes[key3] = best
    if not prefixes:
        return blocks
    out: list[RawBlock] = []
    for i, b in enumerate(blocks):
        if i >= first_para and b.kind in ("paragraph", "heading"):
            words = opening[i]
            # Every prefix extends its own three-word key, so at most one can match a block.
            hit = prefixes.get(tuple(words[:3]))
            if hit is not None and tuple(words[:len(hit)]) == hit:
                b.text = _drop_words(b.text, len(hit))
                if not unbold(b.text):
                    continue
                rest = b.text.strip()
                if b.kind == "paragraph" and re.fullmatch(r"(?:\*\*[^*]*\*\*\s*)+", rest):
                    words_left = unbold(rest).split()
                    if 0 < len(words_left) <= 20 and not rest.rstrip("* ").endswith("."):
                        b.kind, b.level = "heading", max(b.level, 2)
        out.append(b)
    return out


def _drop_words(text: str, n: int) -> str:
    """``text`` without its first ``n`` words (bold markers are not words)."""
    tokens = re.finditer(r"\S+", text)
    seen = 0
    for m in tokens:
        if unbold(m.group(0)):
            seen += 1
            if seen == n:
                rest = text[m.end():]
                lead = re.match(r"\s*\*\*(?=\s)", rest)  # a closing marker of the header's own bold
                return rest[lead.end():] if lead else rest
    return ""
