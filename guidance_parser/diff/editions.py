"""The differ's entry point: ``diff_editions`` compares editions, oldest first, pair by pair."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from guidance_parser import __version__
from guidance_parser.diff import trajectories
from guidance_parser.diff.absence import verify_dropped
from guidance_parser.diff.normalise import clean
from guidance_parser.diff.records import (
    Labelled,
    _match_records,
    _new_lineage,
    _record_changes,
    _sort_changes,
    dedupe_grouped,
)
from guidance_parser.diff.sections import SECTION_DEPTH, SECTION_THRESHOLD, diff_sections
from guidance_parser.diff.timelines import _timelines
from guidance_parser.errors import GuidanceError
from guidance_parser.model import (
    Change,
    ChangeKind,
    DiffResult,
    Document,
    DocumentRef,
    EditionDiff,
    Extraction,
    RecordType,
    SectionDiff,
)
from guidance_parser.present import (
    Record,
    display_label,
    record_text,
)

DEFAULT_THRESHOLD = 0.30  # match score below which two records are not the same (set from real-pair near misses)
# Deadlines are matched on action phrases, which share generic words ("publish", "develop", "commission",
# "ICBs") far more than target metrics do: unrelated actions score 0.35-0.45 where unrelated metrics score
# under 0.3 (measured on the gold pairs, benchmarks/eval_matching.py), so their bar is this much higher.
DEADLINE_MARGIN = 0.10

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


def change_counts(changes: Sequence[Change]) -> dict[str, int]:
    """How many *targets* of a pair are added, dropped, changed, unchanged or kept without a figure.

    Only targets count: they are the commitments a reader follows. Deadlines and priorities are in the
    tables (and the report's per-type counts), but a document full of dated statements or statistics must
    not make headline numbers out of them."""
    kinds: tuple[ChangeKind, ...] = get_args(ChangeKind)
    return {kind: sum(c.kind == kind for c in changes if c.record_type == "target") for kind in kinds}


def check_dated(docs: Sequence[Document]) -> None:
    """A diff orders editions by year: each needs one (one file's extraction does not)."""
    for d in docs:
        if not d.edition.dated:
            raise GuidanceError(d.path, f"no planning year can be trusted ({d.edition_basis}), and a diff orders "
                                "editions by year", f'pass it, e.g. --edition "{Path(d.path).name}=2024/25"',
                                api_remedy="pass each file's edition, e.g. editions=[\"2024/25\", \"2025/26\"]")


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
    check_dated([d for d, _ in editions])
    ordered = sorted(editions, key=lambda dx: dx[0].edition.sort_key)  # stable: ties keep input order
    shas = [d.sha256 for d, _ in ordered]
    if len(set(shas)) < len(shas):
        dup = [d.path for d, _ in ordered if shas.count(d.sha256) > 1]
        raise GuidanceError(", ".join(dup), "the same file was given twice",
                            "give two different editions of the guidance")
    kept: list[dict[RecordType, list[Labelled]]] = []
    for (_, x), picks in zip(ordered, mapper(_kept_records, ordered), strict=True):
        groups = _groups(x)
        records = {t: [(groups[t][k], label) for k, label in picks[t]] for t in _RECORD_TYPES}
        records["target"] = trajectories.group(records["target"])  # a multi-year row is one target
        kept.append(records)
    tasks = [_PairTask(old_doc=o[0], new_doc=n[0], old={t: [r for r, _ in ko[t]] for t in _RECORD_TYPES},
                       new={t: [r for r, _ in kn[t]] for t in _RECORD_TYPES}, threshold=threshold,
                       section_depth=section_depth)
             for o, n, ko, kn in zip(ordered, ordered[1:], kept, kept[1:], strict=False)]
    used: set[str] = set()
    lineage = {t: [_new_lineage(r, used) for r, _ in kept[0][t]] for t in _RECORD_TYPES}
    pairs: list[EditionDiff] = []
    for k, (task, (matches, sections)) in enumerate(zip(tasks, mapper(_compare_pair, tasks), strict=True)):
        changes: list[Change] = []
        next_lineage: dict[RecordType, list[str]] = {}
        for rtype in _RECORD_TYPES:
            ch, ids = _record_changes(kept[k][rtype], kept[k + 1][rtype], matches[rtype], lineage[rtype],
                                      used, task.old_doc, task.new_doc)
            changes.extend(ch)
            next_lineage[rtype] = ids
        changes = verify_dropped(changes, task.old_doc, task.new_doc)  # "dropped" only after a search
        counts = change_counts(changes)
        pairs.append(EditionDiff(old=DocumentRef.of(task.old_doc), new=DocumentRef.of(task.new_doc),
                                 changes=_sort_changes(changes), sections=sections, counts=counts))
        lineage = next_lineage
    return DiffResult(
        editions=[DocumentRef.of(d) for d, _ in ordered], pairs=pairs,
        timelines=_timelines(pairs) if len(ordered) > 2 else [],
        settings={"threshold": threshold, "deadline_threshold": round(threshold + DEADLINE_MARGIN, 3),
                  "section_threshold": SECTION_THRESHOLD,
                  "section_depth": section_depth, "generator": f"guidance-parser {__version__}"})
