"""Figure roles: the trained model that decides whether a figure is a target, a statistic, a baseline, ...

Owns the features of a figure mention (the words around it, the cue rules of ``rules/cues.toml`` and the
older hand-written target rules as evidence, tense and time, list, section and table context), the model's
file (``guidance_parser/roles_model.json``: weights as data, never a pickle) and its use at extraction time;
``roles_train`` trains it from the labelled corpus and evaluates it leaving each document out.

Quantity and date finding stay rules; whether a figure is a commitment is learned from documents of many
kinds, because rules written from a dozen texts took statistics for targets whenever a commitment word sat
nearby. ``features`` is the one place both training and extraction describe a figure, so the model sees at
run time exactly what it learned from.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Span

from guidance_parser import rules
from guidance_parser.extract.components import (
    clause_bounds,
    cues_in,
    is_fact,
    statistic_cue,
)
from guidance_parser.extract.deadlines import is_future, is_history
from guidance_parser.extract.mentions import Mention
from guidance_parser.extract.passages import Passage
from guidance_parser.extract.targets import EXAMPLE_RE, Quantity, is_target_quantity
from guidance_parser.model import Edition
from guidance_parser.when import TimeMention, find_times

MODEL_FILE = "roles_model.json"
SEED = 20261206
_WORD = re.compile(r"[a-z]+|\d+|[%£]")
_INTRO_MODALS = frozenset(rules.words("intro_modals"))


_DIGITS_AS_ZERO = str.maketrans("0123456789", "0000000000")


def _norm(token: str) -> str:
    """A token's feature form: lower case, every digit 0 ("2026/27" and "2025/26" are one feature)."""
    return token.lower().translate(_DIGITS_AS_ZERO)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _tense(m: TimeMention, edition: Edition | None) -> str:
    if is_history(m, edition):
        return "past"
    return "future" if is_future(m, edition) else "current"


def features(doc: Doc, sent: Span, q: Quantity, passage: Passage, mention: Mention,
             times: Sequence[TimeMention], edition: Edition | None, has_percent: bool,
             sentence_reported: bool) -> dict[str, float]:
    """What the model knows of one figure: binary features named ``family:value``.

    Every family states something a reader uses to tell a commitment from a result: the words just before
    and after the figure and in its clause, the cues of its clause and sentence (modal, commitment, fact,
    forecast, baseline, ...), the older rules' verdicts, the dates around it and whether they are past or
    ahead of the edition, the list introduction, section heading and table column over it.
    ``has_percent`` and ``sentence_reported`` (``targets.reported``) are the sentence's, worked out once for
    all its figures.
    """
    f: dict[str, float] = {"bias": 1.0, f"kind:{q.label}": 1.0}
    # a time beside a share in the same sentence usually names the measure ("78% seen within 4 hours"); alone
    # it is often the level itself ("handovers within 15 minutes")
    if q.label not in ("PERCENT", "POINTS"):
        f[f"kind:{q.label}&{'with' if has_percent else 'no'}_percent"] = 1.0
    lo, hi = clause_bounds(sent, q.start)
    left = [_norm(t.text) for t in doc[max(sent.start, q.start - 5):q.start]]
    right = [_norm(t.text) for t in doc[q.end:min(sent.end, q.end + 4)]]
    for w in left:
        f[f"L:{w}"] = 1.0
    for w in right:
        f[f"R:{w}"] = 1.0
    if left:
        f[f"L1:{left[-1]}"] = 1.0
    if len(left) > 1:
        f[f"L2:{left[-2]}_{left[-1]}"] = 1.0
    if right:
        f[f"R1:{right[0]}"] = 1.0
    for t in doc[lo:hi]:
        if t.is_alpha:
            f[f"C:{t.lower_}"] = 1.0
    # the cues of rules/cues.toml: in the figure's clause before / after it, elsewhere in the sentence
    for c in cues_in(doc, sent.start, sent.end):
        where = ("before" if c.end <= q.start else "after") if lo <= c.start and c.end <= hi else "sentence"
        f[f"cue:{c.label_}:{where}"] = 1.0
        if where == "before" and q.start - c.end <= 3:
            f[f"cue:{c.label_}:adjacent"] = 1.0
    # the older hand-written rules, as evidence the model weighs rather than verdicts it obeys
    if is_target_quantity(doc, sent, q, has_percent, list(times), edition):
        f["rule:target"] = 1.0
    if sentence_reported:
        f["rule:reported"] = 1.0
    if statistic_cue(doc, sent, q.start) is not None:
        f["rule:statistic"] = 1.0
    if is_fact(doc, max(lo, q.start - 25), q.start):
        f["rule:fact"] = 1.0
    if passage.example or EXAMPLE_RE.search(sent.text[:doc[q.start].idx - sent.start_char]):
        f["rule:example"] = 1.0
    # the cue nearest the figure on each side in its clause: "were at 24.8% ... will bring them down to 10%"
    # puts a report before the first figure and a commitment before the second, in one sentence
    before = [c for c in cues_in(doc, lo, q.start)]
    after = [c for c in cues_in(doc, q.end, hi)]
    if before:
        f[f"cue:nearest_before:{max(before, key=lambda c: c.end).label_}"] = 1.0
    if after:
        f[f"cue:nearest_after:{min(after, key=lambda c: c.start).label_}"] = 1.0
    # dates: where they stand against the figure and the edition; the nearest one is the figure's own
    q_char = doc[q.start].idx
    for m in times:
        side = "after" if m.expr_start > q_char else "before"
        tense = _tense(m, edition)
        f[f"time:{tense}"] = 1.0
        f[f"time:{side}:{tense}"] = 1.0
        f[f"time:{m.prep or 'none'}:{tense}"] = 1.0
    if times:
        near = min(times, key=lambda m: abs(m.expr_start - q_char))
        f[f"time:nearest:{_tense(near, edition)}"] = 1.0
        f[f"time:nearest:{near.prep or 'none'}:{_tense(near, edition)}"] = 1.0
    else:
        f["time:none"] = 1.0
    # context: block kind, list introduction, section, table
    f[f"block:{mention.block_kind}"] = 1.0
    if mention.intro:
        intro_words = _words(mention.intro)
        f["intro"] = 1.0
        if _INTRO_MODALS & set(intro_words):
            f["intro:modal"] = 1.0
        for w in intro_words:
            f[f"I:{w}"] = 1.0
        for m in find_times(mention.intro, edition):
            f[f"intro:time:{_tense(m, edition)}"] = 1.0  # "By 31 March 2026 we want to have achieved:"
    for w in _words(mention.section):
        f[f"S:{_norm(w)}"] = 1.0
    for w in _words(mention.column + " " + mention.column_years):
        f[f"COL:{_norm(w)}"] = 1.0
    if mention.row_label:
        f["row_label"] = 1.0
    if sent.start == q.start or all(not t.is_alpha for t in doc[sent.start:q.start]):
        f["opens_sentence"] = 1.0
    # a rule's verdict means more in some settings than others ("target" under a dated ask, "reported"
    # beside a forecast cue): pair each verdict with the context families, which a linear model cannot do
    for rule in [k for k in f if k.startswith("rule:")]:
        for other in [k for k in f if k.startswith(_PAIRED) and k.count(":") <= 2]:
            f[f"{rule}&{other}"] = 1.0
    return f


_PAIRED = ("time:", "cue:", "block:", "intro", "kind:")


# ---------------------------------------------------------------------------------------------------------
# The model at extraction time


@dataclass(frozen=True)
class RoleModel:
    """A one-vs-rest logistic regression stored as data: per class, a weight per feature."""

    classes: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]  # feature -> one weight per class
    intercept: tuple[float, ...]
    threshold: float  # P(target) at or above which a figure is a target
    meta: dict[str, Any]
    rule_threshold: float = 1.0  # ... or at or above which it is one when the older commitment rule agrees

    def is_target(self, p_target: float, feats: dict[str, float]) -> bool:
        """The decision: the model's P(target) clears the threshold, or a lower one when the hand-written
        commitment rule also holds and the sentence does not only report (``rule:target`` without
        ``rule:reported``): two independent readings agreeing need less of each (README "Figure roles")."""
        if p_target >= self.threshold:
            return True
        return p_target >= self.rule_threshold and "rule:target" in feats and "rule:reported" not in feats

    def probabilities(self, feats: dict[str, float]) -> dict[str, float]:
        scores = list(self.intercept)
        for name, value in feats.items():
            w = self.weights.get(name)
            if w is not None:
                for k, wk in enumerate(w):
                    scores[k] += wk * value
        # one-vs-rest: each class's own logistic probability, normalised over the classes (as scikit-learn does)
        odds = [1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, s)))) for s in scores]
        total = sum(odds)
        return {c: o / total for c, o in zip(self.classes, odds, strict=True)}

    def strongest(self, feats: dict[str, float], role: str = "target", n: int = 3) -> list[str]:
        """The features that pushed hardest toward ``role`` against the other classes: a record's basis."""
        k = self.classes.index(role)
        contrib = []
        for name in feats:
            w = self.weights.get(name)
            if w is None or name == "bias":
                continue
            others = (sum(w) - w[k]) / (len(w) - 1)
            contrib.append((w[k] - others, name))
        contrib.sort(reverse=True)
        return [name for c, name in contrib[:n] if c > 0]

    def to_json(self) -> dict[str, Any]:
        return {"classes": list(self.classes), "intercept": [round(x, 4) for x in self.intercept],
                "threshold": self.threshold, "rule_threshold": self.rule_threshold, "meta": self.meta,
                "weights": {k: [round(x, 4) for x in v] for k, v in sorted(self.weights.items())}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RoleModel:
        return cls(classes=tuple(data["classes"]), intercept=tuple(data["intercept"]),
                   threshold=float(data["threshold"]), meta=dict(data.get("meta", {})),
                   rule_threshold=float(data.get("rule_threshold", 1.0)),
                   weights={k: tuple(v) for k, v in data["weights"].items()})


@lru_cache(maxsize=1)
def load_model() -> RoleModel:
    """The shipped model, read once per process."""
    text = resources.files("guidance_parser").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return RoleModel.from_json(json.loads(text))
