"""Machine-readable exports for other trackers: JSON (schema-validated), JSONL, CSV, atomic writes.

This module owns the published shapes. ``schema.json`` (shipped in the package, printed by
``guidance schema``) describes every JSON document written here, and each payload is validated
against it before it is returned, so a tracker can rely on the schema. CSV has one row per record
with the columns of the export contract (``rows.py``), which each JSONL line carries as ``row``.
Ids are stable: an extracted record's id comes from the extractor (a hash of its normalised text);
a diff row's id is the record's lineage id (see ``model.Change``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jsonschema

from guidance_parser import __version__, rows
from guidance_parser.errors import GuidanceError
from guidance_parser.model import DiffResult, Extraction, to_dict
from guidance_parser.present import record_type

SCHEMA_VERSION = "1.4"
Kind = Literal["extraction", "diff", "extraction_line", "diff_line"]
_DEFS: dict[str, str] = {"extraction": "ExtractionPayload", "diff": "DiffPayload",
                         "extraction_line": "ExtractionLine", "diff_line": "DiffLine"}


# --- schema -----------------------------------------------------------------------------------

def schema_text() -> str:
    """The JSON Schema of every JSON export, as shipped in the package."""
    return resources.files("guidance_parser").joinpath("schema.json").read_text(encoding="utf-8")


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_text())
    return data


@cache
def _validator(kind: Kind) -> jsonschema.protocols.Validator:
    full = schema()
    sub = {"$schema": full["$schema"], "$defs": full["$defs"], "$ref": f"#/$defs/{_DEFS[kind]}"}
    cls = jsonschema.validators.validator_for(full)
    return cls(sub, format_checker=cls.FORMAT_CHECKER)


def validate(data: Any, kind: Kind) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``data`` is a valid export of this kind."""
    if kind not in _DEFS:
        raise ValueError(f"unknown export kind {kind!r}; expected one of {sorted(_DEFS)}")
    _validator(kind).validate(data)


# --- payloads ---------------------------------------------------------------------------------

def _header(kind: str) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "kind": kind, "generator": f"guidance-parser {__version__}"}


def extraction_payload(extractions: Sequence[Extraction]) -> dict[str, Any]:
    """All records of one or more editions, as one schema-valid JSON document."""
    data = {**_header("extraction"), "extractions": [to_dict(x) for x in extractions]}
    validate(data, "extraction")
    return data


def diff_payload(result: DiffResult) -> dict[str, Any]:
    """The whole diff (changes with both records and evidence, section diffs, timelines)."""
    body = to_dict(result)
    data = {**_header("diff"), **{k: body[k] for k in ("editions", "pairs", "timelines", "settings")}}
    validate(data, "diff")
    return data


def to_json(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# --- flat rows: JSONL and CSV -----------------------------------------------------------------

def extraction_lines(extractions: Sequence[Extraction]) -> list[dict[str, Any]]:
    """One JSON object per record (schema ``ExtractionLine``), in document order: the record itself
    and, under ``row``, its flat row of the export contract (the CSV's columns and values)."""
    lines = []
    for x in extractions:
        doc = to_dict(x.document)
        for r in rows.records(x):
            lines.append({"record_type": record_type(r), "edition": x.document.edition, "document": doc,
                          "record": to_dict(r), "row": rows.record_row(r, x.document.edition, x.document.path)})
    return lines


def diff_lines(result: DiffResult) -> list[dict[str, Any]]:
    """One JSON object per change (schema ``DiffLine``), pair by pair: the change and, under ``row``,
    its flat row of the export contract."""
    paths = rows.document_paths(result.editions)
    return [{**to_dict(c), "row": rows.change_row(c, paths)} for p in result.pairs for c in p.changes]


def to_jsonl(lines: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n" for line in lines)


# The flat columns are the export contract's (rows.py): CSV, JSONL rows, xlsx and SQLite share them.
EXTRACTION_COLUMNS = rows.names(rows.RECORD_COLUMNS)
DIFF_COLUMNS = rows.names(rows.CHANGE_COLUMNS)
extraction_rows = rows.extraction_rows
diff_rows = rows.diff_rows


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet that splits on ";" (a European Excel) starts a cell after every ";" in the text, even a
# quoted one: a formula start there is neutralised too ("-" only before a letter, so "; -5%" stays).
_FORMULA_AFTER_SEMICOLON = re.compile(r";(\s*)(?=[=+@\t\r]|-[^\d\s.])")


def _cell(v: Any) -> Any:
    """CSV cell text. Text that a spreadsheet would run as a formula is prefixed with ' (OWASP)."""
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if not isinstance(v, str):
        return v
    v = _FORMULA_AFTER_SEMICOLON.sub(r";\1'", v)
    if v.startswith(_FORMULA_START):
        try:
            float(v)
        except ValueError:
            return "'" + v
    return v


BOM = "\ufeff"  # lets Excel on Windows read the CSV as UTF-8 ("£", not "Â£")


def to_csv(table: Iterable[Mapping[str, Any]], columns: Sequence[str], *, excel: bool = False) -> str:
    """CSV text, header first, columns in the given order (missing values empty); ``excel`` starts it
    with a UTF-8 byte-order mark.

    Every text cell is quoted, numbers are not: a spreadsheet that splits on ``;`` (a European Excel)
    then keeps ``a;=cmd|...`` as one text cell instead of starting a new cell with ``=``."""
    lines = [",".join(_quoted(c) for c in columns)]
    for row in table:
        lines.append(",".join(_quoted(_cell(row.get(c))) for c in columns))
    return (BOM if excel else "") + "".join(line + "\n" for line in lines)


def _quoted(v: Any) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return repr(v)  # as the csv module writes numbers
    return '"' + str(v).replace('"', '""') + '"'


# --- conveniences used by the pipeline ---------------------------------------------------------

def extraction_jsonl(extractions: Sequence[Extraction]) -> str:
    return to_jsonl(extraction_lines(extractions))


def extraction_csv(extractions: Sequence[Extraction], *, excel: bool = False) -> str:
    return to_csv(extraction_rows(extractions), EXTRACTION_COLUMNS, excel=excel)


def diff_jsonl(result: DiffResult) -> str:
    return to_jsonl(diff_lines(result))


def diff_csv(result: DiffResult, *, excel: bool = False) -> str:
    return to_csv(diff_rows(result), DIFF_COLUMNS, excel=excel)


def diff_summary(result: DiffResult) -> str:
    """One line per run for the terminal: target counts per consecutive pair, as the report's cards count
    them (only targets make the headline numbers; deadlines and priorities are in the tables)."""
    parts = []
    for p in result.pairs:
        c = p.counts
        reworded = sum(ch.reworded_only for ch in p.changes if ch.record_type == "target")
        kept = c.get("kept_without_figure", 0)
        parts.append(f"{p.old.edition} -> {p.new.edition}: targets {c.get('changed', 0) - reworded} changed, "
                     f"{reworded} reworded only, {c.get('added', 0)} added, {c.get('dropped', 0)} dropped, "
                     + (f"{kept} kept without a figure, " if kept else "") + f"{c.get('unchanged', 0)} unchanged")
    return "; ".join(parts)


# --- writing ----------------------------------------------------------------------------------

def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write ``text`` (or bytes, e.g. a workbook) to ``path`` so that readers see the old file or the
    whole new one, never half.

    The text goes to a temporary file in the same folder (same filesystem), is flushed to disk, and
    then replaces the target with ``os.replace``; on any failure the temporary file is removed.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise GuidanceError(str(target), "the output folder does not exist", f"create {folder} first")
    tmp_name = None
    try:
        binary = isinstance(text, bytes)
        with tempfile.NamedTemporaryFile("wb" if binary else "w", encoding=None if binary else "utf-8",
                                         newline=None if binary else "", dir=folder,
                                         prefix=f".{target.name}.", suffix=".tmp", delete=False) as fh:
            tmp_name = fh.name
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        old = os.lstat(target) if os.path.lexists(target) else None
        if old is not None and stat.S_ISREG(old.st_mode):
            # keep the permissions the user gave the old file (never a link's, nor set-id bits)
            os.chmod(tmp_name, old.st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, target)
        tmp_name = None
    except PermissionError as err:
        raise GuidanceError(str(target), f"cannot write the output ({err.strerror})",
                            "choose a folder you can write to with -o") from err
    except IsADirectoryError as err:
        raise GuidanceError(str(target), "the output path is a folder", "give a file name with -o") from err
    except OSError as err:
        raise GuidanceError(str(target), f"cannot write the output ({err.strerror or err})",
                            "check free space and the path given with -o") from err
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
