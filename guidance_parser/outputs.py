"""Where a command's result goes, written so that no output ever destroys a file.

Owns ``write_output``, the one function every command writes through (the CLI's ``-o`` and the API's
``save``), and ``check_output``, the refusals made before any work starts. A regular file is replaced
atomically (``export.write_atomic``); anything else (``/dev/null``, ``/dev/stdout``, a FIFO) is written
straight into, because renaming a temporary file over it would replace the device with a regular file,
which as root destroys a system file. An output that is one of the inputs is refused. ``-`` means
standard output; a full disk or closed stream there is a one-line error.

Symbolic links: a link on the output's path (the file itself or a folder above it) is followed only
when it belongs to the user running the tool or to root. A link another user owns is refused, never
followed: in a folder others can write to (``/tmp``) anyone can plant ``/tmp/report.html ->
/etc/shadow``, and following it as root overwrote that file. The path is resolved once, checking
each link, and the write then goes to the resolved path: a rename replaces whatever entry is there
(never writing through a link planted after the check), and a device is opened with ``O_NOFOLLOW``.
``write_database`` adds to a SQLite database through the same checked path: on a copy, which
replaces the file only when complete (a rename, so never through a link), so a failure leaves the old
database as it was.
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
    """Refuse, before any work, an output path that names one of the inputs (``extract g.md -o g.md``)
    or goes through a symbolic link another user owns."""
    if output is None or str(output) == STDIO:
        return
    resolved = Path(resolve_output(output))
    if not resolved.exists():
        return
    for path in inputs:
        try:
            same = path.exists() and os.path.samefile(path, resolved)
        except OSError:
            same = False
        if same:
            raise GuidanceError(str(output), "the output is one of the input files and would overwrite it",
                                "give another file name with -o")


_MAX_LINKS = 40  # as the kernel's ELOOP


def resolve_output(output: Path) -> str:
    """The real path ``output`` names, its symbolic links followed only when the user or root owns
    them; a link another user owns is a GuidanceError (see the module docstring)."""
    return _resolve(output)[0]


def _resolve(output: Path) -> tuple[str, bool]:
    """``resolve_output``, and whether the path ends at a /proc "magic" link (checked, to be followed)."""
    me = os.geteuid() if hasattr(os, "geteuid") else None
    todo = [p for p in os.fspath(output).split(os.sep) if p]
    resolved = os.sep if os.path.isabs(output) else os.getcwd()
    hops = 0
    while todo:
        name = todo.pop(0)
        if name == ".":
            continue
        if name == "..":
            resolved = os.path.dirname(resolved)
            continue
        candidate = os.path.join(resolved, name)
        try:
            st = os.lstat(candidate)
        except OSError:  # missing (a new file) or unreadable: the write itself says so
            return os.path.join(candidate, *todo), False
        if not stat.S_ISLNK(st.st_mode):
            resolved = candidate
            continue
        if me is not None and st.st_uid not in (me, 0):
            where = "the output is" if not todo else f"the output's folder {candidate} is"
            raise GuidanceError(str(output), f"{where} a symbolic link owned by another user, which is never "
                                "followed (it could point at any file)",
                                "remove the link or give another file name with -o")
        hops += 1
        if hops > _MAX_LINKS:
            raise GuidanceError(str(output), "the output path has too many symbolic links", "give another file name")
        target = os.readlink(candidate)
        if not os.path.lexists(os.path.join(resolved, target)) and os.path.exists(candidate):
            # a /proc "magic" link (/dev/stdout -> /proc/self/fd/1 -> "pipe:[123]"): no path names what
            # it opens, so the (owned) link itself is the output
            return os.path.join(candidate, *todo), not todo
        todo = [p for p in target.split(os.sep) if p] + todo
        if os.path.isabs(target):
            resolved = os.sep
    return resolved, False


def write_output(text: str | bytes, output: Path | None) -> None:
    """Write ``text`` (or a workbook's bytes) to ``output`` (None or ``-``: standard output) without ever
    destroying a file."""
    if output is None or str(output) == STDIO:
        if isinstance(text, bytes):
            raise GuidanceError("stdout", "a workbook cannot be written to the terminal",
                                "give an output file, e.g. -o changes.xlsx")
        _write_stream(sys.stdout, text, "<stdout>", "free some space, or write to a file with -o")
        return
    real, magic = _resolve(output)
    try:
        mode = (os.stat if magic else os.lstat)(real).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise GuidanceError(str(output), f"cannot use the output ({err.strerror})",
                            "check the path given with -o") from err
    device = mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode))
    if device and _write_device(real, text, output, follow=magic):
        return
    from guidance_parser.export import write_atomic

    write_atomic(real, text)  # a rename: replaces the entry at ``real``, never follows a link there


def _write_device(real: str, text: str | bytes, output: Path, follow: bool) -> bool:
    """Write into the device or pipe at ``real`` (a link there is followed only when ``follow``: a
    checked /proc link); False when it turned into a regular file meanwhile."""
    remedy = "check the device or pipe given with -o"
    try:
        no_follow = 0 if follow else getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(real, os.O_WRONLY | no_follow | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise GuidanceError(str(output), f"cannot write the output ({err.strerror or err})", remedy) from err
    if stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a file after the check: replace it atomically
        os.close(fd)
        return False
    binary = isinstance(text, bytes)
    try:
        with open(fd, "wb" if binary else "w", encoding=None if binary else "utf-8",
                  newline=None if binary else "") as fh:
            _write_stream(fh, text, str(output), remedy)
    except OSError as err:
        raise GuidanceError(str(output), f"cannot write the output ({err.strerror or err})", remedy) from err
    return True


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
    real, magic = _resolve(output)  # a link another user owns is refused here, as for every output
    target = Path(real)
    try:
        mode: int | None = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise GuidanceError(str(output), f"cannot use the output ({err.strerror})",
                            "check the path given with -o") from err
    if mode is not None:
        if magic or not stat.S_ISREG(mode):
            raise GuidanceError(str(output), "a database must be a regular file, not a device, pipe or folder",
                                "give a database file name with -o")
        with _open_no_follow(target, output) as fh:
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
        if mode is not None:
            with _open_no_follow(target, output) as src, open(tmp_name, "wb") as dst:
                shutil.copyfileobj(src, dst)
                os.chmod(tmp_name, os.fstat(src.fileno()).st_mode & 0o7777)  # keep the permissions the user gave it
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
        os.replace(tmp_name, target)  # replaces the entry at ``target``, never follows a link there
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


def _open_no_follow(path: Path, output: Path) -> IO[bytes]:
    """``path`` opened for reading, refusing a symbolic link planted there after the path was checked."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as err:
        raise GuidanceError(str(output), f"cannot read the existing database ({err.strerror or err})",
                            "give a new file name with -o") from err
    return open(fd, "rb")
