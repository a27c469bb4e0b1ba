"""Gold for the real PDFs (tests/gold/pdf): well-formed and anchored on the real pages; how evaluate scores it.

The anchors are checked against the PDFs in ../shared/corpus/pdf (skipped, saying why, without them): every
quote must be found on its page the way ``guidance eval`` finds it in a sentence (whitespace-normalised fuzzy
match). No extraction-quality floor is asserted here: benchmarks/eval_real_pdfs.py prints the numbers.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import CORPUS, WHEN_LABEL

from guidance_parser.errors import GuidanceError
from guidance_parser.evaluate import (
    LOCATE_MIN,
    DocScore,
    TypeScore,
    _located,
    evaluate_dir,
    gold_files,
    ingest_annotated,
    overall,
    score_targets,
)
from guidance_parser.model import Evidence, Target

GOLD_PDF = Path(__file__).parent / "gold" / "pdf"
FILES = gold_files(GOLD_PDF)


def _pdf(gold: dict[str, Any]) -> Path:
    path = CORPUS / gold["document"]
    if not path.is_file():
        pytest.skip(f"real PDF {gold['document']} not found under {CORPUS} "
                    "(the corpus lives beside the project in ../shared/corpus; set GUIDANCE_CORPUS to move it)")
    return path


def test_every_real_pdf_has_a_gold_file() -> None:
    pdfs = sorted(p.stem for p in (CORPUS / "pdf").glob("*.pdf")) if (CORPUS / "pdf").is_dir() else []
    if not pdfs:
        pytest.skip(f"no real PDFs under {CORPUS / 'pdf'}")
    assert [f.stem for f in FILES] == pdfs


@pytest.mark.parametrize("gold_file", FILES, ids=lambda p: p.stem[:40])
def test_pdf_gold_is_well_formed_and_anchored_on_its_page(gold_file: Path) -> None:
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    assert gold["document"] == f"pdf/{gold_file.stem}.pdf" and gold["title"]
    assert isinstance(gold["targets"], list) and isinstance(gold["deadlines"], list)
    records = gold["targets"] + gold["deadlines"] + gold.get("priorities", [])
    for t in gold["targets"]:
        assert t["value"] is None or isinstance(t["value"], (int, float)), t
        assert t["deadline"] is None or WHEN_LABEL.match(t["deadline"]), t
        assert not t.get("optional") or t.get("note"), ("a judgement call says why", t)
    for d in gold["deadlines"]:
        assert WHEN_LABEL.match(d["when"]), d
        assert not d.get("optional") or d.get("note"), ("a judgement call says why", d)
    for rec in records:
        assert "line" not in rec and len(rec["quote"].split()) <= 12, rec

    path = _pdf(gold)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == gold["sha256"]
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == gold["pages"]
        texts = [page.extract_text() or "" for page in pdf.pages]
    for rec in records:
        assert 1 <= rec["page"] <= len(texts), rec
        assert _located(rec["quote"], texts[rec["page"] - 1]) >= LOCATE_MIN, rec


def test_the_anchor_check_fails_for_a_quote_on_another_page() -> None:
    if not FILES:
        pytest.skip("no PDF gold files")
    gold = json.loads(FILES[0].read_text(encoding="utf-8"))
    path = _pdf(gold)
    rec = (gold["targets"] + gold["deadlines"])[0]
    with pdfplumber.open(path) as pdf:
        others = [p.extract_text() or "" for i, p in enumerate(pdf.pages, 1) if i != rec["page"]]
    assert all(_located(rec["quote"], text) < LOCATE_MIN for text in others)


def _target(value: float, sentence: str, page: int) -> Target:
    return Target(id="t", metric="m", value=value, unit="%", direction=None, baseline=None, deadline=None,
                  scope=None, priority=None, evidence=Evidence(sentence=sentence, page=page, section=(),
                                                               block_index=0))


def test_page_anchored_gold_is_scored_and_reported_by_page() -> None:
    gold = [{"page": 3, "quote": "reduce waits to 18 weeks", "value": 92, "unit": "%", "deadline": None},
            {"page": 5, "quote": "demand will grow by 69 per cent", "value": 69, "unit": "%", "deadline": None,
             "optional": True}]
    found = [_target(92, "We will reduce waits to 18 weeks for 92% of patients.", 3),
             _target(69, "Demand will grow by 69 per cent by 2030.", 5),
             _target(7, "Diabetes affects around 7% of adults.", 6)]
    ts = score_targets(gold, found)
    assert (ts.gold, ts.extracted, ts.tp) == (1, 2, 1)  # the optional match counts neither way
    assert [r.value for r in ts.false_positive_records] == [7]
    ts = score_targets(gold, [])
    assert ts.misses == ["p3: 92 %  | reduce waits to 18 weeks"]


def test_overall_pools_counts_across_documents() -> None:
    a, b = TypeScore("targets", gold=10, extracted=8, tp=8), TypeScore("targets", gold=0, extracted=4, tp=0)
    pooled = overall([DocScore("a", {"targets": a}), DocScore("b", {"targets": b})]).types["targets"]
    assert (pooled.gold, pooled.extracted, pooled.tp) == (10, 12, 8)
    assert pooled.precision == pytest.approx(8 / 12) and pooled.recall == pytest.approx(0.8)


def test_ingest_for_gold_uses_the_gold_edition_only_when_the_text_prints_none_and_checks_the_file(
        tmp_path: Path) -> None:
    text = tmp_path / "guideline.md"
    text.write_text("# A local prescribing guideline\n\nPrescribe two sensors every 28 days.\n", encoding="utf-8")
    assert not ingest_annotated(text, {"document": "guideline.md"}, tmp_path / "g.json").edition.dated
    doc = ingest_annotated(text, {"document": "guideline.md", "edition": "2024"}, tmp_path / "g.json")
    assert doc.edition.label == "2024"
    with pytest.raises(GuidanceError, match="sha256 differs"):
        ingest_annotated(text, {"document": "guideline.md", "edition": "2024", "sha256": "0" * 64},
                         tmp_path / "g.json")


def test_guidance_eval_scores_the_pdf_gold() -> None:
    if not (CORPUS / "pdf").is_dir():
        pytest.skip(f"no real PDFs under {CORPUS / 'pdf'}")
    scores = {s.document: s for s in evaluate_dir(CORPUS, GOLD_PDF)}
    for gf in FILES:
        gold = json.loads(gf.read_text(encoding="utf-8"))
        types = scores[gold["document"]].types
        for kind in ("targets", "deadlines"):
            assert types[kind].gold == sum(1 for r in gold[kind] if not r.get("optional")), (gf.name, kind)
        assert all(m.startswith("p") for t in types.values() for m in t.misses)
