"""The embedded demo pair: committed PDFs are fresh, have the NHS-PDF features, and match EXPECTED.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pdfplumber
import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpora" / "demo"
sys.path.insert(0, str(ROOT / "corpora"))
import build_demo  # noqa: E402

EXPECTED = json.loads((DEMO / "EXPECTED.json").read_text(encoding="utf-8"))
SIDES = ("old", "new")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _pages(pdf_path: Path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [page.extract_text() for page in pdf.pages]


def _reading_text(pdf_path: Path, two_column_pages: list[int]) -> list[str]:
    """Page texts in reading order: a two-column page is read left column, then right column."""
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            if page.page_number in two_column_pages:
                mid = page.width / 2
                text = page.crop((0, 0, mid, page.height)).extract_text() + "\n" + \
                    page.crop((mid, 0, page.width, page.height)).extract_text()
            else:
                text = page.extract_text()
            out.append(_norm(text))
    return out


def _table_rows(pdf_path: Path, page_number: int) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [_norm(" | ".join(c or "" for c in row))
                for table in pdf.pages[page_number - 1].extract_tables() for row in table]


@pytest.fixture(scope="module")
def committed() -> dict[str, list[str]]:
    return {side: _reading_text(DEMO / EXPECTED[side]["file"], EXPECTED[side]["two_column_pages"])
            for side in SIDES}


def test_committed_pdfs_match_a_fresh_build(tmp_path: Path) -> None:
    built = build_demo.build(tmp_path)
    if any(gt.font == "Helvetica" for gt in built.values()):
        pytest.skip("DejaVu Sans not installed: the committed PDFs were laid out with it, a rebuild differs")
    assert len(built) == 2
    for ed in build_demo.EDITIONS:
        fresh, old = tmp_path / f"{ed.stem}.pdf", DEMO / f"{ed.stem}.pdf"
        assert old.is_file(), f"{old} missing: run python corpora/build_demo.py"
        assert _pages(fresh) == _pages(old), f"{old.name} is stale: rerun python corpora/build_demo.py"


@pytest.mark.parametrize("side", SIDES)
def test_demo_pdf_has_nhs_layout_features(side: str) -> None:
    meta = EXPECTED[side]
    with pdfplumber.open(DEMO / meta["file"]) as pdf:
        assert len(pdf.pages) == meta["pages"]
        assert 3 <= len(pdf.pages) <= 5
        table_pages = []
        for page in pdf.pages:
            top = _norm(page.crop((0, 0, page.width, 50)).extract_text())
            bottom = _norm(page.crop((0, page.height - 50, page.width, page.height)).extract_text())
            assert top == meta["title"]
            assert meta["publication_reference"] in bottom and "Fictional demonstration text" in bottom
            assert bottom.endswith(f" {page.page_number}")
            if page.find_tables():
                table_pages.append(page.page_number)
            words = page.crop((0, 50, page.width, page.height - 50)).extract_words()
            mid = page.width / 2
            spanning = sum(1 for w in words if w["x0"] < mid - 5 and w["x1"] > mid + 5)
            right_col = sum(1 for w in words if w["x0"] > mid)
            two_col = spanning == 0 and right_col > 40
            assert two_col == (page.page_number in meta["two_column_pages"]), page.page_number
        assert table_pages, "annex table not found"
        annex = pdf.pages[table_pages[-1] - 1].extract_tables()[-1]
        assert annex[0] == ["Area", "Metric", "Target"]
        assert len(annex) >= 11 and all(len(row) == 3 for row in annex)


def test_expected_changes_are_true_of_the_pdfs(committed: dict[str, list[str]]) -> None:
    full = {side: " ".join(pages) for side, pages in committed.items()}
    kinds = set()
    for change in EXPECTED["changes"]:
        kinds.add(change["kind"])
        for side in SIDES:
            rec = change[side]
            if rec is None:
                # An added record is absent from the old edition, a dropped one from the new.
                for kw in change["keywords"][:1]:
                    assert kw.lower() not in full[side].lower(), (change["id"], side, kw)
                continue
            assert rec["sentence"] in committed[side][rec["page"] - 1], (change["id"], side)
            for kw in change["keywords"]:
                assert kw.lower() in full[side].lower(), (change["id"], kw)
            if rec["value"] is not None:
                assert f"{rec['value']:g}" in rec["sentence"]
            if rec["table_page"]:
                rows = _table_rows(DEMO / EXPECTED[side]["file"], rec["table_page"])
                value = "" if rec["value"] is None else f"{rec['value']:g}"
                assert any(any(kw.lower() in row.lower() for kw in change["keywords"]) and value in row
                           for row in rows), change["id"]
        if change["kind"] == "changed":
            old, new = change["old"], change["new"]
            assert ("value" in change["aspects"]) == (old["value"] != new["value"])
            if any(a.startswith("deadline_") for a in change["aspects"]):
                assert old["deadline"] != new["deadline"]
    assert {"added", "dropped", "changed"} <= kinds
    for same in EXPECTED["unchanged"]:
        assert same["old_sentence"] in full["old"] and same["new_sentence"] in full["new"], same["id"]
        assert (same["old_sentence"] != same["new_sentence"]) == same["reworded"], same["id"]
    for pair in EXPECTED["reworded_only"]:
        assert pair["old"] in full["old"] and pair["new"] in full["new"]
        assert pair["old"] not in full["new"] and pair["new"] not in full["old"]


def test_sources_are_the_single_place_the_text_lives() -> None:
    for ed in build_demo.EDITIONS:
        src = (build_demo.SRC_DIR / f"{ed.stem}.md").read_text(encoding="utf-8")
        assert ed.title in src and "fictional" in src.lower()


def test_expected_uses_the_model_vocabulary() -> None:
    from typing import get_args

    from guidance_parser.model import Aspect, ChangeKind, Edition, RecordType

    record_types, kinds, aspects = set(get_args(RecordType)), set(get_args(ChangeKind)), set(get_args(Aspect))
    for side in SIDES:
        assert Edition.from_label(EXPECTED[side]["edition"]).label == EXPECTED[side]["edition"]
    for entry in EXPECTED["changes"] + EXPECTED["unchanged"]:
        assert entry["record_type"] in record_types
        assert set(entry.get("also_accept", [])) <= record_types - {entry["record_type"]}
    for change in EXPECTED["changes"]:
        assert change["kind"] in kinds - {"unchanged"} and set(change["aspects"]) <= aspects
        assert (change["old"] is None) == (change["kind"] == "added")
        assert (change["new"] is None) == (change["kind"] == "dropped")
    ids = [e["id"] for e in EXPECTED["changes"] + EXPECTED["unchanged"]]
    assert len(ids) == len(set(ids))
