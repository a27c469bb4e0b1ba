"""The SQLite feed: built from three editions, extended with a fourth without duplicating anything, and
answering "every headline measure's value by edition" with the one query the README shows."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from cli import main
from guidance_parser import database
from guidance_parser.export import SCHEMA_VERSION
from guidance_parser.rules import rules_hash

ROOT = Path(__file__).resolve().parent.parent
DEMO_SRC = ROOT / "corpora" / "demo" / "src"
# Each later edition is the one before rolled on a year, with the 4-hour A&E figure and the ambulance
# mean moved (as tests/test_ids.py derives its third edition).
ROLLS = [("2025/26", "March 2026", "80%", "28 minutes"), ("2026/27", "March 2027", "82%", "27 minutes")]


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("editions")
    a = Path(shutil.copy(DEMO_SRC / "planning-guidance-2023-24.md", folder))
    b = Path(shutil.copy(DEMO_SRC / "planning-guidance-2024-25.md", folder))
    out, prev = [a, b], ("2024/25", "March 2025", "78%", "30 minutes")
    text = b.read_text(encoding="utf-8")
    for roll in ROLLS:
        for old, new in zip(prev, roll, strict=True):
            assert old in text, old
            text = text.replace(old, new)
        path = folder / f"planning-guidance-{roll[0].replace('/', '-')}.md"
        path.write_text(text, encoding="utf-8")
        out.append(path)
        prev = roll
    return out


def _dump(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as con:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("documents", "targets", "deadlines", "priorities", "changes", "timelines")}


def _readme_query() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```sql\n(.*?)```", text, re.S)
    assert found, "the README shows the query"
    return found.group(1)


@pytest.fixture(scope="module")
def extended(editions: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("db") / "tracker.sqlite"
    assert main(["diff", *map(str, editions[:3]), "--format", "sqlite", "-o", str(db)]) == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (3,)
    assert main(["diff", *map(str, editions), "--format", "sqlite", "-o", str(db)]) == 0
    return db


def test_extending_adds_the_fourth_edition_and_duplicates_nothing(editions: list[Path], extended: Path,
                                                                   tmp_path: Path):
    fresh = tmp_path / "fresh.sqlite"
    assert main(["diff", *map(str, editions), "--format", "sqlite", "-o", str(fresh)]) == 0
    got, once = _dump(extended), _dump(fresh)
    assert [d[0] for d in sorted(got["documents"])] == ["2023/24", "2024/25", "2025/26", "2026/27"]
    for table in got:  # built in two runs, the database holds exactly what one run over all four writes
        assert got[table] == once[table], table
    with sqlite3.connect(extended) as con:
        pairs = con.execute("SELECT DISTINCT old_edition, new_edition FROM changes ORDER BY 1").fetchall()
        assert pairs == [("2023/24", "2024/25"), ("2024/25", "2025/26"), ("2025/26", "2026/27")]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        assert meta["schema_version"] == SCHEMA_VERSION and meta["rules_hash"] == rules_hash()
        assert meta["generator"].startswith("guidance-parser ")
        indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"targets_metric", "changes_id", "timelines_metric"} <= indexes


def test_the_readme_query_gives_every_headline_measure_by_edition(extended: Path):
    query = _readme_query()
    assert query.strip() == database.VALUES_BY_EDITION.strip()
    with sqlite3.connect(extended) as con:
        rows = con.execute(query).fetchall()
    ae = [(edition, value) for metric, _, edition, value, *_ in rows if metric == "uec.ae_4h"]
    assert ae == [("2023/24", 76.0), ("2024/25", 78.0), ("2025/26", 80.0), ("2026/27", 82.0)]
    assert len({r[0] for r in rows}) >= 5  # several catalogue measures, each by edition


def test_a_database_never_destroys_a_file(editions: list[Path], extended: Path, tmp_path: Path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("my notes", encoding="utf-8")
    assert main(["diff", *map(str, editions[:2]), "--format", "sqlite", "-o", str(notes)]) == 2
    assert notes.read_text(encoding="utf-8") == "my notes"
    # the same edition label from another file is refused, and the database is left as it was
    before = extended.read_bytes()
    other = tmp_path / "other.md"
    other.write_text(editions[0].read_text(encoding="utf-8") + "\nA new closing paragraph.\n", encoding="utf-8")
    assert main(["diff", str(other), str(editions[1]), "--format", "sqlite", "-o", str(extended)]) == 2
    assert extended.read_bytes() == before
    assert main(["diff", *map(str, editions[:2]), "--format", "sqlite", "-o", "-"]) == 2
    assert not list(tmp_path.glob(".*.tmp"))


def test_extract_adds_an_edition_to_the_database(editions: list[Path], tmp_path: Path):
    db = tmp_path / "x.sqlite"
    assert main(["extract", str(editions[0]), "--format", "sqlite", "-o", str(db)]) == 0
    assert main(["extract", str(editions[0]), str(editions[1]), "--format", "sqlite", "-o", str(db)]) == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (2,)
        per_edition = dict(con.execute("SELECT edition, count(*) FROM targets GROUP BY edition").fetchall())
        ids = con.execute("SELECT count(*), count(DISTINCT edition || id) FROM targets").fetchone()
    assert set(per_edition) == {"2023/24", "2024/25"} and ids[0] == ids[1] > 0
