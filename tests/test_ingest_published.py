"""The publication date a document states: found on its opening lines, never guessed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfbuild
import pytest
from conftest import corpus_file

from guidance_parser.ingest import ingest_file, ingest_text
from guidance_parser.ingest.published import detect_published


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Date published: 8 September, 2025", "Date last updated: 10 September, 2025", "A framework"],
         date(2025, 9, 8)),
        (["Guidance on waiting lists", "Published 26 June 2025"], date(2025, 6, 26)),
        (["Publication date: 3 March 2025", "Some guidance"], date(2025, 3, 3)),
        (["First published: 14th Feb 2024"], date(2024, 2, 14)),
        (["Version 2 (published 1 May 2025, updated 9 July 2025)"], date(2025, 5, 1)),
        # a date printed alone on the title page: month-only dates are the 1st of the month
        (["A PLAN FOR CARE", "Executive summary", "July 2025"], date(2025, 7, 1)),
        # a Board paper's meeting date, on its own line or labelled
        (["Productivity update", "Agenda item: 5", "Paper type: For information", "5 December 2024"],
         date(2024, 12, 5)),
        (["Board paper", "Date of meeting: Thursday 5 December 2024"], date(2024, 12, 5)),
        # a web page's metadata list: label and date on lines of their own
        (["Guidance", "Last updated", "10 September 2025", "Published", "8 September 2025"], date(2025, 9, 8)),
        # a stated publication label beats a date line above it
        (["January 2030", "Date published: 2 February, 2025"], date(2025, 2, 2)),
    ],
)
def test_stated_publication_dates(lines: list[str], expected: date) -> None:
    assert detect_published(lines) == expected


@pytest.mark.parametrize(
    "lines",
    [
        ["2025/26 priorities and operational planning guidance", "Publication reference: PRN09999"],
        # the last update is not the publication date
        ["Date last updated: 25 March, 2025", "Neighbourhood guidelines"],
        ["Updated 10 September 2025", "A framework"],
        ["A framework", "Last updated:", "10 September 2025"],
        # a date inside a sentence names something else
        ["Our plan", "The review published 3 May 2023 found that waiting lists grew by 4% across every region "
         "and every type of provider."],
        ["Trusts should deliver 65% by March 2026."],
    ],
)
def test_no_stated_date_is_none(lines: list[str]) -> None:
    assert detect_published(lines) is None


def test_only_the_opening_blocks_are_read() -> None:
    body = [f"Paragraph {i} of the body." for i in range(20)]
    assert detect_published([*body, "Date published: 1 April, 2025"]) is None
    assert detect_published(["Date published: 1 April, 2025", *body]) == date(2025, 4, 1)


def test_ingest_sets_the_document_field() -> None:
    dated = ingest_text("Date published: 3 December, 2024\n\n# Productivity 2024\n\nWe will act by March.\n",
                        fmt="markdown")
    assert dated.published == date(2024, 12, 3)
    assert dated.to_dict()["published"] == "2024-12-03"
    undated = ingest_text("# Guidance 2025/26\n\nWe will act by March.\n", fmt="markdown")
    assert undated.published is None


# Publication dates the real texts state (SOURCES.md); the Board paper's text says "Date published:
# 3 December, 2024" above its meeting date 5 December 2024, and the 2025/26 guidance and the MTPF print none.
REAL = [
    ("nhs-planning-framework-2025.md", date(2025, 9, 8)),
    ("nhs-oversight-framework-2025-26-methodology-manual.md", date(2025, 6, 26)),
    ("nhs-neighbourhood-health-guidelines-2025-26.md", date(2025, 1, 29)),
    ("nhs-england-board-paper-productivity-2024-12.md", date(2024, 12, 3)),
    ("10-year-health-plan-executive-summary-2025.md", date(2025, 7, 1)),
    ("nhs-planning-guidance-2025-26.md", None),
    ("nhs-medium-term-planning-framework-2026-27-to-2028-29.md", None),
]


@pytest.mark.parametrize(("name", "expected"), REAL)
def test_real_publication_dates(name: str, expected: date | None) -> None:
    doc = ingest_file(corpus_file(name))
    print(f"{name}: published {doc.published}")
    assert doc.published == expected


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_a_pdf_title_page_date(tmp_path: Path, engine: str) -> None:
    src = ("# Example priorities and operational planning guidance 2025/26\n\nJanuary 2025\n\n"
           "## Introduction\n\nSystems should deliver a balanced position by March.")
    pdfbuild.build_pdf(src, tmp_path / "guidance.pdf", header=None, footer=None)
    doc = ingest_file(tmp_path / "guidance.pdf", engine=engine)  # type: ignore[arg-type]
    assert doc.published == date(2025, 1, 1)


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_a_contents_page_does_not_hide_the_date_after_it(tmp_path: Path, engine: str) -> None:
    """A cover and a long contents page come before the metadata lines: the contents entries list the
    headings to come and are not the opening, so the date printed after them is still read."""
    heads = [f"Section {chr(65 + i)} on planning" for i in range(20)]
    contents = "**Contents**\n\n" + "\n\n".join(heads)
    src = ("Date published: 3 December, 2024\n\nDate last updated: 5 December, 2024\n\n**Productivity 2024**\n\n"
           + "\n\n".join(f"**{h}**\n\nWe will act on this by March." for h in heads))
    gt = pdfbuild.build_pdf(src, tmp_path / "paper.pdf", header="Productivity", footer="NHS England",
                            bold_headings=True, markup="bold",
                            front_pages=["# Productivity 2024\n\nNHS England", contents])
    assert gt.find("Date published").page == 3
    doc = ingest_file(gt.path, engine=engine)  # type: ignore[arg-type]
    assert doc.published == date(2024, 12, 3)
    # the contents heading of a text without pages ends at the next heading
    md = ingest_text("# Paper 2024\n\n## Contents\n\n" + "\n\n".join(heads) + "\n\n## Metadata\n\n"
                     "Date published: 3 December, 2024\n\nWe will act by March.\n", fmt="markdown")
    assert md.published == date(2024, 12, 3)
