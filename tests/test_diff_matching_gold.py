"""The matcher measured against the cross-edition pairs gold (tests/gold/pairs-2025-26-vs-mtpf.json).

Records are built from the hand annotations of the 2025/26 guidance and the medium-term planning framework
(see benchmarks/eval_matching.py), so these numbers measure matching and classification alone, not
extraction. Floors sit a little under the measured figures (all types P 1.00 R 1.00 F1 1.00 with the gold
quote as evidence; the same with the whole source line, which needs ../shared/corpus, and with the held-out
sections' records as extra candidates; P 0.95 R 1.00 F1 0.97 before the metric catalogue paired targets
stating the same measure first). Before the matcher was changed on this gold: F1 0.59 / 0.67 / 0.59.
End to end (records extracted from the real texts, then matched) it measures P 1.00 R 0.82 F1 0.90 (0.71
before the catalogue); the three pairs it misses have a record that extraction does not produce.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import CORPUS, MEDIUM_TERM, PLANNING_2025, corpus_file

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"


@pytest.fixture(scope="module")
def ev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_matching", ROOT / "benchmarks" / "eval_matching.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_matching"] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_pairs_gold_names_every_old_record_once(ev: ModuleType):
    """Every record of the 2025/26 gold is in exactly one entry, and every key names a gold record."""
    entries, old_gold, _ = ev.load_pairs(GOLD)  # raises if a key names no gold record
    named = [k for e in entries for k in e.old]
    assert len(named) == len(set(named))
    every = {ev.key_of(t, g) for t, kind in ev.KINDS.items() for g in old_gold.get(kind, [])}
    assert set(named) == every
    classes = set(json.loads((GOLD / ev.PAIRS_FILE).read_text(encoding="utf-8"))["classes"])
    for e in entries:
        assert e.status in ("pair", "dropped", "unknown")
        assert (e.status == "pair") == bool(e.new)
        if e.status == "pair":
            assert e.expected in classes and set(e.accept) <= classes


def _check(scores: dict) -> None:
    total, targets, priorities = scores["all"], scores["target"], scores["priority"]
    detail = "\n".join(total.wrong + total.missed)
    assert total.f1 >= 0.95, detail
    assert total.precision >= 0.95 and total.recall >= 0.95, detail
    assert targets.f1 >= 0.9, detail
    assert priorities.recall >= 0.75
    assert scores["deadline"].predicted <= 1, detail  # no deadline has a certain counterpart
    assert total.cls_total and total.cls_right / total.cls_total >= 0.9, "\n".join(total.misclassified)


def test_isolated_matching_meets_floors(ev: ModuleType):
    _check(ev.evaluate(GOLD))


def test_whole_source_line_as_evidence_meets_floors(ev: ModuleType):
    """Same records, each with its whole (damaged, column-interleaved) source line as the sentence."""
    corpus_file(PLANNING_2025)
    corpus_file(MEDIUM_TERM)
    _check(ev.evaluate(GOLD, corpus=CORPUS))


def test_more_candidates_from_the_next_sections_meet_floors(ev: ModuleType):
    """The framework's held-out sections 3.3-3.6 as extra candidates (restatements and distractors)."""
    try:
        scores = ev.evaluate(GOLD, heldout=True)
    except (OSError, ValueError) as err:  # the held-out file is maintained elsewhere and may move
        pytest.skip(f"held-out candidates unavailable: {err}")
    _check(scores)


def test_end_to_end_matching_meets_its_floor(ev: ModuleType):
    """Records extracted from the real texts, matched by the differ, scored where both are located."""
    corpus_file(PLANNING_2025)
    corpus_file(MEDIUM_TERM)
    scores, _, note = ev.end_to_end(GOLD, CORPUS)
    total = scores["all"]
    assert total.f1 >= 0.87, note + "\n" + "\n".join(total.wrong + total.missed)
    assert total.precision >= 0.95, "\n".join(total.wrong)


def test_named_standards_follow_their_counterparts(ev: ModuleType):
    """The headline standards a reader checks first pair as the gold says, with the right verdict."""
    preds, _ = ev.predictions(GOLD)
    by_old_line = {(p.old.split("|")[1], p.old.split("|")[3]): p for p in preds}
    ae = by_old_line[("161", "78")] if ("161", "78") in by_old_line else by_old_line[("487", "78")]
    assert ae.new.split("|")[3] in ("82", "85") and ae.cls == "changed_value"
    rtt = by_old_line.get(("145", "65")) or by_old_line[("471", "65")]
    assert rtt.new.split("|")[3] in ("70", "92")
    fds = by_old_line.get(("159", "80")) or by_old_line[("485", "80")]
    assert fds.new.split("|")[3] == "80" and fds.cls == "deadline_moved"


def test_no_pair_mixes_what_the_units_measure(ev: ModuleType):
    from guidance_parser.units import comparable, kind

    _, old_gold, new_gold = ev.load_pairs(GOLD)
    units = {ev.key_of("target", g): g.get("unit") for g in old_gold["targets"] + new_gold["targets"]}
    preds, _ = ev.predictions(GOLD)
    for p in preds:
        if p.rtype == "target":
            a, b = kind(units[p.old]), kind(units[p.new])
            assert a is None or b is None or comparable(a, b), p
