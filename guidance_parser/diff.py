"""Year-on-year differ: which targets, deadlines and priorities were added, dropped or changed.

This module owns comparing editions. It reads only ``Document`` / ``Extraction`` records and fills
the diff records of ``model.py`` (``DiffResult`` and friends) for the report and the exports.

How records are matched across two editions: each record's text (a target's metric, a deadline's
action, a priority's title) is normalised and NHS synonyms are folded ("A&E" = "emergency
department", "UCR" = "urgent community response", "RTT" = "18 weeks" ...). Word and character
n-gram TF-IDF vectors give a cosine similarity; scipy's ``linear_sum_assignment`` then finds the
best one-to-one pairing, and pairs below ``threshold`` are left unmatched (added / dropped).
Character n-grams keep matching robust to PDF damage such as lost "ll" ligatures ("wil").
Across editions the score also checks what records measure (``cross_edition_score``): targets whose
units measure different things never match, the level a figure binds (national / every trust / every
system) steers the assignment, priorities match by the NHS policy area they name, and deadlines need
``DEADLINE_MARGIN`` more. These were measured on hand-made cross-edition pairs (tests/gold,
benchmarks/eval_matching.py).

Sections are aligned the same way (heading + body similarity) and diffed with ``difflib``, paragraph
by paragraph with a word-level diff inside reworded paragraphs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from guidance_parser import __version__
from guidance_parser.errors import GuidanceError
from guidance_parser.model import (
    Aspect,
    Block,
    Change,
    ChangeKind,
    Deadline,
    DiffResult,
    Document,
    DocumentRef,
    Edition,
    EditionDiff,
    Extraction,
    FieldChange,
    Priority,
    RecordType,
    SectionDiff,
    Target,
    TextOp,
    TimelineEntry,
    TimelinePoint,
    When,
    fy_label,
)

DEFAULT_THRESHOLD = 0.30  # match score below which two records are not the same (set from real-pair near misses)
# Deadlines are matched on action phrases, which share generic words ("publish", "develop", "commission",
# "ICBs") far more than target metrics do: unrelated actions score 0.35-0.45 where unrelated metrics score
# under 0.3 (measured on the gold pairs, benchmarks/eval_matching.py), so their bar is this much higher.
DEADLINE_MARGIN = 0.10
VALUE_BONUS = 0.15  # added to the match score when two targets state the same figure and unit
SECTION_THRESHOLD = 0.30  # sections share headings and boilerplate, so a lower bar still aligns them
SECTION_DEPTH = 2  # heading levels that delimit a section in the text diff
INLINE_MIN_RATIO = 0.35  # below this word overlap a rewritten paragraph is shown as delete + insert

Record = Target | Deadline | Priority
Labelled = tuple[Record, str]  # a record kept after merging restatements, and its report label

# --- normalisation and synonym folding --------------------------------------------------------

_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                 "seven": "7", "eight": "8", "nine": "9", "ten": "10", "twelve": "12",
                 "eighteen": "18", "fifty-two": "52", "sixty-two": "62"}

# (pattern, canonical token) applied in order to lowercased text. Canonical forms are single tokens
# that cannot be re-matched by a later rule. Abbreviations and their expansions fold together so the
# same metric written either way matches.
SYNONYMS: list[tuple[str, str]] = [
    (r"\b(?:accident and emergency|accident & emergency|emergency departments?|a ?& ?e|a and e|eds?)\b",
     "emergencydept"),
    (r"\burgent community response\b|\bucr\b", "urgentcommunityresponse"),
    (r"\breferral to treatment\b|\brtt\b|\b18week\b", "referraltotreatment18w"),
    (r"\bfaster diagnosis standard\b|\bfds\b", "fasterdiagnosisstandard"),
    # the 18-week wait for a first (outpatient) appointment is measured apart from the wait for treatment
    (r"\bfirst (?:outpatient )?appointments?\b", "firstappointment"),
    (r"\bcategory 2\b|\bcat ?2\b", "category2"),
    (r"\bhospital at home\b|\bvirtual wards?\b", "virtualward"),
    (r"\bcommunity diagnostic cent(?:re|er)s?\b|\bcdcs?\b", "communitydiagnosticcentre"),
    (r"\bsame day emergency care\b|\bsdec\b", "sameday_emergencycare"),
    (r"\bintegrated care boards?\b|\bicbs?\b", "integratedcareboard"),
    (r"\bchildren and young people\b|\bcyp\b", "childrenyoungpeople"),
    (r"\bgeneral practice\b|\bgps?\b", "generalpractice"),
    (r"\bmental health\b|\bmh\b", "mentalhealth"),
    (r"\blearning disabilit(?:y|ies)\b", "learningdisability"),
    (r"\bper ?cent\b|%", " percent "),
]
_SYNONYM_RES = [(re.compile(p), c) for p, c in SYNONYMS]
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b")
# "4-hour", "4 hours", "four hour" -> "4hour"; "62-day" -> "62day": one token for one standard.
_DURATION_RE = re.compile(r"\b(\d+)[\s-]*(hour|day|week|minute|month|year)s?\b")


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


@lru_cache(maxsize=1 << 16)  # the same texts are folded many times while matching
def fold(text: str) -> str:
    """Normalised text for matching: numbers as digits, durations as one token, synonyms folded."""
    t = clean(text).lower()
    t = _NUMBER_WORD_RE.sub(lambda m: _NUMBER_WORDS[m.group(1)], t)
    t = _DURATION_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}", t)
    for pattern, canonical in _SYNONYM_RES:
        t = pattern.sub(canonical, t)
    return re.sub(r"\s+", " ", t).strip()


# --- similarity and one-to-one assignment -----------------------------------------------------

# Tokens that name a specific standard. Two metrics naming different standards (the 4-hour vs the
# 12-hour A&E standard, 62-day vs 31-day cancer) are different targets however alike the rest of
# their words; two naming the same ones very probably are the same target reworded.
# Durations count in minutes to weeks only: NHS standards are 15-minute, 4-hour, 62-day, 18-week waits;
# "2 years" or "6 months" is a time span ("over the next 2 years"), not the name of a standard.
_ANCHOR_RE = re.compile(r"\b(?:\d+(?:hour|day|week|minute)|emergencydept|urgentcommunityresponse|"
                        r"referraltotreatment18w|fasterdiagnosisstandard|firstappointment|category2|virtualward|"
                        r"communitydiagnosticcentre|sameday_emergencycare)\b")
ANCHOR_WEIGHT = 0.4


def anchors(folded: str) -> frozenset[str]:
    """The standard-naming tokens of a folded text."""
    return frozenset(_ANCHOR_RE.findall(folded))


def similarity_matrix(old: Sequence[str], new: Sequence[str]) -> np.ndarray:
    """Similarity of folded texts in [0, 1].

    The mean cosine of word (1-2 gram) and character (3-5 gram) TF-IDF vectors. Records blend in
    the standards they name on top of this (``record_similarity``).
    """
    # Imported here, not at the top: scikit-learn takes about a second to load, and the exporters
    # import this module for its display helpers only (`guidance extract` never compares texts).
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not old or not new:
        return np.zeros((len(old), len(new)))
    a = [fold(t) for t in old]
    b = [fold(t) for t in new]
    sims = []
    for vec in (TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)):
        try:
            m = vec.fit_transform(a + b)
        except ValueError:  # empty vocabulary: texts with no words at all
            sims.append(np.zeros((len(a), len(b))))
            continue
        sims.append((m[: len(a)] @ m[len(a):].T).toarray())
    sim = np.asarray((sims[0] + sims[1]) / 2.0)
    return np.clip(sim, 0.0, 1.0)


def assign(sim: np.ndarray, threshold: float, bonus: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Optimal one-to-one pairs (i, j) with ``sim[i, j] >= threshold``.

    ``bonus`` (small, added only to the assignment objective) breaks ties between equally similar
    candidates, e.g. prefers the restatement with the same value when a metric appears twice.
    """
    from scipy.optimize import linear_sum_assignment  # deferred like sklearn in similarity_matrix

    if sim.size == 0:
        return []
    score = sim + (bonus if bonus is not None else 0.0)
    rows, cols = linear_sum_assignment(-score)
    return sorted((int(i), int(j)) for i, j in zip(rows, cols, strict=True) if sim[i, j] >= threshold)


_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
# Values and dates are compared field by field, so they must not sway the matching: drop years,
# "2025/26", month names, bare numbers and percentages (durations such as "4hour" are kept).
_VALUE_DATE_RE = re.compile(rf"\b(?:20\d\d(?:\s*[/-]\s*\d\d(?:\d\d)?)?|q[1-4]|{_MONTHS})\b|"
                            r"£?\b\d[\d,.]*\b(?:st|nd|rd|th)?\s*(?:percent\b|million\b|billion\b|bn\b|m\b)?")
CONTEXT_WEIGHT = 0.35  # share of the source sentence (vs the record's own text) in record matching


def without_values(text: str) -> str:
    """Folded text with numbers, percentages and dates removed (for matching records, not sections)."""
    return re.sub(r"\s+", " ", _VALUE_DATE_RE.sub(" ", fold(text))).strip()


_LABEL_MAX_WORDS = 6


def _row_label(r: Record, doc: Document | None) -> str:
    """A short label line just before the record's block, e.g. "4-hour A&E" above a flattened table
    row "Every trust to maintain or improve to 82% ..."; empty when there is none."""
    if doc is None or not 0 < r.evidence.block_index < len(doc.blocks):
        return ""
    here, prev = doc.blocks[r.evidence.block_index], doc.blocks[r.evidence.block_index - 1]
    text = clean(prev.text)
    if prev.kind == "heading" or prev.section != here.section or not re.search(r"[A-Za-z]", text):
        return ""
    if len(text.split()) > _LABEL_MAX_WORDS or text.endswith((".", ":", ";", ",")):
        return ""
    return text


def context_text(r: Record, doc: Document | None = None) -> str:
    """The words around a record in its source that say what it is about.

    For a deadline, the few words just before its date ("submit draft operational plans by") tell
    apart two dates in one sentence; for other records it is the whole sentence. With the document,
    a short label line just above the record's block (a flattened table's row label) is prepended.
    """
    sentence = clean(r.evidence.sentence)
    if isinstance(r, Deadline):
        at = sentence.lower().find(clean(r.when.text).lower()) if r.when.text else -1
        if at > 0:
            sentence = " ".join(sentence[:at].split()[-6:])
    label = _row_label(r, doc)
    return f"{label} {sentence}" if label else sentence


def record_anchors(r: Record, doc: Document | None = None) -> frozenset[str]:
    """Standards a record names, in its own text and its context. A target's own figure is not a
    name ("30 minutes" is the value of the category 2 standard, "4 hours" names the A&E one)."""
    own, ctx = anchors(fold(record_text(r))), anchors(fold(context_text(r, doc)))
    # The context adds the setting ("A&E" in "... seen within 4 hours") unless it names several
    # numbered standards ("62-day and 28-day ... 75% and 80% respectively"): then it is ambiguous.
    found = own | ctx if not own or sum(a[0].isdigit() for a in ctx) <= 1 else own
    if isinstance(r, Target) and r.value is not None and r.unit:
        value_token = fold(f"{_num(r.value)} {r.unit}").replace(" ", "")
        found = frozenset(a for a in found if a != value_token)
    return found


def record_similarity(old: Sequence[Record], new: Sequence[Record], old_doc: Document | None = None,
                      new_doc: Document | None = None) -> np.ndarray:
    """How alike two lists of records are, pairwise: own text blended with source context.

    Both parts ignore values and dates. Standards the records name are compared as anchors (see
    ``anchors`` and ``record_anchors``).
    """
    if not old or not new:
        return np.zeros((len(old), len(new)))
    own = similarity_matrix([without_values(record_text(r)) for r in old],
                            [without_values(record_text(r)) for r in new])
    ctx = similarity_matrix([without_values(context_text(r, old_doc)) for r in old],
                            [without_values(context_text(r, new_doc)) for r in new])
    sim = (1 - CONTEXT_WEIGHT) * own + CONTEXT_WEIGHT * ctx
    aa = [record_anchors(r, old_doc) for r in old]
    ab = [record_anchors(r, new_doc) for r in new]
    for i, x in enumerate(aa):
        for j, y in enumerate(ab):
            if x and y:
                sim[i, j] = (1 - ANCHOR_WEIGHT) * sim[i, j] + ANCHOR_WEIGHT * len(x & y) / len(x | y)
            elif x or y:
                # One names a standard and the other names none: weaker evidence of the same target.
                sim[i, j] *= 1 - ANCHOR_WEIGHT / 2
    return np.clip(sim, 0.0, 1.0)


# --- display helpers (shared with the report) -------------------------------------------------

def _num(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"


def display_value(t: Target) -> str | None:
    """A target's value and unit as a reader writes it: "78%", "30 minutes", "£1.2 billion"."""
    if t.value is None:
        return t.unit or None
    unit = (t.unit or "").strip()
    if unit in ("%", "percent", "per cent"):
        return f"{_num(t.value)}%"
    if unit.startswith("£"):
        rest = unit[1:].strip()
        return f"£{_num(t.value)}{(' ' + rest) if rest else ''}"
    return f"{_num(t.value)} {unit}".strip()


def display_when(w: When | None) -> str | None:
    """A deadline as written (cleaned), falling back to its canonical label."""
    if w is None:
        return None
    text = clean(w.text)
    return text or w.label


def record_text(r: Record) -> str:
    """The text that identifies a record for matching (values and dates excluded for targets)."""
    if isinstance(r, Target):
        return r.metric
    if isinstance(r, Deadline):
        return r.action
    return r.title


def record_type(r: Record) -> RecordType:
    if isinstance(r, Target):
        return "target"
    if isinstance(r, Deadline):
        return "deadline"
    return "priority"


# --- policy areas -----------------------------------------------------------------------------

# The report groups changes by policy area. Editions rename and regroup their priorities, so the
# area comes from a fixed NHS vocabulary matched on the record's own words first, then on the
# priority it sits under; the priority's own title is the fallback.
AREAS: list[tuple[str, str]] = [
    ("Cancer", r"\bcancer|fasterdiagnosisstandard|\b(?:31|62)day\b|oncology"),
    ("Urgent and emergency care",
     r"emergencydept|ambulance|category2|urgentcommunityresponse|virtualward|\b(?:4|12)hour\b|"
     r"urgent and emergency|\buec\b|corridor|handover|\b111\b|sameday_emergencycare|discharge|"
     r"bed occupancy|\bbeds?\b"),
    ("Elective care and diagnostics",
     r"referraltotreatment18w|elective|\b52week\b|outpatient|waiting list|firstappointment|"
     r"diagnostic|communitydiagnosticcentre|\b65week\b|surgical hub"),
    ("Mental health", r"mentalhealth|talking therap|psychosis|dementia|out of area placement"),
    ("Learning disability and autism", r"learningdisabilit|autis"),
    ("Maternity and neonatal", r"maternity|neonatal|midwi|stillbirth"),
    ("Primary, community and neighbourhood care",
     r"generalpractice|primary care|dental|dentist|pharmac|community (?:health|services)|"
     r"neighbourhood|optometr|childrenyoungpeople"),
    ("Prevention and health inequalities",
     r"prevent|inequalit|core20|vaccinat|immunis|smoking|obesity|hypertension|screening"),
    ("Workforce", r"workforce|staff|agency|bank|recruit|retention|sickness|training posts|nurs"),
    ("Finance and productivity",
     r"productivity|financ|deficit|surplus|efficien|cost|spend|budget|£|capital|revenue|allocation"),
    ("Digital and data", r"digital|\bapp\b|electronic patient record|\bepr\b|\bdata\b|\bai\b|technology"),
    ("Planning and oversight", r"operational plan|planning|oversight|submission|assurance"),
]
_AREA_RES = [(name, re.compile(p)) for name, p in AREAS]
OTHER_AREA = "Other commitments"


_AREA_NAMES = {name for name, _ in AREAS}


def area_of(r: Record, doc: Document | None = None) -> str:
    """The policy area a record belongs to, for grouping in the report.

    Looked for, in order, in the record's own words, its row label (with the document), the
    headings above it (deepest first), the priority it sits under and its source sentence.
    """
    texts = [record_text(r), _row_label(r, doc), *reversed(r.evidence.section)]
    if isinstance(r, Target) and r.priority:
        texts.append(r.priority)
    texts.append(r.evidence.sentence)
    for text in texts:
        folded = fold(text)
        for name, pattern in _AREA_RES:
            if pattern.search(folded):
                return name
    if isinstance(r, Target) and r.priority and r.priority[:1].isupper():
        return clean(r.priority)  # a named priority; a lower-case one is a sentence's fragment, not an area
    return OTHER_AREA


def areas_named(r: Record, doc: Document | None = None) -> frozenset[str]:
    """Every NHS policy area a record's own words name ("Elective, cancer and diagnostics" names two);
    without any, the one ``area_of`` finds from its context (if it is a known area)."""
    folded = fold(record_text(r))
    own = frozenset(name for name, pattern in _AREA_RES if pattern.search(folded))
    if own:
        return own
    area = area_of(r, doc)
    return frozenset({area}) if area in _AREA_NAMES else frozenset()


# --- classifying a matched pair ---------------------------------------------------------------

def _same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


@lru_cache(maxsize=1024)  # a handful of units, compared for every pair of targets
def _norm_unit(u: str | None) -> str | None:
    if u is None:
        return None
    u = plain(u)
    return {"percent": "%", "per cent": "%", "pc": "%", "": None}.get(u, u) if u else None


def _norm_opt(text: str | None) -> str | None:
    return plain(text) or None if text else None


def edition_period(w: When | None, edition: Edition | None) -> bool:
    """True when a date is just the edition's own planning period ("2024/25" in the 2024/25 guidance).

    Annual objectives are restated for each year's period; that is not a moved deadline.
    """
    if w is None or edition is None:
        return False
    return w.start == date(edition.first_year, 4, 1) and w.end == date(edition.last_year + 1, 3, 31)


def _compare_when(old: When | None, new: When | None, old_ed: Edition | None = None,
                  new_ed: Edition | None = None) -> FieldChange | None:
    # An annual objective restated "for this edition's year" (or left undated) has not moved.
    if (old is None or edition_period(old, old_ed)) and (new is None or edition_period(new, new_ed)):
        return None
    if old is None:
        return FieldChange("deadline_added", None, display_when(new))
    if new is None:
        return FieldChange("deadline_removed", display_when(old), None)
    # "By March 2026" binds on the period's end; a restatement at another granularity with the
    # same end ("2025/26" vs "March 2026") is not a move.
    if (new.end, new.start) > (old.end, old.start) and new.end != old.end:
        return FieldChange("deadline_later", display_when(old), display_when(new))
    if new.end < old.end:
        return FieldChange("deadline_earlier", display_when(old), display_when(new))
    return None


def wording_key(text: str) -> str:
    """Wording as compared for the "wording" aspect: figures and dates are separate aspects."""
    return re.sub(r"\s+", " ", _VALUE_DATE_RE.sub(" ", plain(text))).strip()


def classify(old: Record, new: Record, old_ed: Edition | None = None,
             new_ed: Edition | None = None) -> list[FieldChange]:
    """What differs between two matched records; empty means unchanged.

    With the editions given, a deadline equal to each edition's own planning period is treated as
    no deadline (see ``edition_period``).
    """
    out: list[FieldChange] = []
    if isinstance(old, Target) and isinstance(new, Target):
        if not _same_value(old.value, new.value):
            out.append(FieldChange("value", display_value(old), display_value(new)))
        if _norm_unit(old.unit) != _norm_unit(new.unit):
            out.append(FieldChange("unit", old.unit, new.unit))
        if old.direction != new.direction:
            out.append(FieldChange("direction", old.direction, new.direction))
        moved = _compare_when(old.deadline, new.deadline, old_ed, new_ed)
        if moved:
            out.append(moved)
        if _norm_opt(old.scope) != _norm_opt(new.scope):
            out.append(FieldChange("scope", old.scope, new.scope))
        if _norm_opt(old.baseline) != _norm_opt(new.baseline):
            out.append(FieldChange("baseline", old.baseline, new.baseline))
    elif isinstance(old, Deadline) and isinstance(new, Deadline):
        moved = _compare_when(old.when, new.when, old_ed, new_ed)
        if moved:
            out.append(moved)
    if wording_key(record_text(old)) != wording_key(record_text(new)):
        out.append(FieldChange("wording", clean(record_text(old)), clean(record_text(new))))
    a_old, a_new = area_of(old), area_of(new)
    if a_old != a_new and a_old in _AREA_NAMES and a_new in _AREA_NAMES:
        out.append(FieldChange("area", a_old, a_new))
    return out


_ASPECT_WORDS: dict[Aspect, str] = {
    "value": "value", "unit": "unit", "direction": "direction", "deadline_earlier": "deadline earlier",
    "deadline_later": "deadline later", "deadline_added": "deadline set", "deadline_removed":
    "deadline removed", "scope": "scope", "baseline": "baseline", "area": "area", "wording": "wording",
}


def _describe(r: Record) -> str:
    if isinstance(r, Target):
        parts = [p for p in (display_value(r), f"by {display_when(r.deadline)}" if r.deadline else None) if p]
        return " ".join(parts)
    if isinstance(r, Deadline):
        return f"by {display_when(r.when)}"
    return ""


def summarise(kind: ChangeKind, old: Record | None, new: Record | None,
              details: Sequence[FieldChange]) -> str:
    """One line a reader can scan: "value 78% -> 82%; deadline later March 2026 -> March 2027"."""
    if kind == "added" and new is not None:
        return ("new: " + _describe(new)).rstrip(": ")
    if kind == "dropped" and old is not None:
        return ("no longer stated: " + _describe(old)).rstrip(": ")
    if kind == "unchanged":
        return "unchanged"
    bits = []
    for d in details:
        if d.aspect == "wording":
            bits.append("wording")
        else:
            bits.append(f"{_ASPECT_WORDS[d.aspect]} {d.old or '-'} -> {d.new or '-'}")
    return "; ".join(bits)


# --- per-pair record diff ---------------------------------------------------------------------

# Within one edition, records with the same figure (and compatible dates) this alike are one
# commitment stated twice; with the same explicit date too, the lower bar applies.
RESTATEMENT_THRESHOLD = 0.3
RESTATEMENT_THRESHOLD_DATED = 0.2


def _is_table(r: Record, doc: Document | None) -> bool:
    if doc is not None and 0 <= r.evidence.block_index < len(doc.blocks):
        return doc.blocks[r.evidence.block_index].kind == "table_row"
    return " | " in r.evidence.sentence


def _restatement_bar(a: Record, b: Record, doc: Document | None, x: frozenset[str],
                     y: frozenset[str]) -> float | None:
    """The similarity above which ``a`` and ``b`` (naming standards ``x`` and ``y``) are one
    commitment stated twice, or None if they cannot be (different figure, date or standard)."""
    edition = doc.edition if doc is not None else None
    if x and y and not x & y:
        return None  # e.g. the 62-day and the 31-day cancer standards, both at 80% by March 2026
    if isinstance(a, Target) and isinstance(b, Target):
        if a.value is None or not _same_value(a.value, b.value) or _norm_unit(a.unit) != _norm_unit(b.unit):
            return None
        if a.deadline is not None and b.deadline is not None and a.deadline.end == b.deadline.end:
            return RESTATEMENT_THRESHOLD_DATED
        if a.deadline is None or b.deadline is None or \
                _compare_when(a.deadline, b.deadline, edition, edition) is None:
            return RESTATEMENT_THRESHOLD
        return None
    if isinstance(a, Deadline) and isinstance(b, Deadline):
        return RESTATEMENT_THRESHOLD if a.when.end == b.when.end else None
    if isinstance(a, Priority) and isinstance(b, Priority):
        return 0.0 if plain(a.title) == plain(b.title) else None
    return None


def dedupe(records: Sequence[Record], doc: Document | None = None) -> list[Record]:
    """One record per commitment within an edition.

    Guidance states many objectives twice, in the text and again in a summary table. Records with
    the same figure and date whose texts are alike (``_restatement_bar``) are merged, keeping
    the prose statement (it carries the fuller sentence) or else the first one, in document order.
    """
    return [r for r, _ in dedupe_grouped(records, doc)]


def dedupe_grouped(records: Sequence[Record],
                   doc: Document | None = None) -> list[tuple[Record, list[Record]]]:
    """``dedupe`` keeping, for each record kept, the restatements merged into it."""
    if len(records) < 2:
        return [(r, []) for r in records]
    sim = record_similarity(records, records, doc, doc)
    names = [record_anchors(r, doc) for r in records]
    order = sorted(range(len(records)), key=lambda i: (_is_table(records[i], doc), i))
    kept: dict[int, list[int]] = {}
    for i in order:
        home = next((k for k in kept if (bar := _restatement_bar(records[k], records[i], doc, names[k],
                                                                  names[i])) is not None and sim[i, k] >= bar),
                    None)
        if home is None:
            kept[i] = []
        else:
            kept[home].append(i)
    return [(records[i], [records[j] for j in sorted(kept[i])]) for i in sorted(kept)]


def _best_cell(text: str) -> str:
    """A table row's most telling cell (the one naming most standards, then the longest)."""
    cells = [c.strip() for c in text.split("|") if c.strip()]
    if len(cells) < 2:
        return clean(text.strip(" |"))
    return clean(max(cells, key=lambda c: (len(anchors(fold(c))), len(c.split()))))


def display_label(r: Record, restatements: Sequence[Record] = ()) -> str:
    """How the report names a record: its own text, unless that names no standard and one of its
    restatements does ("Consistently meet or exceed" vs the table's "2-hour urgent community
    response (UCR) standard"). Table rows are named by their most telling cell."""
    own = _best_cell(record_text(r))
    if anchors(fold(own)):
        return own
    others = [_best_cell(record_text(x)) for x in restatements]
    named = [o for o in others if anchors(fold(o))]
    return max(named, key=lambda o: len(anchors(fold(o)))) if named else own


def _value_bonus(old: Sequence[Record], new: Sequence[Record]) -> np.ndarray:
    """Evidence from the figures: the same value in the same unit makes a textual match likelier.

    Added to the text similarity before the threshold, so it can tip a damaged-text match over
    the bar but cannot match two records on their figure alone (VALUE_BONUS < threshold).
    """
    bonus = np.zeros((len(old), len(new)))
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            if isinstance(o, Target) and isinstance(n, Target) and o.value is not None and \
                    _same_value(o.value, n.value) and _norm_unit(o.unit) == _norm_unit(n.unit):
                bonus[i, j] = VALUE_BONUS
    return bonus


_TIME_UNITS = {"minute", "hour", "day", "week", "month", "year"}


def unit_kind(unit: str | None) -> str | None:
    """What a unit measures: "percent" (percentages and percentage points), "time", "money", "count"."""
    u = _norm_unit(unit)
    if u is None:
        return None
    if u == "%" or u.startswith(("percent", "percentage point", "point")) or u in ("pp", "% points"):
        return "percent"
    if u.rstrip("s") in _TIME_UNITS:
        return "time"
    if u.startswith(("£", "gbp")) or u in ("pounds", "billion", "million"):
        return "money"
    return "count"


# Who a figure binds: the nation as a whole, every trust / provider, or every system / ICB. NHS targets
# are often set as a national level with a floor for each trust ("national target of 85%", "every trust to
# maintain or improve to 82%"), and the two levels are separate commitments.
_LEVEL_RES = [
    ("provider", re.compile(r"\b(?:every|each|all|individual)\s+(?:nhs\s+|acute\s+)?(?:trusts?|providers?)\b|"
                            r"\b(?:trust|provider)[- ]level\b|\btrust limits?\b")),
    ("system", re.compile(r"\b(?:every|each|all)\s+(?:systems?|icbs?|integrated care boards?)\b")),
    ("national", re.compile(r"\bnational(?:ly)?\b|\bacross england\b")),
]
# another figure ends the words that can belong to this one; a duration names a standard ("18 weeks")
_FIGURE_RE = re.compile(r"(?<![\d.,])\d[\d,.]*(?![\d.,])(?!\s*-?\s*(?:hour|day|week|minute|month|year)s?\b)")
_LEVEL_WORDS_BEFORE = 8
_LEVEL_WORDS_AFTER = 2


def _levels(text: str) -> set[str]:
    t = clean(text).lower()
    return {name for name, rx in _LEVEL_RES if rx.search(t)}


def scope_level(r: Record) -> str | None:
    """The level a target binds ("national", "provider", "system"), or None when not evident.

    Read from the metric's own words, else from the words just around the figure in the source
    sentence (back to the previous figure, a couple after it: "every trust to ... 82%", "65%
    nationally"), else from the extracted ``scope``. Several levels at one place say nothing.
    """
    if not isinstance(r, Target):
        return None
    own = _levels(r.metric)
    if len(own) == 1:
        return next(iter(own))
    around = _figure_at(r)
    if around is not None:
        before = _FIGURE_RE.split(around[0])[-1].split()[-_LEVEL_WORDS_BEFORE:]
        after = around[1].split()[:_LEVEL_WORDS_AFTER]
        near = _levels(" ".join(before)) or _levels(" ".join(after))
        if len(near) == 1:
            return next(iter(near))
    scoped = _levels(r.scope or "")
    return next(iter(scoped)) if len(scoped) == 1 else None


def _figure_at(r: Target) -> tuple[str, str] | None:
    """The source sentence before and after a target's own figure (None if it cannot be found)."""
    if r.value is None:
        return None
    sentence = clean(r.evidence.sentence)
    m = re.search(rf"(?<![\d.,]){re.escape(_num(r.value))}(?![\d,]|\.\d)", sentence)
    return (sentence[: m.start()], sentence[m.end():]) if m else None


_CHANGE_AFTER_RE = re.compile(r"^\s*%?\s*(?:[\w-]+\s+){0,2}?(?:improvement|reduction|increase|decrease|growth|"
                              r"uplift|cut)s?\b", re.I)
_LEVEL_BEFORE_RE = re.compile(r"\b(?:to|at|of|reach(?:ing|es)?|than|below|above)\s*$", re.I)
_LEVEL_AFTER_RE = re.compile(r"^\s*%?\s*of\b", re.I)


def figure_kind(r: Record) -> str | None:
    """Whether a percentage target states a ``"change"`` ("a 5% point improvement", "a 30% reduction",
    "increase by 3%") or a ``"level"`` ("to 65%", "92% of patients", "no more than 14%"); None when
    the figure is not a percentage or the words around it do not say."""
    if not isinstance(r, Target) or unit_kind(r.unit) != "percent":
        return None
    unit = _norm_unit(r.unit) or ""
    if unit.startswith(("percentage point", "point", "pp")):
        return "change"
    around = _figure_at(r)
    if around is None:
        return None
    before, after = around
    words = _FIGURE_RE.split(before)[-1].split()[-3:]  # "by 2029 to 5%" is a level
    if "by" in (w.lower() for w in words) or _CHANGE_AFTER_RE.match(after):
        return "change"
    if _LEVEL_BEFORE_RE.search(before) or _LEVEL_AFTER_RE.match(after):
        return "level"
    return None


LEVEL_MISMATCH = 0.6  # factor on the assignment score of two targets binding different levels
PRIORITY_SAME_AREA = 0.5  # match score of two priorities heading the same NHS policy area


def cross_edition_score(old: Sequence[Record], new: Sequence[Record], old_doc: Document | None = None,
                        new_doc: Document | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Match scores of records across two editions: ``(score, preference)``.

    ``score`` is text similarity (``record_similarity``) plus the value bonus, checked against what the
    records measure; pairs below the threshold on it are not matched:

    - targets whose units measure different things (a percentage vs a time vs a count), or where one
      percentage is a change and the other a level (``figure_kind``), are never the same target
      (score 0): "78% within 4 hours" is not "children seen within 4 hours", "a 5 point improvement"
      is not "92% of patients";
    - priorities name policy areas in whatever words each edition chooses ("Reduce the time people
      wait for elective care" -> "Elective, cancer and diagnostics"): two naming a common NHS policy
      area (``areas_named``) score at least ``PRIORITY_SAME_AREA``.

    ``preference`` (zero or negative) only steers the one-to-one assignment between candidates:
    targets binding different levels (national vs every trust vs every system, ``scope_level``) count
    ``LEVEL_MISMATCH`` of their score there. A level changed between editions ("all systems" ->
    "a national target") does not by itself unmatch a target, but a same-level candidate wins.
    """
    sim = record_similarity(old, new, old_doc, new_doc) + _value_bonus(old, new)
    pref = np.zeros_like(sim)
    if not old or not new:
        return sim, pref
    # Worked out once per record: per pair, re-reading every sentence was a third of a diff's time.
    old_facts = [_match_facts(r, old_doc) for r in old]
    new_facts = [_match_facts(r, new_doc) for r in new]
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            (ko, fo, lo, ao), (kn, fn, ln, an) = old_facts[i], new_facts[j]
            if isinstance(o, Target) and isinstance(n, Target):
                if (ko and kn and ko != kn) or (fo and fn and fo != fn):
                    sim[i, j] = 0.0
                    continue
                if lo and ln and lo != ln:
                    pref[i, j] = -(1 - LEVEL_MISMATCH) * min(1.0, sim[i, j])
            elif isinstance(o, Priority) and isinstance(n, Priority) and ao & an:
                sim[i, j] = max(sim[i, j], PRIORITY_SAME_AREA)
    return np.clip(sim, 0.0, 1.0), pref


def _match_facts(r: Record, doc: Document | None) -> tuple[str | None, str | None, str | None, frozenset[str]]:
    """What ``cross_edition_score`` compares: a target's ``unit_kind``, ``figure_kind`` and
    ``scope_level``; a priority's ``areas_named``."""
    if isinstance(r, Target):
        return unit_kind(r.unit), figure_kind(r), scope_level(r), frozenset()
    if isinstance(r, Priority):
        return None, None, None, areas_named(r, doc)
    return None, None, None, frozenset()


def _tie_bonus(old: Sequence[Record], new: Sequence[Record]) -> np.ndarray:
    """Tiny preference for same value / same deadline between equally similar candidates."""
    bonus = np.zeros((len(old), len(new)))
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            if isinstance(o, Target) and isinstance(n, Target):
                bonus[i, j] += 0.004 * _same_value(o.value, n.value)
                bonus[i, j] += 0.002 * (_norm_unit(o.unit) == _norm_unit(n.unit))
                if o.deadline and n.deadline:
                    bonus[i, j] += 0.001 * (o.deadline.label == n.deadline.label)
            bonus[i, j] += 0.0005 * (o.id == n.id)
    return bonus


def _pair_area(o: Record, n: Record, old_doc: Document, new_doc: Document) -> str:
    """A matched pair's area: the new edition's, unless only the old one names a known area."""
    a_new = area_of(n, new_doc)
    if a_new in _AREA_NAMES:
        return a_new
    a_old = area_of(o, old_doc)
    return a_old if a_old in _AREA_NAMES else a_new


def _unique(base: str, used: set[str]) -> str:
    if base not in used:
        used.add(base)
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    used.add(f"{base}-{n}")
    return f"{base}-{n}"


def _match_records(old: Sequence[Record], new: Sequence[Record], old_doc: Document, new_doc: Document,
                   threshold: float) -> list[tuple[int, int, float]]:
    """Match one record type across a pair: the one-to-one pairs ``(i, j, score)``."""
    sim, preference = cross_edition_score(old, new, old_doc, new_doc)
    return [(i, j, round(float(sim[i, j]), 3))
            for i, j in assign(sim, threshold, preference + _tie_bonus(old, new))]


def _record_changes(old: Sequence[Labelled], new: Sequence[Labelled], matches: Sequence[tuple[int, int, float]],
                    old_lineage: Sequence[str], used: set[str], old_doc: Document,
                    new_doc: Document) -> tuple[list[Change], list[str]]:
    """Classify matched, dropped and added records of one type; returns the changes and the new
    records' lineage ids (a matched record inherits its old partner's id)."""
    old_edition, new_edition = old_doc.edition, new_doc.edition
    old_ed, new_ed = old_edition.label, new_edition.label
    changes: list[Change] = []
    new_lineage: list[str | None] = [None] * len(new)
    matched_old = set()
    for i, j, score in matches:
        (o, label), (n, _) = old[i], new[j]
        matched_old.add(i)
        new_lineage[j] = old_lineage[i]
        details = classify(o, n, old_edition, new_edition)
        kind: ChangeKind = "changed" if details else "unchanged"
        changes.append(Change(
            id=old_lineage[i], record_type=record_type(n), kind=kind, area=_pair_area(o, n, old_doc, new_doc),
            label=label, old_edition=old_ed, new_edition=new_ed, old=o, new=n,
            aspects=[d.aspect for d in details], details=details, similarity=score,
            summary=summarise(kind, o, n, details)))
    for i, (o, label) in enumerate(old):
        if i not in matched_old:
            changes.append(Change(
                id=old_lineage[i], record_type=record_type(o), kind="dropped", area=area_of(o, old_doc),
                label=label, old_edition=old_ed, new_edition=new_ed, old=o, new=None,
                summary=summarise("dropped", o, None, [])))
    for j, (n, label) in enumerate(new):
        if new_lineage[j] is None:
            new_lineage[j] = _unique(n.id, used)
            changes.append(Change(
                id=new_lineage[j] or n.id, record_type=record_type(n), kind="added", area=area_of(n, new_doc),
                label=label, old_edition=old_ed, new_edition=new_ed, old=None, new=n,
                summary=summarise("added", None, n, [])))
    return changes, [x or "" for x in new_lineage]


_KIND_ORDER = {"changed": 0, "added": 1, "dropped": 2, "unchanged": 3}
_TYPE_ORDER = {"target": 0, "deadline": 1, "priority": 2}


_AREA_RANK = {name: i for i, (name, _) in enumerate(AREAS)}


def area_rank(area: str) -> int:
    """Where an area sorts (here and in the report): the NHS areas in ``AREAS`` order, then areas
    named after a priority title, then ``OTHER_AREA`` last."""
    return _AREA_RANK.get(area, len(AREAS) + (area == OTHER_AREA))


def _sort_changes(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (area_rank(c.area), c.area, _TYPE_ORDER[c.record_type],
                                          _KIND_ORDER[c.kind], c.label.lower()))


# --- section text diff ------------------------------------------------------------------------

@dataclass
class _Section:
    heading: str
    page: int | None
    units: list[str]

    @property
    def body(self) -> str:
        return " ".join(self.units)


def sections_of(doc: Document, depth: int = SECTION_DEPTH) -> list[_Section]:
    """Split a document into sections at its top ``depth`` heading levels, in reading order.

    Headings shared by the whole document (its title) are not levels. Deeper headings stay inside
    their section as units, so a reworded sub-heading shows in the diff. Empty sections are skipped.
    """
    blocks = [b for b in doc.blocks if clean(b.text)]
    paths = [_heading_path(b) for b in blocks]
    common = _common_prefix([p for p in paths if p])
    out: list[_Section] = []
    key: tuple[str, ...] | None = None
    for b, full in zip(blocks, paths, strict=True):
        text = clean(b.text)
        path = full[len(common):] if full[:len(common)] == common else full
        k = path[:depth]
        if key is None or k != key:
            key = k
            title = " › ".join(clean(h) for h in k) if k else "(opening text)"
            out.append(_Section(heading=title, page=b.page, units=[]))
        if b.kind == "heading" and len(path) <= depth:
            continue  # the heading is the section's title, not a unit of its body
        out[-1].units.append(text)
    return [s for s in out if s.units]


def _common_prefix(paths: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """Heading path shared by every block (a document title), keeping at least one level distinct."""
    if len({p for p in paths}) < 2:
        return ()
    prefix = paths[0]
    for p in paths[1:]:
        n = 0
        while n < min(len(prefix), len(p)) and prefix[n] == p[n]:
            n += 1
        prefix = prefix[:n]
    return prefix


def _heading_path(b: Block) -> tuple[str, ...]:
    if b.kind != "heading":
        return tuple(b.section)
    if b.section and clean(b.section[-1]) == clean(b.text):
        return tuple(b.section)
    return (*b.section, b.text)


def _word_ops(old: str, new: str) -> tuple[list[TextOp], float]:
    a = re.findall(r"\S+\s*", old)
    b = re.findall(r"\S+\s*", new)
    sm = difflib.SequenceMatcher(None, [w.strip() for w in a], [w.strip() for w in b], autojunk=False)
    ops: list[TextOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        o, n = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            ops.append(TextOp("equal", o, n))
        else:
            if o:
                ops.append(TextOp("delete", o, ""))
            if n:
                ops.append(TextOp("insert", "", n))
    return ops, sm.ratio()


def text_diff(old_units: Sequence[str], new_units: Sequence[str]) -> list[TextOp]:
    """Paragraph-level diff; similar rewritten paragraphs carry a word-level ``inline`` diff."""
    sm = difflib.SequenceMatcher(None, [plain(u) for u in old_units], [plain(u) for u in new_units],
                                 autojunk=False)
    ops: list[TextOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        olds, news = list(old_units[i1:i2]), list(new_units[j1:j2])
        if tag == "equal":
            ops.extend(TextOp("equal", o, n) for o, n in zip(olds, news, strict=True))
        elif tag == "delete":
            ops.extend(TextOp("delete", o, "") for o in olds)
        elif tag == "insert":
            ops.extend(TextOp("insert", "", n) for n in news)
        else:
            ops.extend(_pair_replaced(olds, news))
    return ops


def _pair_replaced(olds: list[str], news: list[str]) -> list[TextOp]:
    """Pair rewritten paragraphs by similarity (in order) and diff each pair word by word."""
    ops: list[TextOp] = []
    sim = similarity_matrix(olds, news)
    pairs = dict(assign(sim, INLINE_MIN_RATIO))
    j_next = 0
    for i, o in enumerate(olds):
        j = pairs.get(i)
        if j is None or j < j_next:
            ops.append(TextOp("delete", o, ""))
            continue
        ops.extend(TextOp("insert", "", n) for n in news[j_next:j])
        inline, ratio = _word_ops(o, news[j])
        if ratio >= INLINE_MIN_RATIO:
            ops.append(TextOp("replace", o, news[j], tuple(inline)))
        else:
            ops.extend([TextOp("delete", o, ""), TextOp("insert", "", news[j])])
        j_next = j + 1
    ops.extend(TextOp("insert", "", n) for n in news[j_next:])
    return ops


def _words(text: str) -> int:
    return len(text.split())


def _year_labels(edition: Edition | None) -> set[str]:
    """How an edition names its own years: "2024/25", "2024-25", "2024/2025"."""
    if edition is None:
        return set()
    out = set()
    for y in range(edition.first_year, edition.last_year + 1):
        out |= {fy_label(y), f"{y}-{(y + 1) % 100:02d}", f"{y}/{y + 1}"}
    return out


def _only_edition_years(deleted: str, inserted: str, old_ed: Edition | None, new_ed: Edition | None) -> bool:
    """Is this edit just the edition's own year rolled forward ("for 2023/24" -> "for 2024/25")?"""
    a = [w.strip(".,;:()") for w in deleted.split()]
    b = [w.strip(".,;:()") for w in inserted.split()]
    olds, news = _year_labels(old_ed), _year_labels(new_ed)
    return bool(a) and len(a) == len(b) and all(x in olds for x in a) and all(y in news for y in b)


def _inline_counts(op: TextOp, old_ed: Edition | None, new_ed: Edition | None) -> tuple[int, int]:
    """Words added and removed in a reworded paragraph, not counting a rolled-forward edition year."""
    added = removed = 0
    parts = list(op.inline)
    i = 0
    while i < len(parts):
        x = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if x.op == "delete" and nxt is not None and nxt.op == "insert" and \
                _only_edition_years(x.old, nxt.new, old_ed, new_ed):
            i += 2
            continue
        if x.op == "insert":
            added += _words(x.new)
        elif x.op == "delete":
            removed += _words(x.old)
        i += 1
    return added, removed


def _section_diff(status: ChangeKind, old: _Section | None, new: _Section | None,
                  similarity: float | None, old_ed: Edition | None = None,
                  new_ed: Edition | None = None) -> SectionDiff:
    """Diff one aligned section pair. A paragraph whose only edit rolls the edition's own year
    forward still shows in ``ops`` but is not counted as reworded."""
    ops = text_diff(old.units if old else [], new.units if new else [])
    added = removed = 0
    for op in ops:
        if op.op == "insert":
            added += _words(op.new)
        elif op.op == "delete":
            removed += _words(op.old)
        elif op.op == "replace":
            a, r = _inline_counts(op, old_ed, new_ed)
            added, removed = added + a, removed + r
    if status in ("changed", "unchanged"):
        status = "changed" if (added or removed) else "unchanged"
        if status == "unchanged" and old and new and wording_key(old.heading) != wording_key(new.heading):
            status = "changed"
    return SectionDiff(status=status, old_heading=old.heading if old else None,
                       new_heading=new.heading if new else None, old_page=old.page if old else None,
                       new_page=new.page if new else None, similarity=similarity, ops=ops,
                       words_added=added, words_removed=removed)


def diff_sections(old_doc: Document, new_doc: Document, depth: int = SECTION_DEPTH,
                  threshold: float = SECTION_THRESHOLD) -> list[SectionDiff]:
    """Align the two documents' sections one-to-one and diff each aligned pair, in the new order.

    A section's score is the better of its body similarity and the mean of heading and body
    similarity, so a renamed section with the same text still aligns, and so does a kept heading
    whose text was rewritten.
    """
    old_s, new_s = sections_of(old_doc, depth), sections_of(new_doc, depth)
    head = similarity_matrix([without_values(s.heading) for s in old_s],
                             [without_values(s.heading) for s in new_s])
    body = similarity_matrix([s.body for s in old_s], [s.body for s in new_s])
    score = np.maximum(body, (head + body) / 2.0) if old_s and new_s else head
    pairs = assign(score, threshold)
    by_new = {j: i for i, j in pairs}
    # Keep reading order: walk the new edition, placing each dropped old section right after the
    # old section that preceded it.
    out: list[SectionDiff] = []
    emitted_old: set[int] = set()
    matched_old = {i for i, _ in pairs}

    def flush_dropped(upto: int) -> None:
        for i in range(upto):
            if i not in emitted_old and i not in matched_old:
                emitted_old.add(i)
                out.append(_section_diff("dropped", old_s[i], None, None))

    for j, s in enumerate(new_s):
        i = by_new.get(j)
        if i is None:
            out.append(_section_diff("added", None, s, None))
            continue
        flush_dropped(i)
        emitted_old.add(i)
        out.append(_section_diff("changed", old_s[i], s, round(float(score[i, j]), 3),
                                 old_doc.edition, new_doc.edition))
    flush_dropped(len(old_s))
    return out


# --- timelines --------------------------------------------------------------------------------

def _point(edition: str, r: Record) -> TimelinePoint:
    value = display_value(r) if isinstance(r, Target) else None
    when = r.deadline if isinstance(r, Target) else r.when if isinstance(r, Deadline) else None
    return TimelinePoint(edition=edition, record_id=r.id, value=value, deadline=display_when(when),
                         text=clean(record_text(r)), evidence=r.evidence)


def _timelines(pairs: Sequence[EditionDiff]) -> list[TimelineEntry]:
    entries: dict[tuple[RecordType, str], TimelineEntry] = {}
    order: list[tuple[RecordType, str]] = []
    for p in pairs:
        for c in p.changes:
            key = (c.record_type, c.id)
            entry = entries.get(key)
            if entry is None:
                entry = TimelineEntry(id=c.id, record_type=c.record_type, area=c.area, label=c.label,
                                      first_seen="", last_seen="")
                entries[key] = entry
                order.append(key)
            if c.old is not None and not any(pt.edition == c.old_edition for pt in entry.points):
                entry.points.append(_point(c.old_edition, c.old))
            if c.new is not None and not any(pt.edition == c.new_edition for pt in entry.points):
                entry.points.append(_point(c.new_edition, c.new))
                entry.area = c.area  # the label stays the first wording, like the id
    out = []
    for key in order:
        e = entries[key]
        if e.points:
            e.first_seen, e.last_seen = e.points[0].edition, e.points[-1].edition
            out.append(e)
    return sorted(out, key=lambda e: (area_rank(e.area), e.area, _TYPE_ORDER[e.record_type],
                                      e.label.lower()))


# --- entry point ------------------------------------------------------------------------------
#
# The work per edition (restatements merged) and per consecutive pair (record matching, section
# diffs) is independent, so it goes through ``mapper`` (``map``, or a process pool's ``map``: the
# CLI runs it on the pool that extracted the editions). Workers send back indices and section
# diffs, never records, so every Change refers to the caller's own records; ids are stitched
# across pairs afterwards, in order, because a record's lineage id comes from the earliest edition.

_RECORD_TYPES: tuple[RecordType, ...] = ("target", "deadline", "priority")
Mapper = Callable[..., Iterable[Any]]  # map, or Executor.map


def _groups(x: Extraction) -> dict[RecordType, Sequence[Record]]:
    return {"target": x.targets, "deadline": x.deadlines, "priority": x.priorities}


def _kept_records(edition: tuple[Document, Extraction]) -> dict[RecordType, list[tuple[int, str]]]:
    """Per record type, the index of each record kept after merging restatements, and its label."""
    doc, x = edition
    out: dict[RecordType, list[tuple[int, str]]] = {}
    for rtype, records in _groups(x).items():
        index = {id(r): k for k, r in enumerate(records)}
        out[rtype] = [(index[id(r)], display_label(r, again) or clean(record_text(r)))
                      for r, again in dedupe_grouped(records, doc)]
    return out


@dataclass
class _PairTask:
    """What one worker needs to compare a consecutive pair of editions."""

    old_doc: Document
    new_doc: Document
    old: dict[RecordType, list[Record]]
    new: dict[RecordType, list[Record]]
    threshold: float
    section_depth: int


def _compare_pair(task: _PairTask) -> tuple[dict[RecordType, list[tuple[int, int, float]]], list[SectionDiff]]:
    """Record matches per type and the section diffs of one pair of editions."""
    matches = {}
    for rtype in _RECORD_TYPES:
        bar = task.threshold + DEADLINE_MARGIN if rtype == "deadline" else task.threshold
        matches[rtype] = _match_records(task.old[rtype], task.new[rtype], task.old_doc, task.new_doc, bar)
    return matches, diff_sections(task.old_doc, task.new_doc, depth=task.section_depth)


def diff_editions(editions: Sequence[tuple[Document, Extraction]], *, threshold: float = DEFAULT_THRESHOLD,
                  section_depth: int = SECTION_DEPTH, mapper: Mapper = map) -> DiffResult:
    """Compare editions, oldest first by ``Edition.sort_key``: one EditionDiff per consecutive pair.

    With three or more editions, ``timelines`` follows every record across all of them. ``mapper``
    (``map`` or ``Executor.map``) runs the per-edition and per-pair work; the result is the same.
    """
    if len(editions) < 2:
        names = ", ".join(d.path for d, _ in editions) or "diff"
        raise GuidanceError(names, "a diff needs at least two editions",
                            "give the older and the newer edition of the guidance")
    ordered = sorted(editions, key=lambda dx: dx[0].edition.sort_key)  # stable: ties keep input order
    shas = [d.sha256 for d, _ in ordered]
    if len(set(shas)) < len(shas):
        dup = [d.path for d, _ in ordered if shas.count(d.sha256) > 1]
        raise GuidanceError(", ".join(dup), "the same file was given twice",
                            "give two different editions of the guidance")
    kept: list[dict[RecordType, list[Labelled]]] = []
    for (_, x), picks in zip(ordered, mapper(_kept_records, ordered), strict=True):
        groups = _groups(x)
        kept.append({t: [(groups[t][k], label) for k, label in picks[t]] for t in _RECORD_TYPES})
    tasks = [_PairTask(old_doc=o[0], new_doc=n[0], old={t: [r for r, _ in ko[t]] for t in _RECORD_TYPES},
                       new={t: [r for r, _ in kn[t]] for t in _RECORD_TYPES}, threshold=threshold,
                       section_depth=section_depth)
             for o, n, ko, kn in zip(ordered, ordered[1:], kept, kept[1:], strict=False)]
    used: set[str] = set()
    lineage = {t: [_unique(r.id, used) for r, _ in kept[0][t]] for t in _RECORD_TYPES}
    pairs: list[EditionDiff] = []
    for k, (task, (matches, sections)) in enumerate(zip(tasks, mapper(_compare_pair, tasks), strict=True)):
        changes: list[Change] = []
        next_lineage: dict[RecordType, list[str]] = {}
        for rtype in _RECORD_TYPES:
            ch, ids = _record_changes(kept[k][rtype], kept[k + 1][rtype], matches[rtype], lineage[rtype],
                                      used, task.old_doc, task.new_doc)
            changes.extend(ch)
            next_lineage[rtype] = ids
        counts = {kind: sum(c.kind == kind for c in changes)
                  for kind in ("added", "dropped", "changed", "unchanged")}
        pairs.append(EditionDiff(old=DocumentRef.of(task.old_doc), new=DocumentRef.of(task.new_doc),
                                 changes=_sort_changes(changes), sections=sections, counts=counts))
        lineage = next_lineage
    return DiffResult(
        editions=[DocumentRef.of(d) for d, _ in ordered], pairs=pairs,
        timelines=_timelines(pairs) if len(ordered) > 2 else [],
        settings={"threshold": threshold, "deadline_threshold": round(threshold + DEADLINE_MARGIN, 3),
                  "section_threshold": SECTION_THRESHOLD,
                  "section_depth": section_depth, "generator": f"guidance-parser {__version__}"})
