"""Extraction rules on small sentences written for these tests (not corpus text)."""

from __future__ import annotations

import json

import pytest
from spacy.pipeline import SpanRuler

from guidance_parser.extract import build_nlp, extract, extract_many, normalise_for_id
from guidance_parser.ingest import ingest_text
from guidance_parser.model import Block, Document, Edition, Extraction, to_dict

ED_2025 = Edition.from_label("2025/26")
ED_MTPF = Edition.from_label("2026/27 to 2028/29")


def make_doc(*blocks: Block | str, edition: Edition = ED_2025, path: str = "test.md") -> Document:
    bl = [b if isinstance(b, Block) else Block("paragraph", b, section=("Test",)) for b in blocks]
    return Document(path=path, title="Test guidance", edition=edition, blocks=bl, source_format="text", sha256="0" * 64)


def run(*blocks: Block | str, edition: Edition = ED_2025) -> Extraction:
    return extract(make_doc(*blocks, edition=edition))


def test_pipeline_has_named_rule_components_and_is_cached() -> None:
    nlp = build_nlp()
    assert nlp is build_nlp()
    assert nlp.pipe_names == ["sentencizer", "guidance_sentence_cap", "guidance_cues", "guidance_quantities",
                              "guidance_times"]
    # cues are spaCy's own span_ruler, its phrases from rules/cues.toml
    assert isinstance(nlp.get_pipe("guidance_cues"), SpanRuler)


def test_national_target_with_trust_floor() -> None:
    ex = run(
        "Trusts should improve the percentage of patients waiting no longer than 18 weeks for "
        "treatment to 65% nationally by March 2026, with every trust expected to deliver a minimum "
        "5% point improvement."
    )
    assert [(t.value, t.unit) for t in ex.targets] == [(65, "%"), (5, "percentage points")]
    nat, floor = ex.targets
    assert nat.deadline is not None and nat.deadline.label == "2026-03"
    assert nat.scope == "nationally" and nat.direction == "increase"
    assert "18 weeks" in nat.metric and "65" not in nat.metric and "March" not in nat.metric
    assert floor.scope == "every trust" and floor.direction == "at_least"
    assert floor.deadline is not None and floor.deadline.label == "2026-03"
    assert ex.deadlines == []  # the date belongs to the targets, not to a separate commitment


def test_respectively_gives_one_target_per_value() -> None:
    ex = run(
        "Providers are expected to improve the 31-day and 62-day cancer standards to 94% and 80% "
        "respectively by March 2027.",
        edition=ED_MTPF,
    )
    assert [t.value for t in ex.targets] == [94, 80]
    assert all(t.deadline and t.deadline.label == "2027-03" for t in ex.targets)
    assert ex.targets[0].metric != ex.targets[1].metric
    assert "31-day" in ex.targets[0].metric and "62-day" in ex.targets[1].metric


def test_value_split_from_its_metric_by_a_block_break() -> None:
    ex = run(
        "To balance budgets, providers will need to reduce their cost base by at least 2% and achieve 3%",
        "overall improvement in productivity this year.",
    )
    by_value = {t.value: t for t in ex.targets}
    assert set(by_value) == {2, 3}
    assert "cost base" in by_value[2].metric and by_value[2].direction in ("reduce", "at_least")
    assert "productivity" in by_value[3].metric
    assert all(t.evidence.block_index == 0 for t in ex.targets)


def test_footnote_marker_glued_to_a_word_is_not_a_number_and_gives_the_baseline() -> None:
    ex = run(
        "Every trust is expected to deliver a minimum 4% point improvement3 in waiting times by March 2026.",
        "3Against the October 2024 baseline, with all providers expected to reach at least 55%.",
    )
    values = sorted(t.value for t in ex.targets if t.value is not None)
    assert values == [4, 55]  # not 43, not 3
    four = next(t for t in ex.targets if t.value == 4)
    assert four.baseline == "October 2024"


def test_past_performance_and_comparatives_are_not_targets() -> None:
    ex = run(
        "Over 2023/24, hospitals delivered around 6% more activity for 0.5% more income.",
        "Changes have already generated nearly £300 million of savings, and an organisation almost 30% "
        "smaller than before.",
        "In 2024/25, community productivity grew by 1.9%.",
    )
    assert ex.targets == []


def test_durations_that_define_a_metric_are_not_targets() -> None:
    ex = run("Improve A&E waiting times, with a minimum of 80% of patients seen within 4 hours in March 2026.")
    assert [(t.value, t.unit, t.direction) for t in ex.targets] == [(80, "%", "at_least")]
    ex = run(
        "Ambulance handovers should be completed within 20 minutes, and no handover should take longer than 50 minutes."
    )
    assert sorted(t.value or 0 for t in ex.targets) == [20, 50]
    assert all(t.unit == "minutes" for t in ex.targets)
    ex = run("Category 2 ambulance response times should average no more than 28 minutes across 2025/26.")
    (t,) = ex.targets
    assert (t.value, t.unit, t.direction, t.deadline and t.deadline.label) == (
        28,
        "minutes",
        "at_most",
        "2025/26",
    )


def test_counts_and_money() -> None:
    ex = run(
        "ICBs will commission 600,000 additional urgent dental appointments.",
        "Systems must deliver £250 million of savings through procurement.",
    )
    (count, money) = ex.targets
    assert (count.value, count.unit, count.direction) == (600000, "appointments", "increase")
    assert (money.value, money.unit) == (250_000_000, "GBP")


def test_dated_commitments_become_deadlines() -> None:
    ex = run(
        Block(
            "list_item",
            "put in place action plans by June 2025 to improve contract oversight",
            section=("Primary care",),
        ),
        "NHS England will publish a new commissioning specification in 2025/26.",
        "We will meet the constitutional standards by the end of the Parliament.",
    )
    labels = [d.when.label for d in ex.deadlines]
    assert labels == ["2025-06", "2025/26", "end of Parliament"]
    assert "action plans" in ex.deadlines[0].action and "June" not in ex.deadlines[0].action
    assert ex.deadlines[2].when.end.year == 2029
    assert ex.targets == []


def test_coordinated_dated_items_each_get_their_own_action() -> None:
    # the 2023/24 guidance's plan dates (as the demo prints them), and the 2025/26 guidance's ambulance asks
    plans = run("Systems should submit draft operational plans by 23 February 2023 and final operational plans "
                "by 30 March 2023.", edition=Edition.from_label("2023/24"))
    ambulance = run("publish guidance to support ICBs in their commissioning of ambulance services in 2025/26, and "
                    "publish a new ambulance commissioning specification in 2025/26 to enhance decision-making "
                    "capacity.")
    actions = [d.action for d in plans.deadlines + ambulance.deadlines]
    assert actions[:2] == ["Systems should submit draft operational plans",
                           "Systems should submit final operational plans"]
    assert actions[2] == "publish guidance to support ICBs in their commissioning of ambulance services"
    assert actions[3].startswith("publish a new ambulance commissioning specification") and "guidance" not in actions[3]
    # dates bound differently are not a list of items: "Expectations for 2026/27 and beyond will be set ..."
    (d,) = run("Expectations for 2026/27 and beyond will be set as part of the Spending Review, which will "
               "conclude by the spring of 2025.").deadlines
    assert d.action.startswith("Expectations")


def test_dates_that_name_things_or_baselines_are_not_deadlines() -> None:
    ex = run(
        "Funding was set by the Spending Review 2025 and the 2025/26 staff survey findings will be used.",
        "Boards must improve compared to 2024/25.",
        "In June 2025, the minister announced an independent review.",
    )
    assert ex.deadlines == []


def test_month_without_a_year_is_read_against_the_edition() -> None:
    ex = run("A draft framework will be published for consultation in November.", edition=ED_MTPF)
    (d,) = ex.deadlines
    assert d.when.label == "2025-11"
    ex = run("We ask ICBs to develop plans by the end of March.")
    assert [d.when.label for d in ex.deadlines] == ["2025-03"]


def test_table_row_takes_its_deadline_from_the_column_header() -> None:
    head = Block(
        "table_row",
        "Success measure | 2026/27 target | 2028/29 target",
        cells=("Success measure", "2026/27 target", "2028/29 target"),
    )
    row = Block(
        "table_row",
        "Patients waiting over 6 weeks for a test | no more than 10% | no more than 1%",
        cells=("Patients waiting over 6 weeks for a test", "no more than 10%", "no more than 1%"),
    )
    ex = run(head, row, edition=ED_MTPF)
    assert [(t.value, t.deadline and t.deadline.label) for t in ex.targets] == [
        (10, "2026/27"),
        (1, "2028/29"),
    ]
    assert all(t.metric == "Patients waiting over 6 weeks for a test" for t in ex.targets)
    assert all(t.direction == "at_most" for t in ex.targets)


def test_priorities_from_a_list_of_national_priorities() -> None:
    ex = run(
        "The national priorities for 2025/26 are:",
        Block(
            "list_item",
            "cut waiting times for planned care, raising the share of patients treated "
            "within 18 weeks to 70% by March 2026",
        ),
        Block("list_item", "improve ambulance response, with Category 2 calls averaging 25 minutes"),
        Block("paragraph", "Systems should also improve the 4-hour standard to 80% by March 2026."),
    )
    titles = [p.title for p in ex.priorities]
    assert titles == ["cut waiting times for planned care", "improve ambulance response"]
    first, second = ex.priorities
    assert len(first.target_ids) == 1 and len(second.target_ids) == 2  # the paragraph belongs to the item above
    t70 = next(t for t in ex.targets if t.value == 70)
    assert t70.priority == "cut waiting times for planned care"


def test_ids_are_stable_across_editions_and_unique_within_one() -> None:
    old = run("Systems should reduce agency spending by 30% by March 2025.", edition=Edition.from_label("2024/25"))
    new = run("Systems should reduce agency spending by 20% by March 2026.")
    assert old.targets[0].id == new.targets[0].id
    assert old.targets[0].id.startswith("t-")
    twice = run("Systems should reduce agency spending by 30%.", "Systems should reduce agency spending by 30%.")
    ids = [t.id for t in twice.targets]
    assert len(set(ids)) == 2 and ids[1] == ids[0] + "-2"
    assert normalise_for_id("Reduce A&E waits by 2026") == normalise_for_id("reducing a&e waits")


def test_extract_many_batches_documents_and_records_are_json_ready() -> None:
    docs = [
        make_doc("Trusts must reach 75% by March 2026.", path="a.md"),
        make_doc("NHS England will publish guidance in 2025/26.", path="b.md"),
    ]
    out = extract_many(docs)
    assert [e.document.path for e in out] == ["a.md", "b.md"]
    assert len(out[0].targets) == 1 and len(out[1].deadlines) == 1
    data = json.loads(json.dumps(to_dict(out[0])))
    assert data["targets"][0]["deadline"]["start"] == "2026-03-01"


@pytest.mark.parametrize("text", ["", "No numbers or dates here at all."])
def test_text_without_commitments_gives_empty_records(text: str) -> None:
    ex = run(text) if text else extract(make_doc())
    assert (ex.targets, ex.deadlines, ex.priorities) == ([], [], [])


def test_a_heading_whose_list_states_targets_is_an_objective_group() -> None:
    ex = run(
        Block("heading", "Urgent and emergency care"),
        Block("list_item", "Improve A&E waiting times, so that 80% of patients wait no more than 4 hours."),
        Block("list_item", "Improve ambulance response times to an average of 25 minutes."),
        Block("heading", "1. Reduce agency spend by:"),
        Block("list_item", "reducing agency spend by 20%"),
        Block("list_item", "reducing bank spend by 5%"),
    )
    assert [p.title for p in ex.priorities] == ["Urgent and emergency care"]  # "... by:" leads into actions
    assert len(ex.priorities[0].target_ids) == 2


def test_a_results_table_is_not_a_list_of_targets() -> None:
    ex = run(
        "Percentage of patients waiting less than 18 weeks 59% 2.62",
        "7.4%",
        "5.2% o/w first attendances",
    )
    assert ex.targets == []


def test_small_counts_only_in_a_dated_commitment() -> None:
    ex = run("120 community diagnostic hubs will be open by March 2026, with one in each ICB.")
    assert [(t.value, t.unit, t.deadline and t.deadline.label) for t in ex.targets] == [(120, "hubs", "2026-03")]
    ex = run(
        "Providers should implement the 10 high impact actions by March 2026.",
        "In 2025/26 the task is to apply the learning in 4 key areas.",
    )
    assert ex.targets == []


def test_a_flattened_table_with_one_year_column_dates_its_values() -> None:
    ex = run(
        Block("heading", "Success measure"),
        Block("heading", "2028/29 target"),
        Block("paragraph", "Reduce reliance on inpatient care, delivering a minimum 15% reduction year-on-year"),
        Block("heading", "3.7 Workforce"),
        Block("paragraph", "Trusts should reduce sickness absence by 1%."),
        edition=ED_MTPF,
    )
    assert [(t.value, t.deadline and t.deadline.label) for t in ex.targets] == [(15, "2028/29"), (1, None)]


@pytest.mark.parametrize("sentence, metric", [
    ("Consistently meet or exceed the 70% 2-hour urgent community response (UCR) standard.",
     "2-hour urgent community response (UCR) standard"),
    ("Systems should meet a 95% four-hour ambulance handover target by March 2026.",
     "four-hour ambulance handover target"),
])
def test_value_qualifying_a_named_standard_takes_the_standard_as_metric(sentence: str, metric: str) -> None:
    (target,) = run(sentence).targets
    assert target.metric == metric


@pytest.mark.parametrize("item, is_priority", [
    ("Reduce long waits for children's community services, so that no child waits over a year by March 2026.", True),
    ("Reduce long waits for children's community services.", False),  # neither a figure nor a date
])
def test_objective_heading_with_only_a_dated_commitment_is_a_priority(item: str, is_priority: bool) -> None:
    sec = ("National objectives", "Community health services")
    ex = run(Block("heading", "National objectives", level=1),
             Block("heading", "Community health services", section=sec[:1], level=2),
             Block("list_item", item, section=sec, level=1))
    assert ("Community health services" in [p.title for p in ex.priorities]) is is_priority


def test_a_continued_paragraph_borrows_the_sentence_before_once() -> None:
    """A paragraph that starts in lower case is read with the end of the sentence before it; that sentence's
    own block had already borrowed this paragraph's opening, which must not be read twice."""
    doc = ingest_text("# 2025/26 guidance\n\nTrusts should publish plans by June 2025 and\n\n"
                      "systems will deliver 78% of patients seen within 4 hours by March 2026.\n", fmt="markdown")
    target = next(t for t in extract(doc).targets if t.value == 78)
    assert target.evidence.sentence.count("systems will deliver") == 1
