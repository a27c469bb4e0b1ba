"""Helpers the ingest tests share: normalised word sequences and in-order word recall.

Recall is the share of the expected words that come back IN ORDER: the matched words of a
``difflib.SequenceMatcher`` over the two normalised word sequences (its longest common
subsequence approximation), divided by the number of expected words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|&<>~])")


def norm_words(text: str) -> list[str]:
    """Lower-case words without punctuation, markup artefacts or escapes."""
    text = _ESCAPE.sub(r"\1", text).replace("**", " ")
    text = text.replace("’", "'").replace("‘", "'")
    words = re.findall(r"[a-z0-9£%]+(?:['./-][a-z0-9]+)*", text.lower())
    return words


def in_order_recall(expected: Iterable[str], got: Iterable[str]) -> float:
    exp, out = list(expected), list(got)
    if not exp:
        return 1.0
    sm = SequenceMatcher(None, exp, out, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    return matched / len(exp)
