"""The HTML report without a browser: escaping, self-containment, content per change."""

from __future__ import annotations

import base64
import hashlib
import re
from html import unescape

import pytest
from test_diff_helpers import catalogued, deadline, edition, heading, para, priority, target

from guidance_parser import report
from guidance_parser.diff import diff_editions
from guidance_parser.model import DiffResult

AE = "patients admitted, discharged and transferred from A&E within 4 hours"
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="window.__pwned=1">'


def hostile_result() -> DiffResult:
    """A diff whose source text tries to inject markup everywhere a document's words are shown."""
    blocks_old = [heading("Urgent care " + IMG), para("Ambulance handovers within 45 minutes. " + SCRIPT,
                                                      ("Urgent care " + IMG,))]
    blocks_new = [heading("Urgent care " + IMG), para("Ambulance handovers within 30 minutes. " + SCRIPT,
                                                      ("Urgent care " + IMG,))]
    old = edition("2025/26", [catalogued(target(AE, 78, deadline="2026-03",
                                                sentence=f"{AE} to 78% by March 2026 {SCRIPT}")),
                              catalogued(target("UCR two-hour standard", 70, deadline="2025-12", page=7)),
                              target(CAT2_ := "Category 2 ambulance response times", 30, "minutes"),
                              target("adult general and acute bed occupancy", 92)],
                  [deadline("Submit final operational plans", "2025-03")],
                  [priority("Improve A&E waiting times")], blocks=blocks_old)
    new = edition("2026/27", [catalogued(target(AE, 82, deadline="2027-03",
                                                sentence=f"{AE} to 82% by March 2027 {IMG}", page=31)),
                              target(CAT2_, 30, "minutes"),
                              target("general and acute bed occupancy for adults", 92),
                              target("Virtual ward capacity " + SCRIPT, 40, "per 100,000 population")],
                  [deadline("Submit final operational plans", "2026-02")],
                  [priority("Improve A&E waiting times")], blocks=blocks_new)
    return diff_editions([old, new])


@pytest.fixture(scope="module")
def html() -> str:
    return report.render_html(hostile_result())


def test_source_text_is_escaped_everywhere(html: str):
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert len(re.findall(r"<script\b", html)) == 1  # ours only
    assert "<img" not in html


def test_environment_autoescapes():
    env = report._env()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_page_is_self_contained(html: str):
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?(?:https?:|//)""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html


def test_csp_admits_only_our_script(html: str):
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)  # type: ignore[union-attr]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


def test_rows_per_change_with_kinds_and_areas(html: str):
    result = hostile_result()
    kinds = re.findall(r'<tr class="change k-(\w+)"', html)
    shown = ["reworded" if c.kind == "changed" and c.aspects == ["wording"] else c.kind
             for c in result.pairs[0].changes]
    assert sorted(kinds) == sorted(shown) and "reworded" in kinds
    assert 'data-area="Urgent and emergency care"' in html
    targets = [k for k, c in zip(shown, result.pairs[0].changes, strict=True) if c.record_type == "target"]
    for k in ("changed", "reworded", "added", "dropped", "unchanged"):  # the cards count targets only
        assert re.search(rf'data-only="{k}"[^>]*>\s*<span class="n">{targets.count(k)}</span>', html)


def test_change_shows_old_and_new_value_deadline_and_pages(html: str):
    row = re.search(r'<tr class="change k-changed"[^>]*data-type="target".*?</tr>', html, re.S).group(0)  # type: ignore[union-attr]
    assert "78%" in row and "82%" in row and "by March 2026" in row and "by March 2027" in row
    text = re.sub(r"<[^>]+>", "", row)
    assert "2025/26, p. 1" in text and "2026/27, p. 31" in text
    assert re.search(r'href="[^"]*\.pdf#page=31"', row)  # the evidence opens the source at its page
    assert "<mark>82%</mark>" in row  # the figure the tool read is highlighted in the quote
    assert "deadline later" in row


def test_briefing_leads_with_the_moved_then_the_dropped_standard_and_links_rows(html: str):
    brief = re.search(r'<section class="briefing".*?</section>', html, re.S).group(0)  # type: ignore[union-attr]
    items = re.findall(r'<li class="t\d">.*?</li>', brief, re.S)
    assert "A&amp;E: patients seen within 4 hours: 78% by March 2026 → 82% by March 2027" in items[0]
    assert "2-hour urgent community response: 70% by December 2025 → not in 2026/27" in items[1]
    for item in items:  # every line links to a row that exists
        target = re.search(r'href="#([^"]+)"', item).group(1)  # type: ignore[union-attr]
        assert f'id="{target}"' in html


def test_section_diff_is_collapsible_with_word_marks(html: str):
    assert '<details class="sec s-changed"' in html
    assert "<del>45 </del>" in html and "<ins>30 </ins>" in html


def test_timeline_only_with_three_editions():
    e = [edition(y, [target(AE, v)]) for y, v in (("2024/25", 76), ("2025/26", 78), ("2026/27", 82))]
    html = report.render_html(diff_editions(e))
    assert 'class="tl"' in html
    row = re.search(r'<tr class="tlrow".*?</tr>', html, re.S).group(0)  # type: ignore[union-attr]
    assert [x for x in ("76%", "78%", "82%") if x in row] == ["76%", "78%", "82%"]
    assert row.count("present moved") == 2  # each later value is flagged as a move
    assert 'class="tl"' not in report.render_html(diff_editions(e[:2]))


def test_fold_keeps_context_around_changes():
    from guidance_parser.model import TextOp
    ops = [TextOp("equal", f"p{i}", f"p{i}") for i in range(6)] + [TextOp("insert", "", "new")] + \
          [TextOp("equal", f"q{i}", f"q{i}") for i in range(4)]
    chunks = report._chunks(ops)
    assert [c.op for c in chunks] == ["fold", "equal", "insert", "equal", "fold"]
    assert [op.new for op in chunks[0].ops] == [f"p{i}" for i in range(5)]


def test_where_falls_back_to_section_without_pages():
    from guidance_parser.model import Evidence
    assert report.where(Evidence("x", 12, ("A",), 0)) == "p. 12"
    no_page = Evidence("x", None, ("Part 1", "**Elective care**"), 0)
    assert report.where(no_page) == "section: Part 1 › Elective care"


def test_markup_is_well_formed(html: str):
    from html.parser import HTMLParser

    void = {"meta", "br", "input", "img", "hr", "link", "col", "wbr", "source"}

    class Check(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.errors: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag not in void:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            if not self.stack or self.stack.pop() != tag:
                self.errors.append(f"{tag} at {self.getpos()}")

    c = Check()
    c.feed(html)
    assert c.errors == [] and c.stack == []


def test_wording_only_change_is_shown_as_reworded(html: str):
    row = re.search(r'<tr class="change k-reworded".*?</tr>', html, re.S).group(0)  # type: ignore[union-attr]
    assert "now worded: “general and acute bed occupancy for adults”" in row
