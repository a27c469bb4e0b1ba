"""Similarity of texts and records across editions (TF-IDF word and character n-grams, anchors for
named standards, source context) and the optimal one-to-one assignment."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from guidance_parser import units
from guidance_parser.diff.normalise import clean, fold, without_values
from guidance_parser.model import (
    Deadline,
    Document,
    Target,
)
from guidance_parser.present import (
    Record,
    record_text,
)
from guidance_parser.vocabulary import anchors

# --- similarity and one-to-one assignment -----------------------------------------------------

# Two metrics naming different standards (the 4-hour vs the 12-hour A&E standard, 62-day vs 31-day
# cancer) are different targets however alike the rest of their words; two naming the same ones very
# probably are the same target reworded. Which tokens name a standard: rules/standards.toml (anchors).
ANCHOR_WEIGHT = 0.4


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


CONTEXT_WEIGHT = 0.35  # share of the source sentence (vs the record's own text) in record matching


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
        value_token = fold(f"{units.number(r.value)} {r.unit}").replace(" ", "")
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
