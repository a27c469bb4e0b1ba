"""The NHS vocabulary as one folding: named standards and synonyms (rules/standards.toml) to tokens.

This module owns turning the many ways guidance names a thing into one token: number words become
digits ("eighteen" -> "18"), durations one token ("4 hours" -> "4hour"), and each named standard or
synonym its canonical token ("A&E", "emergency department" -> "emergencydept"). The differ matches
folded texts, the extractor hashes them into record ids and the metric catalogue looks measures up in
them, so all three agree on what is the same thing. ``anchors`` says which tokens name a specific
standard. The words live in the rule file; this module only compiles them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from guidance_parser import rules


@dataclass(frozen=True)
class _Compiled:
    numbers: dict[str, str]
    number_re: re.Pattern[str]
    duration_re: re.Pattern[str]
    standards: tuple[tuple[re.Pattern[str], str], ...]
    anchor_re: re.Pattern[str]


def _pre_fold(text: str, c: _Compiled) -> str:
    """Number words as digits and durations as one token (also applied to the phrasings themselves)."""
    t = c.number_re.sub(lambda m: c.numbers[m.group(1)], text.lower())
    return c.duration_re.sub(lambda m: f"{m.group(1)}{m.group(2)}", t)


def _phrase_re(phrase: str) -> str:
    """A phrasing as a regex: whole words at word edges, spaces matching any spacing (or none)."""
    body = r"\s*".join(re.escape(w) for w in phrase.split())
    start = r"\b" if phrase[:1].isalnum() else ""
    end = r"\b" if phrase[-1:].isalnum() else ""
    return start + body + end


@cache
def _compiled() -> _Compiled:
    """standards.toml compiled: one regex per standard (longest phrasing first) with its replacement,
    the token padded with a space on a side where a phrasing ends in punctuation ("78%" -> "78 percent")."""
    v = rules.vocabulary()
    words = sorted((w for w, _ in v.number_words), key=len, reverse=True)
    durations = "|".join(map(re.escape, v.duration_units))
    names = "|".join(re.escape(s.token) for s in v.standards if s.anchor)
    c = _Compiled(numbers=dict(v.number_words),
                  number_re=re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b" if words else r"(?!)"),
                  duration_re=re.compile(r"\b(\d+)[\s-]*(" + durations + r")s?\b"),
                  standards=(),
                  anchor_re=re.compile(r"\b(?:\d+(?:" + "|".join(map(re.escape, v.anchor_durations)) + ")|"
                                       + names + r")\b"))
    standards = []
    for s in v.standards:
        phrasings = sorted({_pre_fold(p, c) for p in s.phrasings}, key=len, reverse=True)
        pad_left = " " if any(not p[:1].isalnum() for p in phrasings) else ""
        pad_right = " " if any(not p[-1:].isalnum() for p in phrasings) else ""
        standards.append((re.compile("|".join(_phrase_re(p) for p in phrasings)), f"{pad_left}{s.token}{pad_right}"))
    return replace(c, standards=tuple(standards))


@lru_cache(maxsize=1 << 16)  # the same texts are folded many times while matching
def fold_words(text: str) -> str:
    """Text in the vocabulary's tokens: lower case, numbers as digits, durations and standards as one
    token each, spacing collapsed. Punctuation is kept (callers that need plain words drop it)."""
    c = _compiled()
    t = _pre_fold(text, c)
    for pattern, token in c.standards:
        t = pattern.sub(token, t)
    return re.sub(r"\s+", " ", t).strip()


def anchors(folded: str) -> frozenset[str]:
    """The standard-naming tokens of a folded text ("4hour", "emergencydept", ...)."""
    return frozenset(_compiled().anchor_re.findall(folded))


rules.on_reload(_compiled.cache_clear)
rules.on_reload(fold_words.cache_clear)
