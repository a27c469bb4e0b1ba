"""Extraction on the fictional demo pair (corpora/demo): every record EXPECTED.json names must be found
with its value and date, and the objective groups must own their targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

from guidance_parser.evaluate import norm
from guidance_parser.extract import extract
from guidance_parser.ingest import ingest_file
from guidance_parser.model import Extraction

DEMO = Path(__file__).resolve().parent.parent / "corpora" / "demo"


@pytest.fixture(scope="module")
def demo() -> tuple[dict[str, Any], dict[str, Extraction]]:
    exp_path = DEMO / "EXPECTED.json"
    if not exp_path.is_file():
        pytest.skip("corpora/demo/EXPECTED.json not built")
    exp = json.loads(exp_path.read_text())
    files = {side: DEMO / exp[side]["file"] for side in ("old", "new")}
    if not all(f.is_file() for f in files.values()):
        pytest.skip("demo PDFs missing (run corpora/build_demo.py)")
    return exp, {side: extract(ingest_file(f)) for side, f in files.items()}


def _hits(ex: Extraction, kinds: list[str], sentence: str) -> list[tuple[str, float | None, str | None]]:
    out = []
    for kind in kinds:
        groups: dict[str, list[Any]] = {"target": ex.targets, "deadline": ex.deadlines, "priority": ex.priorities}
        records = groups[kind]
        for r in records:
            if fuzz.partial_ratio(norm(sentence)[:80], norm(r.evidence.sentence)) >= 90:
                when = getattr(r, "deadline", None) or getattr(r, "when", None)
                out.append((kind, getattr(r, "value", None), when.label if when else None))
    return out


def test_every_expected_record_is_found_with_its_value_and_date(
    demo: tuple[dict[str, Any], dict[str, Extraction]],
) -> None:
    exp, ex = demo
    problems = []
    for ch in exp["changes"]:
        kinds = [ch["record_type"], *ch.get("also_accept", [])]
        for side in ("old", "new"):
            g = ch.get(side)
            if not g:
                continue
            hits = _hits(ex[side], kinds, g["sentence"])
            good = [
                h
                for h in hits
                if (h[0] != "target" or h[1] == g.get("value"))
                and (ch["record_type"] == "priority" or h[2] == g.get("deadline"))
            ]
            if not good:
                problems.append((ch["id"], side, g.get("value"), g.get("deadline"), hits))
    assert problems == []


def test_numbered_objective_headings_own_their_targets(demo: tuple[dict[str, Any], dict[str, Extraction]]) -> None:
    _, ex = demo
    groups = {p.title: p for p in ex["new"].priorities}
    assert "Urgent and emergency care" in groups
    uec = groups["Urgent and emergency care"]
    owned = [t for t in ex["new"].targets if t.id in uec.target_ids]
    assert {t.value for t in owned} >= {78, 30, 92}
    assert all(t.priority == "Urgent and emergency care" for t in owned)
