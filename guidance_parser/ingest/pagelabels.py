"""Printed page labels: the page number a reader sees on a PDF page, which is not its index.

NHS PDFs number their pages after the cover and contents, so the sentence on the ninth page of the
file is cited as "page 7". This module owns deciding that label per page, from two sources:

- the PDF's own ``/PageLabels`` (read through pypdfium2), when the document declares them;
- otherwise the running footer / header: a number on the lines that ``ingest.pdf`` finds at the
  page edges (a bare "7", "Page 7 of 40", "NHS England | Planning guidance 7").

A number counts as a page label only when it keeps step with the page index on at least one other
page (the same offset: label - index), so a year in a running header ("2025/26", the same on every
page) or a figure that happens to sit at the bottom of one page is never taken for a page number.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Sequence

from guidance_parser.ingest.structure import is_page_number

_NUMBER = re.compile(r"(?<![\d.,/£%])\d{1,4}(?![\d.,/%])")
_MIN_AGREEING = 2  # pages whose numbers share an offset before that offset is believed


def declared_labels(data: bytes) -> list[str | None] | None:
    """The PDF's ``/PageLabels`` per page, or None when it declares none (or cannot be read)."""
    import pypdfium2

    with contextlib.suppress(Exception):  # a damaged label tree only loses the labels, never the read
        pdf = pypdfium2.PdfDocument(data)
        try:
            labels = [pdf.get_page_label(i) or None for i in range(len(pdf))]
        finally:
            pdf.close()
        if any(labels):
            return labels
    return None


def _candidates(texts: Sequence[str]) -> list[int]:
    """Numbers on a page's edge lines that could be its page number."""
    out: list[int] = []
    for text in texts:
        if is_page_number(text):
            m = _NUMBER.search(text)
            if m:
                out.append(int(m.group(0)))
            continue
        out.extend(int(m.group(0)) for m in _NUMBER.finditer(text))
    return out


def printed_labels(edge_texts: Sequence[Sequence[str]]) -> list[str | None]:
    """Per page (0-based list, one entry per page), the printed page number read from its edge
    lines, or None. ``edge_texts[i]`` holds the texts of page i's header / footer candidates."""
    per_page = [_candidates(texts) for texts in edge_texts]
    offsets: Counter[int] = Counter()
    for i, nums in enumerate(per_page):
        offsets.update({n - (i + 1) for n in nums})
    labels: list[str | None] = []
    for i, nums in enumerate(per_page):
        ranked = sorted(nums, key=lambda n: -offsets[n - (i + 1)])
        best = ranked[0] if ranked else None
        ok = best is not None and (offsets[best - (i + 1)] >= _MIN_AGREEING or len(per_page) == 1)
        labels.append(str(best) if ok else None)
    return labels


def page_labels(data: bytes, edge_texts: Sequence[Sequence[str]]) -> list[str | None]:
    """The label of every page: declared ``/PageLabels`` first, else the running footer / header."""
    declared = declared_labels(data)
    if declared is not None and len(declared) == len(edge_texts):
        return declared
    return printed_labels(edge_texts)
