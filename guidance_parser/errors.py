"""The one error type users see: what went wrong with which file, and what to do about it.

Stages raise ``GuidanceError`` for any problem caused by the input (unreadable, encrypted, scanned,
empty, no detectable year ...). The CLI prints ``str(error)`` as a single line and exits non-zero;
only ``--debug`` shows a traceback.
"""

from __future__ import annotations


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
