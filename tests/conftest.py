"""Shared fixtures: where the real corpus lives, and a clean skip when it is absent.

The seven real NHS England / DHSC texts are not ours to commit; tests read them from
``../shared/corpus`` beside the project root (or $GUIDANCE_CORPUS) and skip with a reason without them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from guidance_parser.corpora import default_corpus_dir

ROOT = Path(__file__).resolve().parent.parent
CORPUS = default_corpus_dir()  # $GUIDANCE_CORPUS, else ../shared/corpus: the rule the manifest checks use
CORPUS_MD = CORPUS / "md"
ARTIFACTS = ROOT / "tests" / "_artifacts"  # screenshots, built PDFs worth keeping for a look

PLANNING_2025 = "nhs-planning-guidance-2025-26.md"
MEDIUM_TERM = "nhs-medium-term-planning-framework-2026-27-to-2028-29.md"

# The canonical When labels gold files may use (tests/gold/README.md): a day, month, financial year, quarter,
# calendar year, season or part of a year, or the end of the Parliament.
WHEN_LABEL = re.compile(
    r"^(20\d\d-\d\d-\d\d|20\d\d-\d\d|20\d\d/\d\d|Q[1-4] 20\d\d/\d\d|20\d\d|(early |late )?(spring|summer|autumn) "
    r"20\d\d|winter 20\d\d/\d\d|early 20\d\d|end of Parliament)$"
)


def corpus_file(name: str) -> Path:
    """Path of a real corpus text, or skip the test with the reason it is unavailable."""
    path = CORPUS_MD / name
    if not path.is_file():
        pytest.skip(f"real corpus text {name} not found under {CORPUS_MD} "
                    "(the corpus lives beside the project in ../shared/corpus; set GUIDANCE_CORPUS to move it)")
    return path


@pytest.fixture
def corpus_texts() -> list[Path]:
    """All real corpus texts (skips when the corpus is absent)."""
    files = sorted(CORPUS_MD.glob("*.md")) if CORPUS_MD.is_dir() else []
    if not files:
        pytest.skip(f"real corpus not found under {CORPUS_MD}")
    return files


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def pytest_unconfigure(config: pytest.Config) -> None:
    """End the run, after its final count, by saying when the real-text tests did not run."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = [r for r in reporter.stats.get("skipped", []) if "real corpus" in str(getattr(r, "longrepr", ""))]
    if skipped:
        reporter.write_sep("=", f"{len(skipped)} tests on the real NHS texts did NOT run: corpus not found under "
                                f"{CORPUS_MD} (see README: ../shared/corpus or $GUIDANCE_CORPUS)",
                           yellow=True, bold=True)
