"""The briefing: the few changes a policy team needs first, one line per measure, in the catalogue's words.

Owned here: which target changes of one pair of editions lead the report, in what order, and the line each
gets. Nothing is generated freely: a line is the metric catalogue's name of the measure (rules/metrics.toml)
and the figures and deadlines of the records it stands for, old -> new, so it says no more than the
evidence rows it links to. Only targets make news (a dated action or a statistic is not a commitment to a
figure), and only targets the catalogue knows: a raw phrase is not a name a reader can quote.

Order (``rank``): figure changes of headline measures (the catalogue's ``headline`` weight; national, or the
every-trust floor of a weight-3 standard) first, then verified drops of headline measures (the new edition
was searched and does not name them, ``diff/absence.py``), then new measures of weight 2 or more, then the
rest (measures with no headline weight, other floors, moved deadlines, measures kept without a figure,
minor new measures). Within a tier, heavier measures first, national before floors, then the report's area
order. Drops come before new measures so that the
loss of a national standard is not buried under the additions of a longer edition.

Every line is about one measure: the records of one catalogue measure at one level (the national
statement and its every-trust floor are two lines) are read together, so a trajectory stated as several
records ("82% by March 2027", "85% in 2028/29") is one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from guidance_parser import catalogue
from guidance_parser.model import Change, Target
from guidance_parser.present import area_rank, display_point

BRIEFING_MAX = 15  # lines shown: what fits the first screen at 1400x1000; the rest stay in the tables
WEAK_MATCH_MARGIN = 0.12  # a matched pair scoring within this of the match threshold is a weak match
WEAK_EXTRACTION = 0.5  # a target read with less confidence than this (a bare figure, no cue) is checked first

NEWS_WEIGHT = 1  # a measure's figure change or drop leads when its catalogue "headline" weight is at least this
NEW_WEIGHT = 2  # a new measure leads when its weight is at least this (a longer edition adds many minor ones)
FLOOR_WEIGHT = 3  # the every-trust floor of a measure this heavy leads too ("every trust to 82%")

# tiers, most important first (see ``rank``)
FIGURE_CHANGE, DROPPED, NEW, OTHER = range(4)
TIER_LABELS = {FIGURE_CHANGE: "Figure changed", DROPPED: "Dropped", NEW: "New measure", OTHER: "Also changed"}
_LOWER_LEVELS = ("provider", "system")  # lineage-id suffixes of the every-trust / every-system floors
_LEVEL_WORDS = {"provider": "every trust", "system": "every system"}


@dataclass
class BriefingItem:
    """One line of the briefing: a measure's figures old -> new and the evidence rows it stands for."""

    tier: int
    tier_label: str
    sentence: str
    area: str
    change_id: str  # the first evidence row (the line links to it)
    low_confidence: str | None  # why this item needs checking before it is quoted, or None
    change_ids: list[str] = field(default_factory=list)  # every evidence row the line's figures come from
    weight: int = 0  # the measure's catalogue headline weight
    level: str = "national"  # or "provider" / "system": an every-trust / every-system floor


def _level(c: Change) -> str:
    """The level a change's lineage binds: "provider", "system" or "national" (the default)."""
    tail = c.id.split(":")[-1].split("-")[0]  # "target:elective.rtt_18w:provider-2" is a provider floor
    return tail if tail in _LOWER_LEVELS else "national"


def _points(targets: Sequence[Target]) -> list[str]:
    """The distinct figures of a side ("82% by March 2027"; every point of a trajectory), in deadline order
    (undated last; an undated figure the side also states with a date is left out), weak readings left out
    when a firmer one is there (a bare figure with no cue says less than the cued ones beside it)."""
    firm = [t for t in targets if t.value is not None and t.confidence >= WEAK_EXTRACTION]
    chosen = firm or [t for t in targets if t.value is not None]
    points = [(p.value, p.unit, p.deadline) for t in chosen for p in t.points] + \
        [(t.value, t.unit, t.deadline) for t in chosen if not t.points]
    points.sort(key=lambda p: (p[2] is None, p[2].end if p[2] else None))
    dated = {(value, unit) for value, unit, when in points if when is not None}
    out: list[str] = []
    for value, unit, when in points:
        if when is None and (value, unit) in dated:
            continue  # the same figure restated without its date ("... 18 minutes by 2028/29, 18 minutes")
        shown = display_point(value, unit, when)
        if shown and shown not in out:
            out.append(shown)
    return out


def _figure_moved(c: Change) -> bool:
    return bool({"value", "unit", "trajectory"} & set(c.aspects))


def _substantive(c: Change) -> bool:
    """A change a reader should hear about: a figure or a date moved, a measure came or went (verified)."""
    if c.kind == "changed":
        return bool({"value", "unit", "direction", "scope", "trajectory"} & set(c.aspects)) or \
            any(a.startswith("deadline") for a in c.aspects)
    if c.kind == "dropped":
        return c.search is not None and c.search.by != "none" and c.search.passages == 0
    return c.kind in ("added", "kept_without_figure")


@dataclass
class _Group:
    metric_id: str
    level: str
    changes: list[Change]


def _groups(changes: Sequence[Change]) -> list[_Group]:
    """The news candidates: changed, added, verified-dropped and kept target records of catalogue measures,
    grouped by measure and level in the changes' order."""
    groups: dict[tuple[str, str], _Group] = {}
    for c in changes:
        # the measure either side names (a restatement the catalogue did not recognise keeps its partner's)
        metric_id = next((r.metric_id for r in (c.new, c.old) if isinstance(r, Target) and r.metric_id), None)
        if c.record_type != "target" or metric_id is None or not _substantive(c):
            continue
        key = (metric_id, _level(c))
        groups.setdefault(key, _Group(metric_id, key[1], [])).changes.append(c)
    return list(groups.values())


def _tier(g: _Group, weight: int) -> int:
    kinds = {c.kind for c in g.changes}
    national = g.level == "national"
    moved = any(_figure_moved(c) for c in g.changes) or ("added" in kinds and bool(kinds & {"changed", "dropped"}))
    if weight >= NEWS_WEIGHT and moved and (national or weight >= FLOOR_WEIGHT):
        return FIGURE_CHANGE
    if weight >= NEWS_WEIGHT and national and kinds == {"dropped"}:
        return DROPPED
    if weight >= NEW_WEIGHT and national and kinds == {"added"}:
        return NEW
    return OTHER


def _old_new(g: _Group) -> tuple[list[Target], list[Target]]:
    old = [c.old for c in g.changes if isinstance(c.old, Target)]
    new = [c.new for c in g.changes if isinstance(c.new, Target)]
    return old, new


def line(g: _Group, new_edition: str) -> str | None:
    """The line for one measure (fixed patterns, filled from its records), or None when it would state
    no figure (a line without a figure is not news a reader can check)."""
    m = catalogue.metric(g.metric_id)
    name = m.name if m else g.metric_id
    if g.level in _LEVEL_WORDS:
        name = f"{name} ({_LEVEL_WORDS[g.level]})"
    old_t, new_t = _old_new(g)
    old, new = _points(old_t), _points(new_t)
    kinds = {c.kind for c in g.changes}
    if not old and not new:
        return None
    if not new_t:
        if "kept_without_figure" in kinds:
            return f"{name}: {', '.join(old) or 'no figure'} → still named in {new_edition}, with no figure"
        return f"{name}: {', '.join(old)} → not in {new_edition}" if old else None
    if not new:
        return None
    if not old_t:
        return f"{name}: new in {new_edition}, {', '.join(new)}"
    if old == new:
        return None  # the same figures and dates, however worded: not news
    return f"{name}: {', '.join(old) or 'no figure'} → {', '.join(new)}"


def low_confidence(g: _Group, threshold: float | None) -> str | None:
    """Why a line should be checked before it is quoted, from its records' evidence: no figure read, every
    figure read on a weak cue (the target's ``confidence``), or a match that scored just above the bar."""
    old, new = _old_new(g)
    if all(t.value is None for t in (*old, *new)):
        return "no figure read"
    for side in (new, old):  # a side whose every figure was read on a weak cue makes the line doubtful
        figured = [t for t in side if t.value is not None]
        if figured and all(t.confidence < WEAK_EXTRACTION for t in figured):
            return f"read on a weak cue ({figured[0].basis or 'a bare figure'})"
    for c in g.changes:
        if c.kind == "changed" and threshold is not None and c.similarity is not None \
                and c.similarity < threshold + WEAK_MATCH_MARGIN:
            return "weak match"
    return None


def rank(changes: Sequence[Change], new_edition: str = "the new edition",
         threshold: float | None = None) -> list[BriefingItem]:
    """Every briefing line of a pair, most important first (see the module docstring), the same diff
    always giving the same order."""
    items = []
    for g in _groups(changes):
        m = catalogue.metric(g.metric_id)
        weight = m.headline if m else 0
        text = line(g, new_edition)
        if text is None:
            continue
        t = _tier(g, weight)
        area = m.area if m else g.changes[0].area
        items.append(BriefingItem(tier=t, tier_label=TIER_LABELS[t], sentence=text, area=area,
                                  change_id=g.changes[0].id, low_confidence=low_confidence(g, threshold),
                                  change_ids=[c.id for c in g.changes], weight=weight,
                                  level=g.level))
    return sorted(items, key=lambda b: (b.tier, -b.weight, b.level != "national", area_rank(b.area), b.area,
                                        b.sentence.lower()))


def briefing(changes: Sequence[Change], new_edition: str, threshold: float | None = None,
             limit: int = BRIEFING_MAX) -> tuple[list[BriefingItem], list[BriefingItem], int]:
    """The headline lines (confident ones, at most ``limit``), the low-confidence ones shown apart, and how
    many confident lines did not fit."""
    ranked = rank(changes, new_edition, threshold)
    confident = [b for b in ranked if not b.low_confidence]
    doubtful = [b for b in ranked if b.low_confidence]
    return confident[:limit], doubtful, max(0, len(confident) - limit)
