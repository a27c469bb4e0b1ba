"""The corpus manifest parses, lists the seven real publications, and matches the corpus on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import CORPUS, CORPUS_MD

from guidance_parser.corpora import load_manifest, verify
from guidance_parser.errors import GuidanceError

SEVEN = {
    "nhs-planning-guidance-2025-26.md", "nhs-medium-term-planning-framework-2026-27-to-2028-29.md",
    "nhs-planning-framework-2025.md", "nhs-oversight-framework-2025-26-methodology-manual.md",
    "nhs-neighbourhood-health-guidelines-2025-26.md", "10-year-health-plan-executive-summary-2025.md",
    "nhs-england-board-paper-productivity-2024-12.md",
}


def test_manifest_lists_the_seven_publications() -> None:
    pubs = load_manifest()
    assert {p.file for p in pubs} == SEVEN
    assert len({p.id for p in pubs}) == 7
    by_file = {p.file: p for p in pubs}
    planning = by_file["nhs-planning-guidance-2025-26.md"]
    assert planning.title == "2025/26 priorities and operational planning guidance"
    assert planning.reference == "PRN01625" and planning.kind == "pdf-conversion" and planning.pages == 19
    assert planning.planning_edition.first_year == 2025
    mtpf = by_file["nhs-medium-term-planning-framework-2026-27-to-2028-29.md"].planning_edition
    assert (mtpf.first_year, mtpf.last_year) == (2026, 2028)
    assert {p.kind for p in pubs} == {"pdf-conversion", "web-conversion"}


@pytest.mark.skipif(not CORPUS_MD.is_dir(), reason=f"real corpus not found under {CORPUS_MD}")
def test_checksums_match_the_corpus() -> None:
    assert verify(CORPUS) == []
    assert verify(CORPUS_MD) == []  # the md/ folder itself is accepted too


def test_verify_reports_missing_and_altered_files(tmp_path: Path) -> None:
    pubs = load_manifest()
    (tmp_path / pubs[0].file).write_text("not the real text", encoding="utf-8")
    problems = verify(tmp_path, pubs)
    assert len(problems) == 7
    assert "does not match" in problems[0] and hashlib.sha256(b"not the real text").hexdigest() in problems[0]
    assert all("missing" in p for p in problems[1:])
    assert verify(tmp_path / "nowhere", pubs) == [f"{tmp_path / 'nowhere'}: corpus folder not found"]


@pytest.mark.parametrize("text, problem", [
    ("", "lists no"),
    ("[[publication]]\nid = 'x'\n", "lacks"),
    ("[[publication", "not valid TOML"),
])
def test_bad_manifest_is_a_guidance_error(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GuidanceError, match=problem):
        load_manifest(path)


def test_bad_field_values_are_rejected(tmp_path: Path) -> None:
    good = (Path(__file__).resolve().parent.parent / "corpora" / "manifest.toml").read_text(encoding="utf-8")
    for old, new, problem in [('kind = "web-conversion"', 'kind = "scan"', "kind"),
                              ('sha256 = "33963b', 'sha256 = "XX963b', "sha256"),
                              ('edition = "2025/26"', 'edition = "next year"', "names no year"),
                              ('notes = "NHS England public', 'colour = "blue"\nnotes = "x',
                               "unknown field")]:
        path = tmp_path / "m.toml"
        path.write_text(good.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(GuidanceError, match=problem):
            load_manifest(path)
    path.write_text(good + good[good.index("[[publication]]"):], encoding="utf-8")
    with pytest.raises(GuidanceError, match="duplicate id"):
        load_manifest(path)
