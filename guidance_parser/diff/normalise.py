"""Normalising text for matching records across editions: the folded form (NHS vocabulary tokens) and
that form without figures and dates. Cleaning, plain wording and the wording key are ``text``'s."""

from __future__ import annotations

from guidance_parser.text import clean, plain, without_figures, wording_key
from guidance_parser.vocabulary import fold_words

__all__ = ["clean", "fold", "plain", "without_values", "wording_key"]


def fold(text: str) -> str:
    """Normalised text for matching: cleaned, then in the NHS vocabulary's tokens (numbers as digits,
    durations as one token, standards and synonyms folded: ``vocabulary.fold_words``)."""
    return fold_words(clean(text))


def without_values(text: str) -> str:
    """Folded text with numbers, percentages and dates removed (for matching records, not sections)."""
    return without_figures(fold(text))
