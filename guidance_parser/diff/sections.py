"""The section text diff: sections aligned one-to-one by heading and body similarity, then diffed
paragraph by paragraph (difflib), with a word-level diff inside reworded paragraphs."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from guidance_parser.diff.normalise import clean, plain, without_values, wording_key
from guidance_parser.diff.similarity import assign, similarity_matrix
from guidance_parser.model import (
    Block,
    ChangeKind,
    Document,
    Edition,
    SectionDiff,
    TextOp,
    fy_label,
)

SECTION_THRESHOLD = 0.30  # sections share headings and boilerplate, so a lower bar still aligns them
SECTION_DEPTH = 2  # heading levels that delimit a section in the text diff
INLINE_MIN_RATIO = 0.35  # below this word overlap a rewritten paragraph is shown as delete + insert

# --- section text diff ------------------------------------------------------------------------

@dataclass
class _Section:
    heading: str
    page: int | None
    units: list[str]

    @property
    def body(self) -> str:
        return " ".join(self.units)


def sections_of(doc: Document, depth: int = SECTION_DEPTH) -> list[_Section]:
    """Split a document into sections at its top ``depth`` heading levels, in reading order.

    Headings shared by the whole document (its title) are not levels. Deeper headings stay inside
    their section as units, so a reworded sub-heading shows in the diff. Empty sections are skipped.
    """
    blocks = [b for b in doc.blocks if clean(b.text)]
    paths = [_heading_path(b) for b in blocks]
    common = _common_prefix([p for p in paths if p])
    out: list[_Section] = []
    key: tuple[str, ...] | None = None
    for b, full in zip(blocks, paths, strict=True):
        text = clean(b.text)
        path = full[len(common):] if full[:len(common)] == common else full
        k = path[:depth]
        if key is None or k != key:
            key = k
            title = " › ".join(clean(h) for h in k) if k else "(opening text)"
            out.append(_Section(heading=title, page=b.page, units=[]))
        if b.kind == "heading" and len(path) <= depth:
            continue  # the heading is the section's title, not a unit of its body
        out[-1].units.append(text)
    return [s for s in out if s.units]


def _common_prefix(paths: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """Heading path shared by every block (a document title), keeping at least one level distinct."""
    if len({p for p in paths}) < 2:
        return ()
    prefix = paths[0]
    for p in paths[1:]:
        n = 0
        while n < min(len(prefix), len(p)) and prefix[n] == p[n]:
            n += 1
        prefix = prefix[:n]
    return prefix


def _heading_path(b: Block) -> tuple[str, ...]:
    if b.kind != "heading":
        return tuple(b.section)
    if b.section and clean(b.section[-1]) == clean(b.text):
        return tuple(b.section)
    return (*b.section, b.text)


def _word_ops(old: str, new: str) -> tuple[list[TextOp], float]:
    a = re.findall(r"\S+\s*", old)
    b = re.findall(r"\S+\s*", new)
    sm = difflib.SequenceMatcher(None, [w.strip() for w in a], [w.strip() for w in b], autojunk=False)
    ops: list[TextOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        o, n = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            ops.append(TextOp("equal", o, n))
        else:
            if o:
                ops.append(TextOp("delete", o, ""))
            if n:
                ops.append(TextOp("insert", "", n))
    return ops, sm.ratio()


def text_diff(old_units: Sequence[str], new_units: Sequence[str]) -> list[TextOp]:
    """Paragraph-level diff; similar rewritten paragraphs carry a word-level ``inline`` diff."""
    sm = difflib.SequenceMatcher(None, [plain(u) for u in old_units], [plain(u) for u in new_units],
                                 autojunk=False)
    ops: list[TextOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        olds, news = list(old_units[i1:i2]), list(new_units[j1:j2])
        if tag == "equal":
            ops.extend(TextOp("equal", o, n) for o, n in zip(olds, news, strict=True))
        elif tag == "delete":
            ops.extend(TextOp("delete", o, "") for o in olds)
        elif tag == "insert":
            ops.extend(TextOp("insert", "", n) for n in news)
        else:
            ops.extend(_pair_replaced(olds, news))
    return ops


def _pair_replaced(olds: list[str], news: list[str]) -> list[TextOp]:
    """Pair rewritten paragraphs by similarity (in order) and diff each pair word by word."""
    ops: list[TextOp] = []
    sim = similarity_matrix(olds, news)
    pairs = dict(assign(sim, INLINE_MIN_RATIO))
    j_next = 0
    for i, o in enumerate(olds):
        j = pairs.get(i)
        if j is None or j < j_next:
            ops.append(TextOp("delete", o, ""))
            continue
        ops.extend(TextOp("insert", "", n) for n in news[j_next:j])
        inline, ratio = _word_ops(o, news[j])
        if ratio >= INLINE_MIN_RATIO:
            ops.append(TextOp("replace", o, news[j], tuple(inline)))
        else:
            ops.extend([TextOp("delete", o, ""), TextOp("insert", "", news[j])])
        j_next = j + 1
    ops.extend(TextOp("insert", "", n) for n in news[j_next:])
    return ops


def _words(text: str) -> int:
    return len(text.split())


def _year_labels(edition: Edition | None) -> set[str]:
    """How an edition names its own years: "2024/25", "2024-25", "2024/2025"."""
    if edition is None:
        return set()
    out = set()
    for y in range(edition.first_year, edition.last_year + 1):
        out |= {fy_label(y), f"{y}-{(y + 1) % 100:02d}", f"{y}/{y + 1}"}
    return out


def _only_edition_years(deleted: str, inserted: str, old_ed: Edition | None, new_ed: Edition | None) -> bool:
    """Is this edit just the edition's own year rolled forward ("for 2023/24" -> "for 2024/25")?"""
    a = [w.strip(".,;:()") for w in deleted.split()]
    b = [w.strip(".,;:()") for w in inserted.split()]
    olds, news = _year_labels(old_ed), _year_labels(new_ed)
    return bool(a) and len(a) == len(b) and all(x in olds for x in a) and all(y in news for y in b)


def _inline_counts(op: TextOp, old_ed: Edition | None, new_ed: Edition | None) -> tuple[int, int]:
    """Words added and removed in a reworded paragraph, not counting a rolled-forward edition year."""
    added = removed = 0
    parts = list(op.inline)
    i = 0
    while i < len(parts):
        x = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if x.op == "delete" and nxt is not None and nxt.op == "insert" and \
                _only_edition_years(x.old, nxt.new, old_ed, new_ed):
            i += 2
            continue
        if x.op == "insert":
            added += _words(x.new)
        elif x.op == "delete":
            removed += _words(x.old)
        i += 1
    return added, removed


def _section_diff(status: ChangeKind, old: _Section | None, new: _Section | None,
                  similarity: float | None, old_ed: Edition | None = None,
                  new_ed: Edition | None = None) -> SectionDiff:
    """Diff one aligned section pair. A paragraph whose only edit rolls the edition's own year
    forward still shows in ``ops`` but is not counted as reworded."""
    ops = text_diff(old.units if old else [], new.units if new else [])
    added = removed = 0
    for op in ops:
        if op.op == "insert":
            added += _words(op.new)
        elif op.op == "delete":
            removed += _words(op.old)
        elif op.op == "replace":
            a, r = _inline_counts(op, old_ed, new_ed)
            added, removed = added + a, removed + r
    if status in ("changed", "unchanged"):
        status = "changed" if (added or removed) else "unchanged"
        if status == "unchanged" and old and new and wording_key(old.heading) != wording_key(new.heading):
            status = "changed"
    return SectionDiff(status=status, old_heading=old.heading if old else None,
                       new_heading=new.heading if new else None, old_page=old.page if old else None,
                       new_page=new.page if new else None, similarity=similarity, ops=ops,
                       words_added=added, words_removed=removed)


def diff_sections(old_doc: Document, new_doc: Document, depth: int = SECTION_DEPTH,
                  threshold: float = SECTION_THRESHOLD) -> list[SectionDiff]:
    """Align the two documents' sections one-to-one and diff each aligned pair, in the new order.

    A section's score is the better of its body similarity and the mean of heading and body
    similarity, so a renamed section with the same text still aligns, and so does a kept heading
    whose text was rewritten.
    """
    old_s, new_s = sections_of(old_doc, depth), sections_of(new_doc, depth)
    head = similarity_matrix([without_values(s.heading) for s in old_s],
                             [without_values(s.heading) for s in new_s])
    body = similarity_matrix([s.body for s in old_s], [s.body for s in new_s])
    score = np.maximum(body, (head + body) / 2.0) if old_s and new_s else head
    pairs = assign(score, threshold)
    by_new = {j: i for i, j in pairs}
    # Keep reading order: walk the new edition, placing each dropped old section right after the
    # old section that preceded it.
    out: list[SectionDiff] = []
    emitted_old: set[int] = set()
    matched_old = {i for i, _ in pairs}

    def flush_dropped(upto: int) -> None:
        for i in range(upto):
            if i not in emitted_old and i not in matched_old:
                emitted_old.add(i)
                out.append(_section_diff("dropped", old_s[i], None, None))

    for j, s in enumerate(new_s):
        i = by_new.get(j)
        if i is None:
            out.append(_section_diff("added", None, s, None))
            continue
        flush_dropped(i)
        emitted_old.add(i)
        out.append(_section_diff("changed", old_s[i], s, round(float(score[i, j]), 3),
                                 old_doc.edition, new_doc.edition))
    flush_dropped(len(old_s))
    return out
