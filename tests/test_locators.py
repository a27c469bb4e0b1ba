"""Source locators for Markdown and text: the line (and the printed page a conversion kept) of each piece of
evidence, links ``file.md#L123`` that open it, and section paths without heading fragments."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import MEDIUM_TERM, PLANNING_2025, corpus_file

from guidance_parser.extract import extract
from guidance_parser.ingest import ingest_file
from guidance_parser.model import DiffResult, Evidence
from guidance_parser.present import section_path, where
from guidance_parser.rows import locator


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def test_markdown_blocks_know_their_line_and_printed_page(tmp_path: Path):
    md = tmp_path / "g.md"
    md.write_text("# Plan 2025/26\n\nFirst page text.\n\n1\n\n## Care\n\nOne line\nand the line after.\n"
                  "Trusts will see 78% of A&E patients within 4 hours by March 2026.\n\n2\n\n3\n\nStray page.\n",
                  encoding="utf-8")
    doc = ingest_file(md)
    by_text = {b.text: b for b in doc.blocks}
    assert by_text["First page text."].line == 3 and by_text["First page text."].page_label == "1"
    para = next(b for b in doc.blocks if b.text.startswith("One line"))
    assert (para.line, para.page_label) == (9, "2")
    assert para.line_of("Trusts will see 78%") == 11 and para.line_of("and the line") == 10
    # "3" follows "2", but no text lies between them; the last page prints no number after it
    assert by_text["Stray page."].page_label is None
    target = extract(doc).targets[0]
    assert (target.evidence.line, target.evidence.page_label) == (11, "2")
    assert where(target.evidence) == "p. 2, line 11"
    assert locator(str(md), target.evidence) == "g.md#L11"


def test_text_files_count_lines_across_blank_runs(tmp_path: Path):
    txt = tmp_path / "g.txt"
    txt.write_text("Plan 2025/26\n\n\n\nIntro line one\nline two.\n\n- A bullet that\n  wraps on.\n", encoding="utf-8")
    doc = ingest_file(txt)
    lines = {b.text: b.line for b in doc.blocks}
    assert lines["Intro line one line two."] == 5 and lines["A bullet that wraps on."] == 8


def test_section_paths_leave_out_heading_fragments():
    assert section_path(("**Part 1**", "Mental health, learning disabilities", "**and autism**")) == \
        "Part 1 > Mental health, learning disabilities"
    assert where(Evidence("x", None, ("Part 1", "and autism"), 0)) == "section: Part 1"


@pytest.fixture(scope="module")
def real_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[DiffResult, dict, Path]:
    from guidance_parser.diff import diff_editions
    from guidance_parser.report import view

    eds = []
    for name in (PLANNING_2025, MEDIUM_TERM):
        doc = ingest_file(corpus_file(name))
        eds.append((doc, extract(doc)))
    result = diff_editions(eds)
    out = tmp_path_factory.mktemp("report")
    return result, view(result, out_dir=out), out


def test_every_evidence_link_in_the_real_pair_report_opens_its_line(real_report):
    _, data, out = real_report
    sides = [s for p in data["pairs"] for a in p.areas for r in a.rows for s in (r.old, r.new) if s is not None]
    assert sides and all(s.href for s in sides), "every quote links to its source"
    opened = missed = 0
    misses = []
    for s in sides:
        path, _, fragment = s.href.partition("#")
        source = (out / unquote(path)).resolve()
        assert source.is_file() and re.fullmatch(r"L\d+", fragment), s.href
        lines = source.read_text(encoding="utf-8").splitlines()
        n = int(fragment[1:])
        quote = _norm("".join(t for t, _ in s.quote))[:20]
        # the quote starts on that line (the rest of its first words may wrap onto the next)
        if quote and quote[:12] in _norm(" ".join(lines[n - 1:n + 1])):
            opened += 1
        else:
            missed += 1
            misses.append((s.href, "".join(t for t, _ in s.quote)[:60]))
    # the misses are passages whose conversion interleaves two columns line by line (a sentence's words start
    # on one line and go on three lines below); measured: 183 of 187 links open the line the quote starts on
    # (2025/26 guidance 54/55, framework 129/132; with the figure-role model's targets, after merging issue 22)
    assert missed <= 0.05 * (opened + missed), misses[:10]


def test_real_pair_report_shows_section_paths_without_fragments(real_report):
    result, data, _ = real_report
    evidence: list[Evidence] = [r.evidence for p in result.pairs for c in p.changes for r in (c.old, c.new) if r]
    # the framework's two-column conversion splits titles ("## **and autism**"): the blocks carry fragments
    assert any(re.match(r"\W*[a-z]", s) for ev in evidence for s in ev.section)
    shown = [s.section for p in data["pairs"] for a in p.areas for r in a.rows for s in (r.old, r.new) if s]
    shown += [section_path(ev.section) for ev in evidence]
    assert all(not re.match(r"\W*[a-z]", part) for text in shown for part in re.split(r" › | > ", text) if part)
    assert any(ev.page_label for ev in evidence)  # the conversions kept printed page numbers
