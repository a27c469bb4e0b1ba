"""Units of a target's figure: canonical name, kind, value equality and display (rules/units.toml).

This module owns what a unit is: ``canonical`` ("per cent" -> "%", "hours" -> "hour", "£" -> "GBP"),
``kind`` (percent, points, time, money, count; "percentage points" is always points), ``same_value``
(one tolerance, from the rule file) and ``display`` ("78%", "£250 million", "18 minutes", "5 percentage
points"). The differ, the scorer and the exports all ask here, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from guidance_parser import rules
from guidance_parser.rules import UnitKind


@dataclass(frozen=True)
class _Table:
    kinds: dict[str, UnitKind]  # spelling -> kind
    canonical: dict[str, str]  # spelling -> canonical unit (percent, points, money, time)
    bare: frozenset[str]
    money_scales: tuple[tuple[str, float], ...]
    tolerance: float


@cache
def _table() -> _Table:
    u = rules.unit_names()
    canon = dict(u.canonical)
    kinds: dict[str, UnitKind] = {}
    canonical: dict[str, str] = {}
    for kind, names in (("percent", u.percent), ("points", u.points), ("money", u.money)):
        for n in names:
            kinds[n], canonical[n] = kind, canon[kind]  # type: ignore[assignment]
    for unit, spellings in u.time:
        for n in (unit, *spellings):
            kinds[n], canonical[n] = "time", unit
    return _Table(kinds, canonical, frozenset(b.lower() for b in u.bare), u.money_scales, u.tolerance)


rules.on_reload(_table.cache_clear)


@cache
def duration_words() -> dict[str, str]:
    """Spellings of the time units a figure is read in, each to the unit named on a record ("mins" ->
    "minutes"); the quantity patterns name this list as ``$DURATION_UNITS``."""
    u = rules.unit_names()
    spellings = dict(u.time)
    return {s: f"{unit}s" for unit in u.read_durations for s in (unit, *spellings[unit])}


@cache
def scale_words() -> dict[str, float]:
    """Scale words of a figure being read, to their factors ("bn" -> 1e9), in the rule file's order (the
    first that fits wins); the quantity patterns name this list as ``$MULTIPLIERS``."""
    return dict(rules.unit_names().read_scales)


rules.on_reload(duration_words.cache_clear)
rules.on_reload(scale_words.cache_clear)


def relative_change(word: str) -> float | None:
    """The % change a number word states ("double" 100, "halve" -50; rules/units.toml), None for other words."""
    return dict(rules.unit_names().relative_changes).get(word.lower())


def _key(unit: str | None) -> str:
    return " ".join((unit or "").lower().split())


def kind(unit: str | None) -> UnitKind | None:
    """What a unit measures; None for no unit. Unknown names are counts of the thing they name."""
    k = _key(unit)
    if not k:
        return None
    found = _table().kinds.get(k)
    if found is None and (k.startswith("£") or any(_table().kinds.get(w) == "money" for w in k.split())):
        return "money"  # "£ billion", "£m"
    return found or "count"


def canonical(unit: str | None) -> str | None:
    """One name per unit: "%", "percentage points", "GBP", "minute", ...; a count's noun lower-cased."""
    k = _key(unit)
    if not k:
        return None
    return _table().canonical.get(k) or ("GBP" if kind(k) == "money" else k)


def comparable(a: UnitKind | None, b: UnitKind | None) -> bool:
    """Whether figures of two unit kinds can state the same measure: the same kind, or a share and a
    change of that share (percent and points)."""
    return a == b or {a, b} == {"percent", "points"}


def same_value(a: float | None, b: float | None) -> bool:
    """Equal figures (within the one relative tolerance of rules/units.toml); two missing are equal."""
    if a is None or b is None:
        return a is b
    return abs(a - b) <= _table().tolerance * max(1.0, abs(a), abs(b))


def number(v: float) -> str:
    """A figure as a reader writes it: "1,200", "66.7", "0.25"."""
    return f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"


def display(value: float | None, unit: str | None) -> str | None:
    """A value and unit as a reader writes it: "78%", "£250 million", "18 minutes", "5 percentage points"."""
    if value is None:
        return unit or None
    k, name = kind(unit), canonical(unit)
    if k == "percent":
        return f"{number(value)}%"
    if k == "points":
        return f"{number(value)} percentage point{'s' if value != 1 else ''}"
    if k == "money":
        return _money(value, _key(unit))
    if k == "time":
        return f"{number(value)} {name}{'s' if value != 1 else ''}"
    if name is None or name in _table().bare:
        return number(value)
    return f"{number(value)} {(unit or '').strip()}"


def _money(value: float, unit: str) -> str:
    """Pounds, scaled: "£250 million"; a unit that is itself a scale ("£1.2 billion" read as value 1.2,
    unit "£ billion" or "billion") keeps its word."""
    scale_words = [w for w, _ in _table().money_scales]
    own = next((w for w in scale_words if w in unit.split() or unit.endswith(w)), None)
    if own:
        return f"£{number(value)} {own}"
    for word, factor in _table().money_scales:
        if abs(value) >= factor:
            return f"£{number(value / factor)} {word}"
    return f"£{number(value)}"
