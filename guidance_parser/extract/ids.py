"""Record ids: a hash of the normalised metric / action / title text, so rewordings keep one id."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from guidance_parser import rules
from guidance_parser.vocabulary import fold_words
from guidance_parser.when import find_times


def _stem(word: str) -> str:
    """Crude suffix folding so "reduce" / "reducing" / "reduction" share a stem."""
    for suf in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            word = word[: -len(suf)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


@lru_cache(maxsize=1)
def _phrasing_stems() -> frozenset[str]:
    """The words (and their stems) that say how a measure is phrased (rules/extraction.toml ``id_phrasing``)."""
    words = rules.words("id_phrasing")
    return frozenset(words) | {_stem(w) for w in words}


rules.on_reload(_phrasing_stems.cache_clear)


def normalise_for_id(text: str) -> str:
    """The identity of a metric: lower-case, dates dropped, named standards and synonyms folded to the
    vocabulary's tokens (rules/standards.toml, the same folding the differ matches on), free numbers
    dropped (numbers that define the measure - "62-day", "18 weeks", "Category 2" - kept), stopwords and
    phrasing words dropped, crude stems, sorted so word order does not matter."""
    text = text.lower()
    for t in find_times(text):
        text = text.replace(t.when.text.lower(), " ")
    text = fold_words(text)
    # "62-day", "18 weeks", "4-hour" name the measure: keep them as one token
    text = re.sub(r"\b(\d+)[\s-]?(minute|hour|day|week|month)s?\b", r" n\1\2 ", text)
    text = re.sub(r"[^a-z0-9 ]+|\b\d+\b", " ", text)
    words = {_stem(w) for w in text.split() if w not in STOP_WORDS and len(w) > 1}
    phrasing = _phrasing_stems()
    return " ".join(sorted(w for w in words if w not in phrasing))


def _make_id(prefix: str, text: str, seen: dict[str, int]) -> str:
    base = f"{prefix}-{hashlib.sha1(normalise_for_id(text).encode()).hexdigest()[:10]}"
    n = seen.get(base, 0) + 1
    seen[base] = n
    return base if n == 1 else f"{base}-{n}"


