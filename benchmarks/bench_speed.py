"""Speed and memory of guidance-parser against its PDF engine's own floor, at 20 to 320 pages.

    python benchmarks/bench_speed.py            # full run: 20, 40, 80, 160, 320 pages, min of 3
    python benchmarks/bench_speed.py --quick    # smoke run: 20 and 40 pages, one repeat
    python benchmarks/bench_speed.py --sizes 20,320 --repeat 2 --json out.json
    python benchmarks/bench_speed.py --sizes 20,320 --equal-time  # growth, each measurement ~equally long
    python benchmarks/bench_speed.py --sizes 20,320 --equal-time --instructions  # growth in work (valgrind)

Builds (once, cached in benchmarks/_pdfs/) NHS-style PDFs of each size from the real texts in
../shared/corpus/md with tests/pdfbuild.py, then measures, each in a FRESH Python process so that
peak RSS belongs to that measurement alone:

  a  pdfplumber's own ``page.extract_text()`` over every page   (the floor for our default engine)
  b  pypdfium2 ``get_textpage().get_text_range()`` over every page (the fast-engine anchor)
  c  our ``ingest_file`` (cache bypassed: the stage function is called directly)
  d  ``ingest_file`` + ``extract``
  e  the full diff of two editions of that size: ingest + extract both, ``diff_editions``, ``render_html``
  c', d', e'  the same with ``engine="pdfium"``

Seconds are the minimum over ``--repeat`` fresh processes (run interleaved over sizes and measurements,
so drift in machine speed hits every size alike), timed around the work only: each child
first imports everything and runs the same measurement on a 3-page warm-up PDF, so interpreter
start-up, imports and lazy initialisation (spaCy's blank pipeline, jinja2 templates) are not
counted; they are reported once, separately, as "cold start". Peak RSS is the child's
``ru_maxrss`` (imports and warm-up included, so it is what a user's process really peaks at).
Both wall and CPU seconds (user + system of the measuring process) are recorded; ratios and targets
use CPU seconds by default (``--clock wall`` to change), because on a shared machine other work
stretches wall time but hardly CPU time, and every measurement here is single-threaded.

Targets checked (issue 7): d/a <= 1.5 at every size; t(320) <= 17 x t(20) for c, d and e; peak
RSS < 1 GiB at the largest size. The two-core parallel target is in bench_parallel.py.

Growth is judged on the repeats' paired ratios (see ``paired_growth``): the machine's speed drifts as
much as the target's margin, so a verdict needs the whole 95% interval on one side of the limit and
says NOISY otherwise. ``--instructions`` counts what the code executes instead, which the drift does not move.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _benchlib as bl  # noqa: E402

SCRIPT = Path(__file__).resolve()
SIZES = [20, 40, 80, 160, 320]
WARMUP_PAGES = 3
GIB = 1024.0

# measurement key -> (label, kind, engine)
MEASURES: dict[str, tuple[str, str, str]] = {
    "a": ("pdfplumber extract_text", "plumber", "pdfplumber"),
    "b": ("pypdfium2 get_text_range", "pdfium_raw", "pdfium"),
    "c": ("ingest", "ingest", "pdfplumber"),
    "d": ("ingest + extract", "extract", "pdfplumber"),
    "e": ("diff 2 editions + HTML", "diff", "pdfplumber"),
    "c'": ("ingest --engine pdfium", "ingest", "pdfium"),
    "d'": ("ingest + extract, pdfium", "extract", "pdfium"),
    "e'": ("diff + HTML, pdfium", "diff", "pdfium"),
}


# ------------------------------------------------------------------------------------ child side

def _plumber(path: Path) -> dict[str, Any]:
    import pdfplumber

    chars = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += len(page.extract_text() or "")
            page.close()  # drop the page's parsed objects, as any long-document reader must
    return {"chars": chars}


def _pdfium_raw(path: Path) -> dict[str, Any]:
    import pypdfium2 as pdfium

    chars = 0
    pdf = pdfium.PdfDocument(path)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            chars += len(tp.get_text_range())
            tp.close()
            page.close()
    finally:
        pdf.close()
    return {"chars": chars}


def _ingest(path: Path, engine: Any, edition: str = "2025/26") -> Any:
    from guidance_parser.ingest import ingest_file

    return ingest_file(path, edition=edition, engine=engine)


def _extract(path: Path, engine: str, edition: str = "2025/26") -> tuple[Any, Any]:
    from guidance_parser.extract import extract

    doc = _ingest(path, engine, edition)
    return doc, extract(doc)


def _diff(old: Path, new: Path, engine: str) -> dict[str, Any]:
    import tempfile

    from guidance_parser.diff import diff_editions
    from guidance_parser.report import render_html

    pairs = [_extract(old, engine, "2025/26"), _extract(new, engine, "2026/27")]
    result = diff_editions(pairs)
    html = render_html(result)
    with tempfile.NamedTemporaryFile("w", suffix=".html", encoding="utf-8", delete=True) as fh:
        fh.write(html)
    changes = sum(len(p.changes) for p in result.pairs)
    return {"changes": changes, "html_kib": round(len(html.encode()) / 1024, 1)}


def _work(kind: str, engine: str, paths: list[Path]) -> dict[str, Any]:
    if kind == "plumber":
        return _plumber(paths[0])
    if kind == "pdfium_raw":
        return _pdfium_raw(paths[0])
    if kind == "ingest":
        doc = _ingest(paths[0], engine)
        return {"blocks": len(doc.blocks), "page_count": doc.page_count}
    if kind == "extract":
        doc, ex = _extract(paths[0], engine)
        return {"blocks": len(doc.blocks), "targets": len(ex.targets), "deadlines": len(ex.deadlines),
                "priorities": len(ex.priorities)}
    if kind == "diff":
        return _diff(paths[0], paths[1], engine)
    if kind == "cold":  # interpreter already started: time the imports + first tiny run
        return {}
    raise SystemExit(f"unknown measurement kind {kind}")


def child(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="bench_speed.py --child")
    p.add_argument("kind")
    p.add_argument("engine")
    p.add_argument("--warm", type=Path, nargs="+", required=True)
    p.add_argument("--each", action="store_true",
                   help="paths hold several documents (pairs for diff): run the work on each in turn, report the mean")
    p.add_argument("paths", type=Path, nargs="*", help="none: only imports and the warm-up (a baseline)")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    _work(a.kind, a.engine, a.warm)  # imports + lazy initialisation, not timed below
    warm = time.perf_counter() - t0
    step = 2 if a.kind == "diff" else 1
    groups = [a.paths[i:i + step] for i in range(0, len(a.paths), step)] if a.each else [a.paths]
    t0, c0 = time.perf_counter(), time.process_time()
    detail: dict[str, Any] = {}
    for group in groups:
        detail = _work(a.kind, a.engine, group)
    n = max(1, len(groups))
    bl.child_result((time.perf_counter() - t0) / n, cpu=(time.process_time() - c0) / n,
                    warmup_s=round(warm, 3), documents=len(groups), **detail)


# ----------------------------------------------------------------------------------- parent side

def paired_growth(small: list[float], large: list[float]) -> tuple[float, float, float]:
    """Growth t(large)/t(small) from repeats run back to back, with a 95% confidence interval.

    This machine's speed drifts by 10-15% over seconds, so the ratio of two independent minima
    can land either side of a 6% margin. Repeat r of each size ran next to each other (the loop
    in main interleaves them), so each repeat gives one ratio in which slow drift cancels; the
    estimate is their geometric mean, and the interval is Student's t on the log ratios.
    (low, high) are NaN with a single repeat. The interval treats repeats as independent; drift that
    lasts minutes spans several of them, so it is optimistic: two runs of 30 repeats gave ingest
    16.4x [15.9, 17.0] and 17.4x [16.8, 18.0] for the same code (README, Performance).
    """
    logs = [math.log(b / a) for a, b in zip(small, large, strict=True)]
    mean = statistics.fmean(logs)
    if len(logs) < 2:
        return math.exp(mean), math.nan, math.nan
    from scipy.stats import t as student_t  # scikit-learn's own dependency

    half = student_t.ppf(0.975, len(logs) - 1) * statistics.stdev(logs) / math.sqrt(len(logs))
    return math.exp(mean), math.exp(mean - half), math.exp(mean + half)


def growth_verdict(growth: float, low: float, high: float, allowed: float) -> str:
    """PASS / FAIL when the whole interval is on one side of the limit, else NOISY: the estimate
    alone does not settle it and more repeats would."""
    if math.isnan(low):
        return "PASS" if growth <= allowed else "FAIL"
    if high <= allowed:
        return "PASS"
    if low > allowed:
        return "FAIL"
    return "NOISY"


def _fmt_ci(low: float, high: float) -> str:
    return "n/a" if math.isnan(low) else f"[{low:.1f}, {high:.1f}]"


def _fmt_ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke run: 20 and 40 pages, one repeat")
    ap.add_argument("--sizes", help="comma-separated page counts (default 20,40,80,160,320)")
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement; min is kept")
    ap.add_argument("--engines", default="pdfplumber,pdfium",
                    help="our engines to measure: pdfplumber, pdfium or both (default both)")
    ap.add_argument("--only", help="comma-separated measurement keys, e.g. a,b,d")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                    help="which seconds the ratios and targets use (default cpu: robust on a shared machine)")
    ap.add_argument("--equal-time", action="store_true",
                    help="measure each smaller size on largest/size different PDFs of that size, read back to back "
                         "in one process (mean reported), so every measurement lasts about as long as the "
                         "largest one; see the README")
    ap.add_argument("--instructions", action="store_true",
                    help="count executed instructions under valgrind (cachegrind) instead of timing: "
                         "repeats agree to 0.5%%, so one run settles growth (--repeat is ignored), but ~12x slower")
    ap.add_argument("--json", type=Path, help="also write every measurement here as JSON")
    args = ap.parse_args()

    sizes = [20, 40] if args.quick else SIZES
    if args.sizes:
        sizes = sorted(int(s) for s in args.sizes.split(","))
    repeat = 1 if args.quick else max(1, args.repeat)
    engines = set(args.engines.split(","))
    keys = [k for k in MEASURES if (MEASURES[k][2] in engines or k in ("a", "b"))]
    if args.only:
        keys = [k for k in keys if k in args.only.split(",")]

    old_texts, new_texts = bl.corpus_texts(bl.OLD_EDITION), bl.corpus_texts(bl.NEW_EDITION)
    m = bl.machine()
    print(f"machine: {bl.machine_line(m)}", flush=True)
    print(f"building PDFs (cached in {bl.PDF_DIR}/) ...", file=sys.stderr, flush=True)
    warm_old = bl.build_pdf(old_texts, WARMUP_PAGES, "old")
    warm_new = bl.build_pdf(new_texts, WARMUP_PAGES, "new")
    pdfs = {n: (bl.build_pdf(old_texts, n, "old"), bl.build_pdf(new_texts, n, "new")) for n in sizes}
    # --equal-time: size n is read as largest/n different PDFs, each starting a further stretch into
    # the texts, so together they cover what the largest PDF covers (not one PDF over and over,
    # which would let caches of already-seen text flatter the small sizes).
    parts: dict[int, list[str]] = {}
    for n in sizes:
        count = max(1, round(sizes[-1] / n)) if args.equal_time else 1
        parts[n] = []
        for i in range(count):
            if i == 0:
                parts[n].append(str(pdfs[n][0]))
                parts[n].append(str(pdfs[n][1]))
                continue
            built = []
            for texts, side in ((old_texts, "old"), (new_texts, "new")):
                paras = "\n\n".join(t.read_text(encoding="utf-8") for t in texts).split("\n\n")
                start = i * len(paras) // count
                built.append(str(bl.build_pdf(["\n\n".join(paras[start:] + paras[:start])], n,
                                              f"{side}-part{i}of{count}")))
            parts[n].extend(built)

    if args.instructions:
        return instruction_growth(keys, sizes, parts, [str(warm_old), str(warm_new)], m, args.json)

    # Cold start: a fresh interpreter importing the whole pipeline and diffing the tiny pair once.
    t0 = time.perf_counter()
    cold_total = float("nan")
    if "e" in keys:
        cold = bl.run_child(SCRIPT, ["diff", "pdfplumber", str(warm_old), str(warm_new),
                                     "--warm", str(warm_old), str(warm_new)])
        cold_total = time.perf_counter() - t0
        print(f"cold start (fresh interpreter, imports, first 3-page diff): {cold_total:.2f} s wall, "
              f"of which warm-up run {cold.detail['warmup_s']:.2f} s; peak RSS {cold.rss_mib:.0f} MiB",
              flush=True)

    # Interleaved over repeats, sizes and measurements alike: this machine's speed drifts by 20-30%
    # over minutes, and running all 20-page repeats before all 320-page ones let that drift decide
    # the growth ratio (in one such run pdfplumber's own extract_text "grew" 17.8x for 16x the pages).
    per: dict[int, dict[str, list[bl.Run]]] = {n: {k: [] for k in keys} for n in sizes}
    loads: dict[int, list[str]] = {n: [] for n in sizes}
    for r in range(repeat):
        # Odd repeats run the sizes in reverse (ABBA), so a steady drift in machine speed favours
        # neither size in the paired growth estimate.
        for n in sizes if r % 2 == 0 else sizes[::-1]:
            loads[n].append(bl.load())
            for k in keys:
                _, kind, engine = MEASURES[k]
                warm = [str(warm_old), str(warm_new)] if kind == "diff" else [str(warm_old)]
                paths = parts[n] if kind == "diff" else parts[n][::2]  # old/new pairs, or the old ones
                run = bl.run_child(SCRIPT, [kind, engine, *paths, "--warm", *warm, "--each"])
                per[n][k].append(run)
                print(f"  {n:4d}p  {k:2s} run {r + 1}/{repeat}: {run.seconds:8.3f} s wall {run.cpu:8.3f} s CPU "
                      f"{run.rss_mib:6.0f} MiB  load {bl.load()}", file=sys.stderr, flush=True)
            loads[n].append(bl.load())
    results: dict[int, dict[str, dict[str, Any]]] = {}
    for n in sizes:
        results[n] = {}
        for k, runs in per[n].items():
            wall, cpu = min(x.seconds for x in runs), min(x.cpu for x in runs)
            secs = cpu if args.clock == "cpu" else wall
            pages = 2 * n if MEASURES[k][1] == "diff" else n
            results[n][k] = {"label": MEASURES[k][0], "seconds": secs, "cpu": cpu, "wall": wall, "pages": pages,
                             "pages_per_s": pages / secs if secs else float("inf"),
                             "rss_mib": max(x.rss_mib for x in runs),
                             "all_wall": [x.seconds for x in runs], "all_cpu": [x.cpu for x in runs],
                             "detail": runs[0].detail}
        results[n]["_load"] = {"before": loads[n][0], "after": loads[n][-1]}

    if args.equal_time:
        print(f"\n--equal-time: each size below {sizes[-1]} pages was read as {sizes[-1]}/size different PDFs "
              "of that size (each starting further into the texts), back to back in one process; seconds "
              "are the mean per PDF.")
    report(results, sizes, keys, repeat, m, cold_total, args.clock)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": m, "repeat": repeat, "clock": args.clock,
                                         "cold_start_s": cold_total, "results": results}, indent=2))
        print(f"wrote {args.json}")
    return 0


def _instructions(args: list[str]) -> tuple[int, bl.Run]:
    """Instructions one child executes, counted by valgrind's cachegrind (no cache simulation)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cachegrind.out"
        run = bl.run_child(SCRIPT, args, env={"PYTHONHASHSEED": "0"}, timeout=7200,
                           prefix=["valgrind", "--tool=cachegrind", "--cache-sim=no",
                                   f"--cachegrind-out-file={out}"])
        for line in out.read_text().splitlines():
            if line.startswith("summary:"):
                return int(line.split()[1]), run
    raise RuntimeError(f"no summary line in cachegrind's output for {' '.join(args)}")


def instruction_growth(keys: list[str], sizes: list[int], parts: dict[int, list[str]], warm_pair: list[str],
                       m: dict[str, str], json_out: Path | None) -> int:
    """Growth in executed instructions: what the code does, free of this machine's speed drift.

    Each measurement runs once under cachegrind, and once more with no documents (imports and the
    same warm-up only); the difference, per document, is the work. Hash seeds are fixed, and four
    runs of one measurement differed by at most 0.5% (timed runs: 10-15%). Cache and memory effects
    are not counted: this shows whether the work is linear, the timed runs whether the seconds are.
    """
    import shutil

    if shutil.which("valgrind") is None:
        print("--instructions needs valgrind on PATH (e.g. `apt-get install valgrind`)", file=sys.stderr)
        return 2
    counts: dict[int, dict[str, float]] = {n: {} for n in sizes}
    for k in keys:
        _, kind, engine = MEASURES[k]
        warm = warm_pair if kind == "diff" else warm_pair[:1]
        base, _ = _instructions([kind, engine, "--warm", *warm, "--each"])
        for n in sizes:
            paths = parts[n] if kind == "diff" else parts[n][::2]
            total, run = _instructions([kind, engine, *paths, "--warm", *warm, "--each"])
            counts[n][k] = (total - base) / run.detail["documents"]
            print(f"  {n:4d}p  {k:2s} {counts[n][k] / 1e9:8.3f} G instructions per document", file=sys.stderr,
                  flush=True)
    print("\nExecuted instructions per document (valgrind cachegrind; imports and warm-up subtracted).\n")
    print("| pages | measurement | G instructions | per page (M) |")
    print("|---:|---|---:|---:|")
    for n in sizes:
        for k in keys:
            pages = 2 * n if MEASURES[k][1] == "diff" else n
            print(f"| {n} | {k} {MEASURES[k][0]} | {counts[n][k] / 1e9:.2f} | {counts[n][k] / pages / 1e6:.1f} |")
    lo, hi = sizes[0], sizes[-1]
    allowed = 17 / 16 * hi / lo
    print("\nGrowth in instructions (the timed target is on seconds; see the README):")
    for k in keys:
        g = counts[hi][k] / counts[lo][k]
        print(f"  {growth_verdict(g, math.nan, math.nan, allowed)}  {k} i({hi})/i({lo}) = {g:.2f} "
              f"(pages x{hi / lo:.0f}; allowed <= {allowed:.1f})")
    print(f"\nmeasured on: {bl.machine_line(m)}")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps({"machine": m, "instructions": counts}, indent=2))
        print(f"wrote {json_out}")
    return 0


def report(results: dict[int, dict[str, dict[str, Any]]], sizes: list[int], keys: list[str], repeat: int,
           m: dict[str, str], cold_total: float, clock: str) -> None:
    print(f"\nSeconds are the minimum of {repeat} fresh process(es), warm; peak RSS is the maximum over them.")
    print(f"pages/s, ratios and targets use {clock.upper()} seconds (CPU: user + system of the measuring process).")
    print("Diff rows (e, e') process two PDFs of that size, so their pages column is 2 x the size.\n")
    print("| pages | measurement | CPU s | wall s | pages/s | peak RSS MiB |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in sizes:
        for k in keys:
            r = results[n][k]
            print(f"| {n} | {k} {r['label']} | {r['cpu']:.2f} | {r['wall']:.2f} | {r['pages_per_s']:.0f} "
                  f"| {r['rss_mib']:.0f} |")

    def ratio(n: int, top: str, bottom: str) -> float | None:
        if top in results[n] and bottom in results[n] and results[n][bottom]["seconds"] > 0:
            return results[n][top]["seconds"] / results[n][bottom]["seconds"]
        return None

    cols = [("c/a", "c", "a"), ("d/a", "d", "a"), ("e/a", "e", "a"), ("a/b", "a", "b"),
            ("c/c'", "c", "c'"), ("d/d'", "d", "d'"), ("e/e'", "e", "e'"), ("c'/b", "c'", "b")]
    cols = [c for c in cols if c[1] in keys and c[2] in keys]
    print("\nRatios (same run, same load). c/c', d/d', e/e' = what --engine pdfium gains; "
          "c'/b = our cost over pypdfium2's own text.\n")
    print("| pages | " + " | ".join(c[0] for c in cols) + " | load before -> after |")
    print("|---:|" + "---:|" * len(cols) + "---|")
    for n in sizes:
        ld = results[n]["_load"]
        print(f"| {n} | " + " | ".join(_fmt_ratio(ratio(n, t, b)) for _, t, b in cols)
              + f" | {ld['before']} -> {ld['after']} |")

    print("\nTargets (issue 7):")
    verdicts: list[str] = []
    if "d" in keys and "a" in keys:
        worst = max(sizes, key=lambda n: ratio(n, "d", "a") or 0.0)
        w = ratio(worst, "d", "a") or 0.0
        ok = w <= 1.5
        verdicts.append("PASS" if ok else "FAIL")
        print(f"  {'PASS' if ok else 'FAIL'}  d/a <= 1.5 at every size (worst {w:.2f} at {worst} pages)")
    lo, hi = sizes[0], sizes[-1]
    if hi > lo:
        allowed = 17 / 16 * hi / lo  # issue 7: 16x the pages may take at most 17x the time
        for k in ("c", "d", "e", "c'", "d'", "e'"):
            if k in keys:
                by_min = results[hi][k]["seconds"] / results[lo][k]["seconds"]
                clock_key = "all_cpu" if clock == "cpu" else "all_wall"
                g, low, high = paired_growth(results[lo][k][clock_key], results[hi][k][clock_key])
                verdict = growth_verdict(g, low, high, allowed)
                verdicts.append(verdict)
                print(f"  {verdict:4s}  linear: {k} t({hi})/t({lo}) = {g:.1f}, 95% CI {_fmt_ci(low, high)} "
                      f"(paired over {repeat} repeat(s); by min {by_min:.1f}; pages x{hi / lo:.0f}; "
                      f"allowed <= {allowed:.1f})")
    big = max(results[hi][k]["rss_mib"] for k in keys)
    ok = big < GIB
    verdicts.append("PASS" if ok else "FAIL")
    print(f"  {'PASS' if ok else 'FAIL'}  peak RSS < 1 GiB at {hi} pages "
          f"(max {big:.0f} MiB over all measurements)")
    if "FAIL" in verdicts:
        summary = "SOME TARGETS MISSED"
    elif "NOISY" in verdicts:
        summary = "no target missed, but some are not settled by this many repeats (NOISY): run more --repeat"
    else:
        summary = "all targets met"
    print(f"\n{summary}; "
          f"measured on: {bl.machine_line(m)}; cold start {cold_total:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
