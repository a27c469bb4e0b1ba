"""The report in a real headless browser (Debian chromium via Playwright): loads cleanly, filters
work, hostile source text never executes; leaves a screenshot in tests/_artifacts/report.png."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_report import IMG, SCRIPT, hostile_result

from guidance_parser.report import render_html

CHROMIUM = os.environ.get("GUIDANCE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium; CI installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    with sync_api.sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
        except Exception as err:  # a broken browser install is an environment problem, not a report bug
            pytest.skip(f"chromium at {CHROMIUM} did not start: {err}")
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    out = tmp_path / "report.html"
    out.write_text(render_html(hostile_result()), encoding="utf-8")
    pg = browser.new_page(viewport={"width": 1400, "height": 900})
    pg.problems = []  # console errors, page errors, dialogs, network attempts
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}")
          if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"pageerror: {e}"))
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else
          pg.problems.append(f"network: {r.url}"))
    pg.goto(out.as_uri())
    pg.wait_for_load_state("load")
    yield pg
    pg.close()


def visible_kinds(pg: Any) -> list[str]:
    return pg.eval_on_selector_all("tr.change:not([hidden])", "rs => rs.map(r => r.dataset.kind)")


def test_loads_without_errors_and_hostile_text_stays_text(page: Any, artifacts_dir: Path):
    assert page.problems == []
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0
    quotes = " ".join(page.locator(".c-ev blockquote").all_text_contents())
    assert SCRIPT in quotes and IMG in quotes  # shown literally, as the document says
    assert page.locator("#f-count").text_content() == "Showing 5 of 7 records"  # unchanged hidden by default
    page.screenshot(path=str(artifacts_dir / "report.png"), full_page=True)
    assert (artifacts_dir / "report.png").stat().st_size > 10_000


def test_kind_filters_hide_and_show_rows(page: Any):
    assert "unchanged" not in visible_kinds(page)
    page.check("input[name=kind][value=unchanged]")
    assert "unchanged" in visible_kinds(page)
    page.uncheck("input[name=kind][value=changed]")
    kinds = visible_kinds(page)
    assert kinds and "changed" not in kinds
    page.uncheck("input[name=kind][value=reworded]")
    assert "reworded" not in visible_kinds(page)
    page.click("button[data-only=dropped]")
    assert set(visible_kinds(page)) == {"dropped"}
    assert page.problems == []


def test_area_type_and_search_filters(page: Any):
    page.select_option("#f-area", "Urgent and emergency care")
    areas = page.eval_on_selector_all("tr.change:not([hidden])", "rs => rs.map(r => r.dataset.area)")
    assert areas and set(areas) == {"Urgent and emergency care"}
    hidden_sections = page.eval_on_selector_all("section.area[hidden]", "ss => ss.map(s => s.dataset.area)")
    assert "Urgent and emergency care" not in hidden_sections and hidden_sections
    page.select_option("#f-area", "")
    page.select_option("#f-type", "deadline")
    types = page.eval_on_selector_all("tr.change:not([hidden])", "rs => rs.map(r => r.dataset.type)")
    assert types == ["deadline"]
    page.select_option("#f-type", "")
    page.fill("#f-q", "two-hour")
    assert visible_kinds(page) == ["dropped"]
    page.fill("#f-q", "")
    assert len(visible_kinds(page)) == 5


def test_section_diff_expands(page: Any):
    sec = page.locator("details.sec").first
    assert not sec.evaluate("d => d.open")
    page.click("button[data-toggle-sections=open]")
    assert sec.evaluate("d => d.open")
    assert sec.locator("ins").first.is_visible()


def test_demo_report_in_browser(browser: Any, tmp_path: Path, artifacts_dir: Path):
    """The real pipeline on the demo PDFs: the expected changes are visible rows; screenshot kept."""
    from guidance_parser.diff import diff_editions
    from guidance_parser.extract import extract
    from guidance_parser.ingest import ingest_file

    files = sorted((Path(__file__).resolve().parent.parent / "corpora" / "demo").glob("*.pdf"))
    if len(files) < 2:
        pytest.skip("demo PDFs not built (python corpora/build_demo.py)")
    docs = [ingest_file(f) for f in files]
    out = tmp_path / "demo-report.html"
    out.write_text(render_html(diff_editions([(d, extract(d)) for d in docs])), encoding="utf-8")
    pg = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(out.as_uri())
    pg.screenshot(path=str(artifacts_dir / "demo-report.png"), full_page=True)  # kept even on failure
    visible = " ".join(pg.locator("tr.change:not([hidden])").all_text_contents()).lower()
    pg.close()
    assert errors == []
    for words in (["urgent community response", "70%"], ["4 hours", "76%", "78%"], ["65 weeks", "september 2024"],
                  ["faster diagnosis standard", "77%"]):
        assert all(w in visible for w in words), words


def _open(browser: Any, html_path: Path, height: int = 1000) -> Any:
    pg = browser.new_page(viewport={"width": 1400, "height": height})
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    pg.goto(html_path.as_uri())
    pg.wait_for_load_state("load")
    return pg


def test_real_pair_briefing_fits_one_screen_and_links_rows(browser: Any, tmp_path: Path, artifacts_dir: Path):
    """2025/26 guidance vs the medium-term framework: the briefing fits 1400x1000 and every line's
    link lands on a row that exists, shown once clicked (its area expanded, its kind ticked)."""
    from conftest import MEDIUM_TERM, PLANNING_2025, corpus_file

    from guidance_parser.diff import diff_editions
    from guidance_parser.extract import extract
    from guidance_parser.ingest import ingest_file

    docs = [ingest_file(corpus_file(n)) for n in (PLANNING_2025, MEDIUM_TERM)]
    out = tmp_path / "real-report.html"
    out.write_text(render_html(diff_editions([(d, extract(d)) for d in docs])), encoding="utf-8")
    pg = _open(browser, out)
    box = pg.locator("#briefing-0").bounding_box()
    (artifacts_dir / "briefing-height.txt").write_text(f"real pair briefing at 1400x1000: {box['height']:.0f} px\n")
    pg.locator("#briefing-0").screenshot(path=str(artifacts_dir / "real-briefing.png"))
    assert 0 < box["height"] <= 1000, box
    targets = pg.eval_on_selector_all("#briefing-0 a[data-row]", "as => as.map(a => a.dataset.row)")
    assert len(targets) >= 5
    for t in targets:
        assert pg.locator(f"tr#{t}").count() == 1, t
    last = pg.locator("#briefing-0 ol.brief a[data-row]").last
    row_id = last.get_attribute("data-row")
    last.click()
    assert pg.locator(f"tr#{row_id}").is_visible()
    assert pg.errors == []
    pg.close()


def test_three_hundred_records_render_time_is_measured(browser: Any, tmp_path: Path, artifacts_dir: Path):
    """Renders a 300-record report in Chromium and records the load time in tests/_artifacts
    (reported, not asserted: timings belong to benchmarks, this only checks the page works)."""
    from test_diff_helpers import many_targets

    from guidance_parser.diff import diff_editions

    old, new = many_targets(310)  # "about": a few generated pairs merge as restatements
    result = diff_editions([old, new])
    records = sum(len(p.changes) for p in result.pairs)
    out = tmp_path / "big-report.html"
    out.write_text(render_html(result), encoding="utf-8")
    pg = _open(browser, out)
    ms = pg.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    (artifacts_dir / "render-300.txt").write_text(f"{records} records: load event at {ms:.0f} ms\n")
    assert records >= 300 and pg.locator("tr.change").count() == records
    assert pg.errors == []
    pg.close()
