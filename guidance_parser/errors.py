"""The one error type users see: what went wrong with which file, and what to do about it.

Stages raise ``GuidanceError`` for any problem caused by the input (unreadable, encrypted, scanned,
empty, no detectable year ...). The CLI prints ``str(error)`` as a single line and exits non-zero;
only ``--debug`` shows a traceback. ``printable`` is how any text from outside (a file name, an
exception's message) is shown on a terminal: control characters escaped, so a file named with an
escape sequence cannot rewrite the screen or split the one line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

# Bidirectional controls reorder what the terminal shows ("txt.exe" as "exe.txt"); the rest of
# Unicode's format characters (soft hyphens, joiners in emoji) are harmless and kept.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """``text`` with control characters (C0, DEL, C1, line and paragraph separators, bidi controls)
    written as ``\\x1b`` / ``\\u202e`` escapes. Applying it twice changes nothing more."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " or not _escaped(c) else
                   (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") for c in text)


def _escaped(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in _BIDI  # Cs: undecodable name bytes


class GuidanceError(Exception):
    """A problem with an input file, with a remedy the user can act on."""

    def __init__(self, path: str, problem: str, remedy: str = "", exit_code: int = 2, api_remedy: str = "") -> None:
        self.path = path
        self.problem = problem
        self.remedy = remedy
        self.exit_code = exit_code
        # the remedy in the Python API's words, when it differs from the CLI's ('edition="2025/26"', not
        # '--edition "2025/26"'); ``api`` shows it instead
        self.api_remedy = api_remedy
        super().__init__(str(self))

    def for_api(self) -> GuidanceError:
        """The same error with the remedy a Python API caller can act on."""
        if not self.api_remedy:
            return self
        return GuidanceError(self.path, self.problem, self.api_remedy, self.exit_code)

    def __reduce__(self) -> tuple[type[GuidanceError], tuple[str, str, str, int, str]]:
        # Rebuilt from its parts when it travels back from a worker process.
        return (GuidanceError, (self.path, self.problem, self.remedy, self.exit_code, self.api_remedy))

    def __str__(self) -> str:
        msg = f"{self.path}: {self.problem}"
        return printable(f"{msg}; {self.remedy}" if self.remedy else msg)


def exception_chain(err: BaseException) -> Iterator[BaseException]:
    """``err`` and every exception it wraps: its ``__cause__`` / ``__context__``, or the exception a
    library passed as its first argument (pdfplumber's ``PdfminerException(err)``), once each."""
    seen: set[int] = set()
    e: BaseException | None = err
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        yield e
        e = e.__cause__ or e.__context__ or (e.args[0] if e.args and isinstance(e.args[0], BaseException) else None)


def caused_by_memory(err: BaseException) -> bool:
    """Whether ``err`` is, or wraps, running out of memory: said as memory, never as a damaged file."""
    return any(isinstance(e, MemoryError) for e in exception_chain(err))
