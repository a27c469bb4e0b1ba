"""The briefing: the few changes a policy team needs first, as plain sentences built from the records.

Owned here: which changes of one pair of editions lead the report, in what order, and the sentence
each one gets. Nothing is generated freely: every sentence is a fixed pattern filled with the
record's label, its old and new value and deadline (the differ's display helpers), so it says no
more than the evidence row it links to. What is a *national standard* is the differ's own notion:
a record that names one of the standards in ``diff.anchors`` (4-hour A&E, 18-week RTT, 2-hour UCR,
62-day cancer, ...), in its words or in its source sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from guidance_parser.model import Change, Deadline, Target
from guidance_parser.present import area_rank, display_value, display_when, record_text
from guidance_parser.vocabulary import anchors, fold_words

BRIEFING_MAX = 8  # headline items shown: one screen for a yearly pair; the rest stay in the tables
WEAK_MATCH_MARGIN = 0.12  # a matched pair scoring within this of the match threshold is a weak match
WEAK_EXTRACTION = 0.5  # a target read with less confidence than this (a bare figure, no cue) is checked first
MIN_LABEL_WORDS = 3  # a label shorter than this is a fragment, not a commitment a reader can check

# tiers, most important first (see ``rank``)
DROPPED_STANDARD, CHANGED_STANDARD, VALUE_CHANGE, DEADLINE_MOVE, NEW_STANDARD = range(5)
TIER_LABELS = {DROPPED_STANDARD: "Dropped standard", CHANGED_STANDARD: "Standard changed",
               VALUE_CHANGE: "Figure changed", DEADLINE_MOVE: "Deadline moved", NEW_STANDARD: "New standard"}


@dataclass
class BriefingItem:
    """One line of the briefing: a sentence and the evidence row it stands for."""

    tier: int
    tier_label: str
    sentence: str
    area: str
    change_id: str
    low_confidence: str | None  # why this item needs checking before it is quoted, or None


def names_standard(c: Change) -> bool:
    """Does the change concern a named national standard: a measure of the metric catalogue, or a record
    whose own words name a standard of rules/standards.toml?"""
    return any(getattr(r, "metric_id", None) or anchors(fold_words(record_text(r)))
               for r in (c.old, c.new) if r is not None)


def _moves(c: Change) -> tuple[bool, bool]:
    value = bool({"value", "unit"} & set(c.aspects))
    deadline = any(a.startswith("deadline") for a in c.aspects)
    return value, deadline


def tier(c: Change) -> int | None:
    """The briefing tier of a change, or None when it belongs in the tables only.

    1. a dropped target or deadline that names a national standard;
    2. a changed (figure, date, scope or direction) record naming a national standard;
    3. any other target whose figure or unit changed;
    4. any other target or deadline whose deadline moved (earlier, later, set or removed);
    5. a new target naming a national standard.
    Reworded-only, unchanged and priority records, and other new or dropped records, are left to
    the tables below, grouped by area.
    """
    if c.record_type == "priority" or c.kind == "unchanged":
        return None
    if c.kind == "dropped":
        return DROPPED_STANDARD if names_standard(c) else None
    if c.kind == "added":
        return NEW_STANDARD if c.record_type == "target" and names_standard(c) else None
    value, deadline = _moves(c)
    substantive = value or deadline or bool({"scope", "direction"} & set(c.aspects))
    if not substantive:
        return None
    if names_standard(c):
        return CHANGED_STANDARD
    if value and c.record_type == "target":
        return VALUE_CHANGE
    return DEADLINE_MOVE if deadline else None


def rank(changes: Sequence[Change]) -> list[tuple[int, Change]]:
    """Changes that lead the briefing, ordered by tier (see ``tier``), then policy area in the
    report's area order, then label, so the same diff always gives the same briefing."""
    ranked = [(t, c) for c in changes if (t := tier(c)) is not None]
    return sorted(ranked, key=lambda tc: (tc[0], area_rank(tc[1].area), tc[1].area, tc[1].label.lower()))


def low_confidence(c: Change, threshold: float | None) -> str | None:
    """Why a change should be checked before it is quoted: a fragment for a label, a target read
    without a figure, a target the extractor read on a weak cue (its ``confidence``), or a match that
    scored just above the bar."""
    if len(c.label.split()) < MIN_LABEL_WORDS:
        return "short fragment"
    if any(isinstance(r, Target) and r.value is None for r in (c.old, c.new)):
        return "no figure read"
    weak = [r for r in (c.old, c.new) if isinstance(r, Target) and r.confidence < WEAK_EXTRACTION]
    if weak:
        return f"read on a weak cue ({weak[0].basis or 'a bare figure'})"
    if c.kind == "changed" and threshold is not None and c.similarity is not None \
            and c.similarity < threshold + WEAK_MATCH_MARGIN:
        return "weak match"
    return None


def _value(r: Target | Deadline | object | None) -> str | None:
    return display_value(r) if isinstance(r, Target) else None


def _when(r: Target | Deadline | object | None) -> str | None:
    if isinstance(r, Target):
        return display_when(r.deadline)
    return display_when(r.when) if isinstance(r, Deadline) else None


def _by(when: str | None) -> str:
    return f" by {when}" if when else ""


def sentence(c: Change, new_edition: str) -> str:
    """The plain sentence for one briefing item (fixed patterns, filled from the records)."""
    old_v, new_v = _value(c.old), _value(c.new)
    old_w, new_w = _when(c.old), _when(c.new)
    name = c.label.rstrip(".")
    if c.kind == "dropped":
        stated = " ".join(x for x in (old_v or "", _by(old_w).strip()) if x)
        return f"{name}{f' ({stated})' if stated else ''} is no longer in the {new_edition} edition."
    if c.kind == "added":
        return f"New in {new_edition}: {name}{f', {new_v}' if new_v else ''}{_by(new_w)}."
    value, deadline = _moves(c)
    parts = []
    if value:
        verb = "changes"
        if isinstance(c.old, Target) and isinstance(c.new, Target) and c.old.unit == c.new.unit \
                and c.old.value is not None and c.new.value is not None and c.old.value != c.new.value:
            verb = "rises" if c.new.value > c.old.value else "falls"
        parts.append(f"{verb} from {old_v or 'no figure'} to {new_v or 'no figure'}{_by(new_w)}")
        if deadline:
            parts.append(f"(was{_by(old_w) or ' undated'})")
    elif deadline:
        parts.append(f"deadline moves from {old_w or 'none'} to {new_w or 'none'}")
    else:
        changed = [a for a in c.aspects if a in ("scope", "direction")]
        parts.append(f"{' and '.join(changed)} changed" + (f" ({new_v}{_by(new_w)})" if new_v else ""))
    return f"{name}: {' '.join(parts)}."


def briefing(changes: Sequence[Change], new_edition: str, threshold: float | None = None,
             limit: int = BRIEFING_MAX) -> tuple[list[BriefingItem], list[BriefingItem], int]:
    """The headline items (confident ones, at most ``limit``), the low-confidence ones shown apart,
    and how many confident items did not fit."""
    confident: list[BriefingItem] = []
    doubtful: list[BriefingItem] = []
    for t, c in rank(changes):
        why = low_confidence(c, threshold)
        item = BriefingItem(tier=t, tier_label=TIER_LABELS[t], sentence=sentence(c, new_edition), area=c.area,
                            change_id=c.id, low_confidence=why)
        (doubtful if why else confident).append(item)
    return confident[:limit], doubtful, max(0, len(confident) - limit)
