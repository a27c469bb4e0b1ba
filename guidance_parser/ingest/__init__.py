"""Ingest stage: a file (PDF, HTML long read, Markdown, plain text) -> ``Document``.

Public API (other stages use only these):

- ``ingest_file(path, *, edition=None, engine="pdfplumber")``: read any supported file, choosing
  the reader by content (``%PDF`` magic bytes) first, then by extension, else by sniffing.
- ``ingest_text(text, *, fmt, path="<text>", edition=None)``: the same for text already in memory.
- ``repair_text(text)``: the damage repairs every format shares (ligatures, hyphenation, characters).
- ``detect_edition(title_text, front_text="", *, override=None)``: the edition from the title page.

Sub-modules, one concern each: ``pdf`` (pdfplumber and pypdfium2 readers), ``markup`` (HTML,
Markdown, text readers), ``structure`` (the shared clean-up into a Document), ``repair`` (word
repairs), ``edition`` (year detection), ``published`` (the stated publication date), ``sources``
(file dispatch and decoding).
"""

from __future__ import annotations

from guidance_parser.ingest.edition import detect_edition
from guidance_parser.ingest.repair import repair_text
from guidance_parser.ingest.sources import ingest_file, ingest_text

__all__ = ["detect_edition", "ingest_file", "ingest_text", "repair_text"]
