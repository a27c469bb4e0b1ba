"""Refresh docs/report.png, the README's screenshot: the demo pair's report, top of the page, taken
with headless Chromium through Playwright (test dependencies). Run: python docs/screenshot.py"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cli import main  # noqa: E402


def take(out: Path = ROOT / "docs" / "report.png", width: int = 1280, height: int = 900) -> Path:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("GUIDANCE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "demo-report.html"
        if main(["demo", "-o", str(report)]) != 0:
            raise SystemExit("the demo report could not be built")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(report.as_uri())
            page.screenshot(path=str(out))
            browser.close()
    return out


if __name__ == "__main__":
    path = take()
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
