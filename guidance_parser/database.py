"""The SQLite feed (``--format sqlite``): one database file a tracker keeps across editions.

Owned here: the database's tables and how records, changes and timelines are added to it. The tables
hold the export contract's rows (``rows.py``: the same columns, in the same order, as the CSV and the
workbook), keyed by the stable ids:

- ``documents``: one row per edition (its label, years for sorting, title, file name, SHA-256);
- ``targets``, ``deadlines``, ``priorities``: one row per record per edition, key (edition, id);
- ``changes``: one row per change between consecutive editions, key (old_edition, new_edition, id);
- ``timelines``: one row per edition of a followed record, key (id, edition);
- ``meta``: schema version, generator, rules hash (``rules.rules_hash()``) and when it was last written.

Every edition column is a foreign key to ``documents``; the ids, ``metric_id`` and editions are indexed.
Adding to an existing database never duplicates: an edition already there (same label, same file bytes)
keeps its records; changes and timelines are keyed by lineage id, which a run with more editions does not
change (README, "Ids"), so a re-run replaces them with the same or fuller rows. An edition label already
held for a different file is refused. Only the stdlib ``sqlite3`` is used; ``outputs.write_database``
does the writing so that a failure never leaves a half-written file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from guidance_parser import __version__
from guidance_parser.errors import GuidanceError
from guidance_parser.model import DiffResult, DocumentRef, Edition, Extraction
from guidance_parser.rows import (
    CHANGE_COLUMNS,
    RECORD_COLUMNS,
    TIMELINE_COLUMNS,
    Column,
    diff_record_rows,
    diff_rows,
    extraction_rows,
    names,
    timeline_rows,
)
from guidance_parser.rules import rules_hash

RECORD_TABLES = {"target": "targets", "deadline": "deadlines", "priority": "priorities"}
_SQL_TYPES = {"string": "TEXT", "number": "REAL", "integer": "INTEGER", "date": "TEXT"}  # dates: ISO text

# What `guidance diff --format sqlite` answers; the README shows it.
VALUES_BY_EDITION = """
SELECT t.metric_id, t.measure, t.edition, t.value, t.unit, t.deadline_label, t.scope
FROM targets AS t JOIN documents AS d ON d.edition = t.edition
WHERE t.metric_id IS NOT NULL
ORDER BY t.metric_id, d.first_year, d.last_year, t.value
"""


def _columns(columns: Sequence[Column]) -> str:
    return ",\n  ".join(f'"{c.name}" {_SQL_TYPES[c.type]}' for c in columns)


def _schema_sql() -> str:
    parts = ["""CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
  edition TEXT PRIMARY KEY, first_year INTEGER NOT NULL, last_year INTEGER NOT NULL,
  title TEXT, file TEXT, sha256 TEXT NOT NULL
);"""]
    for table in RECORD_TABLES.values():
        parts.append(f"""CREATE TABLE IF NOT EXISTS {table} (
  {_columns(RECORD_COLUMNS)},
  PRIMARY KEY (edition, id),
  FOREIGN KEY (edition) REFERENCES documents(edition)
);
CREATE INDEX IF NOT EXISTS {table}_id ON {table}(id);
CREATE INDEX IF NOT EXISTS {table}_metric ON {table}(metric_id);""")
    parts.append(f"""CREATE TABLE IF NOT EXISTS changes (
  {_columns(CHANGE_COLUMNS)},
  PRIMARY KEY (old_edition, new_edition, id),
  FOREIGN KEY (old_edition) REFERENCES documents(edition),
  FOREIGN KEY (new_edition) REFERENCES documents(edition)
);
CREATE INDEX IF NOT EXISTS changes_id ON changes(id);
CREATE INDEX IF NOT EXISTS changes_metric ON changes(metric_id);
CREATE INDEX IF NOT EXISTS changes_kind ON changes(change);
CREATE TABLE IF NOT EXISTS timelines (
  {_columns(TIMELINE_COLUMNS)},
  PRIMARY KEY (id, edition),
  FOREIGN KEY (edition) REFERENCES documents(edition)
);
CREATE INDEX IF NOT EXISTS timelines_metric ON timelines(metric_id);""")
    return "\n".join(parts)


def _prepare(con: sqlite3.Connection, name: str) -> None:
    from guidance_parser.export import SCHEMA_VERSION

    con.execute("PRAGMA foreign_keys = ON")
    found = con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if found:
        version = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if version and version[0] != SCHEMA_VERSION:
            raise GuidanceError(name, f"it was written with export schema {version[0]}, this is "
                                f"{SCHEMA_VERSION}", "write to a new database file with -o")
    con.executescript(_schema_sql())
    meta = {"schema_version": SCHEMA_VERSION, "generator": f"guidance-parser {__version__}",
            "rules_hash": rules_hash(), "updated": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    con.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())


def _insert(con: sqlite3.Connection, table: str, columns: Sequence[Column], table_rows: Iterable[Mapping[str, Any]],
            verb: str) -> None:
    cols = names(columns)
    sql = (f'{verb} INTO {table} ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
           f'VALUES ({", ".join("?" for _ in cols)})')
    con.executemany(sql, ([row.get(c) for c in cols] for row in table_rows))


def _add_documents(con: sqlite3.Connection, docs: Sequence[DocumentRef]) -> set[str]:
    """Register the editions; returns those that were new (whose records are to be added)."""
    new = set()
    for d in docs:
        held = con.execute("SELECT sha256, file FROM documents WHERE edition = ?", (d.edition,)).fetchone()
        if held is None:
            ed = Edition.from_label(d.edition)
            if not ed.dated:  # the database orders editions by year
                raise GuidanceError(d.path, "no planning year can be trusted, and the database orders editions "
                                    "by year", f'pass it, e.g. --edition "{Path(d.path).name}=2024/25"',
                                    api_remedy='pass it, e.g. edition="2024/25"')
            con.execute("INSERT INTO documents (edition, first_year, last_year, title, file, sha256) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (d.edition, ed.first_year, ed.last_year, d.title,
                                                      Path(d.path).name, d.sha256))
            new.add(d.edition)
        elif held[0] != d.sha256:
            raise GuidanceError(d.path, f"the database already holds edition {d.edition} from another file "
                                f"({held[1]})", "give this file another edition with --edition, or use a new "
                                "database")
    return new


def _add_records(con: sqlite3.Connection, table_rows: Iterable[dict[str, Any]], editions: set[str]) -> None:
    by_table: dict[str, list[dict[str, Any]]] = {t: [] for t in RECORD_TABLES.values()}
    for row in table_rows:
        if row["edition"] in editions:
            by_table[RECORD_TABLES[row["record_type"]]].append(row)
    for table, group in by_table.items():
        _insert(con, table, RECORD_COLUMNS, group, "INSERT OR IGNORE")


def add_extractions(con: sqlite3.Connection, extractions: Sequence[Extraction], name: str = "database") -> None:
    """Add editions and their records (editions already held are kept as they are); ``name`` is the
    database's file name, for messages."""
    _prepare(con, name)
    new = _add_documents(con, [x.document for x in extractions])
    _add_records(con, extraction_rows(extractions), new)


def add_diff(con: sqlite3.Connection, result: DiffResult, name: str = "database") -> None:
    """Add a diff: its editions and their records, its changes and its timelines."""
    _prepare(con, name)
    new = _add_documents(con, result.editions)
    _add_records(con, diff_record_rows(result), new)
    _insert(con, "changes", CHANGE_COLUMNS, diff_rows(result), "INSERT OR REPLACE")
    _insert(con, "timelines", TIMELINE_COLUMNS, timeline_rows(result), "INSERT OR REPLACE")
