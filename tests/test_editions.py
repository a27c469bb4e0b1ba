"""Editions it gets right: one file needs no edition, detection says what it used, a year that cannot be
trusted is asked for (not guessed), history sentences set no deadlines, and API errors name API arguments."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from conftest import CORPUS

from cli import main
from guidance_parser import api
from guidance_parser.errors import GuidanceError
from guidance_parser.ingest import ingest_file
from guidance_parser.ingest.edition import detect

NO_YEAR = ("Priorities and operational planning guidance\n\nTrusts will see 78% of A&E patients within 4 hours "
           "by March 2026.\n")


@pytest.mark.parametrize(("title", "front", "published", "label", "basis"), [
    ("2025/26 priorities and operational planning guidance", "", None, "2025/26", "financial year in the title"),
    ("Data Driven Healthcare in 2030: Transformation Requirements", "INTERIM REPORT\nHEE Digital Readiness "
     "Programme March 2021", None, "2021", "date on the title page (March 2021)"),
    ("Data Driven Healthcare in 2030", "", date(2021, 3, 1), "2021", "publication date (March 2021)"),
    ("Prescribing of Insulin Pen Needles", "Introduction\nIn 2019 NHS England advised that prescribers in",
     None, "undated", "inside a sentence"),
    ("Data Driven Healthcare in 2030", "", None, "undated", "horizon"),
    ("People Priorities Strategy", "The Leeds Teaching Hospitals\n2024-2028", None, "2024", "title page (2024-2028)"),
    ("Leeds Health and Wellbeing Strategy 2023-30", "", date(2023, 6, 1), "2023", "year in the title"),
])
def test_detection_says_what_it_used(title: str, front: str, published: date | None, label: str, basis: str):
    found = detect(title, front, published=published)
    assert found.edition.label == label and basis in found.basis, found


def test_one_file_needs_no_edition_but_a_diff_asks_for_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    undated = tmp_path / "no-year.txt"
    undated.write_text(NO_YEAR, encoding="utf-8")
    dated = tmp_path / "g-2025-26.txt"
    dated.write_text("Planning guidance 2025/26\n\n" + NO_YEAR, encoding="utf-8")
    assert main(["extract", str(undated), "--format", "csv", "--no-cache"]) == 0
    out = capsys.readouterr()
    assert {r["edition"] for r in csv.DictReader(io.StringIO(out.out))} == {"undated"} and "Traceback" not in out.err
    assert main(["diff", str(undated), str(dated), "--format", "json", "--no-cache"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(undated) in err and "--edition" in err and "no planning year" in err
    assert main(["diff", str(undated), str(dated), "--format", "json", "--no-cache",
                 "--edition", "no-year.txt=2024/25"]) == 0


def test_api_errors_name_api_arguments(tmp_path: Path):
    undated = tmp_path / "no-year.txt"
    undated.write_text(NO_YEAR, encoding="utf-8")
    dated = tmp_path / "g.txt"
    dated.write_text("Planning guidance 2025/26\n\n" + NO_YEAR, encoding="utf-8")
    assert api.extract(undated, cache=False).document.edition == "undated"
    with pytest.raises(GuidanceError) as err:
        api.diff(undated, dated, cache=False)
    assert "editions=[" in str(err.value) and "--edition" not in str(err.value)
    with pytest.raises(GuidanceError) as err:
        api.load(dated, edition="next year", cache=False)
    assert 'edition="2025/26"' in str(err.value) and "--edition" not in str(err.value)
    with pytest.raises(GuidanceError) as err:
        api.load(dated, engine="fast", cache=False)
    assert 'engine="pdfplumber"' in str(err.value) and "--engine" not in str(err.value)
    assert len(api.diff(undated, dated, editions=["2024/25", None], cache=False).pairs) == 1


def test_a_history_sentence_sets_no_deadline(tmp_path: Path):
    from guidance_parser.extract import extract

    text = tmp_path / "g.md"
    text.write_text("# Prescribing guidance\n\nIn 2019 NHS England advised that prescribers should only initiate "
                    "needles that cost less than £5 per 100. In March 2024, the Government announced a new fund."
                    " Trusts that have not achieved 78% must submit plans by June 2026.\n", encoding="utf-8")
    for edition in (None, "2019", "2025/26"):  # undated, what the old detection guessed, the right one
        deadlines = extract(ingest_file(text, edition=edition)).deadlines
        assert [d.when.label for d in deadlines] == ["2026-06"], edition


@pytest.mark.parametrize(("name", "label"), [
    ("cpicb-prescribing-insulin-pen-needles-2024.pdf", "undated"),  # was "2019", from a history sentence
    ("hee-data-driven-healthcare-2030-summary-2021.pdf", "2021"),  # was "2030", the report's horizon
    # its only year is in a sentence ("... recommendations from 1 November 2022:"): asked for, not guessed
    ("cpicb-prescribing-update-diabetes-technology-2022.pdf", "undated"),
    ("nhse-commissioning-policy-ifr-2023.pdf", "2023"),
])
def test_real_pdfs_editions(name: str, label: str):
    path = CORPUS / "pdf" / name
    if not path.is_file():
        pytest.skip(f"real corpus PDF {name} not found under {path.parent} (set GUIDANCE_CORPUS)")
    doc = ingest_file(path)
    assert doc.edition.label == label and doc.edition_basis
