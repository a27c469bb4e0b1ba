"""Runs the stages over many files for the CLI: parallel across files, cached, failures collected.

This module owns orchestration only: which files go through which stages, in how many worker
processes, with what progress display, and how per-file failures are summarised. It calls the stages
through their public functions (``ingest_file``, ``extract_many``, ``diff_editions``, ``render_html``,
the exporters) and never looks inside them.

One bad file never stops the others: each file is read, and extracted from, in an isolated child
process held to the run's ``Limits`` (time, memory; ``limits.py``); comparing the editions and writing
the results are held to the same budget in-process (``limits.bounded``). Each file's
``GuidanceError`` becomes a ``Failure`` listed in the summary, and the run exits non-zero if any
file failed. Worker processes die with the run, even when it is killed with SIGKILL, and are killed,
not waited for, when it is interrupted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from guidance_parser import __version__
from guidance_parser.cache import Source, read_entry, unsafe_reason, write_entry
from guidance_parser.errors import GuidanceError, caused_by_memory, printable
from guidance_parser.limits import (
    BoundedCall,
    LimitExceeded,
    Limits,
    bounded,
    crash_error,
    die_with_parent,
    nesting_error,
    out_of_memory,
    run_isolated,
)
from guidance_parser.model import Document, Edition, Extraction
from guidance_parser.options import DEFAULT_ENGINE
from guidance_parser.rules import rules_hash

T = TypeVar("T")


@dataclass
class Options:
    """How to read the inputs; mirrors the CLI's shared input options."""

    editions: dict[Path, Edition] = field(default_factory=dict)  # --edition, parsed: options.edition_overrides
    engine: str = DEFAULT_ENGINE
    jobs: int = 0  # 0: one worker per core
    use_cache: bool = True
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class Failure:
    """A file that could not be processed, with the one-line reason shown to the user."""

    path: str
    message: str


# --- cache ------------------------------------------------------------------------------------
#
# Each stage's output is cached under a key made of the file's bytes, the options that change the
# output (engine, edition override) and a fingerprint of everything else the output depends on: the
# stage's own modules and the libraries that read or tokenise the text. A changed parser or an
# upgraded pdfplumber therefore never serves a stale entry; it simply misses.

_STAGE_DEPENDENCIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # stage: (package modules, distributions)
    # published dates use when.py; table header rows read rules/tables.toml
    "ingest": (("ingest/*.py", "text.py", "model.py", "errors.py", "when.py", "limits.py", "options.py", "rules/*.py"),
               ("pdfplumber", "pdfminer.six", "pypdfium2", "beautifulsoup4", "wordfreq", "dateparser")),
    "extract": (("extract/*.py", "rules/*.py", "__init__.py", "when.py", "model.py", "errors.py", "vocabulary.py",
                 "catalogue.py", "units.py"), ("spacy", "dateparser")),
}


def stage_fingerprint(stage: str) -> str:
    """Hash of the code, library versions and rule files a stage's output depends on: edited rules
    (``guidance_parser/rules/*.toml`` or ``$GUIDANCE_RULES_DIR``) miss the cache like edited code."""
    return hashlib.sha256(f"{_code_fingerprint(stage)}|{rules_hash()}".encode()).hexdigest()[:16]


@cache
def _code_fingerprint(stage: str) -> str:
    """Hash of the code and library versions a stage's output depends on (see ``_STAGE_DEPENDENCIES``)."""
    pkg = Path(__file__).resolve().parent
    modules, distributions = _STAGE_DEPENDENCIES[stage]
    h = hashlib.sha256(__version__.encode())
    for pattern in modules:
        for src in sorted(pkg.glob(pattern)):
            h.update(src.name.encode() + src.read_bytes())
    for dist in distributions:
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none".encode())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    base = os.environ.get("GUIDANCE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "guidance-parser")
    return Path(base)


def cache_refusal() -> str | None:
    """Why the cache folder must not be used (``cache.unsafe_reason``), as the one line the CLI prints
    and the API warns with; None when it is safe."""
    reason = unsafe_reason(cache_dir())
    return None if reason is None else printable(
        f"not using the cache at {cache_dir()}: {reason}; make it your own (chmod go-w) or set GUIDANCE_CACHE_DIR")


def _cache_path(digest: str, stage: str, engine: str, edition: Edition | None) -> Path:
    stages = ("ingest",) if stage == "ingest" else ("ingest", stage)  # extraction depends on ingest too
    parts = [digest, engine, str(edition.label if edition else None), *(stage_fingerprint(s) for s in stages)]
    return cache_dir() / f"{stage}-{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:32]}.json"


def _file_digest(path: Path) -> str:
    if not path.exists():
        raise GuidanceError(str(path), "no such file", "check the path")
    if path.is_dir():
        raise GuidanceError(str(path), "is a folder, not a document", "give the PDF, HTML, Markdown or text file")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _source(path: Path, digest: str) -> Source:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return Source(str(path), digest, size)


def load_document(path: Path, *, edition: Edition | None, engine: str, use_cache: bool,
                  digest: str | None = None, limits: Limits | None = None) -> Document:
    """Ingest one file, reusing the cached Document when the file's bytes have not changed.

    With ``limits``, the file is read in an isolated child process under them (``limits.py``)."""
    digest = digest or _file_digest(path)
    key = _cache_path(digest, "ingest", engine, edition) if use_cache else None
    source = _source(path, digest)
    doc = read_entry(key, Document, source)
    if doc is None:
        from guidance_parser.ingest import ingest_file  # on a miss only: a hit needs no parser

        def read() -> Document:
            return ingest_file(path, edition=edition, engine=engine)

        doc = read() if limits is None else run_isolated(read, str(path), limits)
        write_entry(key, doc, source)
    doc.path = str(path)  # the same bytes may arrive under another name
    return doc


def load_extraction(path: Path, *, edition: Edition | None, engine: str, use_cache: bool,
                    limits: Limits | None = None) -> tuple[Document, Extraction]:
    """Ingest and extract one file, reusing cached results when the file's bytes have not changed.

    With ``limits``, extraction too runs in an isolated child process under them."""
    digest = _file_digest(path)
    doc = load_document(path, edition=edition, engine=engine, use_cache=use_cache, digest=digest, limits=limits)
    key = _cache_path(digest, "extract", engine, edition) if use_cache else None
    x = read_entry(key, Extraction, _source(path, digest), check=_exportable)
    if x is None:
        from guidance_parser.extract import build_nlp, extract  # on a miss only: spaCy takes a second to load
        from guidance_parser.extract.roles import load_model

        if limits is None:
            x = extract(doc)
        else:
            # here, so that every child forked for a file starts with the pipeline built and the role model read
            build_nlp()
            load_model()
            x = run_isolated(lambda: extract(doc), str(path), limits, "extracting from it")
        write_entry(key, x, _source(path, digest))
    x.document = replace(x.document, path=doc.path)
    return doc, x


def _exportable(x: Extraction) -> None:
    """Raise unless a cached extraction makes a schema-valid export (a page of -1 is well typed)."""
    from guidance_parser.export import extraction_payload

    extraction_payload([x])


# --- per-file work, run in worker processes ---------------------------------------------------

def _guarded(path: Path, work: Callable[[], T]) -> T | Failure:
    """``work()``, or the Failure to list in the run's summary."""
    try:
        return work()
    except GuidanceError as err:
        return Failure(str(path), str(err))
    except LimitExceeded as exc:
        return Failure(str(path), str(exc.error))
    except MemoryError:
        return Failure(str(path), str(out_of_memory(str(path))))
    except RecursionError:
        return Failure(str(path), str(nesting_error(str(path))))
    except Exception as err:  # a crash on one hostile file must not take the batch down
        if caused_by_memory(err):  # wrapped by a library: still out of memory, not a damaged file
            return Failure(str(path), str(out_of_memory(str(path))))
        # Ingest or extraction failed in a way no rule foresaw; caught here so the other files go on,
        # which also means no traceback: the message must carry the exception itself.
        return Failure(str(path), str(crash_error(str(path), f"{type(err).__name__}: {err}")))


def _ingest_task(path: Path, edition: Edition | None, engine: str, use_cache: bool,
                 limits: Limits) -> Document | Failure:
    return _guarded(path, lambda: load_document(path, edition=edition, engine=engine, use_cache=use_cache,
                                                limits=limits))


def _extract_task(path: Path, edition: Edition | None, engine: str, use_cache: bool,
                  limits: Limits) -> tuple[Document, Extraction] | Failure:
    return _guarded(path, lambda: load_extraction(path, edition=edition, engine=engine, use_cache=use_cache,
                                                  limits=limits))


def _jobs(options: Options, files: int) -> int:
    return max(1, min(options.jobs or os.cpu_count() or 1, files))


def _start_worker(parent: int) -> None:
    """A pool worker dies with the run (even on SIGKILL), and on Ctrl-C leaves at once, without a
    traceback: the run itself reports the interruption."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))


@contextmanager
def _pool(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for a run, or None when one job is asked for (then work runs in-process)."""
    if jobs == 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        # Ctrl-C (or any error) stops the run now: a worker may be waiting up to the time budget on a
        # hostile file, and a plain shutdown would wait for it (47 s after a SIGINT to the run alone).
        _kill_workers(pool)
        raise
    pool.shutdown(wait=True)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers (their isolated readers die with them) and drop the queued work."""
    kill = getattr(pool, "kill_workers", None)  # Python 3.14
    if kill is not None:
        kill()
    else:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _map_files(task: Callable[..., T | Failure], files: Sequence[Path], options: Options, label: str,
               pool: ProcessPoolExecutor | None = None) -> tuple[list[T], list[Failure]]:
    """Run ``task`` on every file (in parallel across cores), keeping input order, with progress.

    Without ``pool``, one is started for this call if ``options.jobs`` asks for more than one worker.
    """
    from tqdm import tqdm

    if options.use_cache and (refusal := cache_refusal()):
        print(f"guidance: warning: {refusal}", file=sys.stderr)
        options = replace(options, use_cache=False)
    if pool is None and _jobs(options, len(files)) > 1:
        with _pool(_jobs(options, len(files))) as own:
            return _map_files(task, files, options, label, own)
    args = [(f, options.editions.get(f), options.engine, options.use_cache, options.limits) for f in files]
    show = len(files) > 1 and sys.stderr.isatty()
    results: list[T | Failure]
    with tqdm(total=len(files), desc=label, unit="file", disable=not show, file=sys.stderr) as bar:
        if pool is None:
            results = []
            for a in args:
                results.append(task(*a))
                bar.update()
        else:
            futures = [pool.submit(task, *a) for a in args]
            for fut in futures:
                fut.add_done_callback(lambda _f: bar.update())
            results = [fut.result() for fut in futures]
    done = [r for r in results if not isinstance(r, Failure)]
    failed = [r for r in results if isinstance(r, Failure)]
    return done, failed


def ingest_files(files: Sequence[Path], options: Options) -> tuple[list[Document], list[Failure]]:
    return _map_files(_ingest_task, files, options, "ingest")


def extract_files(files: Sequence[Path], options: Options, pool: ProcessPoolExecutor | None = None,
                  ) -> tuple[list[tuple[Document, Extraction]], list[Failure]]:
    return _map_files(_extract_task, files, options, "extract", pool)


# --- commands ---------------------------------------------------------------------------------

def _names(paths: Iterable[str]) -> str:
    """The files a stage over several of them works on, as an error names them."""
    return ", ".join(paths)


def _report_failures(failed: Sequence[Failure], total: int) -> int:
    for f in failed:
        print(f"guidance: error: {printable(f.message)}", file=sys.stderr)
    if failed and total > 1:
        print(f"guidance: {len(failed)} of {total} files failed: "
              + printable(", ".join(f.path for f in failed)), file=sys.stderr)
    return 2 if failed else 0


def _emit_database(output: Path | None, fill: Callable[[sqlite3.Connection], None]) -> None:
    from guidance_parser.outputs import write_database
    write_database(output, fill)
    print(f"guidance: wrote {output}", file=sys.stderr)


def _emit(text: str | bytes, output: Path | None) -> None:
    from guidance_parser.outputs import STDIO, write_output
    write_output(text, output)
    if output is not None and str(output) != STDIO:
        print(f"guidance: wrote {printable(str(output))}", file=sys.stderr)


def document_as_text(doc: Document) -> str:
    """Human-readable dump of a document model: one block per line, with page and kind."""
    basis = f"from {doc.edition_basis}" if doc.edition.dated else f"no year can be trusted: {doc.edition_basis}"
    lines = [f"# {doc.title}", f"# edition: {doc.edition.label} ({basis})",
             f"# published: {doc.published or '-'}   "
             f"format: {doc.source_format}   "
             f"pages: {doc.page_count if doc.page_count is not None else '-'}   blocks: {len(doc.blocks)}"]
    for b in doc.blocks:
        page = f"p{b.page}" if b.page is not None else "-"
        kind = f"{b.kind}:{b.level}" if b.kind in ("heading", "list_item") else b.kind
        lines.append(f"{page:>5} {kind:<12} {b.text}")
    return "\n".join(lines) + "\n"


def run_ingest(files: Sequence[Path], *, fmt: str, output: Path | None, options: Options) -> int:
    import json

    docs, failed = ingest_files(files, options)
    if docs:
        with bounded(_names(d.path for d in docs), options.limits, "writing the results"):
            if fmt == "json":
                data = [d.to_dict() for d in docs]
                text = json.dumps(data[0] if len(files) == 1 else data, indent=2, ensure_ascii=False,
                                  allow_nan=False) + "\n"
            else:
                text = "\n".join(document_as_text(d) for d in docs)
        _emit(text, output)
    return _report_failures(failed, len(files))


def run_extract(files: Sequence[Path], *, fmt: str, output: Path | None, options: Options,
                excel: bool = False) -> int:
    from guidance_parser import export

    pairs, failed = extract_files(files, options)
    extractions = [e for _, e in pairs]
    if extractions:
        data: str | bytes | None = None
        with bounded(_names(d.path for d, _ in pairs), options.limits, "writing the results"):
            if fmt == "sqlite":
                from guidance_parser import database
                _emit_database(output, lambda con: database.add_extractions(con, extractions, str(output)))
            elif fmt == "json":
                data = export.to_json(export.extraction_payload(extractions))
            elif fmt == "jsonl":
                data = export.extraction_jsonl(extractions)
            elif fmt == "xlsx":
                from guidance_parser.xlsx import extraction_xlsx
                data = extraction_xlsx(extractions)
            else:
                data = export.extraction_csv(extractions, excel=excel)
        if data is not None:
            _emit(data, output)
    return _report_failures(failed, len(files))


def run_diff(files: Sequence[Path], *, fmt: str, output: Path | None, options: Options | None = None,
             excel: bool = False) -> int:
    from guidance_parser import export
    from guidance_parser.diff import diff_editions

    options = options or Options()
    if len(files) < 2:
        raise GuidanceError(" ".join(map(str, files)) or "diff", "a diff needs at least two editions",
                            "give the older and the newer edition, e.g. guidance diff old.pdf new.pdf")
    # One pool for the whole run: it extracts the editions, then compares consecutive pairs.
    with _pool(_jobs(options, len(files))) as pool:
        pairs, failed = extract_files(files, options, pool)
        status = _report_failures(failed, len(files))
        if len(pairs) < 2:
            print("guidance: error: fewer than two editions could be read, so there is nothing to compare",
                  file=sys.stderr)
            return status or 2
        from guidance_parser.diff.editions import check_dated
        check_dated([d for d, _ in pairs])
        labels = [d.edition.label for d, _ in pairs]
        if len(set(labels)) < len(labels):
            raise GuidanceError(", ".join(d.path for d, _ in pairs), f"two inputs have the same edition ({labels})",
                                'set each one with --edition FILE=LABEL, e.g. --edition old.pdf=2024/25')
        names = _names(d.path for d, _ in pairs)
        with bounded(names, options.limits, "comparing them"):
            # a worker's share of the comparison is held to the same budget in that worker
            result = diff_editions(pairs, mapper=(lambda f, *it: pool.map(
                BoundedCall(f, names, options.limits, "comparing them"), *it)) if pool else map)
    data: str | bytes | None = None
    with bounded(names, options.limits, "writing the results"):
        if fmt == "sqlite":
            from guidance_parser import database
            _emit_database(output, lambda con: database.add_diff(con, result, str(output)))
        elif fmt == "html":
            from guidance_parser.report import render_html
            data = render_html(result, out_dir=output.parent if output else None)
        elif fmt == "json":
            data = export.to_json(export.diff_payload(result))
        elif fmt == "jsonl":
            data = export.diff_jsonl(result)
        elif fmt == "xlsx":
            from guidance_parser.xlsx import diff_xlsx
            data = diff_xlsx(result)
        else:
            data = export.diff_csv(result, excel=excel)
    if data is not None:
        _emit(data, output)
    print(f"guidance: {export.diff_summary(result)}", file=sys.stderr)
    return status
