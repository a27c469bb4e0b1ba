"""Build the embedded demo pair: two fictional editions of NHS planning guidance, as real PDFs.

Run ``python corpora/build_demo.py`` (or ``--out DIR`` to build elsewhere). The Markdown sources in
``corpora/demo/src/`` are ours and fictional; ``tests/pdfbuild.py`` lays them out like an NHS England
PDF (running header with the title, footer with the publication reference and a "fictional" notice,
page numbers, a two-column foreword, an annex table). Output is byte-for-byte deterministic, so the
committed PDFs can be checked against a rebuild. What a year-on-year diff must find between the two
editions is written down in ``corpora/demo/EXPECTED.json``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "corpora" / "demo"
SRC_DIR = DEMO_DIR / "src"

sys.path.insert(0, str(ROOT / "tests"))
from pdfbuild import GroundTruth, build_pdf  # noqa: E402  (the builder lives with the tests)


@dataclass(frozen=True)
class DemoEdition:
    stem: str  # file stem of the source and the PDF
    title: str
    reference: str

    @property
    def footer(self) -> str:
        return (f"Publication reference: {self.reference} · "
                "Fictional demonstration text, not NHS England guidance")


EDITIONS = (
    DemoEdition("planning-guidance-2023-24", "2023/24 priorities and operational planning guidance",
                "DEMO-PRN-2324"),
    DemoEdition("planning-guidance-2024-25", "2024/25 priorities and operational planning guidance",
                "DEMO-PRN-2425"),
)
TWO_COLUMN_SECTIONS = ("Foreword",)


def build(out_dir: Path = DEMO_DIR) -> dict[str, GroundTruth]:
    """Render both editions into ``out_dir``; returns the ground truth of each, keyed by file stem."""
    results = {}
    for ed in EDITIONS:
        text = (SRC_DIR / f"{ed.stem}.md").read_text(encoding="utf-8")
        results[ed.stem] = build_pdf(text, out_dir / f"{ed.stem}.pdf", title=ed.title, header=ed.title,
                                     footer=ed.footer, two_column_sections=TWO_COLUMN_SECTIONS, markup="bold")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEMO_DIR, help="output folder (default: corpora/demo)")
    args = parser.parse_args(argv)
    for stem, gt in build(args.out).items():
        print(f"{gt.path}: {gt.page_count} pages, two-column pages {gt.two_column_pages}, "
              f"{len(gt.items)} blocks, {gt.seconds:.2f} s ({stem})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
