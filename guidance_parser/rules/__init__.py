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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

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
    _forget_vocabulary()


# =============================================================================================
# Vocabulary and measures (diff side): standards.toml, areas.toml, metrics.toml, units.toml
#
# Typed, validated views of the files that say what NHS guidance names: the named standards and
# their synonyms, the policy areas, the metric catalogue and the units. Modules that compile these
# into matchers register their caches with ``on_reload`` so that ``reload()`` forgets them too.
# =============================================================================================

_reload_hooks: list[Callable[[], None]] = []


def on_reload(clear: Callable[[], None]) -> Callable[[], None]:
    """Register a cache-clearing function that ``reload()`` calls (returns it, for use as a one-liner)."""
    _reload_hooks.append(clear)
    return clear


def _forget_vocabulary() -> None:
    for clear in _reload_hooks:
        clear()


def _fail(where: str, problem: str) -> RulesError:
    return RulesError(rules_dir() / where.split(":")[0], f"{where}: {problem}")


def _string(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, "must be a non-empty string")
    return value


@dataclass(frozen=True)
class Standard:
    """A named thing NHS guidance writes several ways, folded to one ``token`` for matching and ids.

    ``anchor``: the token names a specific standard (the 4-hour A&E standard, the Faster Diagnosis
    Standard), so two texts naming different anchors are different targets."""

    token: str
    anchor: bool
    phrasings: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """standards.toml: the standards in the order they are folded, number words, duration units."""

    standards: tuple[Standard, ...]
    number_words: tuple[tuple[str, str], ...]
    duration_units: tuple[str, ...]  # "4 hours" -> "4hour": one token for one standard
    anchor_durations: tuple[str, ...]  # durations that name a standard (minutes to weeks, not "2 years")


@cache
def vocabulary() -> Vocabulary:
    """The named standards and synonyms (standards.toml), validated."""
    name = "standards.toml"
    data = read(name)
    check_keys(name, data, ("standard", "number_words", "durations"))
    items = data.get("standard", [])
    if not isinstance(items, list):
        raise _fail(f"{name}:standard", "must be an array of tables ([[standard]])")
    out: list[Standard] = []
    for k, item in enumerate(items):
        where = f"{name}:standard[{k}]"
        check_keys(where, table(where, item), ("token", "anchor", "phrasings"))
        token = _string(f"{where}.token", item.get("token"))
        if not token.replace("_", "").isalnum() or token != token.lower():
            raise _fail(f"{where}.token", f"{token!r} must be one lower-case word (letters, digits, _)")
        anchor = item.get("anchor", False)
        if not isinstance(anchor, bool):
            raise _fail(f"{where}.anchor", "must be true or false")
        out.append(Standard(token, anchor, string_list(f"{where}.phrasings", item.get("phrasings"))))
    numbers = table(f"{name}:number_words", data.get("number_words", {}))
    durations = table(f"{name}:durations", data.get("durations", {}))
    check_keys(f"{name}:durations", durations, ("units", "anchor_units"))
    units = string_list(f"{name}:durations.units", durations.get("units", []))
    anchor_units = string_list(f"{name}:durations.anchor_units", durations.get("anchor_units", []))
    check_keys(f"{name}:durations.anchor_units", anchor_units, units, "duration unit")
    return Vocabulary(tuple(out), tuple((w, _string(f"{name}:number_words.{w}", d)) for w, d in numbers.items()),
                      units, anchor_units)


@dataclass(frozen=True)
class Area:
    """A policy area the report groups by; ``patterns`` are regular expressions over folded text."""

    name: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Areas:
    """areas.toml: the areas in report order, and the name for records in none of them."""

    areas: tuple[Area, ...]
    other: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.areas)


@cache
def areas() -> Areas:
    """The NHS policy areas (areas.toml), validated (every pattern must compile)."""
    name = "areas.toml"
    data = read(name)
    check_keys(name, data, ("area", "other"))
    out: list[Area] = []
    for k, item in enumerate(data.get("area", [])):
        where = f"{name}:area[{k}]"
        check_keys(where, table(where, item), ("name", "patterns"))
        patterns = string_list(f"{where}.patterns", item.get("patterns"))
        for p in patterns:
            try:
                re.compile(p)
            except re.error as e:
                raise _fail(f"{where}.patterns", f"{p!r} is not a regular expression ({e})") from None
        out.append(Area(_string(f"{where}.name", item.get("name")), patterns))
    return Areas(tuple(out), _string(f"{name}:other", data.get("other")))


UnitKind = Literal["percent", "points", "time", "money", "count"]
UNIT_KINDS: tuple[str, ...] = get_args(UnitKind)


@dataclass(frozen=True)
class Metric:
    """A recurring NHS measure of the catalogue: a stable ``id`` ("uec.ae_4h"), what it is called, its
    policy area, the kind of unit it is stated in (``None``: any) and the phrasings that name it."""

    id: str
    name: str
    area: str
    unit: UnitKind | None
    phrasings: tuple[str, ...]
    headline: int = 0  # how much a change of it is news: 3 national standard ... 1 minor; 0 tables only


HEADLINE_MAX = 3  # metrics.toml "headline": 0 (tables only) to 3 (a national standard the briefing leads with)


@cache
def metrics() -> tuple[Metric, ...]:
    """The metric catalogue (metrics.toml), validated: unique ids, known areas and unit kinds."""
    name = "metrics.toml"
    data = read(name)
    check_keys(name, data, ("metric",))
    valid_areas = (*areas().names, areas().other)
    out: list[Metric] = []
    for k, item in enumerate(data.get("metric", [])):
        where = f"{name}:metric[{k}]"
        check_keys(where, table(where, item), ("id", "name", "area", "unit", "phrasings", "headline"))
        mid = _string(f"{where}.id", item.get("id"))
        if not re.fullmatch(r"[a-z]+\.[a-z0-9_]+", mid):
            raise _fail(f"{where}.id", f"{mid!r} must be 'area.measure' in lower case (e.g. uec.ae_4h)")
        if any(m.id == mid for m in out):
            raise _fail(f"{where}.id", f"{mid!r} is used twice")
        area = _string(f"{where}.area", item.get("area"))
        check_keys(f"{where}.area", [area], valid_areas, "area")
        unit = item.get("unit")
        if unit is not None:
            check_keys(f"{where}.unit", [unit], UNIT_KINDS, "unit kind")
        headline = item.get("headline", 0)
        if not isinstance(headline, int) or isinstance(headline, bool) or not 0 <= headline <= HEADLINE_MAX:
            raise _fail(f"{where}.headline", f"{headline!r} must be a whole number from 0 to {HEADLINE_MAX}")
        out.append(Metric(mid, _string(f"{where}.name", item.get("name")), area, unit,
                          string_list(f"{where}.phrasings", item.get("phrasings")), headline))
    return tuple(out)


@dataclass(frozen=True)
class UnitNames:
    """units.toml: unit spellings by kind, time units by canonical name, money scales, the tolerance."""

    percent: tuple[str, ...]
    points: tuple[str, ...]
    money: tuple[str, ...]
    time: tuple[tuple[str, tuple[str, ...]], ...]
    bare: tuple[str, ...]
    canonical: tuple[tuple[str, str], ...]  # kind -> canonical unit (percent, points, money)
    money_scales: tuple[tuple[str, float], ...]  # largest first
    read_durations: tuple[str, ...]  # time units a figure is read in (the extractor's DURATION units)
    read_scales: tuple[tuple[str, float], ...]  # scale words of a figure being read, in the file's order
    tolerance: float
    relative_changes: tuple[tuple[str, float], ...] = ()  # number word -> % change ("double" 100, "halve" -50)


@cache
def unit_names() -> UnitNames:
    """The units (units.toml), validated."""
    name = "units.toml"
    data = read(name)
    check_keys(name, data, ("percent", "points", "money", "time", "reading", "scales", "money_scales", "count",
                            "equality", "relative_changes"))
    kinds: dict[str, tuple[str, tuple[str, ...]]] = {}
    for kind in ("percent", "points", "money"):
        t = table(f"{name}:{kind}", data.get(kind))
        check_keys(f"{name}:{kind}", t, ("canonical", "names"))
        kinds[kind] = (_string(f"{name}:{kind}.canonical", t.get("canonical")),
                       tuple(n.lower() for n in string_list(f"{name}:{kind}.names", t.get("names"))))
    time = table(f"{name}:time", data.get("time"))
    reading = table(f"{name}:reading", data.get("reading"))
    check_keys(f"{name}:reading", reading, ("durations",))
    durations = string_list(f"{name}:reading.durations", reading.get("durations"))
    check_keys(f"{name}:reading.durations", durations, time, "time unit")
    scales, read_scales = (table(f"{name}:{key}", data.get(key)) for key in ("money_scales", "scales"))
    for key, factors in (("money_scales", scales), ("scales", read_scales)):
        for word, factor in factors.items():
            if not isinstance(factor, (int, float)) or factor <= 0:
                raise _fail(f"{name}:{key}.{word}", "must be a positive number")
    relative = table(f"{name}:relative_changes", data.get("relative_changes", {}))
    for word, change in relative.items():
        if not isinstance(change, (int, float)) or change == 0 or change < -100:
            raise _fail(f"{name}:relative_changes.{word}", "must be a % change: above -100 and not 0")
    count = table(f"{name}:count", data.get("count"))
    check_keys(f"{name}:count", count, ("bare",))
    equality = table(f"{name}:equality", data.get("equality"))
    check_keys(f"{name}:equality", equality, ("relative_tolerance",))
    tol = equality.get("relative_tolerance")
    if not isinstance(tol, float) or not 0 <= tol < 0.01:
        raise _fail(f"{name}:equality.relative_tolerance", "must be a small number such as 1e-6")
    return UnitNames(
        percent=kinds["percent"][1], points=kinds["points"][1], money=kinds["money"][1],
        time=tuple((unit, tuple(s.lower() for s in string_list(f"{name}:time.{unit}", spellings)))
                   for unit, spellings in time.items()),
        bare=string_list(f"{name}:count.bare", count.get("bare")),
        canonical=tuple((k, v[0]) for k, v in kinds.items()),
        money_scales=tuple(sorted(((w, float(f)) for w, f in scales.items()), key=lambda x: -x[1])),
        read_durations=durations, read_scales=tuple((w.lower(), float(f)) for w, f in read_scales.items()),
        tolerance=tol, relative_changes=tuple((w.lower(), float(c)) for w, c in relative.items()))


on_reload(vocabulary.cache_clear)
on_reload(areas.cache_clear)
on_reload(metrics.cache_clear)
on_reload(unit_names.cache_clear)


# --------------------------------------------------------------------------------------------
# Tables (tables.toml): the words of header cells, and row labels that name a level, not a measure

_TABLE_KEYS = ("header_words", "target_columns", "data_columns", "level_rows")


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


def table_data_columns() -> tuple[str, ...]:
    """Words that make a column's figures data, not targets, whatever year it is headed by ("outturn", "forecast")."""
    return string_list("tables.toml: data_columns", _tables().get("data_columns", []))


# --------------------------------------------------------------------------------------------
# Extraction rules: cues.toml, quantities.toml, extraction.toml (read by guidance_parser.extract)

CUE_LABELS = frozenset({"COMMIT", "FACT", "MODAL", "INC", "RED", "MAINT", "MIN", "MIN_AFTER", "MAX", "MAX_AFTER",
                        "BASELINE", "FORECAST", "ESTIMATE", "CONDITION"})
QUANTITY_LABELS = frozenset({"POINTS", "PERCENT", "MONEY", "DURATION", "COUNT", "SMALLCOUNT", "RELATIVE"})


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
    "deadline_prepositions", "context_free_periods", "reduction_nouns", "increase_nouns", "event_relative",
    "intro_modals", "id_phrasing", "priority_nouns"})
EXTRACTION_PATTERNS = frozenset({
    "scope", "baseline", "money_target", "money_commitment", "coordinated_figure",
    "not_a_deadline_before", "example", "example_start", "reference_before",
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
