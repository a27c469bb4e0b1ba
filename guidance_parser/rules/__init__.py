"""The rules: how NHS guidance says things, as data files beside this module, loaded and validated here.

This module owns reading the rule files (TOML, one per kind of knowledge), checking them, and the
content hash that joins the cache key. It holds no word lists itself: a policy analyst teaches the tool
a new year's wording by editing the ``*.toml`` files in this folder (or a copy of the folder named by
``$GUIDANCE_RULES_DIR``), never Python. The stages ask this module for typed views of the data; the
decisions (which cue wins, where a clause ends) stay in the stages' code.

A file that names an unknown key or label is rejected with a ``RulesError`` that lists the valid ones,
so a typo in a rule file fails loudly instead of silently matching nothing.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from guidance_parser.errors import GuidanceError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

RULES_ENV = "GUIDANCE_RULES_DIR"


class RulesError(GuidanceError):
    """A rule file that cannot be used: unreadable, malformed, or naming an unknown key or label."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(str(path), problem, "fix the rule file (see the README, 'Teaching it a new year's wording')")


def rules_dir() -> Path:
    """The folder the rules are read from: ``$GUIDANCE_RULES_DIR`` when set, else the shipped folder."""
    override = os.environ.get(RULES_ENV)
    return Path(override) if override else Path(__file__).resolve().parent


@cache
def _read(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RulesError(path, "rule file missing") from None
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RulesError(path, f"cannot be read as TOML ({e})") from None


def read(name: str) -> dict[str, Any]:
    """The parsed content of rule file ``name`` (e.g. ``"cues.toml"``) in the current rules folder."""
    return _read(rules_dir(), name)


def check_keys(where: str, found: Iterable[str], valid: Iterable[str], what: str = "key") -> None:
    """Reject any of ``found`` that is not in ``valid``, naming the valid ones."""
    allowed = sorted(valid)
    unknown = sorted(set(found) - set(allowed))
    if unknown:
        raise RulesError(rules_dir() / where.split(":")[0],
                         f"unknown {what} {', '.join(map(repr, unknown))} in {where}; valid: {', '.join(allowed)}")


def string_list(where: str, value: Any) -> tuple[str, ...]:
    """``value`` as a tuple of strings, or a RulesError naming ``where``."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(rules_dir() / where.split(":")[0], f"{where} must be a list of strings")
    return tuple(value)


def table(where: str, value: Any) -> Mapping[str, Any]:
    """``value`` as a TOML table, or a RulesError naming ``where``."""
    if not isinstance(value, dict):
        raise RulesError(rules_dir() / where.split(":")[0], f"{where} must be a table")
    return value


def rules_hash() -> str:
    """Content hash of every rule file in use: joins the cache key, so edited rules re-extract."""
    return _hash(rules_dir())


@cache
def _hash(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.toml")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def reload() -> None:
    """Forget every file read so far (for tests that edit a copy of the rules)."""
    _read.cache_clear()
    _hash.cache_clear()


# --------------------------------------------------------------------------------------------
# Tables (tables.toml): the words of header cells, and row labels that name a level, not a measure

_TABLE_KEYS = ("header_words", "target_columns", "level_rows")


def _tables() -> dict[str, Any]:
    data = read("tables.toml")
    check_keys("tables.toml", data, _TABLE_KEYS)
    return data


def table_header_words() -> tuple[str, ...]:
    """Words a header row may consist of (with years) to continue the header row above it."""
    return string_list("tables.toml: header_words", _tables().get("header_words", []))


def table_level_rows() -> tuple[str, ...]:
    """Row labels that name the level a table's figures apply at ("every trust", "national")."""
    return string_list("tables.toml: level_rows", _tables().get("level_rows", []))


def table_target_columns() -> tuple[str, ...]:
    """Words that, beside a year in a column header, make the column's figures targets for that year."""
    return string_list("tables.toml: target_columns", _tables().get("target_columns", []))
