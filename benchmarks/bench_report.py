"""How long a large change report takes to render (jinja2) and to load in Chromium.

Builds a ~300-record diff from generated editions (``tests/test_diff_helpers.many_targets``),
renders it, and loads it in headless Chromium (Playwright, a test dependency) ``--repeat`` times in
one browser, reading the navigation timing's load event. Prints the minimum and median of each.

    python benchmarks/bench_report.py [--records 310] [--repeat 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=310)
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright
    from test_diff_helpers import many_targets

    from guidance_parser.diff import diff_editions
    from guidance_parser.report import render_html

    result = diff_editions(list(many_targets(args.records)))
    rows = sum(len(p.changes) for p in result.pairs)
    render_cpu = []
    html = ""
    for _ in range(args.repeat):
        t0 = time.process_time()
        html = render_html(result)
        render_cpu.append(time.process_time() - t0)
    chromium = os.environ.get("GUIDANCE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    loads = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        page_file = Path(tmp) / "report.html"
        page_file.write_text(html, encoding="utf-8")
        browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        for _ in range(args.repeat + 1):  # the first load warms the browser and is not counted
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            loads.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
            page.close()
        browser.close()
    loads = loads[1:]
    print(f"{rows} records, {len(html) // 1024} KB of HTML, {args.repeat} repeats")
    print(f"render_html CPU s: min {min(render_cpu):.3f}  median {statistics.median(render_cpu):.3f}")
    print(f"Chromium load event ms: min {min(loads):.0f}  median {statistics.median(loads):.0f}")


if __name__ == "__main__":
    main()
