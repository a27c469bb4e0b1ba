"""PDF readers: pdfplumber (layout-aware, the default) and pypdfium2 (faster, plainer).

Owns everything that needs the page geometry (or, for pdfium, the page's line order):

- running headers, footers and page numbers are found by REPETITION: a line among the first or
  last few of a page, in the top / bottom band, whose text (digits ignored) recurs on many pages;
- two-column pages: a gutter is looked for per page, as an x position that many rows leave empty
  with text on both sides; rows that cross it are full-width and stay where they are, the rows in
  between are read left column first, then right;
- headings from font size and boldness (both engines report them; numbering adds sub-levels);
- list items from bullet glyphs ("•", "o", "–", ...) with the nesting level from their indent;
- tables from ``find_tables`` (pdfplumber): every row becomes a ``table_row`` with its cells.

Broken inputs map to one ``GuidanceError`` each: corrupt or truncated files, encrypted files that
need a password (the empty password is tried first), and scanned PDFs without a text layer.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from guidance_parser.errors import GuidanceError
from guidance_parser.ingest.pagelabels import page_labels
from guidance_parser.ingest.pdfguard import capped
from guidance_parser.ingest.repair import join_hyphenated
from guidance_parser.ingest.structure import RawBlock, finish_document, is_page_number
from guidance_parser.ingest.tables import grid_from_boxes, table_rows
from guidance_parser.limits import active, limit_error, out_of_memory
from guidance_parser.model import Document, Edition
from guidance_parser.options import check_engine

BAND = 0.11  # top / bottom fraction of the page where running headers and footers live
EDGE_LINES = 3  # ... and only the first / last few lines of a page are candidates
_BULLETS = {"•", "●", "▪", "■", "◦", "○", "·", "▸", "►", "➢", "✓", "o", "–", "-", "*", ""}
_SECOND_LEVEL = {"o", "◦", "○", "–", "-"}
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.|Annex\s+\w+:?|Appendix\s+\w+:?)\s+\S")
_ENCRYPT_REMEDY = "remove the password first, e.g. `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`"
_OCR_REMEDY = "scanned PDF: run OCR first, e.g. `ocrmypdf in.pdf out.pdf`, then ingest out.pdf"
_CORRUPT_REMEDY = "download or export the PDF again; the file is damaged or incomplete"


@dataclass
class Line:
    """One line of text on a page (a single column's part of a row on two-column pages)."""

    text: str
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float = 0.0
    bold: float = 0.0  # fraction of the line's characters set in a bold face
    column: str = "body"  # "body", "left", "right" (two-column regions) or "table"
    rows: list[tuple[str, ...]] = field(default_factory=list)  # a table's rows ("table" lines only)
    in_band: bool = True  # inside the top / bottom band of its page (set by _in_bands)


def _is_password_error(err: BaseException) -> bool:
    seen: set[int] = set()
    e: BaseException | None = err
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        name = type(e).__name__.lower()
        if "password" in name or "encrypt" in name or "password" in str(e).lower():
            return True
        e = e.__cause__ or e.__context__ or (e.args[0] if e.args and isinstance(e.args[0], BaseException)
                                             else None)
    return False


_YOUNG_EVERY = 32  # pages between collections of the young objects while the collector is paused


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a PDF is read (restored afterwards).

    A page allocates thousands of container objects (pdfminer's characters, their dicts, words)
    that reference counting frees when the page closes, but each allocation still counts towards
    the next collection, and full collections walk everything alive, including the lines of every
    page read so far: ~15% of a 320-page read, growing faster than the page count. The few
    reference cycles pdfminer leaves per page (~50 objects) are freed by ``_collect_young``.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _collect_young(page_number: int) -> None:
    """Every few pages, free pdfminer's per-page cycles: only objects made since the last call are
    examined, so this stays cheap however long the document is."""
    if page_number % _YOUNG_EVERY == 0:
        gc.collect(0)


def read_pdf(path: Path, data: bytes, *, edition: Edition | None, engine: str) -> Document:
    """Read a PDF with the chosen engine and finish it into a Document, under the active limits."""
    guard = capped(str(path), active()) if engine == "pdfplumber" else contextlib.nullcontext()
    with _collector_paused(), guard:
        return _read_pdf(path, data, edition=edition, engine=engine)


def _read_pdf(path: Path, data: bytes, *, edition: Edition | None, engine: str) -> Document:
    name = str(path)
    pages, first_page_lines = (_pdfium_lines(name, data) if check_engine(engine, name) == "pdfium"
                               else _plumber_lines(name, path))
    # The closed document's own object graph (pdfplumber pages <-> document) is cyclic: free it now
    # rather than carry it through the rest of the work. Only objects that survived the young
    # collections are examined, once.
    gc.collect(1)
    if not any(pages):
        raise GuidanceError(name, "the PDF has no text layer (it looks scanned)", _OCR_REMEDY)
    labels = page_labels(data, [[ln.text for ln in _edge_lines(lines)] for lines in pages])
    drop_running_lines(pages)
    raw = layout_blocks(pages)
    title = _title_from_first_page(first_page_lines)
    front = " ".join(ln.text for ln in first_page_lines)
    doc = finish_document(raw, path=name, fmt="pdf", data=data, edition=edition, page_count=len(pages),
                          title=title, front_text=front)
    doc.blocks = [replace(b, page_label=labels[b.page - 1]) if b.page else b for b in doc.blocks]
    return doc


# --------------------------------------------------------------------------- running lines


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def drop_running_lines(pages: list[list[Line]]) -> None:
    """Remove running headers / footers / page numbers from each page, in place.

    A candidate is one of the first or last ``EDGE_LINES`` lines of a page that is also inside the
    top / bottom band. It goes when its text, with digits ignored, is a candidate on
    several pages (at least two, and a quarter of the pages up to four), or when it is a bare page
    number. Body text never repeats like that, so nothing is keyed to particular strings.
    """
    n = len(pages)
    counts: Counter[str] = Counter()
    for lines in pages:
        keys = {_running_key(ln.text) for ln in _edge_lines(lines)}
        counts.update(keys)
    need = max(2, min(4, -(-n // 4)))
    for i, lines in enumerate(pages):
        edge = {id(ln) for ln in _edge_lines(lines)}
        pages[i] = [ln for ln in lines if id(ln) not in edge or not (
            (n > 1 and counts[_running_key(ln.text)] >= need) or is_page_number(ln.text))]


def _edge_lines(lines: Sequence[Line]) -> list[Line]:
    body = [ln for ln in lines if ln.column != "table"]
    if not body:
        return []
    ordered = sorted(body, key=lambda ln: ln.top)
    return [ln for ln in ordered[:EDGE_LINES] + ordered[-EDGE_LINES:] if ln.in_band]


# --------------------------------------------------------------------------- pdfplumber


def _open_error(name: str, err: BaseException) -> GuidanceError:
    if isinstance(err, MemoryError):
        return out_of_memory(name)
    if _is_password_error(err):
        return GuidanceError(name, "the PDF is encrypted and needs a password", _ENCRYPT_REMEDY)
    return GuidanceError(name, f"the PDF is damaged or truncated and cannot be read ({type(err).__name__})",
                         _CORRUPT_REMEDY)


def _plumber_lines(name: str, path: Path) -> tuple[list[list[Line]], list[Line]]:
    import pdfplumber

    pages: list[list[Line]] = []
    first: list[Line] = []
    try:
        pdf = pdfplumber.open(path, password="")
    except Exception as err:  # pdfminer raises many types for broken files
        raise _open_error(name, err) from err
    try:
        try:
            page_list = pdf.pages
        except Exception as err:
            raise _open_error(name, err) from err
        for page in page_list:
            try:
                lines = _plumber_page(page)
            except GuidanceError:
                raise
            except Exception as err:
                raise _open_error(name, err) from err
            finally:
                with contextlib.suppress(Exception):
                    page.close()
            lines = _finished_page(lines, float(page.height))
            if page.page_number == 1:
                first = list(lines)
            pages.append(lines)
            _collect_young(len(pages))
    finally:
        with contextlib.suppress(Exception):
            pdf.close()
    return pages, first


def _in_bands(lines: list[Line], height: float) -> list[Line]:
    """Mark lines outside the top / bottom bands so they are never header candidates."""
    for ln in lines:
        ln.in_band = ln.top < height * BAND or ln.bottom > height * (1 - BAND)
    return lines


def _finished_page(lines: list[Line], height: float) -> list[Line]:
    """A read page's lines as the rest of the read keeps them: marked by ``_in_bands``, and copied
    afresh.

    The copy is for speed. A line's text and numbers were allocated in the middle of the page's
    work, among tens of thousands of short-lived objects (characters, words). Kept where they are,
    they leave CPython's small-object allocator a few live objects in every block that page used,
    and each later page's objects then land in scattered, colder memory, more so the longer the
    document. A copy made once the page's own objects are freed lies packed together: a 320-page
    ingest took 1.04x [1.00, 1.09] as long without it (``benchmarks/probe_growth.py --probe pack``;
    README, Performance). Pickle copies the whole structure, numbers and strings included
    (``copy.deepcopy`` would keep those as they are).
    """
    copied: list[Line] = pickle.loads(pickle.dumps(_in_bands(lines, height), protocol=pickle.HIGHEST_PROTOCOL))
    return copied


_WORD_OPTIONS: dict[str, Any] = {"extra_attrs": ["fontname", "size"], "keep_blank_chars": False,
                                 "use_text_flow": False}


def _layout_chars(page: Any) -> tuple[list[dict[str, Any]], int] | None:
    """The page's characters as the dicts pdfplumber's word grouping reads, and its rule count.

    ``page.chars`` converts every layout object into a dict of some 25 resolved attributes
    (colours, colour spaces, matrices, marked-content ids) through a generic recursive resolver;
    that costs more than interpreting the page itself, and all of it but the box, text, font and
    size goes unread here. This walks the same layout objects in the same order (pdfplumber's
    ``iter_layout_objects``) and computes the few keys with pdfplumber's own arithmetic, so the
    words come out identical. Returns None when a page holds anything outside the plain case
    (byte-encoded font names, a layout built with ``laparams``), and the caller
    then uses ``page.chars``.
    """
    from pdfminer.layout import LTChar, LTContainer

    pdf = page.pdf
    if pdf.laparams is not None:
        return None
    norm = pdf.unicode_norm
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    doctop0 = page.initial_doctop
    chars: list[dict[str, Any]] = []
    rules = 0  # lines count once, rectangles four times (their four edges)
    stack = [iter(page.layout)]
    append = chars.append
    while stack:
        for obj in stack[-1]:
            if type(obj) is LTChar:  # the common case first; characters are never containers
                d = obj.__dict__
                fontname = d["fontname"]
                if type(fontname) is not str:  # pdfplumber decodes byte names its own way
                    return None
                text = obj.get_text()
                if norm is not None:
                    text = unicodedata.normalize(norm, text)
                # The box is pdfminer's matrix arithmetic (plain floats, nothing to resolve).
                x0, x1 = d["x0"], d["x1"]
                top = (height - d["y1"]) + mb_top
                if mb_x0 != 0:
                    x0, x1 = x0 + mb_x0, x1 + mb_x0
                append({"text": text, "fontname": fontname, "size": d["size"], "upright": d["upright"],
                        "x0": x0, "x1": x1, "top": top, "bottom": (height - d["y0"]) + mb_top,
                        "doctop": doctop0 + top})
                continue
            if isinstance(obj, LTContainer):
                stack.append(iter(obj))
                break
            name = type(obj).__name__
            if name == "LTLine":
                rules += 1
            elif name == "LTRect":
                rules += 4
            elif name == "LTChar":
                return None  # another class of that name: pdfplumber would take it for a character
        else:
            stack.pop()
    return chars, rules


def _plumber_page(page: Any) -> list[Line]:
    from pdfplumber.utils import extract_words

    try:
        fast = _layout_chars(page)
    except (AttributeError, KeyError, TypeError, ValueError):
        # The walk reads pdfplumber/pdfminer internals; if an upgrade moves them, read the slow,
        # public way rather than fail (tests/test_ingest_fastchars.py flags the drift).
        fast = None
    if fast is None:
        words = page.extract_words(**_WORD_OPTIONS)
        edges = len(page.lines) + 4 * len(page.rects)
    else:
        words = extract_words(fast[0], **_WORD_OPTIONS)
        edges = fast[1]
    pno = int(page.page_number)
    tables: list[Line] = []
    boxes: list[tuple[float, float, float, float]] = []
    if edges >= 8 and words:
        for t in page.find_tables():
            # merged cells and header rows of several lines resolved: one header row, every cell in place
            cells = table_rows(grid_from_boxes(t.extract(), [row.cells for row in t.rows]))
            cells = [r for r in cells if any(r)]
            if not cells or (len(cells) == 1 and len(cells[0]) == 1):
                continue  # a boxed paragraph, not a table
            x0, top, x1, bottom = t.bbox
            boxes.append((x0 - 1, top - 1, x1 + 1, bottom + 1))
            tables.append(Line(" | ".join(cells[0]), pno, top, bottom, x0, x1, column="table", rows=cells))
    if boxes:
        words = [w for w in words if not any(b[0] <= (w["x0"] + w["x1"]) / 2 <= b[2]
                                             and b[1] <= (w["top"] + w["bottom"]) / 2 <= b[3] for b in boxes)]
    rows = _rows(words)
    lines = _columns(rows, pno, float(page.width), float(page.height))
    if tables:
        lines = _merge_tables(lines, tables)
    return lines


def _rows(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into rows by their vertical position."""
    rows: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if rows:
            last = rows[-1]
            ref = last[0]
            tol = max(1.5, 0.3 * float(ref.get("size", 10)))
            if abs(w["top"] - ref["top"]) <= tol or abs(w["bottom"] - ref["bottom"]) <= tol:
                last.append(w)
                continue
        rows.append([w])
    for r in rows:
        r.sort(key=lambda w: w["x0"])
    return rows


def _find_gutter(rows: list[list[dict[str, Any]]], width: float) -> float | None:
    """The x of a column gutter that many rows leave empty with text on both sides, if any."""
    votes: Counter[int] = Counter()
    for r in rows:
        for a, b in zip(r, r[1:], strict=False):
            gap0, gap1 = a["x1"], b["x0"]
            if gap1 - gap0 >= 8 and gap1 > width * 0.3 and gap0 < width * 0.7:
                for x in range(int(max(gap0, width * 0.3)) + 1, int(min(gap1, width * 0.7))):
                    votes[x] += 1
    if not votes:
        return None
    x, score = max(votes.items(), key=lambda kv: (kv[1], -abs(kv[0] - width / 2)))
    return float(x) if score >= 4 else None


def _line_of(words: list[dict[str, Any]], pno: int, column: str) -> Line:
    # Words split only by a change of font ("enough" bold + "." regular) touch: no space between.
    parts = [words[0]["text"]]
    for a, b in zip(words, words[1:], strict=False):
        touching = not a.get("space_after") and b["x0"] - a["x1"] < 0.12 * float(b.get("size") or 10)
        parts.append(b["text"] if touching else " " + b["text"])
    text = "".join(parts)
    chars = sum(len(w["text"]) for w in words) or 1
    sizes = [float(w.get("size", 0.0)) for w in words]
    bold = sum(len(w["text"]) for w in words if _BOLD_FONT.search(str(w.get("fontname", "")))) / chars
    return Line(text, pno, min(w["top"] for w in words), max(w["bottom"] for w in words),
                min(w["x0"] for w in words), max(w["x1"] for w in words),
                size=statistics.median(sizes) if sizes else 0.0, bold=bold, column=column)


def _columns(rows: list[list[dict[str, Any]]], pno: int, width: float, height: float) -> list[Line]:
    """Rows as lines in reading order: two-column regions read left column first, then right.

    Rows at the very top / bottom edge (headers, footers) are never split or reordered."""
    def in_band(r: list[dict[str, Any]]) -> bool:
        edge = BAND / 2
        return min(w["top"] for w in r) < height * edge or max(w["bottom"] for w in r) > height * (1 - edge)

    gutter = _find_gutter([r for r in rows if not in_band(r)], width)
    if gutter is None:
        return [_line_of(r, pno, "body") for r in rows]
    out: list[Line] = []
    region: list[list[dict[str, Any]]] = []

    def flush() -> None:
        if not region:
            return
        left = [[w for w in r if w["x1"] <= gutter] for r in region]
        right = [[w for w in r if w["x0"] >= gutter] for r in region]
        left = [r for r in left if r]
        right = [r for r in right if r]
        # Column text fills its column: the left lines run up to near the gutter. Short cells of
        # a table laid out without rules do not, and keep their row order.
        fills = bool(left) and statistics.median(max(w["x1"] for w in r) for r in left) >= gutter - 0.3 * (
            gutter - min(w["x0"] for r in left for w in r))
        if len(left) >= 2 and len(right) >= 2 and fills:
            out.extend(_line_of(r, pno, "left") for r in left)
            out.extend(_line_of(r, pno, "right") for r in right)
        else:
            out.extend(_line_of(r, pno, "body") for r in region)
        region.clear()

    for r in rows:
        crosses = any(w["x0"] < gutter < w["x1"] for w in r)
        if crosses or in_band(r):
            flush()
            out.append(_line_of(r, pno, "body"))
        else:
            region.append(r)
    flush()
    return out


def _merge_tables(lines: list[Line], tables: list[Line]) -> list[Line]:
    """Put each table where it sits in the reading order (before the first line below its top)."""
    out = list(lines)
    for t in sorted(tables, key=lambda t: t.top):
        idx = next((i for i, ln in enumerate(out) if ln.column != "table" and ln.top > t.top
                    and (ln.column == "body" or ln.x0 <= t.x1)), len(out))
        out.insert(idx, t)
    return out


def _title_from_first_page(lines: list[Line]) -> str | None:
    """The first run of lines in the largest type on page 1, when that is larger than body text."""
    sized = [ln for ln in lines if ln.column != "table" and ln.size > 0 and ln.text.strip()]
    if not sized:
        return None
    body = Counter(round(ln.size, 1) for ln in sized for _ in ln.text).most_common(1)[0][0]
    biggest = max(ln.size for ln in sized)
    if biggest < body + 1.0:
        return None
    run: list[str] = []
    for ln in sized:
        if abs(ln.size - biggest) <= 0.6 and not is_page_number(ln.text):
            run.append(ln.text)
        elif run:
            break
    return " ".join(run) or None


def _bullet(line: Line) -> tuple[str, str] | None:
    parts = line.text.split(" ", 1)
    if len(parts) == 2 and parts[0] in _BULLETS and parts[1].strip():
        return parts[0], parts[1]
    return None


def layout_blocks(pages: list[list[Line]]) -> list[RawBlock]:
    """Lines -> blocks. Lines group by region, vertical gap, bullets and type changes; each group
    is then classified as a whole, so a paragraph that opens with a bold sentence stays a paragraph
    while a short all-bold or larger-type group is a heading."""
    all_lines = [ln for lines in pages for ln in lines if ln.column != "table"]
    size_count: Counter[float] = Counter()
    for ln in all_lines:
        size_count[round(ln.size, 1)] += len(ln.text)
    body = size_count.most_common(1)[0][0] if size_count else 10.0
    margins: dict[tuple[int, str], tuple[float, float]] = {}
    for ln in all_lines:
        key = (ln.page, ln.column)
        lo, hi = margins.get(key, (ln.x0, ln.x1))
        margins[key] = (min(lo, ln.x0), max(hi, ln.x1))

    groups: list[list[Line]] = []
    prev: Line | None = None
    for lines in pages:
        for ln in lines:
            if ln.column == "table":
                groups.append([ln])
                prev = None
                continue
            if prev is None or not groups or _starts_block(prev, ln, margins, body):
                groups.append([ln])
            else:
                groups[-1].append(ln)
            prev = ln

    raw: list[RawBlock] = []
    heading_sizes: list[float] = []
    last: Line | None = None
    for g in groups:
        first = g[0]
        if first.column == "table":
            raw.extend(_table_blocks(first))
            last = None
            continue
        text = g[0].text
        for ln in g[1:]:
            text = join_hyphenated(text, ln.text)
        chars = sum(len(ln.text) for ln in g) or 1
        size = sum(ln.size * len(ln.text) for ln in g) / chars
        bold = sum(ln.bold * len(ln.text) for ln in g) / chars
        words = len(text.split())
        bullet = _bullet(first)
        new_region = last is None or last.page != first.page or last.column != first.column
        sentence = text.rstrip().endswith((".", ",", ";"))
        if bullet is None and ((size >= body + 1.2 and words <= 30 and not (sentence and words > 6)) or (
                bold >= 0.9 and words <= 20 and not sentence)):
            b = RawBlock("heading", text, page=first.page, extras={"size": round(size, 1)})
            heading_sizes.append(round(size, 1))
        elif bullet is not None:
            marker = bullet[0]
            left = margins.get((first.page, first.column), (first.x0, first.x1))[0]
            level = 1 + max(0, round((first.x0 - left) / 14.0))
            if marker in _SECOND_LEVEL:
                level = max(level, 2)
            b = RawBlock("list_item", text.split(" ", 1)[1], page=first.page, level=level)
        else:
            b = RawBlock("paragraph", text, page=first.page)
        # Any paragraph may continue the one before (a figure or a column / page break between);
        # merge_continuations decides by punctuation and case.
        b.may_continue = True
        b.extras["after_break"] = float(new_region)
        raw.append(b)
        last = g[-1]
    levels = {s: i + 1 for i, s in enumerate(sorted(set(heading_sizes), reverse=True))}
    for b in raw:
        if b.kind == "heading":
            b.level = levels.get(b.extras.get("size", body), 1)
            m = _NUMBERED.match(b.text)
            if m and m.group(1).count(".") >= 1 and not m.group(1).endswith("."):
                b.level += m.group(1).count(".")
    return raw


def _starts_block(prev: Line, ln: Line, margins: dict[tuple[int, str], tuple[float, float]],
                  body: float) -> bool:
    """Does ``ln`` start a new block after ``prev``?"""
    if prev.page != ln.page or prev.column != ln.column or _bullet(ln) is not None:
        return True
    size = max(ln.size, prev.size) or body
    # Top-to-top distance, not the gap between boxes: box bottoms move with descenders.
    pitch = ln.top - prev.top
    if pitch > 1.6 * size or pitch < -2 * size or abs(ln.size - prev.size) > 0.6:
        return True
    lo, hi = margins.get((ln.page, ln.column), (ln.x0, ln.x1))
    short_prev = prev.x1 < hi - 0.15 * (hi - lo)
    if prev.bold >= 0.9 and ln.bold < 0.5 and short_prev:
        return True  # a bold heading line, then body text
    if ln.bold >= 0.9 and prev.bold < 0.5 and short_prev and re.search(r"[.!?:;]$", prev.text):
        return True  # a bold heading after a finished paragraph
    # A list item's wrapped lines are indented to its text; a line back at the margin ends it.
    return bool(_bullet(prev) is None and ln.x0 < prev.x0 - 8 and re.search(r"[.!?:;]$", prev.text))


def _table_blocks(ln: Line) -> list[RawBlock]:
    return [RawBlock("table_row", " | ".join(r), page=ln.page, cells=r, may_continue=False) for r in ln.rows]


# --------------------------------------------------------------------------- pypdfium2


def _pdfium_lines(name: str, data: bytes) -> tuple[list[list[Line]], list[Line]]:
    """Text segments with their boxes, font size and weight from pdfium, as the same rows and
    lines the pdfplumber path builds (so columns, headers and headings work alike). pdfium merges a
    line's characters into segments itself, in C, which is where the speed comes from."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(data, password=None)
    except Exception as err:
        raise _open_error(name, err) from err
    pages: list[list[Line]] = []
    first: list[Line] = []
    try:
        for i in range(len(pdf)):
            try:
                page = pdf[i]
                width, height = page.get_size()
                tp = page.get_textpage()
                if tp.count_chars() > active().page_chars:
                    raise limit_error(name, "page_chars", f"page {i + 1} of the PDF holds more characters "
                                      "than the limit", active())
                segments: list[dict[str, Any]] = []
                for k in range(tp.count_rects()):
                    left, bottom, right, top = tp.get_rect(k)
                    # pdfium reports a hyphen at a line end as U+0002; it is a real hyphen here,
                    # and join_hyphenated decides later whether the word was split by it.
                    raw_text = tp.get_text_bounded(left, bottom, right, top).replace("\x02", "-")
                    text = " ".join(raw_text.split())
                    # Segments end at a space or a change of font; only the first is a word break,
                    # unless the next segment starts further on.
                    if not text:
                        continue
                    idx = tp.get_index(left + 0.5, (bottom + top) / 2, 2, 4)
                    if idx is None or idx < 0:
                        idx = tp.get_index((left + right) / 2, (bottom + top) / 2, 4, 4)
                    ok = idx is not None and idx >= 0
                    size = float(pdfium_c.FPDFText_GetFontSize(tp.raw, idx)) if ok else top - bottom
                    weight = int(pdfium_c.FPDFText_GetFontWeight(tp.raw, idx)) if ok else 400
                    segments.append({"text": text, "space_after": raw_text[-1:].isspace(),
                                     "x0": left, "x1": right, "top": height - top,
                                     "bottom": height - bottom, "size": round(size, 1),
                                     "fontname": "Bold" if weight >= 600 else "Regular"})
                tp.close()
                page.close()
            except GuidanceError:
                raise
            except Exception as err:
                if isinstance(err, MemoryError):
                    raise out_of_memory(name) from err
                raise GuidanceError(name, f"page {i + 1} of the PDF cannot be read ({type(err).__name__})",
                                    _CORRUPT_REMEDY) from err
            lines = _columns(_rows(segments), i + 1, float(width), float(height))
            lines = _finished_page(lines, float(height))
            if i == 0:
                first = list(lines)
            pages.append(lines)
            _collect_young(len(pages))
    finally:
        pdf.close()
    return pages, first
