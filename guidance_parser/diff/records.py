"""Matching one record type across a pair of editions: restatements merged within an edition, the
cross-edition score (unit kinds, figure kinds, levels, catalogue measures, areas), lineage ids and the
changes of the pair."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from guidance_parser import rules, units
from guidance_parser.diff.areas import area_of, areas_named
from guidance_parser.diff.classify import _compare_when, classify
from guidance_parser.diff.normalise import clean, plain
from guidance_parser.diff.similarity import assign, record_anchors, record_similarity
from guidance_parser.model import (
    Change,
    ChangeKind,
    Deadline,
    Document,
    Priority,
    Target,
)
from guidance_parser.present import (
    Record,
    area_rank,
    record_type,
    summarise,
)
from guidance_parser.rules import UnitKind

VALUE_BONUS = 0.15  # added to the match score when two targets state the same figure and unit

Labelled = tuple[Record, str]  # a record kept after merging restatements, and its report label

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
        if a.value is None or not units.same_value(a.value, b.value) or \
                units.canonical(a.unit) != units.canonical(b.unit):
            return None
        if a.deadline is not None and b.deadline is not None and a.deadline.end == b.deadline.end:
            if a.metric_id is not None and a.metric_id == b.metric_id and scope_level(a) == scope_level(b):
                return 0.0  # the catalogue's one measure, at one figure, level and date: however worded
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


def _value_bonus(old: Sequence[Record], new: Sequence[Record]) -> np.ndarray:
    """Evidence from the figures: the same value in the same unit makes a textual match likelier.

    Added to the text similarity before the threshold, so it can tip a damaged-text match over
    the bar but cannot match two records on their figure alone (VALUE_BONUS < threshold).
    """
    bonus = np.zeros((len(old), len(new)))
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            if isinstance(o, Target) and isinstance(n, Target) and o.value is not None and \
                    units.same_value(o.value, n.value) and units.canonical(o.unit) == units.canonical(n.unit):
                bonus[i, j] = VALUE_BONUS
    return bonus


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
    nationally"), else from the extracted ``scope`` unless that only leads in to another figure of
    the sentence (``_leads_another_figure``). Several levels at one place say nothing.
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
    if len(scoped) != 1 or (around is not None and _leads_another_figure(next(iter(scoped)), r)):
        return None
    return next(iter(scoped))


def _leads_another_figure(level: str, r: Target) -> bool:
    """Whether every mention of ``level`` in the sentence leads in to another figure than the target's
    ("... national performance target of 70%"): then the extracted scope belongs to that figure."""
    sentence = clean(r.evidence.sentence)
    rx = dict(_LEVEL_RES)[level]
    own = _figure_at(r)
    mentions = list(rx.finditer(sentence.lower()))
    if not mentions or own is None:
        return False
    own_at = len(own[0])
    for m in mentions:
        ahead = _FIGURE_RE.search(sentence, m.end())
        gap = len(sentence[m.end():ahead.start()].split()) if ahead is not None else 0
        if ahead is None or ahead.start() == own_at or gap > _LEVEL_WORDS_BEFORE:
            return False
    return True


def _figure_at(r: Target) -> tuple[str, str] | None:
    """The source sentence before and after a target's own figure (None if it cannot be found)."""
    if r.value is None:
        return None
    sentence = clean(r.evidence.sentence)
    m = re.search(rf"(?<![\d.,]){re.escape(units.number(r.value))}(?![\d,]|\.\d)", sentence)
    return (sentence[: m.start()], sentence[m.end():]) if m else None


_CHANGE_AFTER_RE = re.compile(r"^\s*%?\s*(?:[\w-]+\s+){0,2}?(?:improvement|reduction|increase|decrease|growth|"
                              r"uplift|cut)s?\b", re.I)
_LEVEL_BEFORE_RE = re.compile(r"\b(?:to|at|of|reach(?:ing|es)?|than|below|above)\s*$", re.I)
_LEVEL_AFTER_RE = re.compile(r"^\s*%?\s*of\b", re.I)


def figure_kind(r: Record) -> str | None:
    """Whether a percentage target states a ``"change"`` ("a 5% point improvement", "a 30% reduction",
    "increase by 3%") or a ``"level"`` ("to 65%", "92% of patients", "no more than 14%"); None when
    the figure is not a percentage or the words around it do not say."""
    kind = units.kind(r.unit) if isinstance(r, Target) else None
    if kind == "points":
        return "change"
    if kind != "percent" or not isinstance(r, Target):
        return None
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
# Two targets stating the same measure of the metric catalogue (``Target.metric_id``) at the same level (or
# where either level is unknown) match with at least this score, and this much is added to their
# assignment score: more than any text similarity, so they pair first and the rest match as before.
SAME_METRIC = 0.5
SAME_METRIC_FIRST = 1.0
SAME_METRIC_LEVEL_UNKNOWN = 0.5  # the preference when one of the two levels is not known
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
    - targets stating different measures of the metric catalogue (both ``metric_id`` set) are never
      the same target; two stating the same measure at the same level score at least ``SAME_METRIC``
      and are paired first (``SAME_METRIC_FIRST`` in ``preference``; ``SAME_METRIC_LEVEL_UNKNOWN``
      when one level is not known, so a candidate at the same known level wins);
    - priorities name policy areas in whatever words each edition chooses ("Reduce the time people
      wait for elective care" -> "Elective, cancer and diagnostics"): two naming a common NHS policy
      area (``areas_named``) score at least ``PRIORITY_SAME_AREA``.

    ``preference`` only steers the one-to-one assignment between candidates:
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
                if (ko and kn and not units.comparable(ko, kn)) or (fo and fn and fo != fn) or \
                        (o.metric_id and n.metric_id and o.metric_id != n.metric_id):
                    sim[i, j] = 0.0
                    continue
                if lo and ln and lo != ln:
                    pref[i, j] = -(1 - LEVEL_MISMATCH) * min(1.0, sim[i, j])
                elif o.metric_id and o.metric_id == n.metric_id:
                    # The same catalogue measure at the same level: paired before anything else.
                    sim[i, j] = max(sim[i, j], SAME_METRIC)
                    pref[i, j] = SAME_METRIC_FIRST if lo and ln else SAME_METRIC_LEVEL_UNKNOWN
            elif isinstance(o, Priority) and isinstance(n, Priority) and ao & an:
                sim[i, j] = max(sim[i, j], PRIORITY_SAME_AREA)
    return np.clip(sim, 0.0, 1.0), pref


def _match_facts(r: Record, doc: Document | None) -> tuple[UnitKind | None, str | None, str | None, frozenset[str]]:
    """What ``cross_edition_score`` compares: a target's unit kind (``units.kind``), ``figure_kind`` and
    ``scope_level``; a priority's ``areas_named``."""
    if isinstance(r, Target):
        return units.kind(r.unit), figure_kind(r), scope_level(r), frozenset()
    if isinstance(r, Priority):
        return None, None, None, areas_named(r, doc)
    return None, None, None, frozenset()


def _tie_bonus(old: Sequence[Record], new: Sequence[Record]) -> np.ndarray:
    """Tiny preference for same value / same deadline between equally similar candidates."""
    bonus = np.zeros((len(old), len(new)))
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            if isinstance(o, Target) and isinstance(n, Target):
                bonus[i, j] += 0.004 * units.same_value(o.value, n.value)
                bonus[i, j] += 0.002 * (units.canonical(o.unit) == units.canonical(n.unit))
                if o.deadline and n.deadline:
                    bonus[i, j] += 0.001 * (o.deadline.label == n.deadline.label)
            bonus[i, j] += 0.0005 * (o.id == n.id)
    return bonus


def _pair_area(o: Record, n: Record, old_doc: Document, new_doc: Document) -> str:
    """A matched pair's area: the new edition's, unless only the old one names a known area."""
    a_new = area_of(n, new_doc)
    names = rules.areas().names
    if a_new in names:
        return a_new
    a_old = area_of(o, old_doc)
    return a_old if a_old in names else a_new


def _unique(base: str, used: set[str]) -> str:
    if base not in used:
        used.add(base)
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    used.add(f"{base}-{n}")
    return f"{base}-{n}"


def _new_lineage(r: Record, used: set[str]) -> str:
    """The lineage id of a record first seen in this run (a matched record inherits its partner's).

    A target the metric catalogue knows is ``target:<metric_id>`` (``target:uec.ae_4h``), with
    ``:<level>`` added when that is taken in this run (``target:uec.ae_4h:provider``), so it is the same
    whichever editions are compared; any other record keeps the extractor's id. A number is appended
    when still not unique. Ids are handed out oldest edition first and in document order, so adding a
    newer edition to a run never changes the ids of the older ones.
    """
    if isinstance(r, Target) and r.metric_id:
        base = f"target:{r.metric_id}"
        level = scope_level(r)
        if base in used and level:
            base = f"{base}:{level}"
        return _unique(base, used)
    return _unique(r.id, used)


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
            new_lineage[j] = _new_lineage(n, used)
            changes.append(Change(
                id=new_lineage[j] or n.id, record_type=record_type(n), kind="added", area=area_of(n, new_doc),
                label=label, old_edition=old_ed, new_edition=new_ed, old=None, new=n,
                summary=summarise("added", None, n, [])))
    return changes, [x or "" for x in new_lineage]


_KIND_ORDER = {"changed": 0, "added": 1, "dropped": 2, "kept_without_figure": 3, "unchanged": 4}
_TYPE_ORDER = {"target": 0, "deadline": 1, "priority": 2}


def _sort_changes(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (area_rank(c.area), c.area, _TYPE_ORDER[c.record_type],
                                          _KIND_ORDER[c.kind], c.label.lower()))
