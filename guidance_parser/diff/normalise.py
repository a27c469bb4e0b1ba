"""Normalising text for comparison: cleaning conversion damage, plain wording, the folded form
matched across editions (NHS vocabulary tokens) and forms without figures and dates."""

from __future__ import annotations

import re

from guidance_parser.vocabulary import fold_words

# --- normalisation and synonym folding --------------------------------------------------------

def clean(text: str) -> str:
    """Undo conversion damage that is not wording: markdown bold, escaped brackets, spacing."""
    text = text.replace("**", "").replace("\\(", "(").replace("\\)", ")").replace("\\", "")
    text = re.sub(r"[‘’]", "'", text)
    text = re.sub(r"[“”]", '"', text)
    text = re.sub(r"[–—]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def plain(text: str) -> str:
    """Wording as a reader compares it: cleaned, lowercase, no punctuation differences."""
    return re.sub(r"[^\w%£]+", " ", clean(text).lower()).strip()


def fold(text: str) -> str:
    """Normalised text for matching: cleaned, then in the NHS vocabulary's tokens (numbers as digits,
    durations as one token, standards and synonyms folded: ``vocabulary.fold_words``)."""
    return fold_words(clean(text))


_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
# Values and dates are compared field by field, so they must not sway the matching: drop years,
# "2025/26", month names, bare numbers and percentages (durations such as "4hour" are kept).
_VALUE_DATE_RE = re.compile(rf"\b(?:20\d\d(?:\s*[/-]\s*\d\d(?:\d\d)?)?|q[1-4]|{_MONTHS})\b|"
                            r"£?\b\d[\d,.]*\b(?:st|nd|rd|th)?\s*(?:percent\b|million\b|billion\b|bn\b|m\b)?")

def without_values(text: str) -> str:
    """Folded text with numbers, percentages and dates removed (for matching records, not sections)."""
    return re.sub(r"\s+", " ", _VALUE_DATE_RE.sub(" ", fold(text))).strip()



def wording_key(text: str) -> str:
    """Wording as compared for the "wording" aspect: figures and dates are separate aspects."""
    return re.sub(r"\s+", " ", _VALUE_DATE_RE.sub(" ", plain(text))).strip()
