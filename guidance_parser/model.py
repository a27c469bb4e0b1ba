"""Typed records that pass between the stages: ingest -> extract -> diff -> report.

This module owns the shapes only; each stage owns the logic that fills them. Every record is a
plain dataclass that ``to_dict`` turns into JSON-ready data, so exports and the published JSON
Schema describe exactly these fields.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeVar, Union

R = TypeVar("R")

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]
SourceFormat = Literal["pdf", "html", "markdown", "text"]


def fy_label(year: int) -> str:
    """The canonical label of the financial year starting in April of ``year``: 2025 -> "2025/26"."""
    return f"{year}/{(year + 1) % 100:02d}"


# "2025/26", "2025-26", "2025–26", "2025/2026"; a span joins two with "to" or a dash.
_FY = r"(20\d\d)\s*[/\-–]\s*(20\d\d|\d\d)(?![\d/])"
_FY_RE = re.compile(r"(?<![\d/])" + _FY)
_SPAN_RE = re.compile(r"(?<![\d/])" + _FY + r"\s*(?:to|–|-|—|until)\s*" + _FY)
_YEAR_RE = re.compile(r"(?<![\d/£$.,])\b(20\d\d)\b(?![\d/%])")


def _fy_start(a: str, b: str) -> int | None:
    """Start year of the financial year "a/b", or None when the two are not consecutive ("24/7", "2025/30")."""
    first = int(a)
    second = int(b) if len(b) == 4 else (first // 100) * 100 + int(b)
    return first if second == first + 1 else None


UNDATED = "undated"  # the label of an edition whose year cannot be trusted (``Edition.undated``)


@dataclass(frozen=True)
class Edition:
    """The planning year(s) an edition covers, e.g. "2025/26" or "2026/27 to 2028/29".

    ``first_year`` / ``last_year`` are the calendar years in which the first and last covered UK
    financial years *start* (FY 2025/26 runs 1 April 2025 - 31 March 2026, so first_year=2025).
    A plan dated only by calendar year has a bare label ("2025") with first_year == last_year.
    """

    label: str
    first_year: int
    last_year: int

    @classmethod
    def find_financial_year(cls, text: str) -> Edition | None:
        """The first UK financial year (or span "2026/27 to 2028/29") written in ``text``, if any."""
        span = _SPAN_RE.search(text)
        if span:
            s1, s2 = _fy_start(span.group(1), span.group(2)), _fy_start(span.group(3), span.group(4))
            if s1 is not None and s2 is not None and s2 > s1:
                fy = _FY_RE.search(text)
                # Prefer the span only when it is the first financial year written.
                if fy is None or fy.start() >= span.start():
                    return cls(label=f"{fy_label(s1)} to {fy_label(s2)}", first_year=s1, last_year=s2)
        for m in _FY_RE.finditer(text):
            start = _fy_start(m.group(1), m.group(2))
            if start is not None:
                return cls(label=fy_label(start), first_year=start, last_year=start)
        return None

    @classmethod
    def find_year(cls, text: str) -> Edition | None:
        """The first calendar year (2000-2099) written in ``text``, not part of a money or a ratio."""
        m = _YEAR_RE.search(text)
        if m is None:
            return None
        year = int(m.group(1))
        return cls(label=str(year), first_year=year, last_year=year)

    @classmethod
    def undated(cls) -> Edition:
        """A document whose year cannot be trusted: fine for one file's extraction (its dates are read
        without a planning year), asked for by a diff or a database, which order editions by year."""
        return cls(label=UNDATED, first_year=0, last_year=0)

    @property
    def dated(self) -> bool:
        return self.label != UNDATED

    @classmethod
    def from_label(cls, label: str) -> Edition:
        """Parse "2025/26", "2025-26", "2026/27 to 2028/29", a bare year "2025" or "undated"; ValueError
        otherwise."""
        if label == UNDATED:
            return cls.undated()
        found = cls.find_financial_year(label) or cls.find_year(label)
        if found is None:
            raise ValueError(f"no year in edition label {label!r}")
        return found

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.first_year, self.last_year)


@dataclass(frozen=True)
class Block:
    """One unit of a document's reading order.

    ``section`` is the path of heading texts above the block (outermost first); ``page`` is the
    1-based PDF page (None for HTML / Markdown / text) and ``page_label`` the page number printed on
    it ("7" on the ninth page after a cover and contents; None when the page prints none); ``level``
    is the heading level (1 = top) or the list nesting depth; ``cells`` holds a table row's cells
    (``text`` joins them with " | ").
    """

    kind: BlockKind
    text: str
    page: int | None = None
    section: tuple[str, ...] = ()
    level: int = 0
    cells: tuple[str, ...] = ()
    page_label: str | None = None
    anchor: str | None = None  # HTML long-reads: the id of the section heading above the block
    # Markdown / text: the 1-based source line the block starts on, and for a block joined from several
    # lines, (line, index of the block's word that line starts with) for each, so a sentence finds its line
    line: int | None = None
    line_words: tuple[tuple[int, int], ...] = ()

    def line_of(self, sentence: str) -> int | None:
        """The source line ``sentence`` starts on when it starts in this block, else None; the block's own
        line when it was read from one line."""
        if self.line is None:
            return None
        at = " ".join(self.text.split()).find(" ".join(sentence.split()[:5]))
        if at < 0:
            return None
        if not self.line_words:
            return self.line
        before = len(" ".join(self.text.split())[:at].split())
        found = self.line
        for line, first_word in self.line_words:
            if first_word > before:
                break
            found = line
        return found


@dataclass
class Document:
    """An ingested edition of guidance: what every later stage reads."""

    path: str
    title: str
    edition: Edition
    blocks: list[Block]
    source_format: SourceFormat
    sha256: str
    page_count: int | None = None
    # the publication date the document states on its first page / opening lines (a month-only date
    # is the 1st of that month); None when it states none. Bare months and quarters are read from it.
    published: date | None = None
    # what the edition was read from ("the financial year in the title (2025/26)", "the publication date
    # (July 2025)", "given by the user"), or why no year could be trusted
    edition_basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


@dataclass(frozen=True)
class DocumentRef:
    """Identifies the edition a record came from, without carrying its text."""

    path: str
    title: str
    edition: str
    sha256: str

    @classmethod
    def of(cls, doc: Document) -> DocumentRef:
        return cls(path=doc.path, title=doc.title, edition=doc.edition.label, sha256=doc.sha256)


@dataclass(frozen=True)
class Evidence:
    """Where a record was found: the exact source sentence, its page and section.

    ``page`` is the 1-based PDF page index (what ``file.pdf#page=N`` opens); ``page_label`` is the
    number printed on that page, which a reader sees and cites (None when the page prints none).
    ``anchor`` is, for an HTML long-read, the id of the section heading above (``page.html#anchor``).
    ``line`` is, for Markdown and text, the 1-based source line the sentence starts on (``file.md#L123``);
    there ``page_label`` is the printed page number the conversion kept, when it kept them.
    """

    sentence: str
    page: int | None
    section: tuple[str, ...]
    block_index: int
    page_label: str | None = None
    anchor: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class When:
    """A normalised point or period in time.

    ``start``/``end`` bound the period (a month, a quarter, a UK financial year April-March, a
    calendar year, or a single day, where start == end). ``label`` is the canonical form used for
    comparison ("2026-03", "2025/26", "Q3 2025/26", "2029"); ``text`` is the words as written.
    """

    text: str
    label: str
    start: date
    end: date
    granularity: Literal["day", "month", "quarter", "financial_year", "calendar_year", "period"]


Direction = Literal["increase", "reduce", "maintain", "at_least", "at_most", "achieve"]


@dataclass(frozen=True)
class TrajectoryPoint:
    """One point of a target's trajectory: a figure, by when, for whom, and the sentence stating it."""

    value: float | None
    unit: str | None
    deadline: When | None
    scope: str | None
    evidence: Evidence


@dataclass
class Target:
    """A measurable commitment: metric, value and unit, direction, by when, for whom.

    ``metric_id`` is the metric catalogue's id of the measure it states ("uec.ae_4h", see
    rules/metrics.toml), None when the catalogue does not know it. ``basis`` names the cue or rule that made
    the figure a target ("modal:will", "commitment:ambition", "bound:at least", "table:target column") and
    ``confidence`` (0-1) how strong that basis is: a modal or commitment in the figure's own clause is strong,
    a table column or a commitment inherited from a list's introduction weaker.

    ``points`` holds a multi-year trajectory of one measure ("82% by March 2027, 85% in 2028/29", a
    multi-year table row), earliest deadline first, when the differ read several figures of one edition as
    one target (``diff/trajectories.py``); it is empty for a target stating one figure. ``value``, ``unit``,
    ``deadline`` and ``evidence`` are always its headline point (the earliest), so exports that read them
    stay as they were."""

    id: str
    metric: str
    value: float | None
    unit: str | None
    direction: Direction | None
    baseline: str | None
    deadline: When | None
    scope: str | None
    priority: str | None
    evidence: Evidence
    metric_id: str | None = None
    basis: str = ""
    confidence: float = 1.0
    points: list[TrajectoryPoint] = field(default_factory=list)


@dataclass
class Deadline:
    """A dated commitment: the action it binds and when."""

    id: str
    action: str
    when: When
    evidence: Evidence


@dataclass
class Priority:
    """A national priority / objective and the ids of the targets under it."""

    id: str
    title: str
    target_ids: list[str]
    evidence: Evidence


@dataclass
class Extraction:
    """Everything extracted from one edition."""

    document: DocumentRef
    targets: list[Target] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


def to_dict(obj: Any) -> Any:
    """JSON-ready form of any record here: dates become ISO strings, tuples lists."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


def from_dict(cls: type[R], data: Any) -> R:
    """The record of type ``cls`` that ``to_dict`` turned into ``data``: its exact inverse, so the cache
    can keep records as plain JSON data (which, unlike a pickle, cannot run code when read back).

    Strict: data ``to_dict`` could not have made (a wrong type, an unknown or missing field, a value
    outside a ``Literal``) is a ``ValueError`` naming the field, never a record that fails later."""
    built: R = _build(cls, data, cls.__name__)
    return built


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@functools.cache
def _required_fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls)
                     if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)


def _wrong(where: str, tp: Any, data: Any) -> ValueError:
    return ValueError(f"{where}: expected {getattr(tp, '__name__', tp)}, got {type(data).__name__}")


_SCALARS: dict[Any, tuple[type, ...]] = {str: (str,), int: (int,), bool: (bool,), float: (int, float)}


def _build(tp: Any, data: Any, where: str) -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return data
    if origin in (Union, types.UnionType):  # "X | None", or a choice of records told apart by their fields
        if data is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        if len(options) > 1 and isinstance(data, dict):
            options = [a for a in options if {f.name for f in dataclasses.fields(a)} == set(data)] or options
        return _build(options[0], data, where)
    if origin is Literal:
        if not isinstance(data, str | int) or isinstance(data, bool) or data not in args:
            raise ValueError(f"{where}: {data!r} is not one of {args}")
        return data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise _wrong(where, tp, data)
        hints = _field_types(tp)
        if unknown := set(data) - set(hints):
            raise ValueError(f"{where}: unknown fields {sorted(map(str, unknown))}")
        if missing := _required_fields(tp) - set(data):
            raise ValueError(f"{where}: missing fields {sorted(missing)}")
        return tp(**{k: _build(hints[k], v, f"{where}.{k}") for k, v in data.items()})
    if origin in (list, tuple, dict) and not isinstance(data, dict if origin is dict else list):
        raise _wrong(where, origin, data)
    if origin is list:
        return [_build(args[0], x, f"{where}[{i}]") for i, x in enumerate(data)]
    if origin is tuple:
        kinds = [args[0]] * len(data) if args[-1] is Ellipsis else list(args)
        if len(kinds) != len(data):
            raise ValueError(f"{where}: expected {len(kinds)} items, got {len(data)}")
        return tuple(_build(k, x, f"{where}[{i}]") for i, (k, x) in enumerate(zip(kinds, data, strict=True)))
    if origin is dict:
        return {k: _build(args[1], v, f"{where}.{k}") for k, v in data.items()}
    if tp is date:
        if not isinstance(data, str):
            raise _wrong(where, tp, data)
        return date.fromisoformat(data)
    if tp in _SCALARS:
        if not isinstance(data, _SCALARS[tp]) or (isinstance(data, bool) and tp is not bool):
            raise _wrong(where, tp, data)
        return float(data) if isinstance(data, int | float) and tp is float else data
    if isinstance(tp, type) and not isinstance(data, tp):
        raise _wrong(where, tp, data)
    return data


# --- diff stage: what changed between editions (filled by diff/, read by report.py / export.py) ---

RecordType = Literal["target", "deadline", "priority"]
# "kept_without_figure": a target whose measure the new edition still names, but with no figure (a verified
# non-drop: see diff/absence.py).
ChangeKind = Literal["added", "dropped", "changed", "unchanged", "kept_without_figure"]
# What about a matched record changed. "wording" alone means the wording changed and nothing else.
# "trajectory": the figures of a multi-year target, compared point by point, differ.
Aspect = Literal["value", "unit", "direction", "deadline_earlier", "deadline_later", "deadline_added",
                 "deadline_removed", "scope", "baseline", "area", "wording", "trajectory"]


@dataclass(frozen=True)
class FieldChange:
    """One field of a matched record that differs: old and new as display text."""

    aspect: Aspect
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Passage:
    """A passage of an edition that comes close to a record missing from it (evidence of absence).

    ``similarity`` is the matching score against the missing record; ``names_standard`` is True when
    the passage names the same standard (e.g. "4-hour", "urgent community response") as the record,
    typically the metric mentioned without its figure.
    """

    text: str
    page: int | None
    page_label: str | None
    section: tuple[str, ...]
    block_index: int
    similarity: float
    names_standard: bool
    anchor: str | None = None  # the HTML section id of the passage in a long-read (what "page.html#id" opens)
    line: int | None = None  # Markdown / text: the source line the passage starts on (what "file.md#L12" opens)


@dataclass(frozen=True)
class AbsenceSearch:
    """How the new edition was searched for a record before it was called dropped (diff/absence.py).

    ``by`` says what was looked for: the metric catalogue's phrasings of the record's measure
    ("catalogue"), the named standards it states ("standards"), the key words of its label ("key words"),
    or nothing a search could rest on ("none": the record names no measure). ``terms`` are those names
    (each a set of words that must all be in one passage); ``passages`` how many passages of the new
    edition name it: 0 is a verified absence.
    """

    by: Literal["catalogue", "standards", "key words", "none"]
    terms: tuple[str, ...]
    passages: int


@dataclass
class Change:
    """One record (target, deadline or priority) compared across two consecutive editions.

    ``id`` is the lineage id: ``target:<metric_id>`` for a target the metric catalogue knows (with
    ``:<level>`` when needed to stay unique), else the extractor's id of the record in the earliest
    edition it was traced back to, so the same target keeps the same id across editions and re-runs
    (README, "Ids"). ``old`` and
    ``new`` are the records themselves (None for added / dropped); ``similarity`` is the matching
    score (None when unmatched). ``area`` is the policy area the report groups by; ``label`` names
    the record as its lineage first stated it (the old wording for a matched pair). ``closest``
    (dropped records only) holds the passages of the new edition that come closest to it, so a
    reader can check that it is really gone rather than missed; for a target kept without a figure, the
    passages that still name it. ``search`` (dropped and kept-without-figure records) is the search of the
    new edition that verified the absence, or found the measure still named.
    """

    id: str
    record_type: RecordType
    kind: ChangeKind
    area: str
    label: str
    old_edition: str
    new_edition: str
    old: Target | Deadline | Priority | None
    new: Target | Deadline | Priority | None
    aspects: list[Aspect] = field(default_factory=list)
    details: list[FieldChange] = field(default_factory=list)
    similarity: float | None = None
    summary: str = ""
    closest: list[Passage] = field(default_factory=list)
    search: AbsenceSearch | None = None

    @property
    def reworded_only(self) -> bool:
        """A matched record whose words (and so perhaps its area) moved, but no value, date or scope:
        the report's "Reworded only" and the terminal summary count these apart from "changed"."""
        return self.kind == "changed" and set(self.aspects) <= {"wording", "area"}


@dataclass(frozen=True)
class TextOp:
    """One step of a text diff: unchanged, inserted, deleted or replaced text.

    For "replace" of similar passages ``inline`` holds a word-level diff of old vs new.
    """

    op: Literal["equal", "insert", "delete", "replace"]
    old: str
    new: str
    inline: tuple[TextOp, ...] = ()


@dataclass
class SectionDiff:
    """A section of the old edition aligned (by heading and content) with one of the new edition."""

    status: ChangeKind
    old_heading: str | None
    new_heading: str | None
    old_page: int | None
    new_page: int | None
    similarity: float | None
    ops: list[TextOp] = field(default_factory=list)
    words_added: int = 0
    words_removed: int = 0


@dataclass
class EditionDiff:
    """Everything that changed from one edition to the next one."""

    old: DocumentRef
    new: DocumentRef
    changes: list[Change] = field(default_factory=list)
    sections: list[SectionDiff] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TimelinePoint:
    """A record as stated in one edition."""

    edition: str
    record_id: str
    value: str | None
    deadline: str | None
    text: str
    evidence: Evidence


@dataclass
class TimelineEntry:
    """One target / deadline / priority followed across three or more editions."""

    id: str
    record_type: RecordType
    area: str
    label: str
    first_seen: str
    last_seen: str
    points: list[TimelinePoint] = field(default_factory=list)
    metric_id: str | None = None  # the metric catalogue's id, when the catalogue knows the target


@dataclass
class DiffResult:
    """The differ's output: editions oldest first, one EditionDiff per consecutive pair, timelines."""

    editions: list[DocumentRef]
    pairs: list[EditionDiff]
    timelines: list[TimelineEntry] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)
