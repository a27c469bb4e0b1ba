"""Which reader a file needs, and turning its bytes into text: the ingest entry points.

Dispatch is by content first (a PDF is a PDF whatever its name), then by extension, then by a
sniff of the opening bytes. A file named ``.pdf`` that is not one (a Word document, a saved error
page) gets an error saying what it really is. Text is decoded as UTF-8 (with or without BOM), else
Windows-1252 (what Word and older NHS web exports write), else Latin-1, which never fails.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from guidance_parser.errors import GuidanceError
from guidance_parser.ingest.markup import read_html, read_markdown, read_text
from guidance_parser.ingest.structure import finish_document
from guidance_parser.model import Document, Edition
from guidance_parser.options import DEFAULT_ENGINE, as_edition, check_engine

TextFormat = Literal["html", "markdown", "text"]

_HTML_EXT = {".html", ".htm", ".xhtml"}
_MD_EXT = {".md", ".markdown", ".mdown", ".mkd"}
_TEXT_EXT = {".txt", ".text"}
_HTML_SNIFF = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.IGNORECASE)


def decode_bytes(data: bytes) -> str:
    """Bytes of a text file as str: UTF-8 (BOM dropped), else cp1252, else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    return sample.count(b"\x00") > len(sample) // 20 and not sample.startswith((b"\xff\xfe", b"\xfe\xff"))


def _what_it_really_is(data: bytes) -> str | None:
    if data.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536]:
            return "a Word document (.docx)"
        if b"xl/" in data[:65536]:
            return "an Excel workbook"
        return "a zip archive"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old-style Word / Office document"
    if _HTML_SNIFF.match(data[:2048]):
        return "an HTML web page"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "an image"
    return None


def ingest_text(text: str, *, fmt: TextFormat, path: str = "<text>", edition: Edition | str | None = None,
                ) -> Document:
    """Ingest text already in memory as HTML, Markdown or plain text (``edition`` as in ``ingest_file``)."""
    return _ingest_text(text, fmt=fmt, path=path, edition=as_edition(edition, path),
                        data=text.encode("utf-8", "surrogatepass"))


def _ingest_text(text: str, *, fmt: TextFormat, path: str, edition: Edition | None, data: bytes) -> Document:
    if not text.strip():
        raise GuidanceError(path, "the file is empty",
                            "give the guidance document itself (PDF, HTML, Markdown or text)")
    title: str | None = None
    if fmt == "html":
        raw, title = read_html(text)
    elif fmt == "markdown":
        raw = read_markdown(text)
    elif fmt == "text":
        raw = read_text(text)
    else:
        raise GuidanceError(path, f"unknown text format {fmt!r}", "use html, markdown or text")
    return finish_document(raw, path=path, fmt=fmt, data=data, edition=edition, title=title)


def ingest_file(path: str | os.PathLike[str], *, edition: Edition | str | None = None,
                engine: str = DEFAULT_ENGINE) -> Document:
    """Read a guidance document from disk into a ``Document``.

    ``edition`` overrides the year found on the title page (an ``Edition``, or a label such as "2025/26",
    parsed here, at the library's border); ``engine`` names one of ``options.ENGINES``.

    Raises ``GuidanceError`` (file, problem, remedy) for anything wrong with the input: missing,
    empty, mislabelled, corrupt, encrypted, scanned without a text layer, or without any year.
    """
    p = Path(path)
    name = str(path)
    override = as_edition(edition, name)
    check_engine(engine, name)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise GuidanceError(name, "no such file", "check the path") from None
    except IsADirectoryError:
        raise GuidanceError(name, "is a folder, not a document",
                            "give the PDF, HTML, Markdown or text file") from None
    except OSError as err:
        raise GuidanceError(name, f"cannot be read ({err.strerror or err})",
                            "check the file's permissions") from None
    if not data.strip():
        raise GuidanceError(name, "the file is empty (0 bytes of text)",
                            "download or export the document again")
    ext = p.suffix.lower()
    if b"%PDF-" in data[:1024]:
        from guidance_parser.ingest.pdf import read_pdf

        return read_pdf(p, data, edition=override, engine=engine)
    if ext == ".pdf":
        really = _what_it_really_is(data)
        if really is not None:
            remedy = ("save or export it as PDF, or give it the right extension (.html for a web page)"
                      if "HTML" not in really else
                      "the download probably failed: download the PDF again, "
                      "or rename it .html to read the page")
            raise GuidanceError(name, f"is named .pdf but is {really}, not a PDF", remedy)
        raise GuidanceError(name, "is named .pdf but is not a PDF (no %PDF header)",
                            "download the PDF again; the file is damaged or of another type")
    if ext in _HTML_EXT:
        fmt: TextFormat = "html"
    elif ext in _MD_EXT:
        fmt = "markdown"
    elif ext in _TEXT_EXT:
        fmt = "text"
    else:
        really = _what_it_really_is(data)
        if really is not None and "HTML" not in really:
            raise GuidanceError(name, f"is {really}, which cannot be read",
                                "export the guidance as PDF, HTML, Markdown or plain text")
        if really is not None:
            fmt = "html"
        elif re.search(rb"(?m)^#{1,6} |\*\*\S", data[:20000]):
            fmt = "markdown"
        else:
            fmt = "text"
    if _looks_binary(data):
        raise GuidanceError(name, "is a binary file, not text",
                            "give the PDF, HTML, Markdown or text document")
    return _ingest_text(decode_bytes(data), fmt=fmt, path=name, edition=override, data=data)
