"""How extraction's cost grows with the length of one sentence full of figures (issue 23, item 1).

A converted file with no full stops gives one "sentence" of many kilobytes; each of its figures used to rescan
the whole sentence (clauses, cues, dates), so the time grew with the square of its length (66 KB: 9 s,
267 KB: 117 s). This script builds such sentences of the given sizes (a commitment with a percentage, a count
and a date, repeated and joined by commas), ingests each once, then times ``extract`` alone, in CPU seconds,
sizes interleaved, ``--repeat`` times, in this one warm process. It prints the minimum per size and its growth
against the smallest size beside the growth of the text: linear work grows as the text does.

    python benchmarks/bench_long_sentence.py                  # 33, 66, 133 KB, 3 repeats
    python benchmarks/bench_long_sentence.py --sizes 33,66,133,267 --repeat 5
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TITLE = "2025/26 priorities and operational planning guidance"


def long_sentence(kb: int) -> str:
    """One sentence of about ``kb`` KB: "We will deliver systems will raise cover in area 0 to 50% and fund
    1000 posts by March 2026, systems will ..." (no full stop until the end)."""
    parts: list[str] = []
    size, i = 0, 0
    while size < kb * 1024:
        part = f"systems will raise cover in area {i} to {50 + i % 40}% and fund {1000 + i} posts by March 2026"
        parts.append(part)
        size += len(part) + 2
        i += 1
    return "We will deliver " + ", ".join(parts) + "."


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="33,66,133", help="sentence sizes in KB, comma-separated")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from guidance_parser.extract import extract
    from guidance_parser.ingest import ingest_file

    docs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kb in sizes:
            path = Path(tmp) / f"sentence-{kb}kb.txt"
            path.write_text(f"{TITLE}\n\n{long_sentence(kb)}\n", encoding="utf-8")
            docs[kb] = ingest_file(path)
    extract(docs[sizes[0]])  # warm-up: spaCy's pipeline and the rules load once
    times: dict[int, list[float]] = {kb: [] for kb in sizes}
    figures: dict[int, int] = {}
    for r in range(args.repeat):
        for kb in (sizes if r % 2 == 0 else sizes[::-1]):  # interleaved, so drift hits every size alike
            t0 = time.process_time()
            x = extract(docs[kb])
            times[kb].append(time.process_time() - t0)
            figures[kb] = len(x.targets)
            print(f"  repeat {r + 1}: {kb:4d} KB  {times[kb][-1]:7.2f} s", file=sys.stderr, flush=True)
    base = sizes[0]
    print(f"\nextract of one sentence, CPU seconds (minimum of {args.repeat}); growth against {base} KB\n")
    print("| sentence | targets | seconds | growth | text growth |")
    print("|---:|---:|---:|---:|---:|")
    for kb in sizes:
        best = min(times[kb])
        print(f"| {kb} KB | {figures[kb]} | {best:.2f} | {best / min(times[base]):.2f}x | {kb / base:.2f}x |")


if __name__ == "__main__":
    main()
