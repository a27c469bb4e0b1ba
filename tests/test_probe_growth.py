"""benchmarks/probe_growth.py compares a PDF with the parts cut from it: the cut must keep every page,
in order, with its text (otherwise the probe would compare different work). Nothing is timed here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pdfplumber
from pdfbuild import build_long_pdf

PROBE = Path(__file__).resolve().parent.parent / "benchmarks" / "probe_growth.py"


def _page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_split_keeps_every_page_in_order(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("probe_growth", PROBE)
    assert spec is not None and spec.loader is not None
    probe = importlib.util.module_from_spec(spec)
    sys.modules["probe_growth"] = probe
    spec.loader.exec_module(probe)

    text = "\n\n".join(f"# Section {i}\n\nParagraph {i} says the target is {i}0% by March 2026." for i in range(40))
    src = tmp_path / "src.pdf"
    build_long_pdf([text], 5, src, header="Running header")
    whole, parts = probe.split_pdf(src, 2, tmp_path / "split")

    assert [len(_page_texts(p)) for p in parts] == [2, 2, 1]
    original = _page_texts(src)
    assert len(set(original)) == 5  # distinct pages, so an order slip would show
    assert _page_texts(whole) == original
    assert [t for p in parts for t in _page_texts(p)] == original
    # A second call reuses what is there rather than writing it again.
    stamp = whole.stat().st_mtime_ns
    assert probe.split_pdf(src, 2, tmp_path / "split") == (whole, parts)
    assert whole.stat().st_mtime_ns == stamp
