"""Scoring extraction against the hand-made gold annotations in ``tests/gold/``.

This module owns the comparison: which extracted record is which gold record, and the numbers.
Gold records are anchored by a short verbatim quote (see tests/gold/README.md); an extracted record
is *located* at a gold record when the gold quote occurs (fuzzily, to survive ligature damage) in the
record's evidence sentence. Within one sentence several records can share a quote ("75% and 80%
respectively"), so records and gold are paired by an optimal one-to-one assignment that prefers pairs
whose value (targets) or date label (deadlines) agree.

Reported per document and record type: precision, recall and F1 of located records, a strict F1 that
also requires the value / date to be right, and field accuracy over located pairs (value, unit,
deadline for targets; ``when`` for deadlines), followed by the misses and false positives.
Gold records marked ``optional`` neither count as misses nor make a match a false positive.
Gold for a Markdown text anchors records by ``line``; gold for a real PDF (``tests/gold/pdf/``) by ``page`` (the
PDF's page index) and names the PDF's ``sha256``, checked before scoring. Both are located the same way, by quote.
``overall`` pools the counts of several documents (micro-averaged precision, recall and field accuracy).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from guidance_parser import units
from guidance_parser.errors import GuidanceError
from guidance_parser.model import Deadline, Document, Extraction, Priority, Target
from guidance_parser.options import DEFAULT_ENGINE
from guidance_parser.text import clean, normalise_space

R = TypeVar("R", Target, Deadline)
LOCATE_MIN = 90.0  # partial_ratio of the gold quote inside an evidence sentence


def norm(text: str) -> str:
    """Lower-case, artefacts and punctuation out, so a quote from the raw text meets repaired text."""
    return normalise_space(re.sub(r"[^a-z0-9%£&/' -]+", " ", clean(text).lower()))


def unit_category(unit: str | None) -> str | None:
    """What the scorer compares of a unit: its kind (``units.kind``), and for a time which unit it is
    (30 minutes is not 30 hours)."""
    kind = units.kind(unit)
    return units.canonical(unit) if kind == "time" else kind


@dataclass
class FieldScore:
    right: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else math.nan

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += int(ok)


@dataclass
class TypeScore:
    """Scores of one record type in one document."""

    kind: str
    gold: int = 0  # required gold records
    extracted: int = 0  # extracted records in scope, less those matched to optional gold
    tp: int = 0
    strict_tp: int = 0
    fields: dict[str, FieldScore] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    field_errors: list[str] = field(default_factory=list)
    false_positive_records: list[Any] = field(default_factory=list)  # the records themselves, whole sentences

    # A document can rightly have no records of a type (a process framework sets no targets): then there is
    # nothing to miss (recall 1) and anything found is wrong (precision 0), so F1 is 1 only for finding nothing.
    def _precision_recall(self, tp: int) -> tuple[float, float]:
        p = tp / self.extracted if self.extracted else (0.0 if self.gold else 1.0)
        r = tp / self.gold if self.gold else 1.0
        return p, r

    @property
    def precision(self) -> float:
        return self._precision_recall(self.tp)[0]

    @property
    def recall(self) -> float:
        return self._precision_recall(self.tp)[1]

    @property
    def f1(self) -> float:
        return _f1(*self._precision_recall(self.tp))

    @property
    def strict_f1(self) -> float:
        return _f1(*self._precision_recall(self.strict_tp))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocScore:
    document: str
    types: dict[str, TypeScore]


def load_gold(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise GuidanceError(str(path), f"cannot read gold annotations ({err})",
                            "check the file is the JSON described in tests/gold/README.md") from err
    for key in ("document", "targets", "deadlines"):
        if key not in data:
            raise GuidanceError(str(path), f"gold file has no {key!r}", "see tests/gold/README.md")
    return data


def gold_files(gold_dir: Path) -> list[Path]:
    """The extraction gold files in ``gold_dir``: JSON naming the ``document`` it annotates.

    Other JSON kept beside them (the differ's cross-edition pair annotations, which name an ``old`` and a
    ``new`` gold file) is not extraction gold and is left to its own tests.
    """
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            out.append(path)  # load_gold reports it properly
            continue
        if isinstance(data, dict) and "document" not in data and {"old", "new"} <= data.keys():
            continue
        out.append(path)
    return out


def _located(quote: str, sentence: str) -> float:
    q, s = norm(quote), norm(sentence)
    if not q or not s:
        return 0.0
    if q in s:
        return 100.0
    if len(s) < len(q) * 0.6:
        return 0.0
    return float(fuzz.partial_ratio(q, s))


def _anchor(g: dict[str, Any]) -> str:
    """Where a gold record is: its line in a Markdown text, else its page in a PDF."""
    return f"line {g['line']} p{g.get('page')}" if g.get("line") is not None else f"p{g.get('page')}"


def _scope_end(doc: Document, gold: dict[str, Any], key: str = "end_before") -> int:
    """Index of the block a ``scope`` marker heading names (``end_before`` / ``start_at``)."""
    marker = gold.get("scope", {}).get(key)
    if not marker:
        return len(doc.blocks) if key == "end_before" else 0
    m = norm(marker)
    # the heading itself, not its line in the table of contents: prefer headings, else the last mention
    heads = [i for i, b in enumerate(doc.blocks) if b.kind == "heading" and norm(b.text).startswith(m)]
    hits = heads or [i for i, b in enumerate(doc.blocks) if norm(b.text).startswith(m)]
    return hits[-1] if hits else len(doc.blocks)


def _value_ok(g: dict[str, Any], t: Target) -> bool:
    gv = g.get("value")
    if gv is None or t.value is None:
        return gv is None and t.value is None
    return units.same_value(float(gv), float(t.value))


def _assign(gold: list[dict[str, Any]], recs: list[Any], agree: Any) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, record index) maximising location + agreement."""
    if not gold or not recs:
        return []
    big = 1e6
    cost = np.full((len(gold), len(recs)), big)
    for i, g in enumerate(gold):
        for j, r in enumerate(recs):
            loc = _located(g["quote"], r.evidence.sentence)
            if loc >= LOCATE_MIN:
                cost[i, j] = -(loc / 100.0 + (2.0 if agree(g, r) else 0.0))
    rows, cols = linear_sum_assignment(cost)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if cost[i, j] < big]


def _short(text: str, n: int = 110) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def _tally(ts: TypeScore, gold: list[dict[str, Any]], recs: list[R], agree: Callable[[dict[str, Any], R], bool],
           judge: Callable[[dict[str, Any], R], None], missed: Callable[[dict[str, Any]], str],
           found: Callable[[R], str]) -> TypeScore:
    """The bookkeeping every located record type shares: pair gold and records (``_assign``), leave
    optional gold out of every count, ``judge`` each located pair's fields, and list the misses and
    false positives."""
    pairs = _assign(gold, recs, agree)
    matched_g = {i for i, _ in pairs}
    matched_r = {j for _, j in pairs}
    optional_hits = 0
    for i, j in pairs:
        if gold[i].get("optional"):
            optional_hits += 1
            continue
        ts.tp += 1
        judge(gold[i], recs[j])
    ts.gold = sum(1 for g in gold if not g.get("optional"))
    ts.extracted = len(recs) - optional_hits
    ts.misses += [missed(g) for i, g in enumerate(gold) if i not in matched_g and not g.get("optional")]
    ts.false_positive_records += [r for j, r in enumerate(recs) if j not in matched_r]
    ts.false_positives += [found(r) for r in ts.false_positive_records]
    return ts


def score_targets(gold: list[dict[str, Any]], targets: list[Target]) -> TypeScore:
    ts = TypeScore("targets", fields={"value": FieldScore(), "unit": FieldScore(), "deadline": FieldScore()})

    def judge(g: dict[str, Any], t: Target) -> None:
        v_ok = _value_ok(g, t)
        ts.fields["value"].add(v_ok)
        u_ok = unit_category(g.get("unit")) == unit_category(t.unit)
        ts.fields["unit"].add(u_ok)
        d_label = t.deadline.label if t.deadline else None
        d_ok = True
        if not g.get("deadline_unscored"):
            d_ok = d_label == g.get("deadline")
            ts.fields["deadline"].add(d_ok)
        if v_ok:
            ts.strict_tp += 1
        if not (v_ok and u_ok and d_ok):
            ts.field_errors.append(f"{_anchor(g)}: gold {g.get('value')} {g.get('unit')} "
                                   f"{g.get('deadline')}"
                                   f" | got {t.value} {t.unit} {d_label} | {_short(g['quote'], 60)}")

    def missed(g: dict[str, Any]) -> str:
        return (f"{_anchor(g)}: {g.get('value')} {g.get('unit') or ''} "
                f"{g.get('deadline') or ''} | {_short(g['quote'], 70)}")

    def found(t: Target) -> str:
        return (f"{t.value:g} {t.unit} {t.deadline.label if t.deadline else ''} | "
                f"{_short(t.evidence.sentence)}" if t.value is not None else
                f"- | {_short(t.evidence.sentence)}")

    return _tally(ts, gold, targets, _value_ok, judge, missed, found)


def score_deadlines(gold: list[dict[str, Any]], deadlines: list[Deadline]) -> TypeScore:
    ts = TypeScore("deadlines", fields={"when": FieldScore()})

    def judge(g: dict[str, Any], d: Deadline) -> None:
        ok = d.when.label == g.get("when")
        ts.fields["when"].add(ok)
        ts.strict_tp += int(ok)
        if not ok:
            ts.field_errors.append(f"{_anchor(g)}: gold {g.get('when')} | got {d.when.label} | "
                                   f"{_short(g['quote'], 60)}")

    def missed(g: dict[str, Any]) -> str:
        return f"{_anchor(g)}: {g.get('when')} | {_short(g['quote'], 70)}"

    def found(d: Deadline) -> str:
        return f"{d.when.label} ({d.when.text}) | {_short(d.evidence.sentence)}"

    return _tally(ts, gold, deadlines, lambda g, d: d.when.label == g.get("when"), judge, missed, found)


def score_priorities(gold: list[dict[str, Any]], priorities: list[Priority]) -> TypeScore:
    ts = TypeScore("priorities")
    ts.gold, ts.extracted = len(gold), len(priorities)
    used: set[int] = set()
    for g in gold:
        best, best_j = 0.0, -1
        for j, p in enumerate(priorities):
            if j in used:
                continue
            s = fuzz.token_set_ratio(norm(g["title"]), norm(p.title))
            if s > best:
                best, best_j = s, j
        if best >= 80:
            used.add(best_j)
            ts.tp += 1
            ts.strict_tp += 1
        else:
            ts.misses.append(f"line {g.get('line')}: {g['title']}")
    ts.false_positives = [p.title for j, p in enumerate(priorities) if j not in used]
    return ts


def score_document(doc: Document, extraction: Extraction, gold: dict[str, Any]) -> DocScore:
    """Scores of one extraction against its gold file (only records inside the annotated span)."""
    start, end = _scope_end(doc, gold, "start_at"), _scope_end(doc, gold)
    targets = [t for t in extraction.targets if start <= t.evidence.block_index < end]
    deadlines = [d for d in extraction.deadlines if start <= d.evidence.block_index < end]
    priorities = [p for p in extraction.priorities if start <= p.evidence.block_index < end]
    types = {"targets": score_targets(gold["targets"], targets),
             "deadlines": score_deadlines(gold["deadlines"], deadlines)}
    if "priorities" in gold:
        types["priorities"] = score_priorities(gold["priorities"], priorities)
    return DocScore(gold["document"], types)


def overall(scores: list[DocScore]) -> DocScore:
    """The documents' counts pooled per record type: micro-averaged precision, recall and field accuracy."""
    pooled: dict[str, TypeScore] = {}
    for ds in scores:
        for kind, ts in ds.types.items():
            acc = pooled.setdefault(kind, TypeScore(kind))
            acc.gold += ts.gold
            acc.extracted += ts.extracted
            acc.tp += ts.tp
            acc.strict_tp += ts.strict_tp
            for name, fs in ts.fields.items():
                f = acc.fields.setdefault(name, FieldScore())
                f.right += fs.right
                f.total += fs.total
    return DocScore(f"overall ({len(scores)} documents)", pooled)


def _fmt(x: float) -> str:
    return "  -  " if math.isnan(x) else f"{x:5.2f}"


def format_scores(scores: list[DocScore], details: bool = True) -> str:
    lines = []
    head = f"{'document':44} {'type':10} {'gold':>4} {'found':>5} {'tp':>4}  {'P':>5} {'R':>5} {'F1':>5}  " \
           f"{'strict':>6}  fields"
    lines += [head, "-" * len(head)]
    for ds in scores + ([overall(scores)] if len(scores) > 1 else []):
        for ts in ds.types.values():
            fields = "  ".join(f"{k} {_fmt(v.accuracy)} ({v.right}/{v.total})" for k, v in ts.fields.items())
            lines.append(f"{ds.document[:44]:44} {ts.kind:10} {ts.gold:4d} {ts.extracted:5d} {ts.tp:4d}  "
                         f"{ts.precision:5.2f} {ts.recall:5.2f} {ts.f1:5.2f}  {ts.strict_f1:6.2f}  {fields}")
    if details:
        for ds in scores:
            for ts in ds.types.values():
                for title, items in (("misses", ts.misses), ("false positives", ts.false_positives),
                                     ("field errors", ts.field_errors)):
                    if items:
                        lines.append(f"\n{ds.document} - {ts.kind} - {title} ({len(items)}):")
                        lines += [f"  {x}" for x in items]
    return "\n".join(lines)


def ingest_annotated(path: Path, gold: dict[str, Any], gold_file: Path, engine: str = DEFAULT_ENGINE) -> Document:
    """Ingest the document a gold file annotates and check it is that file.

    A document that prints no planning year (a local guideline, a report) is read with the ``edition`` its
    gold names, as a user would pass ``--edition``; one that prints a year is read as ``guidance`` reads it.
    ``engine`` is the PDF engine (``options.ENGINES``) for a PDF.
    """
    from guidance_parser.ingest import ingest_file

    doc = ingest_file(path, engine=engine)
    if not doc.edition.dated and gold.get("edition"):
        doc = ingest_file(path, edition=gold["edition"], engine=engine)
    if gold.get("sha256") and gold["sha256"] != doc.sha256:
        raise GuidanceError(str(path), f"this file is not the one {gold_file.name} annotates (sha256 differs)",
                            "restore the original file (../shared/corpus/SOURCES.md gives its checksum)")
    return doc


def evaluate_dir(corpus: Path, gold_dir: Path) -> list[DocScore]:
    """Ingest, extract and score every document that has a gold file in ``gold_dir``."""
    from guidance_parser.extract import extract

    files = gold_files(gold_dir)
    if not files:
        raise GuidanceError(str(gold_dir), "no gold annotation files (*.json) found",
                            "the gold ships in a clone of the project (tests/gold): run from one, or pass --gold")
    scores = []
    for gf in files:
        gold = load_gold(gf)
        path = corpus / "md" / gold["document"]
        if not path.is_file() and gold["document"].startswith("pdf/"):
            path = corpus / gold["document"]  # a PDF's gold names it under the corpus: "pdf/<file>.pdf"
        if not path.is_file():
            raise GuidanceError(str(path), "the real text this gold file annotates is missing",
                                f"the gold scores the NHS texts of {CORPUS_NOTE}; {WHERE_CORPUS}")
        doc = ingest_annotated(path, gold, gf)
        scores.append(score_document(doc, extract(doc), gold))
    return scores


CORPUS_NOTE = "corpora/manifest.toml (titles, sources, SHA-256)"
WHERE_CORPUS = ("save them as DIR/md/*.md (and the real PDFs as DIR/pdf/*.pdf), then pass --corpus DIR or set "
                "GUIDANCE_CORPUS=DIR (default: ../shared/corpus beside the project)")


def check_corpus(corpus: Path) -> None:
    """Say what ``guidance eval`` needs when the real texts are not where it looks: the gold is shipped,
    the texts it annotates (NHS England's, not ours to ship) are not."""
    if not (corpus / "md").is_dir():
        raise GuidanceError(str(corpus), "no real texts here (md/ is missing): the gold in tests/gold scores "
                            f"extraction on the NHS texts of {CORPUS_NOTE}", WHERE_CORPUS)


def run_eval(corpus: Path, gold_dir: Path) -> int:
    """``guidance eval``: print the score tables, misses and false positives; return 0.

    A ``heldout/`` folder beside the gold files holds annotations made after the rules were written
    (never used to tune them); its scores are printed separately as the honest generalisation check, and
    so are those of ``pdf/``, the real PDFs (read whole from the corpus's ``pdf/`` folder), and of ``blind/``,
    texts of other styles annotated and committed before any extractor output on them was seen.
    """
    from guidance_parser.extract import roles_train

    # the honest numbers first: each labelled document scored by a figure-role model that never saw it.
    # They need only corpora/labelled (shipped), so they print even where the real texts are missing
    print(roles_train.format_leave_one_out(roles_train.leave_one_out(roles_train.examples(roles_train.read_corpus()))))
    check_corpus(corpus)
    print("\n\nEXTRACTION against tests/gold (the shipped model was trained on these documents too: "
          "a regression check, not evidence of generalisation)\n")
    scores = evaluate_dir(corpus, gold_dir)
    print(format_scores(scores))
    for sub, title in (("heldout", "HELD-OUT (annotated after the rules were written; "
                                   "what changed after its first run: tests/gold/README.md)"),
                       ("pdf", "REAL PDFs (annotated blind; tests/gold/pdf/README.md)"),
                       ("blind", "BLIND (annotated before the extractor's output on them was seen; "
                                 "first run and any change since: tests/gold/README.md)")):
        if (gold_dir / sub).is_dir() and gold_files(gold_dir / sub):
            print(f"\n\n{title}\n")
            print(format_scores(evaluate_dir(corpus, gold_dir / sub)))
    return 0
