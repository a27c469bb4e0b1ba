"""README, "Teaching it a new year's wording": one line added to a copy of the rules makes a new phrasing
of a known standard carry its catalogue id and pair with last year's target."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from guidance_parser import rules
from guidance_parser.diff import diff_editions
from guidance_parser.extract import extract
from guidance_parser.ingest import ingest_file
from guidance_parser.model import Change

OLD = """# 2024/25 priorities and operational planning guidance

## Community health services

- Consistently meet or exceed the 70% 2-hour urgent community response (UCR) standard by March 2025.
- Reduce adult general and acute bed occupancy to 92% or below.
"""
NEW = """# 2025/26 priorities and operational planning guidance

## Community health services

- Respond to at least 80% of referrals to the 2-hour home crisis service within 2 hours by March 2026.
- Reduce adult general and acute bed occupancy to 92% or below.
"""
# The one-line change of the README: the new name of the standard added to its measure's phrasings.
BEFORE = 'phrasings = ["urgent community response", "2-hour urgent community response", "2-hour UCR"]'
AFTER = 'phrasings = ["urgent community response", "2-hour urgent community response", "2-hour UCR", "home crisis"]'


@pytest.fixture
def rules_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "rules"
    shutil.copytree(Path(rules.__file__).parent, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setenv(rules.RULES_ENV, str(folder))
    rules.reload()
    yield folder
    monkeypatch.delenv(rules.RULES_ENV)
    rules.reload()


def _ucr_changes(tmp_path: Path) -> list[Change]:
    eds = []
    for name, text in (("old.md", OLD), ("new.md", NEW)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        doc = ingest_file(path)
        eds.append((doc, extract(doc)))
    changes = diff_editions(eds).pairs[0].changes
    return [c for c in changes if c.record_type == "target" and "bed" not in c.label.lower()]


def test_one_new_phrasing_makes_the_new_wording_match(rules_copy: Path, tmp_path: Path):
    before = _ucr_changes(tmp_path)
    assert sorted(c.kind for c in before) == ["added", "dropped"]  # not recognised: two unrelated targets
    new = next(c.new for c in before if c.kind == "added")
    assert new is not None and getattr(new, "metric_id", "x") is None

    metrics = rules_copy / "metrics.toml"
    text = metrics.read_text(encoding="utf-8")
    assert text.count(BEFORE) == 1
    metrics.write_text(text.replace(BEFORE, AFTER), encoding="utf-8")
    rules.reload()

    after = _ucr_changes(tmp_path)
    assert len(after) == 1 and after[0].kind == "changed", [(c.kind, c.label) for c in after]
    change = after[0]
    assert change.id == "target:community.ucr_2h"
    assert change.new is not None and getattr(change.new, "metric_id", None) == "community.ucr_2h"
    assert "value 70% -> 80%" in change.summary


def test_a_typo_in_the_rules_is_named(rules_copy: Path):
    metrics = rules_copy / "metrics.toml"
    metrics.write_text(metrics.read_text(encoding="utf-8").replace('unit = "percent"', 'unit = "percnet"', 1),
                       encoding="utf-8")
    rules.reload()
    with pytest.raises(rules.RulesError, match="unknown unit kind 'percnet'.*valid: count, money, percent"):
        rules.metrics()
