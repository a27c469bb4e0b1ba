"""A second pair made by editing a real edition: the Medium Term Planning Framework with planted changes,
read as the next year's edition (issue 21). Every planted change must come out as its own kind, and the
rest of the (otherwise identical) text must not make news. Skips without the real corpus.

Each planted change edits every place the framework states that figure (its prose and its table), so the
new edition is consistent: a figure changed in one place only would rightly be two records.
"""

from __future__ import annotations

import json

import pytest
from conftest import MEDIUM_TERM, corpus_file

from cli import main

NEXT = "2027/28 to 2029/30"
# name -> (what is written in the framework, what the edited edition writes instead)
PLANTED = {
    "a year's value in a multi-year row": [("Every trust to maintain or improve to 82% National",
                                            "Every trust to maintain or improve to 83% National")],
    "final-year target lowered": [("at least 92% of patients are", "at least 90% of patients are"),
                                  ("to deliver 92% 18-week referral", "to deliver 90% 18-week referral")],
    "a measure removed": [("treating patients 250,000 referrals to the NHS Digital", "treating patients"),
                          ("lives of the population by Weight Management Programme a year",
                           "lives of the population by")],
    "a rewording with the same figures": [("based on a national target of a 30% reduction in agency use in 2026/27",
                                           "based on a national ambition to cut agency use by 30% in 2026/27")],
    "a deadline a year later": [("teams in schools and colleges, reaching 100% \n\nby 2029.",
                                 "teams in schools and colleges, reaching 100% \n\nby 2030."),
                                ("by 2029 \\(operational mental", "by 2030 \\(operational mental")],
    "a new measure": [("• Reduce the number of inappropriate out of area placements.",
                       "• Reduce the number of inappropriate out of area placements.\n\n"
                       "• Systems must increase the dementia diagnosis rate to 70% by March 2028.")],
}
UNPLANTED_MAX = 5


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    src = corpus_file(MEDIUM_TERM)
    text = src.read_text(encoding="utf-8")
    for name, edits in PLANTED.items():
        for old, new in edits:
            assert text.count(old) == 1, f"{name}: {old!r} is not written once in the framework any more"
            text = text.replace(old, new)
    folder = tmp_path_factory.mktemp("planted")
    edited = folder / "mtpf-next.md"
    edited.write_text(text, encoding="utf-8")
    out = folder / "d.json"
    assert main(["diff", str(src), str(edited), "--edition", f"{edited}={NEXT}", "--format", "json",
                 "-o", str(out), "--no-cache"]) == 0
    return [c for c in json.loads(out.read_text(encoding="utf-8"))["pairs"][0]["changes"]
            if c["record_type"] == "target"]


def _metric(c: dict) -> str | None:
    return (c["new"] or c["old"]).get("metric_id")


def _find(changes: list[dict], metric: str, kind: str, aspect: str | None = None) -> dict:
    found = [c for c in changes if _metric(c) == metric and c["kind"] == kind
             and (aspect is None or aspect in c["aspects"])]
    assert len(found) == 1, (metric, kind, aspect, [(c["kind"], c["aspects"], c["summary"]) for c in changes
                                                     if _metric(c) == metric])
    return found[0]


def test_every_planted_change_is_found_as_its_kind(planted: list[dict]) -> None:
    ae = _find(planted, "uec.ae_4h", "changed", "value")
    assert (ae["old"]["value"], ae["new"]["value"]) == (82.0, 83.0)
    rtt = _find(planted, "elective.rtt_18w", "changed", "value")
    assert (rtt["old"]["value"], rtt["new"]["value"]) == (92.0, 90.0)
    gone = _find(planted, "prevention.weight_management", "dropped")
    assert gone["search"]["by"] == "catalogue" and gone["search"]["passages"] == 0
    agency = _find(planted, "workforce.agency_spend", "changed")
    assert agency["aspects"] == ["wording"]  # reworded only: not a figure change, not dropped + added
    mhst = _find(planted, "mh.support_teams", "changed", "deadline_later")
    assert mhst["old"]["value"] == mhst["new"]["value"] == 100.0
    new = _find(planted, "mh.dementia_diagnosis", "added")
    assert new["new"]["value"] == 70.0 and new["new"]["deadline"]["label"] == "2028-03"


def test_at_most_five_unplanted_changes(planted: list[dict]) -> None:
    planted_metrics = {"uec.ae_4h", "elective.rtt_18w", "prevention.weight_management", "workforce.agency_spend",
                       "mh.support_teams", "mh.dementia_diagnosis"}
    news = [c for c in planted if c["kind"] != "unchanged"]
    extra = [(c["kind"], c["label"], c["summary"]) for c in news if _metric(c) not in planted_metrics]
    # within a planted measure, only the planted change itself (one per measure)
    per_measure = {m: sum(_metric(c) == m for c in news) for m in planted_metrics}
    extra += [(m, "", f"{n} changes") for m, n in per_measure.items() if n > 1]
    assert len(extra) <= UNPLANTED_MAX, extra
