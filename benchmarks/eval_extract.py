"""Extraction precision / recall against tests/gold (thin wrapper over ``guidance eval``).

python benchmarks/eval_extract.py [--corpus ../shared/corpus] [--gold tests/gold]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guidance_parser.evaluate import run_eval  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold")
    args = ap.parse_args()
    return run_eval(corpus=args.corpus, gold_dir=args.gold)


if __name__ == "__main__":
    sys.exit(main())
