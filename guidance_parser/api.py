"""The Python API for notebooks: load, extract, diff and save from Python, with the records the CLI writes.

    from guidance_parser.api import extract, records
    import pandas as pd
    df = pd.DataFrame(records(extract("guidance-2025-26.pdf")))

Owned here: a small, stable surface over the stages. It goes through the same code as the CLI
(``pipeline.load_document`` / ``load_extraction``, so the cache is shared; ``diff.diff_editions``;
the ``export`` rows and writers), so a DataFrame and a CSV of the same file hold the same rows.
pandas is not a dependency: ``records`` returns a list of dicts, which ``pd.DataFrame`` takes.

It has the command's protections, through the command's own paths: every stage is held to the per-file
limits (``$GUIDANCE_LIMITS``, or ``limits=``; ``limits.py``): reading and extracting in an isolated child
process, comparing and saving in this one, so a hostile file raises one ``GuidanceError`` instead of
hanging or exhausting memory; ``save`` refuses what ``-o`` refuses (an input, another user's symbolic
link; ``outputs.py``); a cache folder the command would not use is not used either, with a
``RuntimeWarning`` saying why.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from guidance_parser.errors import GuidanceError
from guidance_parser.limits import Limits, active, bounded, run_isolated
from guidance_parser.model import DiffResult, Document, Edition, Extraction
from guidance_parser.options import DEFAULT_ENGINE, as_edition, check_engine

PathLike = str | os.PathLike[str]
P = ParamSpec("P")
T = TypeVar("T")


def _limits(limits: Limits | None) -> Limits:
    """The limits a call reads under: those given, else ``$GUIDANCE_LIMITS`` over the defaults (as the CLI)."""
    from guidance_parser.limits import ENV, parse_limits

    return limits if limits is not None else parse_limits([], os.environ.get(ENV))


def _cache(cache: bool) -> bool:
    """Whether to use the cache: asked for, and a folder the CLI would use (else a warning says why)."""
    if not cache:
        return False
    from guidance_parser.pipeline import cache_refusal

    refusal = cache_refusal()
    if refusal:
        # 4: past this function, the API function and its ``_api_errors`` wrapper, to the caller's line
        warnings.warn(refusal, RuntimeWarning, stacklevel=4)
    return refusal is None


def _api_errors(fn: Callable[P, T]) -> Callable[P, T]:
    """Errors raised inside say what to do in this API's words (``edition="2025/26"``, not the CLI's
    ``--edition``)."""
    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        except GuidanceError as err:
            raise err.for_api() from None
    return call


@_api_errors
def load(path: PathLike, *, edition: Edition | str | None = None, engine: str = DEFAULT_ENGINE,
         cache: bool = True, limits: Limits | None = None) -> Document:
    """Ingest one PDF / HTML / Markdown / text file into a ``Document`` (blocks with pages and sections).
    ``edition`` overrides the detected year ("2025/26"); ``cache`` reuses an earlier read of the same bytes;
    ``limits`` (default: ``$GUIDANCE_LIMITS`` or the built-in ones) bounds the read's time and memory."""
    from guidance_parser.pipeline import load_document

    return load_document(Path(path), edition=as_edition(edition, str(path)), engine=check_engine(engine, "engine"),
                         use_cache=_cache(cache), limits=_limits(limits))


def _load_pair(path: PathLike, edition: Edition | str | None, engine: str, cache: bool, limits: Limits,
               ) -> tuple[Document, Extraction]:
    from guidance_parser.pipeline import load_extraction

    return load_extraction(Path(path), edition=as_edition(edition, str(path)), engine=check_engine(engine, "engine"),
                           use_cache=cache, limits=limits)


@_api_errors
def extract(source: PathLike | Document, *, edition: Edition | str | None = None, engine: str = DEFAULT_ENGINE,
            cache: bool = True, limits: Limits | None = None) -> Extraction:
    """Targets, deadlines and priorities of one edition (a file path, or a ``Document`` from ``load``)."""
    if isinstance(source, Document):
        from guidance_parser.extract import build_nlp
        from guidance_parser.extract import extract as extract_document

        build_nlp()  # before the fork, so each child starts with the pipeline built
        return run_isolated(lambda: extract_document(source), source.path, _limits(limits), "extracting from it")
    return _load_pair(source, edition, engine, _cache(cache), _limits(limits))[1]


@_api_errors
def diff(*sources: PathLike, editions: Sequence[Edition | str | None] | None = None, engine: str = DEFAULT_ENGINE,
         cache: bool = True, limits: Limits | None = None) -> DiffResult:
    """Compare two or more editions given as file paths, in any order (sorted by edition year).
    ``editions`` optionally gives each file's edition label, in the same order (None: detect it)."""
    from guidance_parser.diff import diff_editions

    labels = list(editions) if editions is not None else [None] * len(sources)
    if len(labels) != len(sources):
        raise ValueError(f"{len(labels)} edition labels for {len(sources)} files")
    use_cache, bounds = _cache(cache), _limits(limits)
    pairs = [_load_pair(s, e, engine, use_cache, bounds) for s, e in zip(sources, labels, strict=True)]
    with bounded(", ".join(d.path for d, _ in pairs), bounds, "comparing them"):
        return diff_editions(pairs)


def records(obj: Extraction | Sequence[Extraction] | DiffResult) -> list[dict[str, Any]]:
    """Flat rows, one per record (an extraction) or per change (a diff): the CSV export's rows and
    columns, with numbers as numbers. ``pd.DataFrame(records(x))`` makes a DataFrame of them."""
    from guidance_parser import export

    if isinstance(obj, DiffResult):
        rows, columns = export.diff_rows(obj), export.DIFF_COLUMNS
    else:
        xs = [obj] if isinstance(obj, Extraction) else list(obj)
        rows, columns = export.extraction_rows(xs), export.EXTRACTION_COLUMNS
    return [{c: row.get(c) for c in columns} for row in rows]


_WRITERS = {".json", ".jsonl", ".csv", ".xlsx", ".html", ".sqlite", ".db"}


@_api_errors
def save(obj: Extraction | Sequence[Extraction] | DiffResult, path: PathLike) -> Path:
    """Write ``obj`` the way the CLI does, in the format named by the file's suffix: .json
    (schema-valid), .jsonl, .csv, .xlsx, .sqlite / .db (added to the database there, if any), or .html
    (a diff only). Written atomically, with the checks of ``-o``: a ``GuidanceError`` instead of
    overwriting one of ``obj``'s input files or following a symbolic link another user owns; rendering
    is held to the per-file limits like the CLI's."""
    from guidance_parser.outputs import check_output, write_output

    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in _WRITERS:
        raise ValueError(f"{out}: unknown output format {suffix!r}; use one of {sorted(_WRITERS)}")
    if isinstance(obj, DiffResult):
        xs: list[Extraction] = []
        inputs = [Path(e.path) for e in obj.editions]
    else:
        xs = [obj] if isinstance(obj, Extraction) else list(obj)
        inputs = [Path(x.document.path) for x in xs]
    check_output(out, inputs)
    if suffix in (".sqlite", ".db"):
        from guidance_parser import database
        from guidance_parser.outputs import write_database

        if isinstance(obj, DiffResult):
            write_database(out, lambda con: database.add_diff(con, obj, str(out)))
        else:
            write_database(out, lambda con: database.add_extractions(con, xs, str(out)))
        return out
    data: str | bytes
    with bounded(str(out), active(), "writing the results"):
        data = _render(obj, xs, out, suffix)
    write_output(data, out)  # as the CLI writes: atomically, and into a device or pipe, never over it
    return out


def _render(obj: Extraction | Sequence[Extraction] | DiffResult, xs: list[Extraction], out: Path,
            suffix: str) -> str | bytes:
    """The bytes ``save`` writes, in the format ``suffix`` names."""
    from guidance_parser import export

    data: str | bytes
    if suffix == ".html":
        if not isinstance(obj, DiffResult):
            raise ValueError(f"{out}: an HTML report needs a diff; save an extraction as .json, .csv or .xlsx")
        from guidance_parser.report import render_html

        data = render_html(obj, out_dir=out.parent)
    elif suffix == ".xlsx":
        from guidance_parser.xlsx import diff_xlsx, extraction_xlsx

        data = diff_xlsx(obj) if isinstance(obj, DiffResult) else extraction_xlsx(xs)
    elif suffix == ".json":
        data = export.to_json(export.diff_payload(obj) if isinstance(obj, DiffResult)
                              else export.extraction_payload(xs))
    elif suffix == ".jsonl":
        data = export.diff_jsonl(obj) if isinstance(obj, DiffResult) else export.extraction_jsonl(xs)
    else:
        data = export.diff_csv(obj) if isinstance(obj, DiffResult) else export.extraction_csv(xs)
    return data
