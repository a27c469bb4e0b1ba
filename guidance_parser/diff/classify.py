"""Classifying a matched pair of records: which aspects changed (value, unit, deadline, scope, wording ...)."""

from __future__ import annotations

from datetime import date

from guidance_parser import rules, units
from guidance_parser.diff.areas import area_of
from guidance_parser.diff.normalise import clean, plain, wording_key
from guidance_parser.model import (
    Deadline,
    Edition,
    FieldChange,
    Target,
    When,
)
from guidance_parser.present import (
    Record,
    display_trajectory,
    display_value,
    display_when,
    record_text,
)

# --- classifying a matched pair ---------------------------------------------------------------

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


def _same_points(old: Target, new: Target) -> bool:
    """Whether two targets set the same figures by the same dates, point by point (one tolerance for
    equal values: ``units.same_value``)."""
    a = [(p.value, p.unit, p.deadline) for p in old.points] or [(old.value, old.unit, old.deadline)]
    b = [(p.value, p.unit, p.deadline) for p in new.points] or [(new.value, new.unit, new.deadline)]
    return len(a) == len(b) and all(
        units.same_value(va, vb) and units.canonical(ua) == units.canonical(ub)
        and (wa.end if wa else None) == (wb.end if wb else None)
        for (va, ua, wa), (vb, ub, wb) in zip(a, b, strict=True))


def _same_words(old: When | None, new: When | None) -> bool:
    """Both dates written in the same words (or both absent)."""
    return (old is None) == (new is None) and (old is None or new is None or plain(old.text) == plain(new.text))


def classify(old: Record, new: Record, old_ed: Edition | None = None,
             new_ed: Edition | None = None) -> list[FieldChange]:
    """What differs between two matched records; empty means unchanged.

    With the editions given, a deadline equal to each edition's own planning period is treated as
    no deadline (see ``edition_period``).
    """
    out: list[FieldChange] = []
    # The same sentence is the same commitment whichever edition reads it: a relative date in it ("this
    # autumn", "by November") resolves against each edition's own year, which is not a move.
    restated = clean(old.evidence.sentence) == clean(new.evidence.sentence)
    if isinstance(old, Target) and isinstance(new, Target):
        if not units.same_value(old.value, new.value):
            out.append(FieldChange("value", display_value(old), display_value(new)))
        if units.canonical(old.unit) != units.canonical(new.unit):
            out.append(FieldChange("unit", old.unit, new.unit))
        if old.direction != new.direction:
            out.append(FieldChange("direction", old.direction, new.direction))
        moved = None if restated and _same_words(old.deadline, new.deadline) else \
            _compare_when(old.deadline, new.deadline, old_ed, new_ed)
        if moved:
            out.append(moved)
        if _norm_opt(old.scope) != _norm_opt(new.scope):
            out.append(FieldChange("scope", old.scope, new.scope))
        if _norm_opt(old.baseline) != _norm_opt(new.baseline):
            out.append(FieldChange("baseline", old.baseline, new.baseline))
        if (len(old.points) > 1 or len(new.points) > 1) and not _same_points(old, new):
            out.append(FieldChange("trajectory", display_trajectory(old), display_trajectory(new)))
    elif isinstance(old, Deadline) and isinstance(new, Deadline):
        moved = None if restated and _same_words(old.when, new.when) else \
            _compare_when(old.when, new.when, old_ed, new_ed)
        if moved:
            out.append(moved)
    if wording_key(record_text(old)) != wording_key(record_text(new)):
        out.append(FieldChange("wording", clean(record_text(old)), clean(record_text(new))))
    a_old, a_new = area_of(old), area_of(new)
    names = rules.areas().names
    if a_old != a_new and a_old in names and a_new in names:
        out.append(FieldChange("area", a_old, a_new))
    return out
