"""The commitment test of issue 14: why a figure is a target (``basis``, ``confidence``) and the figures that
are statistics however they are worded (forecasts, projections, estimates, assumptions, survey results,
scenarios after "if").

The statistic sentences are quoted from the HEE workforce report in ``../shared/corpus/pdf`` (a report that
sets no targets); each is paired with a near neighbour that commits, so a rule that drops everything fails.
"""

from __future__ import annotations

import json
from importlib import resources

from test_extract import ED_2025, run

from guidance_parser.model import Block, Edition

ED_2021 = Edition.from_label("2021")


def _values(*blocks: Block | str, edition: Edition = ED_2025) -> list[float | None]:
    return [t.value for t in run(*blocks, edition=edition).targets]


# --- statistics, not targets ------------------------------------------------------------------------------


def test_a_forecast_is_not_a_target() -> None:
    # existential "there will be": the "will" predicts; nobody commits to a shortfall
    ex = run("By 2030, there will be a shortfall of around 17,750 WTE members of staff.", edition=ED_2021)
    assert ex.targets == [] and ex.deadlines == []
    assert _values("By 2030, trusts will recruit an additional 17,750 WTE members of staff.",
                   edition=ED_2021) == [17750]


def test_a_projection_or_estimate_is_not_a_target() -> None:
    assert _values("The projected supply for this workforce is 60,250 WTEs in 2030, 31% short of demand.",
                   edition=ED_2021) == []
    assert _values("The salary and employment on-costs for the workforce of 46,000 WTEs in 2020 is estimated "
                   "to be around £2.05 billion.", edition=ED_2021) == []
    assert _values("This calculation is based on the assumption that salaries will increase by 2.7 per cent "
                   "each year.", edition=ED_2021) == []
    assert _values("Systems will increase salaries for these staff by 2.7% each year to 2030.",
                   edition=ED_2021) == [2.7]


def test_a_figure_after_a_condition_states_a_scenario() -> None:
    ex = run("If this workforce is to increase to a projected size of 78,000 WTEs in 2030 and its composition "
             "remains the same, the costs will be around £5.2 billion.", edition=ED_2021)
    assert ex.targets == [] and ex.deadlines == []
    # a condition after the figure leaves the commitment standing
    assert _values("Trusts will reduce agency spend by 30% by March 2026, even if demand rises.") == [30]


def test_a_survey_result_is_not_a_target() -> None:
    assert _values("In the survey, 82% of respondents will support sharing records by March 2026.") == []
    assert _values("Practices will offer 82% of patients online record access by March 2026.") == [82]


def test_a_forecast_verb_with_an_infinitive_is_the_writers_own_plan() -> None:
    # "forecasting to achieve" says the organisation expects to deliver: still a target
    assert _values("We are forecasting to achieve the 80% adoption target for digital social care records "
                   "by March 2026.") == [80]


# --- basis and confidence ---------------------------------------------------------------------------------


def test_each_target_keeps_the_cue_that_decided_and_a_confidence() -> None:
    modal = run("Trusts will reduce agency spend by 30% by March 2026.").targets[0]
    assert modal.basis == "modal:will" and modal.confidence == 0.9
    # a list item whose own clause has no commitment borrows its introduction's, with less confidence
    intro = run(Block("paragraph", "In 2025/26 every system is expected to deliver:", section=("Test",)),
                Block("list_item", "a 4-hour A&E performance of 78%", section=("Test",))).targets
    assert [(t.value, t.basis) for t in intro] == [(78, "intro:expected")]
    assert intro[0].confidence < modal.confidence


def test_basis_and_confidence_are_in_the_published_schema() -> None:
    schema = json.loads(resources.files("guidance_parser").joinpath("schema.json").read_text())
    target = schema["$defs"]["Target"]
    assert {"basis", "confidence"} <= set(target["required"])
    assert target["properties"]["confidence"]["maximum"] == 1
    assert any("Target.basis" in entry for entry in schema["changelog"] if entry.startswith("1.1"))
