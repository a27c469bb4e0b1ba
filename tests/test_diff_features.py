"""The matcher's measured features on hand-built records: units, levels, priority areas, standard names,
the deadline bar (the gold-pair numbers they were chosen on are in benchmarks/eval_matching.py)."""

from __future__ import annotations

from test_diff_helpers import deadline, edition, priority, target

from guidance_parser.diff import DEADLINE_MARGIN, DEFAULT_THRESHOLD, diff_editions
from guidance_parser.diff.areas import areas_named
from guidance_parser.diff.normalise import fold
from guidance_parser.diff.records import figure_kind, scope_level
from guidance_parser.diff.similarity import record_similarity
from guidance_parser.model import DiffResult
from guidance_parser.vocabulary import anchors


def pairs_of(result: DiffResult) -> list[tuple[str, str]]:
    out = []
    for c in result.pairs[0].changes:
        if c.old is not None and c.new is not None:
            out.append((c.old.evidence.sentence, c.new.evidence.sentence))
    return sorted(out)


def run(old_x: dict, new_x: dict) -> DiffResult:
    return diff_editions([edition("2025/26", **old_x), edition("2026/27", **new_x)])


def test_a_percentage_is_not_a_time_standard():
    # Same words, same standard name; one is a share of patients, the other a time: not one target.
    old = target("patients seen within 4 hours in A&E", 78, "%", sentence="78% of patients seen within 4 hours")
    new = target("children seen within 4 hours in A&E", 4, "hours", sentence="children seen within 4 hours")
    r = run({"targets": [old]}, {"targets": [new]})
    assert pairs_of(r) == [] and r.pairs[0].counts["added"] == r.pairs[0].counts["dropped"] == 1


def test_percent_and_percentage_points_can_match():
    old = target("trust improvement in 18-week performance", 5, "percentage points",
                 sentence="every trust expected to deliver a minimum 5% point improvement in 18-week performance")
    new = target("trust improvement in 18-week performance", 7, "%",
                 sentence="every trust delivering a minimum 7% improvement in 18-week performance")
    (c,) = [c for c in run({"targets": [old]}, {"targets": [new]}).pairs[0].changes]
    assert c.kind == "changed" and "value" in c.aspects


def test_scope_level_from_metric_nearby_words_or_scope():
    row = "Every trust to maintain or improve to 82% National target of 85% as the average"
    assert scope_level(target("4-hour performance", 82, sentence=row)) == "provider"
    assert scope_level(target("4-hour performance", 85, sentence=row)) == "national"
    assert scope_level(target("performance", 60, sentence="all providers to reach 18 weeks for 60%")) == "provider"
    assert scope_level(target("18-week performance", 65, sentence="18 weeks to 65% nationally by March")) == "national"
    assert scope_level(target("18-week performance", 3, sentence="a 3% improvement", scope="every system")) == "system"
    assert scope_level(target("18-week performance", 3, sentence="a 3% improvement")) is None
    assert scope_level(priority("Elective care")) is None


def test_an_extracted_scope_leading_in_to_another_figure_is_not_this_ones():
    row = "a minimum of 65%, waiting 18 weeks or less (to deliver the national performance target of 70%)"
    assert scope_level(target("18-week performance", 65, sentence=row, scope="national")) is None
    assert scope_level(target("18-week performance", 70, sentence=row, scope="national")) == "national"
    # a scope the sentence does not state (a gold annotation, a short quote) is kept
    quote = target("18-week", 65, sentence="or a minimum of 65%, waiting", scope="every trust")
    assert scope_level(quote) == "provider"


def test_the_same_catalogue_measure_pairs_first_and_at_its_own_known_level():
    rtt = "percentage of patients waiting no longer than 18 weeks for treatment"
    old = [target(rtt, 65, sentence=f"improve the {rtt} to 65% nationally by March 2026")]
    new = [target("performance or a minimum", 65, sentence="performance or a minimum of 65%, waiting"),
           target("treatment national performance target", 70, sentence="national performance target of 70%")]
    for t in (*old, *new):
        t.metric_id = "elective.rtt_18w"
    got = {(c.old.value, c.new.value) for c in run({"targets": old}, {"targets": new}).pairs[0].changes
           if c.old is not None and c.new is not None}
    assert got == {(65, 70)}  # the same known level wins over the same figure at an unknown level
    for t in new:
        t.metric_id = "cancer.62d"
    assert all(c.old is None or c.new is None for c in run({"targets": old}, {"targets": new}).pairs[0].changes)


def test_national_and_trust_levels_pair_with_their_own_level():
    rtt = "percentage of patients waiting no longer than 18 weeks for treatment"
    old = [target(rtt, 65, sentence=f"improve the {rtt} to 65% nationally by March 2026"),
           target(rtt, 60, sentence=f"all providers to reach a minimum of 60% on the {rtt}")]
    new = [target(rtt, 65, sentence=f"every trust to reach a minimum of 65% on the {rtt}"),
           target(rtt, 70, sentence=f"a national performance target of 70% on the {rtt}")]
    got = {(c.old.value, c.new.value) for c in run({"targets": old}, {"targets": new}).pairs[0].changes
           if c.old is not None and c.new is not None}
    assert got == {(65, 70), (60, 65)}  # not 65 -> 65 on the figure alone


def test_a_changed_level_alone_does_not_unmatch():
    old = target("agency expenditure", 30, sentence="all systems are expected to deliver a 30% reduction in "
                                                    "agency expenditure")
    new = target("agency use", 30, sentence="based on a national target of a 30% reduction in agency use")
    (c,) = run({"targets": [old]}, {"targets": [new]}).pairs[0].changes
    assert c.kind in ("changed", "unchanged")


def test_priorities_match_by_policy_area():
    old = [priority("Reduce the time people wait for elective care"),
           priority("Improve A&E waiting times and ambulance response times"),
           priority("Live within the budget allocated, reducing waste")]
    new = [priority("Urgent and emergency care"), priority("Elective, cancer and diagnostics")]
    assert areas_named(new[1]) == {"Cancer", "Elective care and diagnostics"}
    r = run({"priorities": old}, {"priorities": new})
    got = sorted(pairs_of(r))
    assert got == sorted([(old[0].title, new[1].title), (old[1].title, new[0].title)])
    assert sum(c.kind == "dropped" for c in r.pairs[0].changes) == 1  # the budget priority has no counterpart


def test_time_spans_are_not_standard_names_but_first_appointment_is():
    assert anchors(fold("over the next 2 years")) == frozenset()
    assert anchors(fold("within 6 months")) == frozenset()
    assert anchors(fold("seen within 4 hours")) == {"4hour"}
    assert "firstappointment" in anchors(fold("18 weeks for a first appointment"))
    assert "firstappointment" not in anchors(fold("18 weeks for treatment"))


def test_deadlines_need_a_higher_bar():
    a = deadline("publish guidance to support ICBs in their commissioning of ambulance services", "2026-03")
    b = deadline("ICBs support Advice and Guidance through their strategic commissioning", "2026-09")
    s = float(record_similarity([a], [b])[0, 0])
    assert DEFAULT_THRESHOLD <= s < DEFAULT_THRESHOLD + DEADLINE_MARGIN  # would match as a target would
    r = run({"deadlines": [a]}, {"deadlines": [b]})
    assert pairs_of(r) == []
    assert r.settings["deadline_threshold"] == round(DEFAULT_THRESHOLD + DEADLINE_MARGIN, 3)
    same = deadline("publish guidance to support ICBs in their commissioning of ambulance services", "2026-09")
    (c,) = run({"deadlines": [a]}, {"deadlines": [same]}).pairs[0].changes
    assert c.kind == "changed" and c.aspects == ["deadline_later"]


def test_figure_kind_tells_a_change_from_a_level():
    assert figure_kind(target("18-week", 5, "percentage points", sentence="a minimum 5% point improvement")) == "change"
    assert figure_kind(target("agency spend", 30, sentence="deliver a 30% reduction in agency spend")) == "change"
    assert figure_kind(target("productivity", 2, sentence="a sustained 2% year-on-year improvement")) == "change"
    assert figure_kind(target("cost base", 1, sentence="reduce their cost base by at least 1%")) == "change"
    assert figure_kind(target("18-week", 65, sentence="waiting under 18 weeks to 65% nationally")) == "level"
    assert figure_kind(target("18-week", 92, sentence="at least 92% of patients waiting")) == "level"
    assert figure_kind(target("diagnostics", 14, sentence="performance of no more than 14%")) == "level"
    assert figure_kind(target("waits", 5, sentence="reduced by 2029 to 5%")) == "level"
    assert figure_kind(target("coverage", 94, sentence="94% coverage of teams")) is None
    assert figure_kind(target("response", 30, "minutes", sentence="30 minutes reduction")) is None


def test_a_change_never_matches_a_level():
    rtt = "18-week referral to treatment performance"
    old = [target(rtt, 5, "percentage points", sentence=f"every trust to deliver a 5% point improvement in {rtt}")]
    new = [target(rtt, 92, sentence=f"at least 92% of patients on {rtt}")]
    r = run({"targets": old}, {"targets": new})
    assert pairs_of(r) == []
    new.append(target(rtt, 7, sentence=f"every trust delivering a minimum 7% improvement in {rtt}"))
    (c,) = [c for c in run({"targets": old}, {"targets": new}).pairs[0].changes if c.kind == "changed"]
    assert c.new is not None and c.new.value == 7
