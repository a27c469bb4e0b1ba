"""Where a command's result goes, written so that no output ever destroys a file.

Owns ``write_output``, the one function every command writes through, and ``check_output``, the
refusals made before any work starts. A regular file is replaced atomically (``export.write_atomic``),
through a symbolic link to the file it points at; anything else (``/dev/null``, ``/dev/stdout``, a
FIFO) is written straight into, because renaming a temporary file over it would replace the device
with a regular file, which as root destroys a system file. An output that is one of the inputs is
refused. ``-`` means standard output; a full disk or closed stream there is a one-line error.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from guidance_parser.errors import GuidanceError

STDIO = "-"


def check_output(output: Path | None, inputs: Sequence[Path]) -> None:
    """Refuse an output path that names one of the inputs (``extract g.md -o g.md``), before any work."""
    if output is None or str(output) == STDIO or not output.exists():
        return
    for path in inputs:
        try:
            same = path.exists() and os.path.samefile(path, output)
        except OSError:
            same = False
        if same:
            raise GuidanceError(str(output), "the output is one of the input files and would overwrite it",
                                "give another file name with -o")


def write_output(text: str | bytes, output: Path | None) -> None:
    """Write ``text`` (or a workbook's bytes) to ``output`` (None or ``-``: standard output) without ever
    destroying a file."""
    if output is None or str(output) == STDIO:
        if isinstance(text, bytes):
            raise GuidanceError("stdout", "a workbook cannot be written to the terminal",
                                "give an output file, e.g. -o changes.xlsx")
        _write_stream(sys.stdout, text, "<stdout>", "free some space, or write to a file with -o")
        return
    try:
        mode = os.stat(output).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise GuidanceError(str(output), f"cannot use the output ({err.strerror})",
                            "check the path given with -o") from err
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        try:
            binary = isinstance(text, bytes)
            with open(output, "wb" if binary else "w", encoding=None if binary else "utf-8",
                      newline=None if binary else "") as fh:
                _write_stream(fh, text, str(output), "check the device or pipe given with -o")
        except OSError as err:
            raise GuidanceError(str(output), f"cannot write the output ({err.strerror or err})",
                                "check the device or pipe given with -o") from err
    else:
        from guidance_parser.export import write_atomic

        write_atomic(os.path.realpath(output), text)


def _write_stream(stream: IO[Any], text: str | bytes, name: str, remedy: str) -> None:
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise  # the reader went away (``| head``): the CLI ends quietly
    except OSError as err:
        raise GuidanceError(name, f"cannot write the output ({err.strerror or err})", remedy) from err
