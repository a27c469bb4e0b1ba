"""Rules that keep reports, examples and names out of the records (issue 4: rules must generalise).

Every sentence here was written for these tests; none is copied from a corpus text. Each test pairs a
sentence the rule must reject with a near neighbour it must keep, so a rule that simply drops everything fails.
"""

from __future__ import annotations

from test_extract import ED_2025, ED_MTPF, make_doc, run

from guidance_parser.extract import extract
from guidance_parser.model import Block, Edition

ED_PAPER = Edition.from_label("2024")  # a paper dated by calendar year (a Board paper, an annual report)


def _values(*blocks: Block | str, edition: Edition = ED_2025) -> list[float | None]:
    return [t.value for t in run(*blocks, edition=edition).targets]


def _deadlines(*blocks: Block | str, edition: Edition = ED_2025) -> list[str]:
    return [d.when.label for d in run(*blocks, edition=edition).deadlines]


# --- reported facts vs commitments ---------------------------------------------------------------------


def test_a_sentence_that_reports_results_sets_no_targets() -> None:
    assert _values("This gain has been achieved through faster discharge, with same-day discharge rising "
                   "from 61.2% in 2022/23 to 63.9% in 2023/24.", edition=ED_PAPER) == []
    assert _values("The figure includes a fall in locum use of 12%.") == []
    assert _values("We continued to fund upgrades, supporting around 4,500 practices to replace phones.") == []
    assert _values("Spend on locums (2.9% of the pay bill) is currently at £0.8 billion for the first half.") == []


def test_the_same_figures_as_commitments_are_targets() -> None:
    assert _values("Trusts will raise same-day discharge to 63.9% by March 2026.") == [63.9]
    assert _values("Reduce locum use by 12% across 2025/26.") == [12]
    assert _values("Systems are expected to cut locum spend to 2.9% of the pay bill.") == [2.9]


def test_a_reported_past_promise_of_a_future_level_is_still_a_target() -> None:
    # the reporting verb is past, the level is ahead: "confirmed that ... would have a target of"
    ex = run("At the Spring Statement the Treasury confirmed that the department would have an efficiency "
             "target of 3% for 2025/26.", edition=ED_PAPER)
    assert [(t.value, t.deadline.label if t.deadline else None) for t in ex.targets] == [(3, "2025/26")]


def test_a_reporting_clause_opened_by_a_date_gives_no_deadlines() -> None:
    assert _deadlines("In July 2024, the vacancy rate was 7.1%, under the workforce plan range for 2023/24 "
                      "and under the stretch case for 2024/25.", edition=ED_PAPER) == []
    assert _deadlines("In July 2025, ICBs will publish their vacancy plans.") == ["2025-07"]


def test_a_future_event_named_with_a_participle_is_still_a_deadline() -> None:
    assert _deadlines("Every trust will connect to the shared records service launched in 2027.",
                      edition=ED_MTPF) == ["2027"]


# --- worked examples and illustrations ------------------------------------------------------------------


def test_figures_in_examples_are_not_targets() -> None:
    assert _values("For example, if a trust has a standard of 75% and reaches 70%, it scores 3.") == []
    assert _values("Example 2: an indicator with a threshold of 90% will be scored against it.") == []
    assert _values("Hypothetically, a provider required to reach 85% would be scored 1.") == []
    assert _values("Providers will be required to reach 85% by March 2026.") == [85]


def test_a_stretch_of_worked_examples_and_its_tables_sets_nothing() -> None:
    doc = make_doc(
        Block("heading", "Scoring rules"),
        Block("paragraph", "Worked examples of the scoring are set out below. Example 1: a standard of 75%"),
        Block("heading", "Best provider"),
        Block("heading", "Worst provider"),
        Block("paragraph", "Providers meeting the 75% standard will be scored 1.00"),
        Block("paragraph", "Providers below the 75% standard will be scored 4.00."),
        Block("heading", "Improvement support"),
        Block("paragraph", "Trusts scored 4 will be expected to improve performance to 78% by March 2026, with "
                           "support from their regional team."),
    )
    assert [t.value for t in extract(doc).targets] == [78]


# --- counts that are not commitments --------------------------------------------------------------------


def test_counts_of_consultation_responses_are_not_targets() -> None:
    assert _values("The panel read and considered the 180,000 responses to the national survey.") == []
    assert _values("We will deliver 180,000 additional health checks.") == [180000]


# --- dates that name documents -------------------------------------------------------------------------


def test_document_titles_with_years_are_not_deadlines() -> None:
    assert _deadlines("Systems should use the Community Care Fund planning framework for 2025 to 2026 to "
                      "agree budgets.") == []
    assert _deadlines("Expectations for 2026/27 will be confirmed after the Budget Review 2025 concludes.",
                      edition=ED_PAPER) == []
    assert _deadlines("Systems should agree budgets for 2025 to 2026 with their partners.") == ["2025-2026"]


def test_a_paper_that_appeared_is_not_a_deadline_but_publishing_one_is() -> None:
    assert _deadlines("The Board report on waiting lists in March 2024 described the backlog.",
                      edition=ED_PAPER) == []
    assert _deadlines("NHS England will publish a report on waiting lists in March 2026.") == ["2026-03"]


def test_a_date_inside_a_link_is_not_a_deadline() -> None:
    assert _deadlines("ICBs must follow the guidance (https://example.org/guidance-2026-27-final) when "
                      "agreeing contracts.") == []


def test_a_date_qualifying_the_subject_is_not_a_deadline() -> None:
    assert _deadlines("Lessons from pilots in 2025/26 will shape the wider roll-out.") == []
    assert _deadlines("In 2025/26, pilots will shape the wider roll-out.") == ["2025/26"]
    assert _deadlines("While 2025/26 will be a hard year, systems must hold their plans.") == []
    assert _deadlines("2026/27 all ICBs must publish a digital plan.", edition=ED_MTPF) == ["2026/27"]


def test_calendar_dated_paper_treats_the_year_before_as_history() -> None:
    # a paper of 2024: the financial year 2023/24 is over; 2025/26 is ahead
    assert _deadlines("Trusts will be assessed against 2023/24 plans in 2023/24.", edition=ED_PAPER) == []
    assert _deadlines("Trusts will be assessed against new plans in 2025/26.", edition=ED_PAPER) == ["2025/26"]
