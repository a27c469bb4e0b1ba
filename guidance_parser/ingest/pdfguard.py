"""Caps inside pdfminer while a PDF is read: how far one stream may inflate, how many characters a page holds.

A 2 MB PDF can hold a stream that inflates to gigabytes, or a page that draws millions of glyphs;
pdfminer would build all of it in memory. ``capped(name, limits)`` patches pdfminer internals for the
duration of one read (and restores them after): the zlib that ``pdftypes`` decompresses with, its
decoders of the other filters that can expand data (LZW, RunLength, ASCII85, ASCIIHex: every filter
counts, since a chain or an LZW stream inflates as well as Flate), and the layout device's
per-character hook. Going over a cap raises ``LimitExceeded``, which pdfminer's
broad ``except Exception`` clauses cannot swallow. If a pdfminer upgrade moves these internals the
patch is skipped, and the memory cap of the isolated reader (``limits.py``) still holds.
"""

from __future__ import annotations

import contextlib
import io
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


# pdfminer.pdftypes' decoders of the other filters. LZW expands a thousandfold and more, RunLength 64-fold,
# ASCII85 ("z") fourfold: LZW and RunLength are decoded here, stopping at the cap; the others checked after.
_DECODERS = ("lzwdecode", "rldecode", "ascii85decode", "asciihexdecode")


def _capped_lzw(data: bytes, cap: _CappedZlib) -> bytes:
    """pdfminer's ``lzwdecode``, stopping once the output passes the cap (it yields a string per code)."""
    from pdfminer.lzw import LZWDecoder

    out, total = [], 0
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        total += len(chunk)
        if total > cap.cap:
            raise cap.too_big()
        out.append(chunk)
    return b"".join(out)


def _capped_rl(data: bytes, cap: _CappedZlib) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5) as pdfminer's ``rldecode`` reads it, stopping at the cap: a length
    byte 0-127 copies the next length + 1 bytes, 129-255 repeats the next byte 257 - length times, 128 ends."""
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        i += 1
        if length == 128:
            break
        if length < 128:
            if i + length + 1 > n:  # a truncated run: as pdfminer's rldecode fails on it
                raise RuntimeError("generator raised StopIteration")
            out += data[i:i + length + 1]
            i += length + 1
        else:
            if i >= n:
                raise StopIteration
            out += data[i:i + 1] * (257 - length)
            i += 1
        if len(out) > cap.cap:
            raise cap.too_big()
    return bytes(out)


def _capped_decoder(attr: str, decode: Any, cap: _CappedZlib) -> Any:
    if attr == "lzwdecode":
        return lambda data: _capped_lzw(data, cap)
    if attr == "rldecode":
        return lambda data: _capped_rl(data, cap)

    def checked(data: bytes) -> bytes:
        out: bytes = decode(data)
        if len(out) > cap.cap:
            raise cap.too_big()
        return out
    return checked


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

    zlib_cap = _CappedZlib(name, limits)
    decoders = {attr: getattr(pdftypes, attr) for attr in _DECODERS}
    pdftypes.zlib = zlib_cap  # type: ignore[assignment]
    for attr, decode in decoders.items():
        setattr(pdftypes, attr, _capped_decoder(attr, decode, zlib_cap))
    PDFLayoutAnalyzer.render_char = counted_render_char  # type: ignore[method-assign]
    try:
        yield
    finally:
        pdftypes.zlib = old_zlib
        for attr, decode in decoders.items():
            setattr(pdftypes, attr, decode)
        PDFLayoutAnalyzer.render_char = render_char  # type: ignore[method-assign]
