"""The user's choices, parsed where they enter: the PDF engines and ``--edition`` overrides.

This module owns the names of the PDF text engines (the CLI's choices, the API's check, ingest's
dispatch) and turning a user's edition label ("2025/26", "old.pdf=2024/25") into an ``Edition``, so a
bad label fails where it is typed, naming the option, before any file is read. The stages receive
``Edition`` values and engine names checked here, never raw strings to re-parse. It imports nothing
heavy, so ``guidance --help`` stays instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from guidance_parser.errors import GuidanceError
from guidance_parser.model import Edition

# name -> what it is for (the CLI's --engine help)
ENGINES: dict[str, str] = {
    "pdfplumber": "layout fidelity and ruled tables (default)",
    "pdfium": "about five times faster to read; tables come back as paragraphs",
}
DEFAULT_ENGINE = "pdfplumber"


def check_engine(name: str, path: str = "--engine") -> str:
    """``name`` if it is a PDF engine, else the one-line error naming the valid ones."""
    if name not in ENGINES:
        raise GuidanceError(path, f"unknown PDF engine {name!r}",
                            "use " + " or ".join(f"--engine {e}" for e in ENGINES),
                            api_remedy="use " + " or ".join(f'engine="{e}"' for e in ENGINES))
    return name


def as_edition(value: Edition | str | None, path: str = "--edition") -> Edition | None:
    """A user's edition ("2025/26", "2026/27 to 2028/29", "2025", or an Edition) as an Edition."""
    if value is None or isinstance(value, Edition):
        return value
    try:
        return Edition.from_label(value)
    except ValueError:
        raise GuidanceError(path, f"the edition {value!r} has no year in it",
                            'pass --edition "YYYY/YY", e.g. --edition "2025/26"',
                            api_remedy='pass edition="YYYY/YY", e.g. edition="2025/26"') from None


def edition_overrides(values: Sequence[str], files: Sequence[Path]) -> dict[Path, Edition]:
    """Map each file to the edition the user gave it with ``--edition``.

    A bare "2025/26" applies to the only file given; "FILE=LABEL" names the file (by path or
    file name) so several can be set in one run.
    """
    out: dict[Path, Edition] = {}
    for value in values:
        name, sep, label = value.rpartition("=")
        if not sep:
            if len(files) != 1:
                raise GuidanceError(value, "a bare --edition needs exactly one input file",
                                    'write --edition FILE=LABEL, e.g. --edition old.pdf=2024/25')
            out[files[0]] = _parsed(label, files[0])
            continue
        matches = [f for f in files if f == Path(name) or f.name == name]
        if not matches:
            raise GuidanceError(name, "--edition names a file that is not among the inputs",
                                "use the file's path or name as given on the command line")
        for f in matches:
            out[f] = _parsed(label, f)
    return out


def _parsed(label: str, file: Path) -> Edition:
    edition = as_edition(label, str(file))
    assert edition is not None
    return edition
