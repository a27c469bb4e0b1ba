"""The differ on hand-built records: matching, classification, section diff, timelines."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pytest
from test_diff_helpers import deadline, edition, heading, para, priority, target

from guidance_parser.diff import DEFAULT_THRESHOLD, diff_editions
from guidance_parser.diff.normalise import fold
from guidance_parser.diff.sections import diff_sections
from guidance_parser.diff.similarity import similarity_matrix
from guidance_parser.errors import GuidanceError
from guidance_parser.model import Change, DiffResult

AE = "patients admitted, discharged and transferred from A&E within 4 hours"
RTT = "patients waiting no longer than 18 weeks for treatment"
CAT2 = "Category 2 ambulance response times"


def one_pair(old_targets, new_targets, **kw) -> DiffResult:
    return diff_editions([edition("2025/26", old_targets), edition("2026/27", new_targets)], **kw)


def only(result: DiffResult, kind: str | None = None) -> Change:
    changes = [c for c in result.pairs[0].changes if kind is None or c.kind == kind]
    assert len(changes) == 1, [(c.kind, c.label, c.summary) for c in result.pairs[0].changes]
    return changes[0]


def test_unchanged_target_keeps_its_id():
    old = target(AE, 78, deadline="2026-03")
    c = only(one_pair([old], [target(AE, 78, deadline="2026-03", page=9)]))
    assert c.kind == "unchanged" and c.aspects == [] and c.id == old.id
    assert c.old is not None and c.new is not None and c.new.evidence.page == 9


def test_value_change_reports_old_and_new_value():
    c = only(one_pair([target(AE, 78, deadline="2026-03")], [target(AE, 82, deadline="2026-03")]))
    assert c.kind == "changed" and c.aspects == ["value"]
    assert (c.details[0].old, c.details[0].new) == ("78%", "82%")
    assert "78% -> 82%" in c.summary


def test_unit_change():
    c = only(one_pair([target(CAT2, 30, "minutes")], [target(CAT2, 30, "hours")]))
    assert c.aspects == ["unit"]


def test_percent_spellings_are_the_same_unit():
    c = only(one_pair([target(RTT, 65, "%")], [target(RTT, 65, "per cent")]))
    assert c.kind == "unchanged"


def test_direction_change():
    c = only(one_pair([target(RTT, 65, direction="increase")], [target(RTT, 65, direction="maintain")]))
    assert c.aspects == ["direction"]


@pytest.mark.parametrize(("old", "new", "aspect"), [
    ("2026-03", "2027-03", "deadline_later"),
    ("2027-03", "2026-03", "deadline_earlier"),
    ("2025/26", "2026-12", "deadline_later"),
])
def test_deadline_moves(old, new, aspect):
    c = only(one_pair([target(AE, 78, deadline=old)], [target(AE, 78, deadline=new)]))
    assert c.aspects == [aspect]


def test_same_end_at_another_granularity_is_not_a_move():
    # "by March 2026" and "in 2025/26" both end on 31 March 2026.
    c = only(one_pair([target(AE, 78, deadline="2026-03")], [target(AE, 78, deadline="2025/26")]))
    assert c.kind == "unchanged"


def test_deadline_added_and_removed():
    dated, undated = target(AE, 78, deadline="2026-03"), target(AE, 78)
    assert only(one_pair([undated], [dated])).aspects == ["deadline_added"]
    assert only(one_pair([dated], [undated])).aspects == ["deadline_removed"]


def test_scope_change():
    c = only(one_pair([target(RTT, 65, scope="nationally")], [target(RTT, 65, scope="every trust")]))
    assert c.aspects == ["scope"]


def test_wording_only_change():
    old = target("patients seen in A&E within 4 hours", 78, deadline="2026-03")
    new = target("patients seen, treated and discharged from A&E within 4 hours", 78, deadline="2026-03")
    c = only(one_pair([old], [new]))
    assert c.kind == "changed" and c.aspects == ["wording"] and c.summary == "wording"
    assert c.id == old.id  # the lineage keeps the first edition's id although the wording moved


def test_several_aspects_at_once():
    c = only(one_pair([target(AE, 78, deadline="2026-03")], [target(AE, 82, deadline="2027-03")]))
    assert c.aspects == ["value", "deadline_later"]
    assert c.summary == "value 78% -> 82%; deadline later March 2026 -> March 2027"


@pytest.mark.parametrize(("a", "b"), [
    ("A&E 4-hour performance", "emergency department four hour performance"),
    ("UCR two-hour response", "urgent community response 2-hour response"),
    ("RTT performance", "18-week performance"),
    ("accident and emergency waits", "A and E waits"),
    ("28-day FDS", "28-day Faster Diagnosis Standard"),
])
def test_synonyms_fold_to_the_same_text(a, b):
    assert fold(a) == fold(b)
    assert similarity_matrix([a], [b])[0, 0] == pytest.approx(1.0)


def test_synonym_folding_makes_the_match():
    old = target("UCR two-hour standard achievement", 70, deadline="2025-12")
    new = target("urgent community response 2-hour standard achievement", 80, deadline="2025-12")
    c = only(one_pair([old], [new]))
    assert c.kind == "changed" and "value" in c.aspects


def test_unrelated_metrics_are_added_and_dropped_not_changed():
    r = one_pair([target(CAT2, 30, "minutes")], [target("cancer 62-day standard performance", 75)])
    kinds = sorted(c.kind for c in r.pairs[0].changes)
    assert kinds == ["added", "dropped"]
    assert r.pairs[0].counts == {"added": 1, "dropped": 1, "changed": 0, "unchanged": 0, "kept_without_figure": 0}


def test_threshold_controls_matching():
    old = [target("patients seen in A&E within 4 hours", 78)]
    new = [target("patients seen, treated and discharged from A&E within 4 hours", 78)]
    sim = similarity_matrix([old[0].metric], [new[0].metric])[0, 0]
    assert DEFAULT_THRESHOLD < sim < 0.99
    assert only(one_pair(old, new)).kind == "changed"
    strict = one_pair(old, new, threshold=0.99)
    assert sorted(c.kind for c in strict.pairs[0].changes) == ["added", "dropped"]


def test_matching_is_one_to_one_and_optimal():
    old = [target(RTT + " nationally", 65), target("patients waiting no longer than 18 weeks for a first "
                                                      "appointment", 72)]
    new = [target("patients waiting no longer than 18 weeks for a first appointment", 75)]
    r = one_pair(old, new)
    by_kind = {c.kind: c for c in r.pairs[0].changes}
    assert set(by_kind) == {"changed", "dropped"}
    assert "first appointment" in by_kind["changed"].label and by_kind["changed"].aspects == ["value"]
    assert "nationally" in by_kind["dropped"].label


def test_restatement_in_summary_table_is_not_double_counted():
    old = [target(AE, 78, deadline="2026-03", page=5), target(AE, 78, deadline="2026-03", page=20)]
    r = one_pair(old, [target(AE, 82, deadline="2026-03")])
    c = only(r)
    assert c.old is not None and c.old.evidence.page == 5  # first statement is the evidence


def test_one_catalogue_measure_at_one_figure_and_date_is_one_commitment_however_worded():
    from dataclasses import replace

    # the framework states the mental health support team ambition in prose and again in a flattened table,
    # in words too unlike for text similarity; the catalogue knows both name one measure
    prose = replace(target("coverage of mental health support teams in schools and colleges", 100,
                           deadline="2029"), metric_id="mh.support_teams")
    table = replace(target("coverage of operational teams", 100, deadline="2029", page=34),
                    metric_id="mh.support_teams")
    r = one_pair([], [prose, table])
    assert [c.kind for c in r.pairs[0].changes] == ["added"]
    # another measure at the same figure and date stays a record of its own
    other = replace(table, metric_id="mh.ips")
    assert len(one_pair([], [prose, other]).pairs[0].changes) == 2


def test_same_metric_twice_pairs_by_value():
    # One metric, two figures (national ambition and trust floor): each pairs with its like.
    old = [target(RTT, 65, scope="nationally"), target(RTT, 60, scope="every trust")]
    new = [target(RTT, 60, scope="every trust"), target(RTT, 65, scope="nationally")]
    r = one_pair(old, new)
    assert [c.kind for c in r.pairs[0].changes] == ["unchanged", "unchanged"]
    assert len({c.id for c in r.pairs[0].changes}) == 2


def test_deadline_records_and_priorities():
    old = edition("2025/26", deadlines=[deadline("Submit operational plans", "2025-03")],
                  priorities=[priority("Reduce the time people wait for elective care")])
    new = edition("2026/27", deadlines=[deadline("Submit operational plans", "2025-02")],
                  priorities=[priority("Reduce the time people wait for elective care"),
                              priority("Improve mental health services")])
    r = diff_editions([old, new])
    got = {(c.record_type, c.kind, tuple(c.aspects)) for c in r.pairs[0].changes}
    assert got == {("deadline", "changed", ("deadline_earlier",)), ("priority", "unchanged", ()),
                   ("priority", "added", ())}


def test_areas_group_by_nhs_vocabulary():
    r = one_pair([], [target(AE, 82), target(RTT, 65), target("28-day FDS", 80), target(CAT2, 30, "minutes")])
    areas = {c.label: c.area for c in r.pairs[0].changes}
    assert areas[AE] == areas[CAT2] == "Urgent and emergency care"
    assert areas[RTT] == "Elective care and diagnostics"
    assert areas["28-day FDS"] == "Cancer"


def test_editions_are_sorted_oldest_first():
    a, b = edition("2024/25", [target(AE, 76)]), edition("2025/26", [target(AE, 78)])
    r = diff_editions([b, a])
    assert [e.edition for e in r.editions] == ["2024/25", "2025/26"]
    assert only(r).details[0].old == "76%"


def test_three_editions_build_timelines():
    e1 = edition("2024/25", [target(AE, 76, deadline="2025-03"), target(CAT2, 30, "minutes")])
    e2 = edition("2025/26", [target("patients seen within 4 hours in emergency departments", 78,
                                    deadline="2026-03"), target(CAT2, 30, "minutes"),
                             target("UCR two-hour standard", 70)])
    e3 = edition("2026/27", [target(AE, 82, deadline="2027-03"), target(CAT2, 30, "minutes")])
    r = diff_editions([e3, e1, e2])
    assert len(r.pairs) == 2
    tl = {t.label: t for t in r.timelines}
    ae = tl[AE]
    assert [p.value for p in ae.points] == ["76%", "78%", "82%"]
    assert (ae.first_seen, ae.last_seen) == ("2024/25", "2026/27")
    assert ae.id == e1[1].targets[0].id  # same id across all three editions
    ucr = tl["UCR two-hour standard"]
    assert (ucr.first_seen, ucr.last_seen) == ("2025/26", "2025/26")
    assert [c.kind for c in r.pairs[1].changes if c.id == ucr.id] == ["dropped"]
    # the lineage id of a record is the same in both pairs
    ids1 = {c.id for c in r.pairs[0].changes if c.new is not None}
    ids2 = {c.id for c in r.pairs[1].changes if c.old is not None}
    assert ids1 == ids2


def test_two_editions_have_no_timeline():
    assert one_pair([target(AE, 78)], [target(AE, 82)]).timelines == []


def test_rerun_gives_identical_result():
    def run():
        return one_pair([target(AE, 78), target(RTT, 65)], [target(AE, 82), target(CAT2, 30, "minutes")])
    assert run().to_dict() == run().to_dict()


def test_process_pool_gives_the_same_result_as_in_process():
    """The CLI runs the per-edition and per-pair work on its worker pool (``mapper``): lineage ids,
    labels from restatements and timelines must come out exactly as in one process."""
    e1 = edition("2024/25", [target(AE, 76, deadline="2025-03"), target(CAT2, 30, "minutes"),
                             target("Consistently meet or exceed", 70), target("2-hour UCR standard", 70)])
    e2 = edition("2025/26", [target(AE, 78, deadline="2026-03"), target(CAT2, 30, "minutes"),
                             target(RTT, 65)])
    e3 = edition("2026/27", [target(AE, 82, deadline="2027-03"), target(RTT, 70)])
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = diff_editions([e3, e1, e2], mapper=pool.map)
    local = diff_editions([e3, e1, e2])
    assert pooled.to_dict() == local.to_dict()
    assert len(pooled.pairs) == 2 and pooled.timelines
    # Changes refer to the caller's own record objects, not copies made in the workers.
    assert any(c.old is e1[1].targets[0] for c in pooled.pairs[0].changes)


def test_needs_two_distinct_editions():
    with pytest.raises(GuidanceError, match="at least two editions"):
        diff_editions([edition("2025/26")])
    e = edition("2025/26")
    with pytest.raises(GuidanceError, match="same file"):
        diff_editions([e, e])


# --- section diff ---------------------------------------------------------------------------

def _doc(label, sections):
    blocks = []
    for title, paras in sections:
        blocks.append(heading(title))
        blocks.extend(para(p, (title,)) for p in paras)
    return edition(label, blocks=blocks)[0]


def test_section_diff_aligns_by_heading_and_shows_rewording():
    old = _doc("2025/26", [
        ("Urgent and emergency care", ["Systems should improve A&E waiting times.",
                                       "Ambulance handovers must take no longer than 45 minutes."]),
        ("Workforce", ["Reduce agency spend by 30%."]),
        ("Dental access", ["Increase dental appointments."]),
    ])
    new = _doc("2026/27", [
        ("Workforce", ["Reduce agency spend by 30%."]),
        ("Urgent and emergency care", ["Systems should improve A&E waiting times.",
                                       "Ambulance handovers must take no longer than 30 minutes."]),
        ("Neighbourhood health", ["Every ICB to publish a neighbourhood plan."]),
    ])
    secs = {(s.old_heading, s.new_heading): s for s in diff_sections(old, new)}
    uec = secs[("Urgent and emergency care", "Urgent and emergency care")]
    assert uec.status == "changed" and uec.words_added == 1 and uec.words_removed == 1
    replace = [op for op in uec.ops if op.op == "replace"]
    assert len(replace) == 1
    assert [(x.op, x.old.strip(), x.new.strip()) for x in replace[0].inline if x.op != "equal"] == [
        ("delete", "45", ""), ("insert", "", "30")]
    assert secs[("Workforce", "Workforce")].status == "unchanged"
    assert secs[("Dental access", None)].status == "dropped"
    assert secs[(None, "Neighbourhood health")].status == "added"


def test_rewritten_paragraph_is_delete_plus_insert():
    old = _doc("2025/26", [("Finance", ["Deliver a balanced financial position across every system."])])
    new = _doc("2026/27", [("Finance", ["Cancer alliances will publish quarterly dashboards of variation."])])
    (s,) = diff_sections(old, new)
    assert s.status == "changed"
    assert [op.op for op in s.ops] == ["delete", "insert"]


def test_pair_result_carries_sections():
    blocks = [heading("Intro"), para("Hello world.", ("Intro",))]
    r = diff_editions([edition("2025/26", blocks=blocks), edition("2026/27", blocks=[
        heading("Intro"), para("Hello wide world.", ("Intro",))])])
    (s,) = r.pairs[0].sections
    assert s.status == "changed" and s.words_added == 1


def test_empty_editions_do_not_crash_and_everything_is_added():
    r = diff_editions([edition("2025/26", blocks=[]), edition("2026/27", [target(AE, 82)], blocks=[])])
    assert [c.kind for c in r.pairs[0].changes] == ["added"]
    assert r.pairs[0].sections == []
    from guidance_parser.report import render_html
    assert "What changed: the 2025/26 edition → the 2026/27 edition" in render_html(r)


def test_prose_and_table_restatement_is_one_record_named_by_the_table():
    prose = target("Consistently meet or exceed", 70, page=3,
                   sentence="Consistently meet or exceed the 70% 2-hour urgent community response (UCR) standard.")
    row = target("Community health services | 2-hour urgent community response (UCR) standard |", 70, page=4,
                 sentence="Community health services | 2-hour urgent community response (UCR) standard | 70% or more")
    other = target("adult general and acute bed occupancy", 70, page=3)  # same figure, different commitment
    r = one_pair([prose, row, other], [])
    dropped = {c.label: c for c in r.pairs[0].changes}
    assert set(dropped) == {"2-hour urgent community response (UCR) standard", "adult general and acute bed occupancy"}
    ucr = dropped["2-hour urgent community response (UCR) standard"]
    assert ucr.old is prose and ucr.old.evidence.page == 3  # the prose sentence stays the evidence


def test_rolling_the_edition_year_forward_is_not_a_rewording():
    old = _doc("2023/24", [("Annex", ["National objectives for 2023/24 are listed below."]),
                           ("Elective", ["Eliminate waits of over 65 weeks by March 2024."])])
    new = _doc("2024/25", [("Annex", ["National objectives for 2024/25 are listed below."]),
                           ("Elective", ["Eliminate waits of over 65 weeks by March 2025."])])
    got = {s.new_heading: s for s in diff_sections(old, new)}
    assert got["Annex"].status == "unchanged" and got["Annex"].words_added == 0
    assert [op.op for op in got["Annex"].ops] == ["replace"]  # still visible in the text diff
    assert got["Elective"].status == "changed"  # a year inside a deadline is a real change


def test_a_reworded_target_with_the_same_figure_and_date_is_reworded_only():
    old = target("reduction in agency spend across all trusts", 30, deadline="2027-03")
    new = target("cut what trusts spend on temporary agency staffing", 30, deadline="2027-03")
    c = only(one_pair([old], [new]))
    assert c.kind == "changed" and c.reworded_only, (c.kind, c.aspects)  # never dropped + added


def test_an_unchanged_sentence_with_a_relative_date_is_unchanged_in_either_edition():
    """'by November' resolves to November 2025 in the 2025/26 edition and November 2026 in the next one;
    the sentence did not change, so neither did its deadline."""
    import dataclasses

    from test_diff_helpers import when

    sentence = "Trusts will publish their winter plans by November."
    old = dataclasses.replace(deadline("publish their winter plans", "2025-11"), when=when("2025-11", "November"))
    new = dataclasses.replace(deadline("publish their winter plans", "2026-11"), when=when("2026-11", "November"))
    old = dataclasses.replace(old, evidence=dataclasses.replace(old.evidence, sentence=sentence))
    new = dataclasses.replace(new, evidence=dataclasses.replace(new.evidence, sentence=sentence))
    r = diff_editions([edition("2025/26", deadlines=[old]), edition("2026/27", deadlines=[new])])
    assert [c.kind for c in r.pairs[0].changes] == ["unchanged"]
    # reworded around the same relative date, it is read as what it resolves to: a year later
    reworded = dataclasses.replace(new.evidence, sentence="Publish winter plans by November.")
    moved = dataclasses.replace(new, evidence=reworded)
    r = diff_editions([edition("2025/26", deadlines=[old]), edition("2026/27", deadlines=[moved])])
    assert "deadline_later" in r.pairs[0].changes[0].aspects
