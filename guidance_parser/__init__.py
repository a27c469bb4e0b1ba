"""guidance-parser: what changed between editions of NHS England planning guidance.

Stages, one module each, data flowing one way:
``ingest`` (file -> Document) -> ``extract`` (Document -> Extraction) -> ``diff`` (Extractions ->
DiffResult) -> ``report`` (DiffResult -> HTML) and ``export`` (records -> JSON / JSONL / CSV).
The dataclasses that pass between them live in ``model``; ``api`` is the Python API for notebooks
(``load``, ``records`` and ``save`` are re-exported here; ``extract`` and ``diff`` name the stage
modules, so use ``from guidance_parser.api import extract, diff``).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
_API = ("load", "records", "save")


def __getattr__(name: str) -> Any:
    # Loaded on first use, so `import guidance_parser` (and `guidance --help`) stays instant.
    if name in _API:
        from guidance_parser import api

        return getattr(api, name)
    raise AttributeError(f"module 'guidance_parser' has no attribute {name!r}")
