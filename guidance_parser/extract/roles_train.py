"""Training and evaluating the figure-role model from the labelled corpus (``corpora/labelled/*.jsonl``).

Owns reading the corpus, turning each labelled mention back into the features extraction computes
(``roles.features``, over the mention's sentence read by the same pipeline), fitting the model with a fixed
seed, writing it as data, and the leave-one-document-out evaluation that ``guidance eval`` prints: the
honest measure, since every document is scored by a model that never saw it.

    guidance train-roles             # rebuild guidance_parser/roles_model.json from corpora/labelled
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from guidance_parser.extract.components import build_nlp
from guidance_parser.extract.mentions import ROLES, Mention
from guidance_parser.extract.passages import Passage
from guidance_parser.extract.roles import MODEL_FILE, SEED, RoleModel, features
from guidance_parser.extract.targets import quantity_of, reported
from guidance_parser.model import Block, Edition

C = 0.3  # inverse regularisation strength: the smallest of 0.3 / 1 / 3 gave the best leave-one-out precision
THRESHOLD = 0.5  # P(target) from which a figure is a target
# ... and from which it is one when the older commitment rule agrees: of 0.3 / 0.35 / 0.4 / 0.5 (no rule), 0.35
# gave leave-one-out guidance P 0.94 R 0.82 against 0.93 / 0.75 for the model alone, overall P 0.74 R 0.71
# against 0.80 / 0.65 (README "Figure roles")
RULE_THRESHOLD = 0.35
MIN_COUNT = 2  # a feature must occur in this many training mentions to get a weight


@dataclass
class Example:
    doc: str
    doc_kind: str
    role: str
    feats: dict[str, float]
    row: dict[str, Any]


def corpus_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "corpora" / "labelled"


def model_path() -> Path:
    return Path(__file__).resolve().parents[1] / MODEL_FILE


def read_corpus(folder: Path | None = None) -> list[dict[str, Any]]:
    """Every labelled mention, in file and line order."""
    rows: list[dict[str, Any]] = []
    for path in sorted((folder or corpus_dir()).glob("*.jsonl")):
        rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return rows


def mention_features(mention: Mention) -> dict[str, float] | None:
    """``features`` of a stored mention: its sentence is read by the extraction pipeline as a passage of its
    own, with the edition and publication date its document had."""
    nlp = build_nlp()
    edition = Edition.from_label(mention.edition) if mention.edition else None
    doc = nlp.make_doc(mention.sentence)
    doc.user_data["text"] = mention.sentence
    doc.user_data["edition"] = edition
    doc.user_data["published"] = date.fromisoformat(mention.published) if mention.published else None
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    span = next((s for s in doc.spans["quantities"] if s.start_char == mention.start and s.end_char == mention.end),
                None)
    if span is None:
        span = doc.char_span(mention.start, mention.end, label=mention.kind, alignment_mode="expand")
    q = quantity_of(span) if span is not None else None
    if q is None:
        return None
    block = Block(kind=mention.block_kind, text=mention.sentence,  # type: ignore[arg-type]
                  section=(mention.section,) if mention.section else ())
    passage = Passage(text=mention.sentence, block_index=0, block=block, intro=mention.intro or None,
                      own_end=len(mention.sentence), example=mention.example,
                      column_years=tuple(c for c in mention.column_years.split(" | ") if c))
    has_percent = any(s.label_ in ("PERCENT", "POINTS") for s in doc.spans["quantities"])
    times = doc.user_data.get("time_mentions", [])
    return features(doc, doc[:], q, passage, mention, times, edition, has_percent,
                    reported(doc, doc[:], passage, times, edition))


def examples(rows: Iterable[dict[str, Any]]) -> list[Example]:
    """The labelled mentions whose figure the quantity rules still find, as training examples."""
    out = []
    for row in rows:
        if row.get("role") not in ROLES:
            continue
        feats = mention_features(Mention.from_dict(row))
        if feats is not None:
            out.append(Example(row["doc"], row.get("doc_kind", ""), row["role"], feats, row))
    return out


def fit(train: Sequence[Example], c: float = C, threshold: float = THRESHOLD,
        rule_threshold: float = RULE_THRESHOLD) -> RoleModel:
    """A one-vs-rest logistic regression over the examples' features (liblinear: fast on sparse features;
    the fixed seed fixes its coordinate order, so the same corpus gives the same model on every run)."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    # a feature seen once says more about its sentence than about roles; dropping those keeps the model small
    seen = Counter(name for e in train for name in e.feats)
    vec = DictVectorizer()
    x = vec.fit_transform([{k: v for k, v in e.feats.items() if seen[k] >= MIN_COUNT} for e in train]).tocsr()
    x.indices = x.indices.astype("int32")  # liblinear takes 32-bit indices only
    x.indptr = x.indptr.astype("int32")
    clf = OneVsRestClassifier(LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=SEED,
                                                 class_weight="balanced"))
    clf.fit(x, [e.role for e in train])
    names = vec.get_feature_names_out()
    classes = tuple(str(k) for k in clf.classes_)
    coef = np.vstack([est.coef_[0] for est in clf.estimators_])
    keep = np.abs(coef).max(axis=0) >= 1e-2  # weights too small to move a probability are not worth shipping
    weights = {str(names[j]): tuple(float(coef[k, j]) for k in range(len(classes))) for j in np.flatnonzero(keep)}
    return RoleModel(classes=classes, weights=weights,
                     intercept=tuple(float(est.intercept_[0]) for est in clf.estimators_), threshold=threshold,
                     rule_threshold=rule_threshold,
                     meta={"examples": len(train), "documents": len({e.doc for e in train}), "C": c, "seed": SEED})


def train(folder: Path | None = None, out: Path | None = None) -> RoleModel:
    """Fit on the whole corpus and write the model file (``guidance train-roles``)."""
    model = fit(examples(read_corpus(folder)))
    target = out or model_path()
    target.write_text(json.dumps(model.to_json(), separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    return model


# ---------------------------------------------------------------------------------------------------------
# Leave-one-document-out


@dataclass
class Scored:
    example: Example
    p_target: float
    role: str  # the most probable role
    target: bool  # what extraction decides (RoleModel.is_target)


def leave_one_out(exs: Sequence[Example], c: float = C) -> list[Scored]:
    """Each document's mentions scored by a model fitted on every other document."""
    out: list[Scored] = []
    for doc in sorted({e.doc for e in exs}):
        model = fit([e for e in exs if e.doc != doc], c=c)
        for e in exs:
            if e.doc == doc:
                probs = model.probabilities(e.feats)
                # as extraction decides: nothing inside a stretch of worked examples (driver._read_passage)
                out.append(Scored(e, probs["target"], max(probs, key=lambda k: probs[k]),
                                  model.is_target(probs["target"], e.feats) and not e.row.get("example")))
    return out


def counts(items: Sequence[Scored]) -> tuple[int, int, int]:
    """True positives, false positives and false negatives of the target decision."""
    tp = sum(1 for s in items if s.example.role == "target" and s.target)
    fp = sum(1 for s in items if s.example.role != "target" and s.target)
    fn = sum(1 for s in items if s.example.role == "target" and not s.target)
    return tp, fp, fn


def _row(name: str, items: Sequence[Scored]) -> str:
    tp, fp, fn = counts(items)
    p = f"{tp / (tp + fp):.2f}" if tp + fp else "  - "
    r = f"{tp / (tp + fn):.2f}" if tp + fn else "  - "
    return f"{name[:52]:<53}{len(items):>6}{tp + fn:>8}{tp:>5}{fp:>5}{fn:>5}   {p}  {r}"


def format_leave_one_out(scored: Sequence[Scored]) -> str:
    """Per document, per document kind and overall: targets' precision and recall, statistics taken for
    targets, the confusion between roles, and calibration (predicted P(target) against the observed share)."""
    head = f"{'':<53}{'figs':>6}{'targets':>8}{'tp':>5}{'fp':>5}{'fn':>5}   P     R"
    lines = ["FIGURE ROLES, leave-one-document-out (each document scored by a model trained on the others)",
             "", head]
    by_doc: dict[str, list[Scored]] = defaultdict(list)
    by_kind: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by_doc[s.example.doc].append(s)
        by_kind[s.example.doc_kind].append(s)
    lines += [_row(d, items) for d, items in sorted(by_doc.items())] + [""]
    lines += [_row("kind: " + k, items) for k, items in sorted(by_kind.items())] + [""]
    lines.append(_row("ALL", scored))
    stats = [s for s in scored if s.example.role == "statistic"]
    taken = sum(1 for s in stats if s.target)
    lines.append(f"\nstatistics taken for targets: {taken}/{len(stats)} ({taken / max(1, len(stats)):.1%})")
    confusion = Counter((s.example.role, s.role) for s in scored)
    roles = [r for r in ROLES if any(k[0] == r or k[1] == r for k in confusion)]
    lines += ["", "confusion (rows: labelled role, columns: most probable role)",
              f"{'':<11}" + "".join(f"{r[:9]:>10}" for r in roles)]
    lines += [f"{r:<11}" + "".join(f"{confusion[(r, c)]:>10}" for c in roles) for r in roles]
    lines += ["", "calibration of P(target)", f"{'bin':<12}{'figures':>8}{'targets':>9}{'share':>8}"]
    for lo in (0.0, 0.1, 0.3, 0.5, 0.7, 0.9):
        hi = {0.0: 0.1, 0.1: 0.3, 0.3: 0.5, 0.5: 0.7, 0.7: 0.9, 0.9: 1.01}[lo]
        inbin = [s for s in scored if lo <= s.p_target < hi]
        share = sum(1 for s in inbin if s.example.role == "target") / len(inbin) if inbin else 0.0
        lines.append(f"{f'{lo:.1f}-{min(hi, 1.0):.1f}':<12}{len(inbin):>8}"
                     f"{sum(1 for s in inbin if s.example.role == 'target'):>9}{share:>8.2f}")
    return "\n".join(lines)
