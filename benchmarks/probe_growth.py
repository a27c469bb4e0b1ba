"""Why does ingest's time grow a little faster than its work from 20 to 320 pages? Controlled probes.

    python benchmarks/probe_growth.py                       # all four probes, 12 repeats each
    python benchmarks/probe_growth.py --probe split --repeat 20

bench_speed.py's ``--instructions`` shows ingest executes 15.9x the instructions for 16x the pages,
yet its timed growth came out 16.4x-17.4x (README, Performance). Each probe below changes one thing
and times ingest (the stage function, no cache) on exactly the same pages, repeats alternating ABBA
so that this machine's drift favours neither side:

  split  the 320-page benchmark PDF and the sixteen 20-page PDFs cut from it (pypdfium2 writes
         both, so only the cut differs), read in ONE warm process: growth t(320) / t(20).
  fresh  the same two sides, each read in a FRESH process (bench_speed's child, as bench_speed
         measures): growth t(320) / t(20). If this grows faster than ``split``, the excess belongs
         to a process building its heap from nothing rather than to the document's length.
  heap   the sixteen parts read in one process, dropping each Document vs keeping all of them
         alive, as a 320-page read keeps every page's lines: ratio t(keep) / t(drop).
  pack   the 320-page PDF read in one process with each page's lines kept where the page's work
         allocated them vs kept as packed copies (``ingest.pdf._finished_page``, the default):
         ratio t(unpacked) / t(packed), and the same for the sixteen parts.

Each prints its estimate with the 95% interval of ``bench_speed.paired_growth`` (optimistic on
this machine, whose drift lasts minutes; see there).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _benchlib as bl  # noqa: E402
import bench_speed as bs  # noqa: E402

PAGES, PART = 320, 20
LIMIT = 17 / 16 * PAGES / PART  # issue 7: 320 pages <= 17x the 20-page time


def split_pdf(src: Path, part_pages: int, out_dir: Path) -> tuple[Path, list[Path]]:
    """``src`` re-written whole and cut into consecutive ``part_pages``-page PDFs, all by pypdfium2.

    Both sides go through the same writer so that they differ only in where the document ends:
    the same content streams, fonts embedded once in the whole and once per part. Cached in
    ``out_dir`` (written to a temporary name first, so an interrupted run leaves nothing half-made).
    """
    import pypdfium2 as pdfium

    whole_out = out_dir / "whole.pdf"
    doc = pdfium.PdfDocument(src)
    try:
        n = len(doc)
        part_outs = [out_dir / f"part{k:02d}.pdf" for k in range(-(-n // part_pages))]
        if whole_out.is_file() and all(p.is_file() for p in part_outs):
            return whole_out, part_outs
        out_dir.mkdir(parents=True, exist_ok=True)
        pieces = [(whole_out, list(range(n)))] + [
            (p, list(range(k * part_pages, min(n, (k + 1) * part_pages)))) for k, p in enumerate(part_outs)]
        for out, pages in pieces:
            new = pdfium.PdfDocument.new()
            try:
                new.import_pages(doc, pages)
                tmp = out.with_suffix(".tmp")
                new.save(tmp)
                tmp.replace(out)
            finally:
                new.close()
    finally:
        doc.close()
    return whole_out, part_outs


def _cpu_of(fn: Callable[..., Any], *args: Any) -> Callable[[], float]:
    """A measurement: CPU seconds of one call ``fn(*args)``."""
    def measure() -> float:
        c0 = time.process_time()
        fn(*args)
        return time.process_time() - c0
    return measure


def _ingest_all(paths: list[Path], keep: bool) -> None:
    kept = []
    for p in paths:
        doc = bs._ingest(p, "pdfplumber")
        if keep:
            kept.append(doc)
        del doc  # dropped before the next read starts, as a fresh process's loop would


def _ingest_unpacked(paths: list[Path]) -> None:
    """Ingest as before the packed copies: each page's lines only marked, kept where they were made."""
    from guidance_parser.ingest import pdf as ingest_pdf

    packed = ingest_pdf._finished_page
    ingest_pdf._finished_page = ingest_pdf._in_bands
    try:
        _ingest_all(paths, keep=False)
    finally:
        ingest_pdf._finished_page = packed


def _fresh(paths: list[Path], warm: Path) -> Callable[[], float]:
    """A measurement: CPU seconds of ingesting ``paths`` in a fresh process (bench_speed's child)."""
    def measure() -> float:
        run = bl.run_child(bs.SCRIPT, ["ingest", "pdfplumber", *map(str, paths), "--warm", str(warm), "--each"])
        return run.cpu * len(paths)  # the child reports the mean per document
    return measure


def paired(repeat: int, measure_a: Callable[[], float], measure_b: Callable[[], float],
           label: str) -> tuple[list[float], list[float]]:
    """``repeat`` pairs of CPU seconds (a, b), the order alternating ABBA."""
    a_s: list[float] = []
    b_s: list[float] = []
    for r in range(repeat):
        first_a = r % 2 == 0
        x = measure_a() if first_a else measure_b()
        y = measure_b() if first_a else measure_a()
        a, b = (x, y) if first_a else (y, x)
        a_s.append(a)
        b_s.append(b)
        print(f"  {label} {r + 1}/{repeat}: {a:7.2f} s  {b:7.2f} s  ratio {b / a:.3f}  load {bl.load()}",
              file=sys.stderr, flush=True)
    return a_s, b_s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--probe", choices=["split", "fresh", "heap", "pack", "all"], default="all")
    ap.add_argument("--repeat", type=int, default=12)
    ap.add_argument("--json", type=Path, help="also write the raw pairs here")
    args = ap.parse_args()
    if args.repeat < 2:
        ap.error("--repeat must be at least 2 (an interval needs two pairs)")

    texts = bl.corpus_texts(bl.OLD_EDITION)
    big = bl.build_pdf(texts, PAGES, "old")
    warm = bl.build_pdf(texts, bs.WARMUP_PAGES, "old")
    whole, parts = split_pdf(big, PART, bl.PDF_DIR / f"{big.stem}-split{PART}")
    print(f"machine: {bl.machine_line(bl.machine())}\n{big.name}: {len(parts)} parts of {PART} pages",
          flush=True)
    bs._ingest(warm, "pdfplumber")  # imports and lazy set-up, not timed

    probes = ["split", "fresh", "heap", "pack"] if args.probe == "all" else [args.probe]
    raw: dict[str, dict[str, list[float]]] = {}
    lines = []
    for probe in probes:
        if probe == "pack":
            for name, paths in ((f"{PAGES}p", [whole]), (f"16x{PART}p", parts)):
                a, b = paired(args.repeat, _cpu_of(_ingest_all, paths, False), _cpu_of(_ingest_unpacked, paths),
                              f"pack {name} packed/unpacked")
                est, low, high = bs.paired_growth(a, b)
                lines.append(f"pack   {name}: t(lines unpacked) / t(packed): {est:.3f} [{low:.3f}, {high:.3f}]")
                raw[f"pack-{name}"] = {"a": a, "b": b}
            continue
        if probe == "heap":
            a, b = paired(args.repeat, _cpu_of(_ingest_all, parts, False), _cpu_of(_ingest_all, parts, True),
                          "heap drop/keep")
            est, low, high = bs.paired_growth(a, b)
            lines.append(f"heap   t(keep all {len(parts)} Documents) / t(drop each): {est:.3f} [{low:.3f}, {high:.3f}]")
        else:
            small, large = ((_cpu_of(_ingest_all, parts, False), _cpu_of(_ingest_all, [whole], False))
                            if probe == "split" else (_fresh(parts, warm), _fresh([whole], warm)))
            a, b = paired(args.repeat, small, large, f"{probe} 16x{PART}p/{PAGES}p")
            # Sixteen parts are the 20-page time sixteen times over.
            est, low, high = bs.paired_growth([x / len(parts) for x in a], b)
            verdict = bs.growth_verdict(est, low, high, LIMIT)
            lines.append(f"{probe:6s} growth t({PAGES}p) / t({PART}p), same pages: {est:.2f}x "
                         f"{bs._fmt_ci(low, high)}  {verdict} (limit {LIMIT:g}x)")
        raw[probe] = {"a": a, "b": b}
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({"machine": bl.machine(), "pdf": big.name, "pairs": raw,
                                         "summary": lines}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
