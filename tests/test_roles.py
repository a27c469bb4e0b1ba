"""The figure-role model: its labelled corpus, retraining, leave-one-document-out scores, and its use in extraction.

The scores asserted here are floors a little under what leave-one-document-out measured when the model was
trained (README "Figure roles"); the table itself is printed, so a run shows the numbers, not just a pass.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import PLANNING_2025, corpus_file

from guidance_parser.extract import extract
from guidance_parser.extract.driver import figure_mentions
from guidance_parser.extract.mentions import ROLES, Mention
from guidance_parser.extract.roles import RoleModel, load_model
from guidance_parser.extract.roles_train import (
    Scored,
    counts,
    examples,
    fit,
    format_leave_one_out,
    leave_one_out,
    model_path,
    read_corpus,
    train,
)
from guidance_parser.ingest.sources import ingest_file, ingest_text

ROWS = read_corpus()


def test_labelled_corpus_is_many_real_documents_of_many_kinds_each_mention_quoting_its_figure() -> None:
    docs = {r["doc"] for r in ROWS}
    kinds = {r["doc_kind"] for r in ROWS} - {"demo"}
    assert len(ROWS) >= 3000 and len(docs) >= 15 and len(kinds) >= 5
    for r in ROWS:
        assert r["role"] in ROLES, r["id"]
        m = Mention.from_dict(r)
        assert m.figure == r["figure"] and m.figure.strip(), r["id"]  # the offsets point at the figure
        if r["role"] == "target":
            assert isinstance(r["value"], float) and r.get("unit"), r["id"]
    assert len({r["id"] for r in ROWS}) == len(ROWS)


@pytest.fixture(scope="module")
def scored() -> list[Scored]:
    return leave_one_out(examples(ROWS))


def _pr(items: list[Scored]) -> tuple[float, float]:
    tp, fp, fn = counts(items)
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def test_leave_one_document_out_meets_its_floors(scored: list[Scored]) -> None:
    print("\n" + format_leave_one_out(scored))
    guidance = [s for s in scored if s.example.doc_kind == "guidance"]
    p, r = _pr(guidance)
    assert p >= 0.9 and r >= 0.78, (p, r)  # measured 0.96 / 0.83
    p, r = _pr(scored)
    assert p >= 0.7 and r >= 0.68, (p, r)  # measured 0.74 / 0.72: below the 0.9 / 0.85 (README)
    stats = [s for s in scored if s.example.role == "statistic"]
    assert sum(1 for s in stats if s.target) / len(stats) < 0.03  # measured 2.2%


def test_floors_would_fail_for_a_model_that_calls_every_figure_a_target(scored: list[Scored]) -> None:
    everything = [Scored(s.example, 1.0, "target", True) for s in scored]
    p, _ = _pr([s for s in everything if s.example.doc_kind == "guidance"])
    assert p < 0.9


def test_retraining_with_the_fixed_seed_rebuilds_the_shipped_model(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    model = train(out=out)
    shipped = json.loads(model_path().read_text(encoding="utf-8"))
    rebuilt = json.loads(out.read_text(encoding="utf-8"))
    assert rebuilt["classes"] == shipped["classes"] and set(rebuilt["weights"]) == set(shipped["weights"])
    worst = max(abs(a - b) for k in shipped["weights"] for a, b in zip(shipped["weights"][k], rebuilt["weights"][k],
                                                                        strict=True))
    assert worst < 1e-3, "the shipped roles_model.json is stale: run `guidance train-roles`"
    assert model.meta["examples"] >= 3000


def test_model_is_data_read_once_per_process() -> None:
    load_model.cache_clear()
    first = load_model()
    assert load_model() is first and load_model.cache_info().misses == 1
    assert isinstance(first, RoleModel) and "target" in first.classes


def test_a_new_year_wording_is_taught_by_labelled_examples_not_code() -> None:
    """Adding labelled mentions moves the decision: the analyst's lever is data."""
    rows = [r for r in ROWS if r["doc_kind"] == "guidance"]
    exs = examples(rows)
    probe = next(e for e in exs if e.role == "target")
    before = fit(exs).probabilities(probe.feats)["target"]
    relabelled = [e for e in exs if e is not probe] + [type(probe)(probe.doc, probe.doc_kind, "statistic", probe.feats,
                                                                    probe.row)] * 20
    after = fit(relabelled).probabilities(probe.feats)["target"]
    assert after < before - 0.2


# ---------------------------------------------------------------------------------------------------------
# Extraction with the model: one figure at a time, tables, deadline scope

REPORT = """# Trust performance report 2025

Published: 1 September 2025

## Performance

Almost 90% of staff are now compliant (88%, up from 67%), beating the national target of 80%.

Waiting list growth was at 24.8% in June 2025.

## Our commitments

By March 2027 we will reduce sickness absence to 4.5% and increase appraisal completion to 90%.

By 31 March 2027 we will:

- reduce agency spend by 30%
- deliver 2,000 additional appointments
"""


@pytest.fixture(scope="module")
def report_targets() -> list[tuple[float, str | None, str]]:
    doc = ingest_text(REPORT, fmt="markdown", path="report.md")
    return [(t.value, t.deadline.label if t.deadline else None, t.evidence.sentence) for t in extract(doc).targets]


def test_a_sentence_with_a_result_a_baseline_and_a_target_gives_one_target(
        report_targets: list[tuple[float, str | None, str]]) -> None:
    assert [v for v, _, s in report_targets if s.startswith("Almost 90%")] == [80.0]
    assert not [v for v, _, s in report_targets if "24.8%" in s]  # a reading dated in the past


def test_dated_commitments_carry_their_own_or_their_list_openings_deadline(
        report_targets: list[tuple[float, str | None, str]]) -> None:
    got = {v: d for v, d, s in report_targets if not s.startswith("Almost")}
    assert got == {4.5: "2027-03", 90.0: "2027-03",
                   30.0: "2027-03-31", 2000.0: "2027-03-31"}  # the last two from "By 31 March 2027 we will:"


@pytest.mark.xfail(strict=True, reason="survey answers and results 'achieving' a level: the labelled corpus holds "
                                       "too few of them (6 sentences with 'said') for the model to learn the form")
def test_survey_answers_and_results_are_not_targets() -> None:
    text = ("# Patient survey 2025\n\nPublished: 1 September 2025\n\n## Results\n\n"
            "When asked about the service, 69% said they would be happy to use it again.\n\n"
            "We met the target for 99% of referrals, achieving 100% in April.\n")
    values = {t.value for t in extract(ingest_text(text, fmt="markdown", path="s.md")).targets}
    assert not {69.0, 100.0} & values


RULED = """# Trust workforce plan 2027/28 to 2029/30

## Our measures

In 2025/26 our staff turnover was 12.4%, up from 11.1% in 2024/25, and 58% of staff had an appraisal.

Sickness absence reached 5.6% last winter, against a national average of 5.1%.

| Measure | 2027/28 | 2028/29 | 2029/30 |
|---|---|---|---|
| Staff turnover | 11% | 10% | 9% |
| Sickness absence | 5.0% | 4.7% | 4.5% |
| Appraisal completion | 85% | 90% | 95% |
| Time to hire (days) | 48 days | 44 days | 40 days |

We will review these measures each year.
"""


def test_a_ruled_table_of_four_measures_by_three_years_gives_twelve_dated_targets(tmp_path: Path) -> None:
    from pdfbuild import build_pdf

    pdf = tmp_path / "plan.pdf"
    build_pdf(RULED, pdf)
    targets = extract(ingest_file(pdf)).targets
    by_cell = Counter((t.metric, t.deadline.label if t.deadline else None) for t in targets)
    assert len(targets) == 12, [(t.metric, t.value) for t in targets]
    measures = {"Staff turnover", "Sickness absence", "Appraisal completion", "Time to hire (days)"}
    assert set(by_cell) == {(m, y) for m in measures for y in ("2027/28", "2028/29", "2029/30")}
    assert not {12.4, 11.1, 58.0, 5.6, 5.1} & {t.value for t in targets}  # the prose's past figures


def test_extraction_still_sees_each_labelled_figure_as_it_was_labelled() -> None:
    """The labelled rows store the context the model learned from; extraction must still build the same
    mention for the same figure, or the model is scored on one thing and run on another."""
    path = corpus_file(PLANNING_2025)
    labelled = [Mention.from_dict(r) for r in ROWS if r["doc"] == "nhs-planning-guidance-2025-26"]
    now = [m for _, m in figure_mentions(ingest_file(path))]
    assert [(m.sentence, m.start, m.end, m.section, m.intro, m.block_kind) for m in now] == \
        [(m.sentence, m.start, m.end, m.section, m.intro, m.block_kind) for m in labelled]
