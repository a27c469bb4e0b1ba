"""The one error type users see: what went wrong with which file, and what to do about it.

Stages raise ``GuidanceError`` for any problem caused by the input (unreadable, encrypted, scanned,
empty, no detectable year ...). The CLI prints ``str(error)`` as a single line and exits non-zero;
only ``--debug`` shows a traceback.
"""

from __future__ import annotations


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
        return f"{msg}; {self.remedy}" if self.remedy else msg
