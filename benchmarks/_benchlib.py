"""Shared plumbing for the benchmark scripts: corpus location, cached test PDFs, child runs, machine facts.

Owned here: building (and caching under ``benchmarks/_pdfs/``) multi-page PDFs from the real corpus
texts with ``tests/pdfbuild.py``, running one measurement in a fresh Python process so that its
peak resident set size is its own, and describing the machine a table was measured on.

Nothing here is a test: benchmarks stay out of the test suite, and no number here is asserted by
pytest.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
PDF_DIR = Path(os.environ.get("GUIDANCE_BENCH_PDFS", BENCH / "_pdfs"))  # built PDFs, reused across runs
CORPUS_MD = Path(os.environ.get("GUIDANCE_CORPUS", ROOT.parent / "shared" / "corpus")) / "md"

# Real texts that make an "old" and a "new" edition of roughly the same guidance: the new one shares
# the neighbourhood-health text with the old one (so the section diff has real alignment work to do)
# and swaps the annual guidance for the medium-term framework, as the 2026 edition did.
OLD_EDITION = ["nhs-planning-guidance-2025-26.md", "nhs-neighbourhood-health-guidelines-2025-26.md",
               "nhs-oversight-framework-2025-26-methodology-manual.md"]
NEW_EDITION = ["nhs-medium-term-planning-framework-2026-27-to-2028-29.md",
               "nhs-neighbourhood-health-guidelines-2025-26.md", "nhs-planning-framework-2025.md"]
HEADER = "2025/26 priorities and operational planning guidance"
FOOTER = "NHS England"


def corpus_texts(names: list[str] | None = None) -> list[Path]:
    """The real corpus texts (all, or the named ones); exit with a clear message when absent."""
    files = sorted(CORPUS_MD.glob("*.md")) if CORPUS_MD.is_dir() else []
    if names is not None:
        files = [CORPUS_MD / n for n in names if (CORPUS_MD / n).is_file()]
    if not files:
        sys.exit(f"benchmark: the real corpus texts were not found under {CORPUS_MD}. They live beside the "
                 "project in ../shared/corpus (set GUIDANCE_CORPUS to point elsewhere); they are not "
                 "committed here, so the benchmarks cannot run without them.")
    return files


def _builder() -> Any:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import pdfbuild  # tests/pdfbuild.py: the reportlab builder shared with the ingest tests
    except ImportError as err:  # reportlab is in the `test` extra
        sys.exit(f"benchmark: cannot import tests/pdfbuild.py ({err}); "
                 "install with `pip install -e '.[test]'`")
    return pdfbuild


def build_pdf(texts: list[Path] | list[str], pages: int, name: str) -> Path:
    """A PDF of exactly ``pages`` pages made from ``texts`` (repeated as needed), cached by name.

    The layout is an NHS-style one: running header, footer, bare page numbers, bold-line headings,
    the corpus's own markup damage left in, and every seventh page set in two columns so that the
    ingest's column handling is exercised. The cache key includes the builder's source, so a change
    to the builder rebuilds.
    """
    pdfbuild = _builder()
    import hashlib

    key = hashlib.sha256(Path(pdfbuild.__file__).read_bytes())
    for t in texts:
        key.update(t.read_bytes() if isinstance(t, Path) else t.encode())
    out = PDF_DIR / f"{name}-{pages}p-{key.hexdigest()[:10]}.pdf"
    if out.is_file():
        return out
    PDF_DIR.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    gt = pdfbuild.build_long_pdf(texts, pages, tmp, header=HEADER, footer=FOOTER, bold_headings=True,
                                 two_column_pages=range(7, pages + 1, 7))
    if gt.page_count != pages:
        sys.exit(f"benchmark: built {gt.page_count} pages instead of {pages} for {name}")
    os.replace(tmp, out)
    return out


@dataclass
class Run:
    """One measurement from a fresh process: wall and CPU seconds of the timed work, and peak RSS.

    CPU seconds (user + system of that process, ``time.process_time``) are what the speed tables
    compare: on a shared machine, other work stretches wall time but hardly CPU time. Parallel runs
    can only be judged by wall time, which is why their load is printed beside them.
    """

    seconds: float
    rss_mib: float
    detail: dict[str, Any]
    cpu: float = 0.0


def run_child(script: Path, args: list[str], env: dict[str, str] | None = None, timeout: float = 1800,
              prefix: list[str] | None = None) -> Run:
    """Run ``script --child ARGS`` in a fresh interpreter (under ``prefix``, e.g. valgrind, if given);
    it prints one JSON line last on stdout."""
    proc = subprocess.run([*(prefix or []), sys.executable, str(script), "--child", *args],
                          capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=timeout)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"child {' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Run(seconds=data.pop("seconds"), rss_mib=data.pop("rss_mib"), cpu=data.pop("cpu", 0.0), detail=data)


def peak_rss_mib() -> float:
    """This process's peak resident set size so far (Linux reports ru_maxrss in KiB)."""
    import resource

    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024


def child_result(seconds: float, cpu: float = 0.0, **detail: Any) -> None:
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mib": peak_rss_mib(), **detail}))


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine() -> dict[str, str]:
    """What a table was measured on: cores, CPU model, RAM, Python and engine versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    versions = {}
    for mod in ("pdfplumber", "pypdfium2", "pdfminer"):
        try:
            from importlib.metadata import version

            versions[mod] = version("pdfminer.six" if mod == "pdfminer" else mod)
        except Exception:
            versions[mod] = "?"
    return {"cores": str(os.cpu_count()), "cpu": cpu, "ram": ram,
            "python": platform.python_version(), "os": platform.platform(terse=True),
            **versions}


def machine_line(m: dict[str, str]) -> str:
    return (f"{m['cores']} cores, {m['cpu']}, {m['ram']} RAM, Python {m['python']}, "
            f"pdfplumber {m['pdfplumber']}, pdfminer.six {m['pdfminer']}, pypdfium2 {m['pypdfium2']}, "
            f"{m['os']}")
