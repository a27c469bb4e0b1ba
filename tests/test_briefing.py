"""The briefing's ordering rules and lines, on small synthetic editions (see briefing.py)."""

from __future__ import annotations

from test_diff_helpers import catalogued, deadline, edition, heading, para, priority, target

from guidance_parser import briefing as b
from guidance_parser.diff import diff_editions
from guidance_parser.model import Target

AE = "patients seen within 4 hours in A&E"
UCR = "2-hour urgent community response standard"
BEDS = "adult general and acute bed occupancy"
CANCER_FDS = "cancer Faster Diagnosis Standard"
HANDOVER = "ambulance handovers within 15 minutes"
DENTAL = "new dental access sessions"
PLANS = "Submit final operational plans"


def _t(metric: str, value: float | None, unit: str | None = "%", **kw: object) -> Target:
    return catalogued(target(metric, value, unit, **kw))  # type: ignore[arg-type]


def _pair():
    section = ("Urgent care",)
    new_blocks = [heading("Urgent care"),
                  para("Trusts should reduce ambulance handover times toward the 15-minute standard.", section)]
    old = edition("2024/25", [_t(AE, 76, deadline="2025-03"), _t(UCR, 70), _t(BEDS, 92), _t(HANDOVER, 65),
                              _t("local smoking quit services commissioned", 40, deadline="2025-03")],
                  [deadline(PLANS, "2024-03")], [priority("Recover core services")])
    new = edition("2025/26", [_t(AE, 78, deadline="2026-03"), _t("4-hour A&E", 85, deadline="2029-03"),
                              _t(BEDS, 90), _t(CANCER_FDS, 80), _t(DENTAL, 2.5, "million"),
                              _t("local smoking quit services commissioned", 40, deadline="2026-06")],
                  [deadline(PLANS, "2025-04")], [priority("Recover core services and productivity")],
                  blocks=new_blocks)
    return diff_editions([old, new])


def test_tiers_then_weight_order_the_briefing():
    result = _pair()
    ranked = b.rank(result.pairs[0].changes, "2025/26")
    assert [(i.tier, i.sentence.split(":")[0]) for i in ranked] == [
        (b.FIGURE_CHANGE, "A&E"), (b.FIGURE_CHANGE, "Adult general and acute bed occupancy"),
        (b.DROPPED, "2-hour urgent community response"), (b.NEW, "Cancer Faster Diagnosis Standard (28 days)"),
        (b.NEW, "Additional urgent dental appointments"), (b.OTHER, "Ambulance handovers within 15 minutes")]
    # a measure the catalogue does not know, a deadline, a priority: tables only
    assert not any("smoking" in i.sentence or "plans" in i.sentence or "Recover" in i.sentence for i in ranked)


def test_lines_name_the_measure_in_the_catalogues_words_with_old_and_new_figures():
    result = _pair()
    lead, doubtful, more = b.briefing(result.pairs[0].changes, "2025/26", result.settings["threshold"])
    text = [i.sentence for i in lead]
    # one line for the measure, its two new points in deadline order (a trajectory read together)
    assert text[0] == "A&E: patients seen within 4 hours: 76% by March 2025 → 78% by March 2026, 85% by March 2029"
    assert text[1] == "Adult general and acute bed occupancy: 92% → 90%"
    assert text[2] == "2-hour urgent community response: 70% → not in 2025/26"
    assert text[3] == "Cancer Faster Diagnosis Standard (28 days): new in 2025/26, 80%"
    assert text[5] == "Ambulance handovers within 15 minutes: 65% → still named in 2025/26, with no figure"
    assert doubtful == [] and more == 0
    short = b.briefing(result.pairs[0].changes, "2025/26", limit=2)
    assert len(short[0]) == 2 and short[2] == 4


def test_a_drop_is_only_news_once_the_new_edition_was_searched():
    """The 15-minute handover is named in the new edition without a figure: kept, not dropped."""
    changes = _pair().pairs[0].changes
    handover = next(c for c in changes if c.old is not None and c.old.metric_id == "uec.handover_15m")  # type: ignore[union-attr]
    assert handover.kind == "kept_without_figure" and handover.search is not None
    assert handover.search.by == "catalogue" and handover.search.passages == 1
    assert handover.closest[0].names_standard and "15-minute" in handover.closest[0].text
    ucr = next(c for c in changes if c.kind == "dropped" and c.record_type == "target"
               and c.old is not None and c.old.metric_id == "community.ucr_2h")  # type: ignore[union-attr]
    assert ucr.search is not None and ucr.search.passages == 0 and "urgent community response" in ucr.search.terms


def test_flags_come_from_evidence_not_label_length():
    """A two-word label of a catalogue measure with a figure and a date is confident; a target read on
    a weak cue (extraction's confidence) or with no figure is set apart."""
    old = edition("2024/25", [_t("4-hour A&E", 76, deadline="2025-03"), _t(UCR, 70)])
    new = edition("2025/26", [_t("4-hour A&E", 78, deadline="2026-03")])
    lead, doubtful, _ = b.briefing(diff_editions([old, new]).pairs[0].changes, "2025/26")
    assert [i.sentence.split(":")[0] for i in lead] == ["A&E", "2-hour urgent community response"]
    assert doubtful == []

    weak = _t(AE, 78, deadline="2026-03")
    weak.basis, weak.confidence = "figure", 0.4
    new = edition("2025/26", [weak])
    old = edition("2024/25", [_t(AE, 76, deadline="2025-03"), _t(UCR, 70)])
    lead, doubtful, _ = b.briefing(diff_editions([old, new]).pairs[0].changes, "2025/26")
    assert [i.tier for i in lead] == [b.DROPPED]
    assert [(i.low_confidence, i.tier) for i in doubtful] == [("read on a weak cue (figure)", b.FIGURE_CHANGE)]
