"""Where a command's result goes, written so that no output ever destroys a file.

Owns ``write_output``, the one function every command writes through, and ``check_output``, the
refusals made before any work starts. A regular file is replaced atomically (``export.write_atomic``),
through a symbolic link to the file it points at; anything else (``/dev/null``, ``/dev/stdout``, a
FIFO) is written straight into, because renaming a temporary file over it would replace the device
with a regular file, which as root destroys a system file. An output that is one of the inputs is
refused. ``-`` means standard output; a full disk or closed stream there is a one-line error.
``write_database`` adds to a SQLite database the same way: on a copy, which replaces the file only
when complete, so a failure leaves the old database as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
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


SQLITE_HEADER = b"SQLite format 3\x00"


def write_database(output: Path | None, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Create or extend the SQLite database ``output`` with ``fill(connection)``, never destroying a file.

    The work is done on a copy in the same folder (the old database, or nothing), which replaces
    ``output`` atomically once committed; on any failure the copy is removed and ``output`` is as it
    was. A file that is not a SQLite database, a device, a pipe or standard output is refused."""
    if output is None or str(output) == STDIO:
        raise GuidanceError("stdout", "a database cannot be written to the terminal",
                            "give a database file, e.g. -o targets.sqlite")
    target = Path(os.path.realpath(output))
    if target.exists():
        if not target.is_file():
            raise GuidanceError(str(output), "a database must be a regular file, not a device, pipe or folder",
                                "give a database file name with -o")
        with open(target, "rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise GuidanceError(str(output), "the file exists and is not a SQLite database, so it is kept",
                                    "give a new file name, or an existing guidance database, with -o")
    folder = target.parent
    if not folder.is_dir():
        raise GuidanceError(str(output), "the output folder does not exist", f"create {folder} first")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        if target.exists():
            shutil.copyfile(target, tmp_name)
            os.chmod(tmp_name, target.stat().st_mode & 0o7777)  # keep the permissions the user gave it
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        con = sqlite3.connect(tmp_name)
        try:
            with con:  # one transaction: committed whole, or rolled back
                fill(con)
        finally:
            con.close()
        with open(tmp_name, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
        tmp_name = None
    except sqlite3.DatabaseError as err:
        raise GuidanceError(str(output), f"cannot add to the database ({err})",
                            "give a new file name, or a database written by guidance, with -o") from err
    except PermissionError as err:
        raise GuidanceError(str(output), f"cannot write the output ({err.strerror})",
                            "choose a folder you can write to with -o") from err
    except OSError as err:
        raise GuidanceError(str(output), f"cannot write the output ({err.strerror or err})",
                            "check free space and the path given with -o") from err
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
