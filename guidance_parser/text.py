"""Text cleaning: the one definition of what is conversion damage rather than wording.

Owns the character-level clean-up (control characters, byte-order marks, zero-width marks, bidirectional
controls, odd spaces, ligature glyphs, full-width digits and signs), the Markdown artefacts that converted
text carries ("\\(" escapes, "**" bold markers), whitespace normalisation, the text of a table row, and
the folding of typographic quotes and dashes.
Ingest applies the cleaning once when it makes a ``Document``'s blocks (``ingest/structure.py``); the
later stages trust the Document's text and do not clean it again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Characters that are never text: C0/C1 controls except tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# Bidirectional controls (embeddings, overrides, isolates, LRM/RLM) only reorder how text is drawn; left in,
# a right-to-left override inside "65%" splits the figure so that it is not read.
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LIGATURE_GLYPHS = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}
# Full-width forms ("６５％", "￡") and mathematical digits ("𝟔𝟓") as their plain ASCII (their NFKC forms): they
# are the same figures, and the quantity rules read ASCII digits. Only these blocks: NFKC of the whole text
# would also flatten superscript footnote markers ("²") and fractions into digits.
_WIDE = {c: unicodedata.normalize("NFKC", chr(c))
         for block in (range(0xFF01, 0xFF5F), range(0xFFE0, 0xFFE7), range(0x1D7CE, 0x1D800)) for c in block}
_CHAR_MAP = str.maketrans({**_LIGATURE_GLYPHS, **_WIDE})

# Markdown conversion artefacts that also leak into PDFs made from such text: "\(" escapes and
# "**" bold markers, never meant as text.
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|&<>~\"'])")
_BOLD = re.compile(r"\*\*+|__(?=\S)|(?<=\S)__")

_PUNCTUATION = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def clean_chars(text: str) -> str:
    """Drop control characters, BOMs, soft hyphens, zero-width marks and bidirectional controls; normalise odd
    spaces, ligature glyphs and full-width digits and signs.

    A form feed or vertical tab is a break between lines, so it becomes a newline, not nothing.
    """
    text = unicodedata.normalize("NFC", text)
    text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").replace("\x0b", " ")
    text = _ZERO_WIDTH.sub("", text)
    text = _BIDI.sub("", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    # Presentation-form ligature glyphs (U+FB00..FB06) decompose to plain letters, full-width forms to ASCII.
    return text.translate(_CHAR_MAP)


def strip_artefacts(text: str) -> str:
    """Remove Markdown escapes and bold markers left in converted text."""
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "**" in text or "__" in text:
        text = _BOLD.sub("", text)
    return text


def unbold(text: str) -> str:
    """The words of ``text`` without bold markers, spaced once (for comparing, not for keeping)."""
    return " ".join(_BOLD.sub(" ", text).split())


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return " ".join(text.split())


def row_text(cells: Iterable[str]) -> str:
    """A table row as one line of text: its cells joined by " | " (an empty cell leaves no stray space)."""
    return normalise_space(" | ".join(cells))


def fold_punctuation(text: str) -> str:
    """Typographic quotes and dashes as their plain forms (‘’ -> ', “” -> ", – — -), for comparing text."""
    return text.translate(_PUNCTUATION)


# --- text as the later stages compare and show it ---------------------------------------------
# A Document's text is already clean; these forms are for comparing records across editions and for
# text that did not come through ingest (gold quotes, records built by hand).

def reader_text(text: str) -> str:
    """Text as a reader should see it: bold markers out, runs of whitespace collapsed. Only "**": the
    Document is already clean, and "__" or "\\(" may be what the source really says ("window.__name")."""
    return normalise_space(text.replace("**", ""))


def clean(text: str) -> str:
    """Text as compared: artefacts and stray backslashes out, quotes and dashes plain, spacing collapsed."""
    return normalise_space(fold_punctuation(strip_artefacts(text).replace("\\", "")))


def plain(text: str) -> str:
    """Wording as a reader compares it: cleaned, lower case, no punctuation differences."""
    return re.sub(r"[^\w%£]+", " ", clean(text).lower()).strip()


_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
# Values and dates are compared field by field, so they must not sway a comparison of wording: years,
# "2025/26", month names, bare numbers and percentages (durations such as "4hour" are kept).
_VALUE_DATE_RE = re.compile(rf"\b(?:20\d\d(?:\s*[/-]\s*\d\d(?:\d\d)?)?|q[1-4]|{_MONTHS})\b|"
                            r"£?\b\d[\d,.]*\b(?:st|nd|rd|th)?\s*(?:percent\b|million\b|billion\b|bn\b|m\b)?")


def without_figures(text: str) -> str:
    """``text`` (already lower-cased or folded) with its numbers, percentages and dates removed."""
    return normalise_space(_VALUE_DATE_RE.sub(" ", text))


def wording_key(text: str) -> str:
    """Wording as compared for the "wording" aspect: figures and dates are separate aspects."""
    return without_figures(plain(text))
