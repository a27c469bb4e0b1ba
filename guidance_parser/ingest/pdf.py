"""PDF readers: pdfplumber (layout-aware, the default) and pypdfium2 (faster, plainer).

Owns reading each page's lines with their boxes, font size and weight from the chosen engine
(``options.ENGINES``), tables from ``find_tables`` (pdfplumber: every row a ``table_row`` with its
cells), printed page labels, and finishing the Document; ``ingest.layout`` turns the lines into blocks
(running headers and footers, columns, headings, lists) the same way for both engines.

Broken inputs map to one ``GuidanceError`` each: corrupt or truncated files, encrypted files that
need a password (the empty password is tried first), and scanned PDFs without a text layer.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from guidance_parser.errors import GuidanceError, caused_by_memory, exception_chain
from guidance_parser.ingest.layout import (
    BAND,
    Line,
    drop_running_lines,
    edge_lines,
    layout_blocks,
    merge_tables,
    read_columns,
    title_from_first_page,
    word_rows,
)
from guidance_parser.ingest.pagelabels import page_labels
from guidance_parser.ingest.pdfguard import capped
from guidance_parser.ingest.structure import finish_document
from guidance_parser.ingest.tables import grid_from_boxes, table_rows
from guidance_parser.limits import active, limit_error, out_of_memory
from guidance_parser.model import Document, Edition
from guidance_parser.options import check_engine

_ENCRYPT_REMEDY = "remove the password first, e.g. `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`"
_OCR_REMEDY = "scanned PDF: run OCR first, e.g. `ocrmypdf in.pdf out.pdf`, then ingest out.pdf"
_CORRUPT_REMEDY = "download or export the PDF again; the file is damaged or incomplete"


def _is_password_error(err: BaseException) -> bool:
    return any("password" in type(e).__name__.lower() or "encrypt" in type(e).__name__.lower()
               or "password" in str(e).lower() for e in exception_chain(err))


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
    labels = page_labels(data, [[ln.text for ln in edge_lines(lines)] for lines in pages])
    drop_running_lines(pages)
    raw = layout_blocks(pages)
    title = title_from_first_page(first_page_lines)
    front = "\n".join(ln.text for ln in first_page_lines)
    doc = finish_document(raw, path=name, fmt="pdf", data=data, edition=edition, page_count=len(pages),
                          title=title, front_text=front)
    doc.blocks = [replace(b, page_label=labels[b.page - 1]) if b.page else b for b in doc.blocks]
    return doc


# --------------------------------------------------------------------------- pdfplumber


def _open_error(name: str, err: BaseException) -> GuidanceError:
    if caused_by_memory(err):  # pdfplumber wraps a MemoryError in its own exception
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
    rows = word_rows(words)
    lines = read_columns(rows, pno, float(page.width), float(page.height))
    if tables:
        lines = merge_tables(lines, tables)
    return lines


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
                if caused_by_memory(err):
                    raise out_of_memory(name) from err
                raise GuidanceError(name, f"page {i + 1} of the PDF cannot be read ({type(err).__name__})",
                                    _CORRUPT_REMEDY) from err
            lines = read_columns(word_rows(segments), i + 1, float(width), float(height))
            lines = _finished_page(lines, float(height))
            if i == 0:
                first = list(lines)
            pages.append(lines)
            _collect_young(len(pages))
    finally:
        pdf.close()
    return pages, first
