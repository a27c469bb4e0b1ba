"""guidance-parser: what changed between editions of NHS England planning guidance.

Stages, one module each, data flowing one way:
``ingest`` (file -> Document) -> ``extract`` (Document -> Extraction) -> ``diff`` (Extractions ->
DiffResult) -> ``report`` (DiffResult -> HTML) and ``export`` (records -> JSON / JSONL / CSV).
The dataclasses that pass between them live in ``model``.
"""

__version__ = "0.1.0"
