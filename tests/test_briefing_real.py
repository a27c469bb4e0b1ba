"""The report's first screen on the two real consecutive editions: the 2025/26 priorities and operational
planning guidance and the Medium Term Planning Framework 2026/27 to 2028/29 (issue 21).

The headline measures a policy analyst leads with were named before the test was run (from the two texts,
not from the tool's output): A&E 4-hour 78% -> 82% -> 85%, Category 2 30 -> 25 -> 18 minutes, RTT 18 weeks
65% -> 70% -> 92%, productivity 4% -> 2% a year; the 15-minute handover and the 18-week standards are still
named by the framework and must not be called dropped. Skips without the real corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from briefing_check import briefing_lines, numbers_not_in_rows
from conftest import MEDIUM_TERM, PLANNING_2025, corpus_file

from cli import main

OLD_ED, NEW_ED = "2025/26", "2026/27 to 2028/29"

# (words of the catalogue name that start the line, the figures its line must state, old side then new)
EXPECTED_LINES = [
    ("A&E: patients seen within 4 hours", ["78%", "82%", "85%"]),
    ("Category 2 ambulance response", ["30 minutes", "25 minutes", "18 minutes"]),
    ("Referral to treatment within 18 weeks", ["65%", "70%", "92%"]),
    ("Productivity growth", ["4%", "2%"]),
]
# measures the framework still names (by the words a reader would search it for): never "dropped"
STILL_NAMED = {"uec.handover_15m": "15-minute standard", "elective.rtt_18w": "18 weeks", "uec.ae_4h": "4 hours",
               "uec.cat2_mean": "Category 2", "cancer.62d": "62-day", "cancer.fds_28d": "Faster Diagnosis",
               "finance.productivity": "productivity", "workforce.agency_spend": "agency",
               "digital.fdp": "Federated Data Platform"}


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    old, new = corpus_file(PLANNING_2025), corpus_file(MEDIUM_TERM)
    out = tmp_path_factory.mktemp("real")
    assert main(["diff", str(old), str(new), "-o", str(out / "r.html")]) == 0
    assert main(["diff", str(old), str(new), "--format", "json", "-o", str(out / "r.json")]) == 0
    return (out / "r.html").read_text(encoding="utf-8"), json.loads((out / "r.json").read_text(encoding="utf-8"))


def test_the_briefing_leads_with_the_headline_figure_changes(real: tuple[str, dict]) -> None:
    html, _ = real
    lines = [text for text, _ in briefing_lines(html)]
    assert 10 <= len(lines) <= 15, lines
    for name, figures in EXPECTED_LINES:
        line = next((t for t in lines if name in t.replace("&amp;", "&")), None)
        assert line is not None, f"no briefing line for {name}: {lines}"
        old, _, new = line.partition("→")
        assert figures[0] in old and all(f in new for f in figures[1:]), line
    # the four lead: figure changes of national standards come before drops and new measures
    assert all(any(name in t.replace("&amp;", "&") for name, _ in EXPECTED_LINES) for t in lines[:4]), lines[:4]


def test_every_line_names_a_measure_and_a_figure_the_tables_state(real: tuple[str, dict]) -> None:
    html, _ = real
    for text, rows in briefing_lines(html):
        assert rows and ": " in text and any(ch.isdigit() for ch in text.rpartition(": ")[2]), text
    assert numbers_not_in_rows(html, (NEW_ED, OLD_ED)) == []


def test_nothing_the_framework_still_names_is_called_dropped(real: tuple[str, dict]) -> None:
    _, data = real
    new_text = Path(corpus_file(MEDIUM_TERM)).read_text(encoding="utf-8")
    changes = data["pairs"][0]["changes"]
    for c in changes:
        if c["kind"] == "dropped" and c["record_type"] == "target":
            assert c["search"] is not None, c["label"]  # every drop carries the search that verified it
            mid = c["old"]["metric_id"]
            assert mid not in STILL_NAMED, (c["label"], STILL_NAMED.get(mid))
            if c["search"]["by"] != "none":
                assert c["search"]["passages"] == 0, c["label"]
    kept = [c for c in changes if c["kind"] == "kept_without_figure"]
    assert kept and "15-minute standard" in new_text
    for c in kept:  # each shows the passage that still names it, first
        assert c["search"]["passages"] > 0 and c["closest"][0]["names_standard"], c["label"]
    # the 15-minute handover standard, when extraction reads it as a 2025/26 target with no partner, is
    # kept (the framework works "toward the 15-minute standard"), never dropped
    for c in changes:
        if c["old"] and c["old"].get("metric_id") == "uec.handover_15m" and c["new"] is None:
            assert c["kind"] == "kept_without_figure" and "15-minute" in c["closest"][0]["text"], c["summary"]


def test_only_targets_make_the_headline_counts(real: tuple[str, dict]) -> None:
    _, data = real
    pair = data["pairs"][0]
    targets = [c for c in pair["changes"] if c["record_type"] == "target"]
    assert sum(pair["counts"].values()) == len(targets) < len(pair["changes"])


@pytest.mark.xfail(strict=True, reason="extraction, not the briefing: the 62-day 85% is dated 2026/27 (it is "
                   "2028/29, so its line is held back as a weak match), agency 'zero by 2029/30' and the 31-day "
                   "standard's 2025/26 figure are not extracted; 8 lines carry both figures (issue 21)")
def test_ten_headline_lines_carry_old_and_new_figures(real: tuple[str, dict]) -> None:
    html, _ = real
    both = [t for t, _ in briefing_lines(html)
            if "→" in t and any(ch.isdigit() for ch in t.partition("→")[0].rpartition(": ")[2])
            and any(ch.isdigit() for ch in t.partition("→")[2]) and "not in" not in t]
    assert len(both) >= 10, both
