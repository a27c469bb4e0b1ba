"""Text damage repairs shared by every input format.

Owns the lost "ll" ligature repair ("wil" -> "will", "ful y" -> "fully", "al ocated" -> "allocated") and the
joining of words hyphenated across a line break ("organis-" + "ations" -> "organisations",
but "year-on-" + "year" keeps its hyphen).

Both word decisions are made against a real frequency lexicon (``wordfreq``), never a list of
known damaged strings: a repair happens only when the repaired form is a known, common word and the
damaged form is not itself the likelier reading. Words such as "wilful", "fulfil", "al" in "et al",
"all", "ill" and "ally" therefore survive.

The damage itself is mechanical: a PDF text layer drew "ll" as one glyph whose second "l" was lost
and replaced by a space, so "ll" became "l " everywhere ("ful y", "wil be", "Overal ,").
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

from guidance_parser.text import clean_chars

# Zipf scale: 3 = once per million words, 6 = once per thousand.
_JOIN_MIN = 2.3  # a joined "A l B" must at least be a real (if rare) word: "crucially" is 2.95
_STRONG_GAIN = 2.0  # "wil" -> "will": the repaired word is >= 100x commoner than the damaged one
_STRONG_MIN = 4.0
_WEAK_GAIN = 0.3  # "al" -> "all", "il" -> "ill": only in text already shown to carry the damage
_WEAK_MIN = 4.5
_LATIN_AFTER = {"et"}  # "et al" is the one idiom where "al" is a word in English prose

_WORD = re.compile(r"[A-Za-z]+")
_STRAY_BEFORE = re.compile(r"[,.;:!?)\]]|-[A-Za-z]")  # punctuation or a hyphenated tail after a space
# A word ending in "l", the space the lost glyph left, and what follows it.
_L_END = re.compile(r"(?<![A-Za-z'’\-/.@])([A-Za-z]*[lL])( +)(?=(\S))")


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common an English word is (0 = unknown), case-insensitively."""
    return zipf_frequency(word.lower(), "en")


def _is_fragment(word: str) -> bool:
    """A piece that is not a word on its own: "ocated", "y", "eagues"."""
    if len(word) == 1:
        return word.lower() not in {"a", "i"}
    return zipf(word) < 3.0


def _with_l(word: str) -> str:
    return word + ("L" if word.isupper() and len(word) > 1 else "l")


def _join_candidate(a: str, b: str) -> str | None:
    """ "ful" + "y" -> "fully" when the joined form is a real word and B is a lowercase tail."""
    if not b.islower():
        return None
    joined = a + "l" + b
    if zipf(joined) < _JOIN_MIN:
        return None
    # Two common words that merely happen to join into a word stay apart ("real" "ly" never
    # occurs in clean text, but "I" "ll" style accidents must not be invented): require that
    # one side is a fragment or the joined word is commoner than the rarer side.
    if _is_fragment(a) or _is_fragment(b) or zipf(joined) >= min(zipf(a), zipf(b)) - 1.5:
        return joined
    return None


def _end_candidate(a: str, damaged_doc: bool) -> tuple[str, bool] | None:
    """ "wil" -> ("will", strong). Weak repairs ("al" -> "all") need damaged_doc: text already
    shown to carry the damage, or a stray space before punctuation right here ("il -health")."""
    repaired = _with_l(a)
    za, zr = zipf(a), zipf(repaired)
    if zr >= _STRONG_MIN and zr - za >= _STRONG_GAIN and za < 3.5:
        return repaired, True
    if damaged_doc and zr >= _WEAK_MIN and zr - za >= _WEAK_GAIN:
        return repaired, False
    return None


def shows_ligature_damage(text: str) -> bool:
    """True when ``text`` carries unambiguous "ll" damage ("ful y", "wil be", "al ocated")."""
    strong = _repair_pass(text, damaged_doc=False)[1]
    return strong >= max(1, len(text) // 40000)


def repair_ligatures(text: str, *, damaged: bool | None = None) -> str:
    """Restore the "ll" lost to ligature damage, deciding each case with the word lexicon.

    Unambiguous damage (fragments such as "ocated", or "wil" whose repair is 100x commoner) is
    always repaired. The ambiguous repairs ("al" -> "all", "Al" -> "All", "il" -> "ill") happen only
    in text that shows unambiguous damage too: ``damaged`` gives that verdict for a whole document
    when ``text`` is only a part of it; by default ``text`` itself is judged.
    """
    if "l " not in text and "L " not in text:
        return text
    if damaged is None:
        damaged = shows_ligature_damage(text)
    return _repair_pass(text, damaged_doc=damaged)[0]


def _repair_pass(text: str, *, damaged_doc: bool) -> tuple[str, int]:
    out: list[str] = []
    pos = 0
    strong = 0
    for m in _L_END.finditer(text):
        if m.start() < pos:
            continue
        a, spaces, nxt = m.group(1), m.group(2), m.group(3)
        before = text[max(0, m.start() - 4):m.start()]
        if re.search(r"\bet\s$", before, re.IGNORECASE) or len(a) < 2:
            continue
        # Match at the offset rather than on a copy of the rest of the text: a copy per candidate
        # made whole-document passes (shows_ligature_damage) quadratic in the document's length.
        bm = _WORD.match(text, m.end())
        if bm and len(spaces) == 1:
            b = bm.group(0)
            after = text[bm.end():bm.end() + 1]
            if not after.isalpha() and not after.isdigit():
                joined = _join_candidate(a, b)
                if joined is not None:
                    out.append(text[pos:m.start()])
                    out.append(joined)
                    pos = bm.end()
                    strong += _is_fragment(b) or _is_fragment(a)
                    continue
        if a.lower() in _LATIN_AFTER:
            continue
        # A capitalised short word before another capitalised word is a name ("Al Smith").
        if a[0].isupper() and not a.isupper() and len(a) <= 3 and nxt.isupper():
            continue
        stray_space = bool(_STRAY_BEFORE.match(text, m.end()))
        end = _end_candidate(a, damaged_doc or stray_space)
        if end is None:
            continue
        repaired, is_strong = end
        strong += is_strong
        out.append(text[pos:m.start()])
        out.append(repaired)
        # The lost glyph left a space; before punctuation or a hyphenated tail it must go.
        if stray_space:
            pos = m.end()
        else:
            out.append(" ")
            pos = m.end()
    out.append(text[pos:])
    return "".join(out), strong


def join_hyphenated(left: str, right: str) -> str:
    """Join two lines where ``left`` may end in a hyphen that split a word.

    "organis-" + "ations" -> "organisations" when the joined word is in the lexicon; otherwise the
    hyphen is real ("year-on-" + "year", "co-" + "produced") and stays, without a space.
    """
    left = left.rstrip()
    right = right.lstrip()
    if not left:
        return right
    if not right:
        return left
    m = re.search(r"([A-Za-z]+|\d+)-$", left)
    if m and right[0].isalpha() and re.search(r"[/@]|www\.", left.split()[-1]):
        return left + right  # a web address broken at its own hyphen
    if m and right[0].isalpha():
        tail = _WORD.match(right)
        assert tail is not None
        head = m.group(1)
        joined = head + tail.group(0)
        # Keep the hyphen when both halves are words and the joined form is rarer than they are
        # ("long-term"), or when the joined form is not a word at all ("year-on-year").
        if right[0].islower() and zipf(joined) >= 2.5 and not (
                zipf(head) >= 3.5 and zipf(tail.group(0)) >= 3.5 and zipf(joined) < 4.0):
            return left[:-1] + right
        return left + right
    return left + " " + right


_HYPHEN_BREAK = re.compile(r"\b([A-Za-z]+-|\d+-)[ \t]*\n[ \t]*([a-z][A-Za-z]*)")


# A line-end hyphen a conversion already joined with a space: "organis- ations", "62- day". A
# suspended hyphen ("pre- and post-operative") is left alone.
_SPACED_HYPHEN = re.compile(r"\b([A-Za-z]+-|\d+-) (?!(?:and|or|to|nor)\b)([a-z][A-Za-z]*)")


def repair_hyphens(text: str) -> str:
    """Join words hyphenated over a line break, in raw text or already flattened to "organis- ations"."""
    if "-\n" in text or "- \n" in text:
        text = _HYPHEN_BREAK.sub(_rejoin, text)
    if "- " in text:
        text = _SPACED_HYPHEN.sub(_rejoin, text)
    return text


def repair_text(text: str) -> str:
    """All damage repairs that apply to any format: characters (``text.clean_chars``), hyphenated breaks,
    ligatures."""
    return repair_ligatures(repair_hyphens(clean_chars(text)))


def _rejoin(m: re.Match[str]) -> str:
    before = m.string[max(0, m.start() - 200):m.start()].split()
    if before and m.string[m.start() - 1:m.start()] not in (" ", "\n", "") and re.search(r"[/.]", before[-1]):
        return m.group(1) + m.group(2)  # inside a web address: the hyphen is the address's own
    return join_hyphenated(m.group(1), m.group(2))
