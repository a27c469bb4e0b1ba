"""The evaluator on hand-built records, the gold files themselves, and floors on the real texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CORPUS, MEDIUM_TERM, PLANNING_2025, WHEN_LABEL, corpus_file

from guidance_parser.evaluate import (
    DocScore,
    evaluate_dir,
    gold_files,
    norm,
    run_eval,
    score_deadlines,
    score_document,
    score_targets,
    unit_category,
)
from guidance_parser.model import Deadline, DocumentRef, Evidence, Extraction, Target
from guidance_parser.when import normalise

GOLD = Path(__file__).parent / "gold"


def _ev(sentence: str, i: int = 0) -> Evidence:
    return Evidence(sentence=sentence, page=None, section=(), block_index=i)


def _target(value: float, sentence: str, deadline: str | None = None) -> Target:
    when = normalise(f"by {deadline}") if deadline else None
    return Target(
        id="t",
        metric="m",
        value=value,
        unit="%",
        direction=None,
        baseline=None,
        deadline=when,
        scope=None,
        priority=None,
        evidence=_ev(sentence),
    )


def test_matching_counts_located_pairs_fields_and_optional_records() -> None:
    gold = [
        {"line": 1, "quote": "to 75% and 80% respectively", "value": 75, "unit": "%", "deadline": "2026-03"},
        {"line": 1, "quote": "to 75% and 80% respectively", "value": 80, "unit": "%", "deadline": "2026-03"},
        {"line": 2, "quote": "missed entirely here", "value": 5, "unit": "%", "deadline": None},
        {
            "line": 3,
            "quote": "an optional one",
            "value": 12,
            "unit": "weeks",
            "deadline": None,
            "optional": True,
        },
    ]
    s = "Improve the standards to 75% and 80% respectively by March 2026."
    got = [
        _target(80, s, "March 2026"),
        _target(75, s, None),
        _target(12, "an optional one"),
        _target(9, "something else entirely"),
    ]
    ts = score_targets(gold, got)
    assert (ts.gold, ts.extracted, ts.tp) == (3, 3, 2)  # the optional match is neither TP nor FP
    assert ts.fields["value"].right == 2  # the assignment pairs 75 with 75 and 80 with 80
    assert (ts.fields["deadline"].right, ts.fields["deadline"].total) == (1, 2)
    assert len(ts.misses) == 1 and "missed entirely" in ts.misses[0]
    assert len(ts.false_positives) == 1 and ts.false_positives[0].startswith("9 %")
    assert ts.precision == pytest.approx(2 / 3) and ts.recall == pytest.approx(2 / 3)


def test_deadline_strict_score_needs_the_right_label() -> None:
    gold = [
        {"line": 1, "quote": "put in place action plans by June", "when": "2025-06"},
        {"line": 2, "quote": "publish a specification in", "when": "2025/26"},
    ]
    got = [
        Deadline(
            "d1",
            "put in place action plans",
            normalise("by June 2025"),  # type: ignore[arg-type]
            _ev("ICBs should put in place action plans by June 2025."),
        ),
        Deadline(
            "d2",
            "publish",
            normalise("in 2026/27"),  # type: ignore[arg-type]
            _ev("We will publish a specification in 2026/27."),
        ),
    ]
    ts = score_deadlines(gold, got)
    assert (ts.tp, ts.strict_tp) == (2, 1)
    assert ts.f1 == 1.0 and ts.strict_f1 == 0.5


def test_quote_normalisation_survives_conversion_artefacts_and_units_fold() -> None:
    assert (
        norm("day and 28-day **Faster** Diagnosis Standard \\(FDS\\)") == "day and 28-day faster diagnosis standard fds"
    )
    assert unit_category("appointments") == "count"  # "appointments" contains "point"
    assert unit_category("percentage points") == "points" and unit_category("%") == "percent"
    assert unit_category("minutes") == "minute"


@pytest.mark.parametrize(
    "gold_file",
    gold_files(GOLD) + gold_files(GOLD / "heldout") + gold_files(GOLD / "blind"),
    ids=lambda p: p.parent.name + "/" + p.stem[:30],
)
def test_gold_files_are_well_formed_and_anchored_in_the_text(gold_file: Path) -> None:
    gold = json.loads(gold_file.read_text())
    # a document may rightly set no targets (a process framework), but every gold file annotates something
    assert isinstance(gold["targets"], list) and isinstance(gold["deadlines"], list)
    assert gold["targets"] or gold["deadlines"]
    for t in gold["targets"]:
        assert len(t["quote"].split()) <= 12
        assert t["value"] is None or isinstance(t["value"], (int, float))
        assert t["deadline"] is None or WHEN_LABEL.match(t["deadline"]), t
    for d in gold["deadlines"]:
        assert len(d["quote"].split()) <= 12 and WHEN_LABEL.match(d["when"]), d
    lines = corpus_file(gold["document"]).read_text(encoding="utf-8").splitlines()
    for rec in gold["targets"] + gold["deadlines"] + gold.get("priorities", []):
        assert norm(rec["quote"]) in norm(lines[rec["line"] - 1]), rec


@pytest.fixture(scope="module")
def real_scores() -> dict[str, DocScore]:
    corpus_file(PLANNING_2025)
    corpus_file(MEDIUM_TERM)
    return {s.document: s for s in evaluate_dir(CORPUS, GOLD)}


# Floors a little under what was measured: 2025/26 targets F1 1.00, deadlines 0.90, target deadlines right 1.00;
# Medium Term Planning Framework to 3.2: targets 0.94, deadlines 0.87 (0.93 / 0.86 before issue 4), target
# deadlines right 0.86 (0.53 before issue 14: its success-measure tables were flattened by the conversion, so
# cells lost the column year that dates them; tests/gold/README.md "Table deadlines"). Priorities: 2025/26 0.86,
# MTPF 0.60 (unchanged by the counted-set rule, which finds no counted set in either).
FLOORS = {
    PLANNING_2025: {"targets": 0.95, "deadlines": 0.85, "priorities": 0.80, "target_deadline": 0.95},
    MEDIUM_TERM: {"targets": 0.90, "deadlines": 0.84, "priorities": 0.55, "target_deadline": 0.85},
}


@pytest.mark.parametrize("document", [PLANNING_2025, MEDIUM_TERM])
def test_extraction_meets_the_floors_on_the_gold_documents(real_scores: dict[str, DocScore], document: str) -> None:
    types = real_scores[document].types
    for kind in ("targets", "deadlines", "priorities"):
        assert types[kind].f1 >= FLOORS[document][kind] - 1e-9, (kind, types[kind].f1, types[kind].misses)
    assert types["targets"].fields["deadline"].accuracy >= FLOORS[document]["target_deadline"]
    assert types["targets"].fields["value"].accuracy >= 0.95
    assert types["deadlines"].fields["when"].accuracy >= 0.95


def test_floors_fail_for_an_extractor_that_finds_nothing(real_scores: dict[str, DocScore]) -> None:
    from guidance_parser.ingest import ingest_file

    path = corpus_file(PLANNING_2025)
    doc = ingest_file(path)
    gold = json.loads((GOLD / (Path(PLANNING_2025).stem + ".json")).read_text())
    empty = score_document(doc, Extraction(document=DocumentRef.of(doc)), gold)
    assert empty.types["targets"].f1 == 0 < FLOORS[PLANNING_2025]["targets"]
    assert len(empty.types["targets"].misses) == empty.types["targets"].gold


def test_guidance_eval_prints_the_tables(capsys: pytest.CaptureFixture[str]) -> None:
    corpus_file(PLANNING_2025)
    assert run_eval(CORPUS, GOLD) == 0
    out = capsys.readouterr().out
    assert "targets" in out and "deadlines" in out and "misses" in out
    assert re.search(r"nhs-planning-guidance-2025-26\.md\s+targets\s+\d+\s+\d+\s+\d+\s+[01]\.\d\d", out)
    # the blind texts are scored in their own table, after the tuned and held-out ones
    assert out.index("HELD-OUT") < out.index("\nBLIND") and "nhs-oversight-framework-2025-26" in out


BOARD_PAPER = "nhs-england-board-paper-productivity-2024-12.md"
PLANNING_FRAMEWORK = "nhs-planning-framework-2025.md"

# Held-out floors (tests/gold/README.md). MTPF 3.3-3.6: first measured targets F1 0.86, deadlines 0.69; 0.92 and
# 0.83 after two general fixes its misses suggested, deadlines 0.86 after issue 4. The two whole documents
# annotated blind: first run Board paper targets 0.70, deadlines 0.44; planning framework targets 1.00 (none
# annotated, none found), deadlines 0.83. After the issue-4 rules (no longer blind): 1.00 / 1.00 and 1.00 / 1.00.
# A type with no gold records scores 1.0 only when nothing is found, so 0.95 there means "find none".
# The 10 Year Health Plan summary (issue 14, annotated blind): first run targets 0.64, deadlines 0.74; 0.97 /
# 0.80 after the general rules of issue 14 items 1-2, chosen after reading its misses (no longer blind);
# deadlines 0.87 once relative spans are read from the publication year (the convention of tests/gold/README.md).
# Its priorities (the 3 shifts): 0.00, then 1.00 with the counted-set rule designed on this text (not blind).
# Targets 0.97 -> 0.90 with the figure-role model (issue 20): its gold counts two sums of money invested ("invest
# up to £120 million", "backed by up to £600 million") as targets, which the labelling guide
# (corpora/labelled/GUIDE.md) makes "money" allocated, not a level to reach (README "Figure roles").
TEN_YEAR_PLAN = "10-year-health-plan-executive-summary-2025.md"
HELD_OUT_FLOORS = {
    TEN_YEAR_PLAN: {"targets": 0.88, "deadlines": 0.83, "priorities": 0.95},
    MEDIUM_TERM: {"targets": 0.88, "deadlines": 0.80},
    BOARD_PAPER: {"targets": 0.90, "deadlines": 0.80},
    PLANNING_FRAMEWORK: {"targets": 0.95, "deadlines": 0.90},
}


@pytest.fixture(scope="module")
def held_out_scores() -> dict[str, DocScore]:
    for name in HELD_OUT_FLOORS:
        corpus_file(name)
    return {s.document: s for s in evaluate_dir(CORPUS, GOLD / "heldout")}


@pytest.mark.parametrize("document", list(HELD_OUT_FLOORS))
def test_held_out_documents_meet_their_floors(held_out_scores: dict[str, DocScore], document: str) -> None:
    types = held_out_scores[document].types
    _meet_floors(held_out_scores[document], HELD_OUT_FLOORS[document])
    if types["targets"].fields["value"].total:
        assert types["targets"].fields["value"].accuracy >= 0.95


# Floors on the blind texts (tests/gold/README.md, "Blind texts of other styles"): regression guards a little
# under what the first run measured (the framework tail's deadlines were measured again after two date forms
# its misses suggested: 0.50 -> 0.71). They guard; they do not make these texts less blind, since no rule may
# be chosen by reading their misses without saying so in the gold README.
NEIGHBOURHOOD = "nhs-neighbourhood-health-guidelines-2025-26.md"
OVERSIGHT = "nhs-oversight-framework-2025-26-methodology-manual.md"
BLIND_FLOORS = {
    NEIGHBOURHOOD: {"targets": 0.95, "deadlines": 0.80},
    OVERSIGHT: {"targets": 0.95, "deadlines": 0.95},  # sets no target: 1.0 only when none is found
    MEDIUM_TERM: {"targets": 0.60, "deadlines": 0.65},
}


@pytest.fixture(scope="module")
def blind_scores() -> dict[str, DocScore]:
    for name in BLIND_FLOORS:
        corpus_file(name)
    return {s.document: s for s in evaluate_dir(CORPUS, GOLD / "blind")}


@pytest.mark.parametrize("document", list(BLIND_FLOORS))
def test_blind_documents_meet_their_floors(blind_scores: dict[str, DocScore], document: str) -> None:
    _meet_floors(blind_scores[document], BLIND_FLOORS[document])


def _meet_floors(score: DocScore, floors: dict[str, float]) -> None:
    for kind, floor in floors.items():
        ts = score.types[kind]
        assert ts.f1 >= floor - 1e-9, (kind, ts.f1, ts.false_positives, ts.misses)
