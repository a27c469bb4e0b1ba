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
import re
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
# Extraction rules: cues.toml, quantities.toml, extraction.toml (read by guidance_parser.extract)

CUE_LABELS = frozenset({"COMMIT", "FACT", "MODAL", "INC", "RED", "MAINT", "MIN", "MIN_AFTER", "MAX", "MAX_AFTER",
                        "BASELINE"})
QUANTITY_LABELS = frozenset({"POINTS", "PERCENT", "MONEY", "DURATION", "COUNT", "SMALLCOUNT"})


def _groups(name: str, valid: frozenset[str], field: str) -> dict[str, list[Any]]:
    """The ``field`` list of each top-level table of rule file ``name``, its labels checked."""
    data = read(name)
    check_keys(name, data, valid, "label")
    out: dict[str, list[Any]] = {}
    for label, group in data.items():
        entry = table(f"{name}: [{label}]", group)
        check_keys(f"{name}: [{label}]", entry, {field})
        value = entry.get(field, [])
        if not isinstance(value, list):
            raise RulesError(rules_dir() / name, f"[{label}] {field} must be a list")
        out[label] = value
    return out


def cue_phrases() -> dict[str, tuple[str, ...]]:
    """Cue label -> its phrases (``cues.toml``), for the span_ruler that marks ``doc.spans["cues"]``."""
    return {label: string_list(f"cues.toml: [{label}] phrases", phrases)
            for label, phrases in _groups("cues.toml", CUE_LABELS, "phrases").items()}


def quantity_patterns(word_lists: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    """span_ruler patterns (``{"label", "pattern"}``) of ``quantities.toml``; ``{IN = "$NAME"}`` stands for
    ``{IN = word_lists[NAME]}`` (unit words are kept with the units, not here)."""
    where = "quantities.toml"

    def expand(value: Any) -> Any:
        if isinstance(value, list):
            return [expand(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {k: expand(v) for k, v in value.items()}
        named = out.get("IN")
        if isinstance(named, str):  # {IN = "$MULTIPLIERS"}
            check_keys(where, [named.removeprefix("$")], word_lists, "word list")
            out["IN"] = list(word_lists[named.removeprefix("$")])
        return out

    out = []
    for label, patterns in _groups(where, QUANTITY_LABELS, "patterns").items():
        for pattern in patterns:
            if not isinstance(pattern, list) or not all(isinstance(t, dict) for t in pattern) or not pattern:
                raise RulesError(rules_dir() / where, f"[{label}] each pattern must be a list of token tables")
            out.append({"label": label, "pattern": expand(pattern)})
    return out


EXTRACTION_WORDS = frozenset({
    "comparative", "target_before", "build_verbs", "count_verbs", "count_modifiers", "non_commitment_count_nouns",
    "small_count_not_after", "numbered_names", "document_nouns", "names_after_date", "lead_verbs",
    "deadline_prepositions", "context_free_periods", "reduction_nouns", "increase_nouns"})
EXTRACTION_PATTERNS = frozenset({
    "scope", "baseline", "money_target", "not_a_deadline_before", "example", "example_start", "reference_before",
    "metric_stop", "column_header", "priority_intro"})


def _extraction() -> dict[str, Any]:
    data = read("extraction.toml")
    check_keys("extraction.toml", data, {"words", "patterns"}, "section")
    check_keys("extraction.toml: [words]", table("extraction.toml: [words]", data.get("words", {})),
               EXTRACTION_WORDS, "word list")
    check_keys("extraction.toml: [patterns]", table("extraction.toml: [patterns]", data.get("patterns", {})),
               EXTRACTION_PATTERNS, "pattern")
    return data


def _entry(section: str, name: str, valid: frozenset[str], what: str) -> Any:
    """Entry ``name`` of ``extraction.toml``'s ``[section]``: an unknown name or a missing entry is a RulesError."""
    check_keys(f"extraction.toml: [{section}]", [name], valid, what)
    found = _extraction().get(section, {})
    if name not in found:
        raise RulesError(rules_dir() / "extraction.toml", f"[{section}] has no {what} {name!r}")
    return found[name]


def words(name: str) -> tuple[str, ...]:
    """Word list ``name`` of ``extraction.toml``'s ``[words]``, in file order."""
    return string_list(f"extraction.toml: [words] {name}", _entry("words", name, EXTRACTION_WORDS, "word list"))


def pattern(name: str) -> re.Pattern[str]:
    """Regular expression ``name`` of ``extraction.toml``'s ``[patterns]``, compiled."""
    where = f"extraction.toml: [patterns.{name}]"
    entry = table(where, _entry("patterns", name, EXTRACTION_PATTERNS, "pattern"))
    check_keys(where, entry, {"regex", "ignore_case"})
    regex = entry.get("regex")
    source = regex if isinstance(regex, str) else "".join(string_list(f"{where} regex", regex))
    try:
        return re.compile(source, re.IGNORECASE if entry.get("ignore_case") is True else 0)
    except re.error as e:
        raise RulesError(rules_dir() / "extraction.toml", f"{where} regex does not compile ({e})") from None
