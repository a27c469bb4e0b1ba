"""Text cleaning: the one definition of what is conversion damage rather than wording.

Owns the character-level clean-up (control characters, byte-order marks, zero-width marks, odd spaces,
ligature glyphs), the Markdown artefacts that converted text carries ("\\(" escapes, "**" bold markers),
whitespace normalisation, the text of a table row, and the folding of typographic quotes and dashes.
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
_LIGATURE_GLYPHS = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                                  "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})

# Markdown conversion artefacts that also leak into PDFs made from such text: "\(" escapes and
# "**" bold markers, never meant as text.
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|&<>~\"'])")
_BOLD = re.compile(r"\*\*+|__(?=\S)|(?<=\S)__")

_PUNCTUATION = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def clean_chars(text: str) -> str:
    """Drop control characters, BOMs, soft hyphens and zero-width marks; normalise odd spaces.

    A form feed or vertical tab is a break between lines, so it becomes a newline, not nothing.
    """
    text = unicodedata.normalize("NFC", text)
    text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").replace("\x0b", " ")
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    # Presentation-form ligature glyphs (U+FB00..FB06) decompose to plain letters.
    return text.translate(_LIGATURE_GLYPHS)


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
