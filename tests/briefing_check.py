"""Reading a rendered report's briefing back, as a reader sees it, to check it against the tables beneath."""

from __future__ import annotations

import html as htmllib
import re

_NUMBER = re.compile(r"(?<![\w/.])\d+(?:,\d{3})*(?:\.\d+)?")


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def briefing_lines(page: str) -> list[tuple[str, list[str]]]:
    """Each headline line of the first pair's briefing: its text and the ids of the rows it links to."""
    brief = re.search(r'<section class="briefing".*?</section>', page, re.S)
    assert brief, "no briefing in the report"
    out = []
    for li in re.findall(r'<li class="t\d">.*?</li>', brief.group(0), re.S):
        rows = re.search(r'data-rows="([^"]*)"', li)
        out.append((_text(li), rows.group(1).split() if rows else []))
    return out


def row_text(page: str, anchor: str) -> str:
    """The text of the evidence row with HTML id ``anchor`` (its cells and quotes)."""
    m = re.search(rf'<tr class="change[^"]*"[^>]*id="{re.escape(anchor)}">.*?</tr>', page, re.S)
    assert m, f"no row {anchor}"
    return _text(m.group(0))


def numbers_not_in_rows(page: str, edition_labels: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(line, number) for every number of a briefing line that none of the rows it links to states.

    Numbers inside an edition's label ("2026/27 to 2028/29") and inside the measure's catalogue name
    ("within 4 hours", "18 weeks") are not figures of the line and are skipped."""
    bad = []
    for line, rows in briefing_lines(page):
        figures = line.rpartition(": ")[2]  # after the catalogue name (which may hold a colon and a number)
        for label in edition_labels:
            figures = figures.replace(label, " ")
        texts = " ".join(row_text(page, r) for r in rows)
        for n in _NUMBER.findall(figures):
            if n not in texts:
                bad.append((line, n))
    return bad
