"""The one error type users see: what went wrong with which file, and what to do about it.

Stages raise ``GuidanceError`` for any problem caused by the input (unreadable, encrypted, scanned,
empty, no detectable year ...). The CLI prints ``str(error)`` as a single line and exits non-zero;
only ``--debug`` shows a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator


class GuidanceError(Exception):
    """A problem with an input file, with a remedy the user can act on."""

    def __init__(self, path: str, problem: str, remedy: str = "", exit_code: int = 2) -> None:
        self.path = path
        self.problem = problem
        self.remedy = remedy
        self.exit_code = exit_code
        super().__init__(str(self))

    def __reduce__(self) -> tuple[type[GuidanceError], tuple[str, str, str, int]]:
        # Rebuilt from its parts when it travels back from a worker process.
        return (GuidanceError, (self.path, self.problem, self.remedy, self.exit_code))

    def __str__(self) -> str:
        msg = f"{self.path}: {self.problem}"
        return f"{msg}; {self.remedy}" if self.remedy else msg


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
