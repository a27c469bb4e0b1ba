"""Command line for guidance-parser: a thin layer over the library (argument parsing, output, exit codes).

    guidance ingest FILE...        print the document model
    guidance extract FILE...       targets, deadlines and priorities as JSON / JSONL / CSV / Excel
    guidance diff OLD NEW [MORE]   what changed, as an HTML report or JSON / CSV / Excel
    guidance demo                  run the diff on the embedded demo pair
    guidance eval                  figure roles left one document out; extraction against the gold annotations
    guidance train-roles           retrain the figure-role model from corpora/labelled
    guidance schema                print the JSON Schema of the exports

Errors caused by an input print one line naming the file and what to do, and exit non-zero;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from guidance_parser import __version__
from guidance_parser.errors import GuidanceError, printable
from guidance_parser.limits import Limits
from guidance_parser.options import DEFAULT_ENGINE, ENGINES, edition_overrides

ROOT = Path(__file__).resolve().parent


def demo_dir() -> Path:
    """The demo pair: shipped in the package (``guidance_parser.demo``, which is ``corpora/demo`` in a
    clone), so ``guidance demo`` runs after a plain ``pip install .`` too."""
    from importlib import resources

    try:
        return Path(str(resources.files("guidance_parser.demo")))
    except ModuleNotFoundError:
        return ROOT / "corpora" / "demo"


def _add_input_options(p: argparse.ArgumentParser) -> None:
    d = Limits()
    p.add_argument("--edition", action="append", default=[], metavar="[FILE=]LABEL",
                   help='override the detected edition, e.g. "2025/26" (one file) or "old.pdf=2024/25"')
    p.add_argument("--engine", choices=list(ENGINES), default=DEFAULT_ENGINE,
                   help="PDF text engine: " + "; ".join(f"{name}: {what}" for name, what in ENGINES.items()))
    p.add_argument("--jobs", "-j", type=int, default=0,
                   help="parallel workers across files (default: one per core)")
    p.add_argument("--no-cache", action="store_true", help="re-read every file instead of using the cache")
    p.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                   help=f"raise a per-file limit: time={d.time:g} (seconds), memory={d.memory} (MiB), "
                        f"stream={d.stream} (MiB a PDF stream may inflate to), page-chars={d.page_chars}; "
                        "also $GUIDANCE_LIMITS")


class _Parser(argparse.ArgumentParser):
    """argparse, with what it quotes back from the command line (file names) escaped like every message."""

    def error(self, message: str) -> NoReturn:
        super().error(printable(message))


def _add_excel_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--excel", action="store_true",
                   help="CSV for Excel: start it with a UTF-8 byte-order mark, so Excel on Windows shows £ and é")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="guidance", description="Find what changed between editions of NHS planning guidance.")
    parser.add_argument("--version", action="version", version=f"guidance-parser {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, example: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".",
                              epilog=f"example:\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter)

    inputs = "guidance documents: PDF, HTML, Markdown or text; - reads standard input"
    stdout = "write to this file instead of stdout (- for stdout)"
    p = command("ingest", "print the document model of each file",
                "guidance ingest guidance-2025-26.pdf --format json -o model.json")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help=inputs)
    p.add_argument("--format", choices=["json", "text"], default="text")
    p.add_argument("-o", "--output", type=Path, help=stdout)
    _add_input_options(p)

    p = command("extract", "extract targets, deadlines and priorities",
                "guidance extract guidance-2025-26.pdf --format csv -o records.csv")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help=inputs)
    p.add_argument("--format", choices=["json", "jsonl", "csv", "xlsx", "sqlite"], default="json",
                   help="xlsx: one Excel workbook with typed columns; sqlite: a database that each run adds "
                        "editions to (both need -o FILE)")
    p.add_argument("-o", "--output", type=Path, help=stdout)
    _add_excel_option(p)
    _add_input_options(p)

    p = command("diff", "compare two or more editions",
                "guidance diff 2024-25.pdf 2025-26.pdf -o report.html")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="editions (PDF, HTML, Markdown or text), oldest first or in any order")
    p.add_argument("--format", choices=["html", "json", "jsonl", "csv", "xlsx", "sqlite"], default="html",
                   help="html report, JSON, JSONL, CSV, an Excel workbook (xlsx) or a SQLite database that each "
                        "run adds editions to (sqlite); xlsx and sqlite need -o FILE")
    p.add_argument("-o", "--output", type=Path,
                   help="output file (default: report.html for html, stdout otherwise; - for stdout)")
    _add_excel_option(p)
    _add_input_options(p)

    p = command("demo", "diff the embedded demo pair and write an HTML report", "guidance demo -o demo.html")
    p.add_argument("-o", "--output", type=Path, default=Path("demo-report.html"))

    p = command("eval", "score extraction against the gold annotations", "guidance eval --corpus ../shared/corpus")
    p.add_argument("--corpus", type=Path, default=None,
                   help="folder holding md/ with the real texts (default: $GUIDANCE_CORPUS, else ../shared/corpus)")
    p.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold")

    p = command("train-roles", "retrain the figure-role model from the labelled corpus (corpora/labelled)",
                "guidance train-roles")
    p.add_argument("-o", "--output", type=Path, default=None,
                   help="where to write the model (default: the package's guidance_parser/roles_model.json)")

    command("schema", "print the JSON Schema of the JSON exports", "guidance schema > schema.json")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line, letting file names and options mix in any order
    (``guidance diff old.pdf --edition old.pdf=2024/25 new.pdf``), which plain argparse refuses."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and hasattr(args, "files") and not any(e.startswith("-") for e in extra):
        args.files += [Path(e) for e in extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    # One BLAS thread: the matcher's matrices are small, the run already uses a process per file (-j), and
    # under the memory budget (limits.bounded) OpenBLAS spins for the whole time budget failing to start
    # its threads instead of raising MemoryError. Set before anything loads numpy.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    args = parse_args(argv)
    if not args.debug:
        # pdfminer logs what it skips in a damaged PDF ("Refusing to execute circular reference");
        # the result or the one-line error already says what the user needs.
        logging.getLogger("pdfminer").setLevel(logging.CRITICAL)
    else:  # our own debug lines (e.g. why a cache entry was not used), one line each
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("guidance: debug: %(message)s"))
        logging.getLogger("guidance_parser").addHandler(handler)
        logging.getLogger("guidance_parser").setLevel(logging.DEBUG)
    try:
        return int(_run(args) or 0)
    except GuidanceError as err:
        if args.debug:
            traceback.print_exc()
        print(f"guidance: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("guidance: interrupted; no partial output was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # last resort: a bug, not a bad input
        if args.debug:
            traceback.print_exc()
        print(f"guidance: internal error: {printable(f'{type(err).__name__}: {err}')} "
              "(rerun with --debug and report it)", file=sys.stderr)
        return 1


def _stdin_as_file(files: list[Path]) -> list[Path]:
    """Inputs with ``-`` (standard input) saved to a file named "stdin", so it is read like any other."""
    if Path("-") not in files:
        return files
    if files.count(Path("-")) > 1:
        raise GuidanceError("-", "standard input can be given only once", "name the other inputs as files")
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="guidance-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    saved = Path(folder) / "stdin"
    saved.write_bytes(sys.stdin.buffer.read())
    return [saved if f == Path("-") else f for f in files]


def _run(args: argparse.Namespace) -> int:
    # Imports are deferred so `guidance --help` stays instant.
    if args.command == "schema":
        from guidance_parser.export import schema_text
        sys.stdout.write(schema_text())
        return 0
    if args.command == "train-roles":
        from guidance_parser.extract.roles_train import model_path, train
        model = train(out=args.output)
        print(f"guidance: trained on {model.meta['examples']} labelled figures of {model.meta['documents']} documents; "
              f"wrote {args.output or model_path()}", file=sys.stderr)
        return 0
    if args.command == "eval":
        from guidance_parser.corpora import default_corpus_dir
        from guidance_parser.evaluate import run_eval
        return run_eval(corpus=args.corpus or default_corpus_dir(), gold_dir=args.gold)
    if args.command == "demo":
        from guidance_parser.pipeline import run_diff
        folder = demo_dir()
        files = sorted(folder.glob("*.pdf"))
        if len(files) < 2:
            raise GuidanceError(str(folder), "the demo PDFs are missing",
                                "run `python corpora/build_demo.py` to rebuild them")
        return run_diff(files, fmt="html", output=args.output)

    from guidance_parser import pipeline
    from guidance_parser.limits import ENV, parse_limits
    from guidance_parser.outputs import check_output

    files = _stdin_as_file(args.files)
    output = args.output or (Path("report.html") if args.command == "diff" and args.format == "html" else None)
    check_output(output, files)
    if getattr(args, "format", None) == "sqlite" and (output is None or str(output) == "-"):
        raise GuidanceError("stdout", "a database cannot be written to the terminal",
                            "give a database file, e.g. -o targets.sqlite")
    opts = pipeline.Options(editions=edition_overrides(args.edition, files), engine=args.engine, jobs=args.jobs,
                            use_cache=not args.no_cache, limits=parse_limits(args.limit, os.environ.get(ENV)))
    if args.command == "ingest":
        return pipeline.run_ingest(files, fmt=args.format, output=output, options=opts)
    if args.command == "extract":
        return pipeline.run_extract(files, fmt=args.format, output=output, options=opts, excel=args.excel)
    if args.command == "diff":
        return pipeline.run_diff(files, fmt=args.format, output=output, options=opts, excel=args.excel)
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())

