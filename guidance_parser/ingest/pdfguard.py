"""Caps inside pdfminer while a PDF is read: how far one stream may inflate, how many characters a page holds.

A 2 MB PDF can hold a stream that inflates to gigabytes, or a page that draws millions of glyphs;
pdfminer would build all of it in memory. ``capped(name, limits)`` patches two pdfminer internals for
the duration of one read (and restores them after): the zlib that ``pdftypes`` decompresses with, and
the layout device's per-character hook. Going over a cap raises ``LimitExceeded``, which pdfminer's
broad ``except Exception`` clauses cannot swallow. If a pdfminer upgrade moves these internals the
patch is skipped, and the memory cap of the isolated reader (``limits.py``) still holds.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator
from typing import Any

from guidance_parser.limits import MIB, LimitExceeded, Limits, limit_error


class _CappedZlib:
    """The two zlib calls pdfminer.pdftypes makes, stopping once the output passes ``cap`` bytes."""

    error = zlib.error

    def __init__(self, name: str, limits: Limits) -> None:
        self.name, self.limits, self.cap = name, limits, limits.stream * MIB

    def too_big(self) -> LimitExceeded:
        return LimitExceeded(limit_error(self.name, "stream", "a stream in the PDF inflates beyond the limit",
                                         self.limits))

    def decompress(self, data: bytes) -> bytes:
        d = zlib.decompressobj()
        out = d.decompress(data, self.cap + 1)
        if len(out) > self.cap:
            raise self.too_big()
        if not d.eof:  # as zlib.decompress does, so pdfminer still tries its repair of broken streams
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    def decompressobj(self) -> Any:
        outer = self

        class Counted:  # pdfminer's repair feeds a broken stream one byte at a time
            def __init__(self) -> None:
                self.d, self.total = zlib.decompressobj(), 0

            def decompress(self, data: bytes) -> bytes:
                out = self.d.decompress(data, outer.cap + 1 - self.total)
                self.total += len(out)
                if self.total > outer.cap or self.d.unconsumed_tail:
                    raise outer.too_big()
                return out

        return Counted()


@contextlib.contextmanager
def capped(name: str, limits: Limits) -> Iterator[None]:
    """Within the block, pdfminer reads ``name`` under the stream and page-character caps."""
    try:
        from pdfminer import pdftypes
        from pdfminer.converter import PDFLayoutAnalyzer
        render_char = PDFLayoutAnalyzer.render_char
        old_zlib = pdftypes.zlib
    except (ImportError, AttributeError):  # internals moved: rely on the memory cap alone
        yield
        return

    def counted_render_char(self: Any, *args: Any, **kwargs: Any) -> float:
        # pdfplumber makes one layout device per page, so a count kept on the device is per page
        n = self.__dict__.get("_guidance_chars", 0) + 1
        self._guidance_chars = n
        if n > limits.page_chars:
            raise LimitExceeded(limit_error(name, "page_chars", "a page of the PDF draws more characters "
                                            "than the limit", limits))
        result: float = render_char(self, *args, **kwargs)
        return result

    pdftypes.zlib = _CappedZlib(name, limits)  # type: ignore[assignment]
    PDFLayoutAnalyzer.render_char = counted_render_char  # type: ignore[method-assign]
    try:
        yield
    finally:
        pdftypes.zlib = old_zlib
        PDFLayoutAnalyzer.render_char = render_char  # type: ignore[method-assign]
