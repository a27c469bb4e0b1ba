"""The briefing's ordering rules and sentences, on small synthetic editions (see briefing.py)."""

from __future__ import annotations

from test_diff_helpers import deadline, edition, priority, target

from guidance_parser import briefing as b
from guidance_parser.diff import diff_editions

AE = "patients seen within 4 hours in A&E"
UCR = "2-hour urgent community response standard"
RTT = "patients waiting under 18 weeks for treatment"
BEDS = "adult general and acute bed occupancy"
CANCER_FDS = "cancer Faster Diagnosis Standard"
PLANS = "Submit final operational plans"


def _pair():
    old = edition("2024/25", [target(AE, 76, deadline="2025-03"), target(UCR, 70), target(BEDS, 92),
                              target("local smoking quit services commissioned", 40, deadline="2025-03")],
                  [deadline(PLANS, "2024-03")], [priority("Recover core services")])
    new = edition("2025/26", [target(AE, 78, deadline="2026-03"), target(BEDS, 90), target(CANCER_FDS, 80),
                              target("local smoking quit services commissioned", 40, deadline="2026-06"),
                              target("new dental access sessions", 2.5, "million")],
                  [deadline(PLANS, "2025-04")], [priority("Recover core services and productivity")])
    return diff_editions([old, new])


def test_tiers_order_the_briefing_then_area_then_label():
    result = _pair()
    ranked = b.rank(result.pairs[0].changes)
    assert [(t, c.label) for t, c in ranked] == [
        (b.DROPPED_STANDARD, UCR), (b.CHANGED_STANDARD, AE), (b.VALUE_CHANGE, BEDS),
        (b.DEADLINE_MOVE, "local smoking quit services commissioned"), (b.DEADLINE_MOVE, PLANS),
        (b.NEW_STANDARD, CANCER_FDS)]
    # a new target naming no standard, an unchanged or reworded record, a priority: tables only
    labels = {c.label for _, c in ranked}
    assert "new dental access sessions" not in labels and not any("Recover" in x for x in labels)


def test_sentences_state_old_and_new_value_and_deadline():
    result = _pair()
    lead, doubtful, more = b.briefing(result.pairs[0].changes, "2025/26", result.settings["threshold"])
    text = [i.sentence for i in lead]
    assert text[0] == f"{UCR} (70%) is no longer in the 2025/26 edition."
    assert text[1] == f"{AE}: rises from 76% to 78% by March 2026 (was by March 2025)."
    assert text[2] == f"{BEDS}: falls from 92% to 90%."
    assert text[4] == f"{PLANS}: deadline moves from March 2024 to April 2025."
    assert text[5] == f"New in 2025/26: {CANCER_FDS}, 80%."
    assert doubtful == [] and more == 0
    short = b.briefing(result.pairs[0].changes, "2025/26", limit=2)
    assert len(short[0]) == 2 and short[2] == 4


def test_low_confidence_items_are_set_apart():
    old = edition("2024/25", [target("4 hours", 76), target("ambulance handover delays", None, None)])
    new = edition("2025/26", [target("4 hours", 78)])
    lead, doubtful, _ = b.briefing(diff_editions([old, new]).pairs[0].changes, "2025/26")
    assert lead == [] and [(i.low_confidence, i.tier) for i in doubtful] == [("short fragment", b.CHANGED_STANDARD)]


def test_a_target_read_on_a_weak_cue_is_set_apart():
    """Extraction's own confidence joins the reasons: a figure read without a commitment cue is checked
    before it is quoted, whatever it measures."""
    weak = target(AE, 78, deadline="2026-03")
    weak.basis, weak.confidence = "figure", 0.4
    old = edition("2024/25", [target(AE, 76, deadline="2025-03"), target(UCR, 70)])
    new = edition("2025/26", [weak])
    lead, doubtful, _ = b.briefing(diff_editions([old, new]).pairs[0].changes, "2025/26")
    assert [i.tier for i in lead] == [b.DROPPED_STANDARD]
    assert [(i.low_confidence, i.tier) for i in doubtful] == [("read on a weak cue (figure)", b.CHANGED_STANDARD)]
