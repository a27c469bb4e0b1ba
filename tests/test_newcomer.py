"""What a new user trips on: the terminal summary agrees with the report's cards, the extract CSV says
each target's value and no repeated section, and no sentence fragment is offered as a policy area."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import MEDIUM_TERM, PLANNING_2025, corpus_file

from guidance_parser import export
from guidance_parser.diff import diff_editions
from guidance_parser.extract import extract
from guidance_parser.ingest import ingest_file
from guidance_parser.report import Sources, _row

DEMO = sorted((Path(__file__).resolve().parent.parent / "corpora" / "demo" / "src").glob("*.md"))


def _pairs(files: list[Path]):  # type: ignore[no-untyped-def]
    docs = [ingest_file(f) for f in files]
    return [(d, extract(d)) for d in docs]


@pytest.fixture(scope="module")
def demo_diff():  # type: ignore[no-untyped-def]
    if len(DEMO) < 2:
        pytest.skip("demo sources not present under corpora/demo/src")
    return diff_editions(_pairs(DEMO))


def test_terminal_summary_counts_as_the_report_cards_do(demo_diff) -> None:  # type: ignore[no-untyped-def]
    kinds = Counter(_row(c, 0, Sources({})).kind for p in demo_diff.pairs for c in p.changes
                    if c.record_type == "target")  # only targets make the headline counts
    assert kinds["reworded"] > 0  # the demo has reworded-only changes, so the split is exercised
    summary = export.diff_summary(demo_diff)
    assert f"{kinds['changed']} changed, {kinds['reworded']} reworded only, {kinds['added']} added" in summary


def test_extract_csv_states_values_and_does_not_repeat_the_section() -> None:
    if not DEMO:
        pytest.skip("demo sources not present under corpora/demo/src")
    rows = list(csv.DictReader(io.StringIO(export.extraction_csv([x for _, x in _pairs(DEMO)]))))
    targets = [r for r in rows if r["record_type"] == "target" and r["value"]]
    assert targets and all(r["text"].endswith(r["value"] + ("%" if r["unit"] == "%" else f" {r['unit']}"))
                           for r in targets if r["unit"] in ("%", "minutes"))
    for r in rows:
        assert not (r["priority"] and r["section"].casefold().endswith(r["priority"].casefold())), r


def test_no_sentence_fragment_is_offered_as_a_policy_area() -> None:
    files = [corpus_file(PLANNING_2025), corpus_file(MEDIUM_TERM)]
    result = diff_editions(_pairs(files))
    areas = {c.area for p in result.pairs for c in p.changes}
    assert not [a for a in areas if re.match(r"[a-z]", a)], areas


def test_guidance_eval_without_the_real_texts_says_what_it_needs(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]):
    from cli import main

    assert main(["eval", "--corpus", str(tmp_path)]) == 2
    out = capsys.readouterr()
    # the leave-one-out table needs only the shipped corpora/labelled, so it prints before the refusal
    assert out.out.startswith("FIGURE ROLES, leave-one-document-out") and "EXTRACTION against" not in out.out
    err = out.err.strip()
    assert len(err.splitlines()) == 1 and str(tmp_path) in err
    assert "md/" in err and "GUIDANCE_CORPUS" in err and "manifest.toml" in err


def test_the_report_names_files_without_the_users_folders(tmp_path: Path):
    from cli import demo_dir, main

    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    assert main(["demo", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert demo_dir().is_dir()
    assert not re.search(r'href="(?:/|file:)', html)  # every link is relative to the report
    cells = re.findall(r'<td class="path">(.*?)</td>', html)
    assert len(cells) == 2 and all(re.search(r">planning-guidance-20\d\d-\d\d\.pdf</a>$", c) for c in cells)


def test_the_demo_pair_ships_with_the_package():
    import tomllib

    root = Path(__file__).resolve().parent.parent
    setup = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert setup["package-dir"]["guidance_parser.demo"] == "corpora/demo"
    assert "*.pdf" in setup["package-data"]["guidance_parser.demo"]
    assert len(list((root / "corpora" / "demo").glob("*.pdf"))) == 2
