"""The metric catalogue: which recurring NHS measure a target states (rules/metrics.toml).

This module owns finding a target's ``metric_id``. A measure's phrasings and the target's text are read
as bags of words in the NHS vocabulary's tokens (``vocabulary.fold_words``, so "A&E" and "emergency
department", "four hours" and "4-hour" are one word each); a phrasing names the measure when all of its
words are in the text. The target's metric text is read first, its sentence only when the metric names
no measure, and only if the sentence names exactly one measure. Among the measures named, the one with the
longest phrasing wins (the 18-week wait "for a first appointment" over the 18-week wait); a measure
stated in another kind of unit (a time, where the measure is a percentage) is not the target's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from guidance_parser import rules, units
from guidance_parser.vocabulary import fold_words

_WORD_RE = re.compile(r"[a-z0-9_£]+")


def _stem(word: str) -> str:
    """A crude common form so a phrasing's word matches its plural and -ing / -ed forms."""
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    for suffix in ("ing", "ed", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=512)  # a sentence's every figure asks for the sentence's words
def words(text: str) -> frozenset[str]:
    """The content words of a text, folded and stemmed (stop words dropped)."""
    return frozenset(_stem(w) for w in _WORD_RE.findall(fold_words(text)) if w not in STOP_WORDS)


rules.on_reload(words.cache_clear)  # the folding comes from rules/standards.toml


@dataclass(frozen=True)
class _Entry:
    metric: rules.Metric
    phrasings: tuple[frozenset[str], ...]


@cache
def _entries() -> tuple[_Entry, ...]:
    out = []
    for m in rules.metrics():
        bags = tuple({w for w in (words(p) for p in m.phrasings) if w})
        out.append(_Entry(m, bags))
    return tuple(out)


rules.on_reload(_entries.cache_clear)


@cache
def metric(metric_id: str) -> rules.Metric | None:
    """The catalogue entry of an id (None if unknown)."""
    return next((e.metric for e in _entries() if e.metric.id == metric_id), None)


rules.on_reload(metric.cache_clear)


def _fits(m: rules.Metric, unit: str | None) -> bool:
    """Whether a figure in ``unit`` can state measure ``m`` (a percent measure also takes points)."""
    return m.unit is None or unit is None or units.comparable(m.unit, units.kind(unit))


def _named(bag: Iterable[str], unit: str | None) -> list[tuple[int, str]]:
    """(score, id) of every measure the words name, best first: score = words of the longest phrasing."""
    have = frozenset(bag)
    found = []
    for e in _entries():
        score = max((len(p) for p in e.phrasings if p <= have), default=0)
        if score and _fits(e.metric, unit):
            found.append((score, e.metric.id))
    return sorted(found, reverse=True)


def _best(found: list[tuple[int, str]]) -> str | None:
    if not found or (len(found) > 1 and found[1][0] == found[0][0]):
        return None  # nothing named, or two measures named equally: do not guess
    return found[0][1]


def metric_of(metric_text: str, sentence: str, value: float | None = None, unit: str | None = None) -> str | None:
    """The catalogue id of the measure a target states, or None when the catalogue does not know it.

    ``metric_text`` is the target's metric, ``sentence`` its source sentence; ``value`` and ``unit`` its
    figure (a time figure counts as a word: "45 minutes" names the 45-minute handover standard)."""
    figure: frozenset[str] = frozenset()
    if value is not None and units.kind(unit) == "time":
        figure = words(f"{units.number(value)} {units.canonical(unit)}")
    own = _named(words(metric_text) | figure, unit)
    if own:
        return _best(own)
    # A sentence often names several measures ("the 62-day and 28-day standards ... 75% and 80%
    # respectively"): it decides only when it names just one.
    around = _named(words(sentence) | figure, unit)
    return around[0][1] if len(around) == 1 else None


def phrasing_bags(metric_id: str) -> tuple[frozenset[str], ...]:
    """The word bags of a measure's phrasings (``words`` of each): a text names the measure when it holds
    every word of one of them. Empty for an unknown id."""
    return next((e.phrasings for e in _entries() if e.metric.id == metric_id), ())
