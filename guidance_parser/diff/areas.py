"""The NHS policy area of a record (rules/areas.toml), for grouping and for matching priorities."""

from __future__ import annotations

import re
from functools import lru_cache

from guidance_parser import rules
from guidance_parser.diff.normalise import clean, fold
from guidance_parser.diff.similarity import _row_label
from guidance_parser.model import (
    Document,
    Target,
)
from guidance_parser.present import (
    Record,
    record_text,
)

# --- policy areas -----------------------------------------------------------------------------

# The report groups changes by policy area. Editions rename and regroup their priorities, so the
# area comes from a fixed NHS vocabulary matched on the record's own words first, then on the
# priority it sits under; the priority's own title is the fallback.
# The areas and their patterns: rules/areas.toml.


def _area_res() -> list[tuple[str, re.Pattern[str]]]:
    return _compiled_areas(rules.areas())


@lru_cache(maxsize=4)
def _compiled_areas(areas: rules.Areas) -> list[tuple[str, re.Pattern[str]]]:
    return [(a.name, re.compile("|".join(a.patterns))) for a in areas.areas]


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
        for name, pattern in _area_res():
            if pattern.search(folded):
                return name
    if isinstance(r, Target) and r.priority and r.priority[:1].isupper():
        return clean(r.priority)  # a named priority; a lower-case one is a sentence's fragment, not an area
    return rules.areas().other


def areas_named(r: Record, doc: Document | None = None) -> frozenset[str]:
    """Every NHS policy area a record's own words name ("Elective, cancer and diagnostics" names two);
    without any, the one ``area_of`` finds from its context (if it is a known area)."""
    folded = fold(record_text(r))
    own = frozenset(name for name, pattern in _area_res() if pattern.search(folded))
    if own:
        return own
    area = area_of(r, doc)
    return frozenset({area}) if area in rules.areas().names else frozenset()
