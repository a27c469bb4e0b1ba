"""PDF-path parity (benchmarks/eval_pdf_parity.py) on one small gold text: the Board paper read as a real-layout PDF
(cover, contents page, running header and footer, page numbers, two-column pages) must score its targets within
0.05 F1 of its Markdown conversion. Skips, saying why, without the corpus (../shared/corpus or $GUIDANCE_CORPUS).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import CORPUS_MD, corpus_file

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold" / "heldout" / "nhs-england-board-paper-productivity-2024-12.json"


@pytest.fixture(scope="module")
def parity() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_pdf_parity", ROOT / "benchmarks" / "eval_pdf_parity.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_pdf_parity"] = module
    spec.loader.exec_module(module)
    return module


def test_board_paper_pdf_scores_like_its_markdown(parity: ModuleType, tmp_path: Path) -> None:
    corpus_file("nhs-england-board-paper-productivity-2024-12.md")  # skips without the corpus
    sides = parity.parity(GOLD, CORPUS_MD.parent, ("pdfplumber",), pdf_dir=tmp_path)
    md, pdf = sides["md"], sides["pdfplumber"]
    assert pdf.doc.source_format == "pdf" and pdf.doc.page_count >= 4  # cover, contents, then the paper
    md_t, pdf_t = md.score.types["targets"], pdf.score.types["targets"]
    print(f"\ntargets F1: markdown {md_t.f1:.2f}, pdf {pdf_t.f1:.2f}; "
          f"deadlines F1: markdown {md.score.types['deadlines'].f1:.2f}, pdf {pdf.score.types['deadlines'].f1:.2f}")
    assert md_t.gold > 0 and pdf_t.tp > 0
    assert abs(pdf_t.f1 - md_t.f1) <= 0.05, parity.differences(sides, "pdfplumber")
    # the publication date after the contents page still dates the paper's bare months ("by March" -> 2025-03)
    assert pdf.doc.published == md.doc.published
