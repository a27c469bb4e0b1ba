"""A whole ``guidance extract --no-cache`` against pdfplumber's own ``extract_text()`` on the same PDF.

python benchmarks/bench_cli_floor.py [--pages 86] [--repeat 5] [--engine pdfplumber]

Issue 13's speed check: the command a user runs, start-up, ingest, extraction and writing the JSON
included, in a fresh process each time, against the floor of the default engine (a fresh process that
opens the same PDF with pdfplumber and calls ``extract_text()`` on every page). Each repeat runs the
two side by side in ABBA order and gives one ratio of their CPU seconds (user + system of the child
and everything it waited for, so the CLI's isolated reader process counts); the estimate is the
geometric mean with a 95% Student-t interval, as ``bench_speed.py`` judges growth. The PDF is built
from the real corpus texts (``_benchlib.build_pdf``), so the corpus must be present.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchlib import NEW_EDITION, build_pdf, corpus_texts, load, machine, machine_line  # noqa: E402

FLOOR = ("import sys, pdfplumber\n"
         "with pdfplumber.open(sys.argv[1]) as pdf:\n"
         "    n = sum(len(p.extract_text() or '') for p in pdf.pages)\n")


def _cpu_of(cmd: list[str]) -> float:
    """CPU seconds (user + system) of ``cmd`` and of every process it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=86)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--engine", default="pdfplumber")
    a = ap.parse_args()
    pdf = build_pdf(corpus_texts(NEW_EDITION), a.pages, "new")
    guidance = str(Path(sys.executable).with_name("guidance"))
    out = Path(tempfile.mkdtemp(prefix="bench-cli-")) / "x.json"
    cli = [guidance, "extract", str(pdf), "--no-cache", "-j", "1", "--engine", a.engine, "-o", str(out)]
    floor = [sys.executable, "-c", FLOOR, str(pdf)]
    print(f"{machine_line(machine())}; load {load()}; {a.pages}-page PDF {pdf.name}")
    _cpu_of(floor), _cpu_of(cli)  # warm the file cache and the interpreter's .pyc files
    ratios, cli_s, floor_s = [], [], []
    for k in range(a.repeat):
        order = (floor, cli) if k % 2 == 0 else (cli, floor)  # ABBA: drift hits both sides alike
        got = {id(c): _cpu_of(c) for c in order}
        cli_s.append(got[id(cli)])
        floor_s.append(got[id(floor)])
        ratios.append(cli_s[-1] / floor_s[-1])
        print(f"  repeat {k + 1}: guidance extract {cli_s[-1]:.2f} s, pdfplumber extract_text {floor_s[-1]:.2f} s, "
              f"ratio {ratios[-1]:.3f}", flush=True)
    logs = [math.log(r) for r in ratios]
    mean = statistics.fmean(logs)
    half = 0.0
    if len(logs) > 1:
        from scipy.stats import t

        half = float(t.ppf(0.975, len(logs) - 1)) * statistics.stdev(logs) / math.sqrt(len(logs))
    lo, est, hi = math.exp(mean - half), math.exp(mean), math.exp(mean + half)
    verdict = "PASS" if hi < 0.9 else "FAIL" if lo > 0.9 else "NOISY"
    print(f"whole CLI extract / pdfplumber extract_text: {est:.2f}x [{lo:.2f}, {hi:.2f}] (target < 0.9x): {verdict}; "
          f"min CPU {min(cli_s):.2f} s vs {min(floor_s):.2f} s")
    os.unlink(out) if out.exists() else None
    return 0


if __name__ == "__main__":
    sys.exit(main())
