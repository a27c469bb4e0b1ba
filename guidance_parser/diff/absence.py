"""Evidence of absence: before a record is called dropped, the new edition is searched for it.

Owned here: the search (what names a record's measure in a passage, ``query_for``), its verdict (a target
whose measure the new edition still names, but with no figure of its own, is "kept_without_figure", not
dropped; so is a deadline whose action is still named without its date) and the closest passages shown
with it. The search reads a record's measure the way the rest of the tool does, so they agree on what
"the same measure" is:

1. a target the metric catalogue knows (``metric_id``): any phrasing of that measure (rules/metrics.toml,
   its words in any order, as ``catalogue`` matches them), e.g. "handover 15 minutes" in "reduce ambulance
   handover times toward the 15-minute standard";
2. else the named standards the record states (rules/standards.toml anchors, "4hour", "62day"; a time
   target's own figure too, so "45 minutes" is not found by a passage naming only the 15-minute standard);
3. else the key words of its label (the words its record id is made of, phrasing words such as
   "deliver", "minimum" left out), at least two of them.

A passage names the record when it holds every word of one such name. Passages that name it come first
in ``closest`` (``names_standard``), then reworded neighbours by wording similarity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from guidance_parser import catalogue, units
from guidance_parser.diff.normalise import clean, fold, without_values
from guidance_parser.diff.similarity import context_text, record_anchors, similarity_matrix
from guidance_parser.extract.ids import normalise_for_id
from guidance_parser.model import AbsenceSearch, Block, Change, Deadline, Document, Passage, Target
from guidance_parser.present import Record, describe, record_text
from guidance_parser.vocabulary import anchors

CLOSEST_SHOWN = 3  # passages kept per dropped record
MIN_SIMILARITY = 0.06  # below this a passage shares little more than boilerplate with the record
MIN_KEY_WORDS = 2  # a label with fewer key words than this names nothing a search could find
_MIN_WORDS = 4  # headings-only fragments and stray labels are not passages a reader can check


@dataclass(frozen=True)
class Query:
    """What a record is searched for: ``names``, each a bag of words that must all be in one passage."""

    by: Literal["catalogue", "standards", "key words", "none"]
    names: tuple[frozenset[str], ...]
    terms: tuple[str, ...]  # the same names as a reader writes them (shown with the verdict)


def _passage_words(text: str) -> frozenset[str]:
    """A passage in the three word forms the names are written in: catalogue words, standards, id words."""
    return catalogue.words(text) | anchors(fold(text)) | frozenset(normalise_for_id(text).split())


def query_for(r: Record, doc: Document | None) -> Query:
    """The names a record's measure goes by (see the module docstring for the order)."""
    if isinstance(r, Target) and r.metric_id:
        bags = catalogue.phrasing_bags(r.metric_id)
        m = catalogue.metric(r.metric_id)
        if bags and m is not None:
            return Query("catalogue", bags, (m.name, *m.phrasings))
    named = set(record_anchors(r, doc))
    if named and isinstance(r, Target) and units.kind(r.unit) == "time" and r.value is not None:
        named |= anchors(fold(f"{units.number(r.value)} {units.canonical(r.unit)}"))
    if named:
        return Query("standards", (frozenset(named),), (" + ".join(sorted(named)),))
    key = frozenset(normalise_for_id(record_text(r)).split())
    if len(key) >= MIN_KEY_WORDS:
        return Query("key words", (key,), (" + ".join(sorted(key)),))
    return Query("none", (), ())


def names(q: Query, words: frozenset[str]) -> bool:
    """Whether a passage (its ``_passage_words``) names the queried record."""
    return any(bag <= words for bag in q.names)


def _passages(doc: Document) -> list[tuple[int, Block]]:
    """The blocks a reader can check: paragraphs, list items and table rows (headings only name sections)."""
    return [(k, b) for k, b in enumerate(doc.blocks) if b.kind != "heading" and len(b.text.split()) >= _MIN_WORDS]


def _context(c: Change, old_doc: Document | None) -> str:
    """What a dropped record is about: its own words and its source context, values and dates removed."""
    assert c.old is not None
    return without_values(f"{record_text(c.old)} {context_text(c.old, old_doc)}")


def closest_passages(dropped: Sequence[Change], old_doc: Document | None, new_doc: Document,
                     limit: int = CLOSEST_SHOWN) -> list[tuple[Query, int, list[Passage]]]:
    """For each dropped change (``old`` set): its query, how many passages of ``new_doc`` name it, and
    the ``limit`` passages closest to it (those naming it first, then by wording similarity)."""
    blocks = _passages(new_doc)
    queries = [query_for(c.old, old_doc) for c in dropped if c.old is not None]
    if not dropped or not blocks:
        return [(q, 0, []) for q in queries]
    sim = similarity_matrix([_context(c, old_doc) for c in dropped], [without_values(b.text) for _, b in blocks])
    block_words = [_passage_words(b.text) for _, b in blocks]
    out: list[tuple[Query, int, list[Passage]]] = []
    for i, q in enumerate(queries):
        named = [names(q, w) for w in block_words]
        scored = [(named[j], float(sim[i, j]), k, b) for j, (k, b) in enumerate(blocks)
                  if named[j] or sim[i, j] >= MIN_SIMILARITY]
        scored.sort(key=lambda s: (not s[0], -s[1], s[2]))
        out.append((q, sum(named), [
            Passage(text=clean(b.text), page=b.page, page_label=b.page_label, section=b.section, block_index=k,
                    similarity=round(score, 3), names_standard=is_named, anchor=b.anchor,
                    line=b.line)
            for is_named, score, k, b in scored[:limit]]))
    return out


def verify_dropped(changes: list[Change], old_doc: Document | None, new_doc: Document) -> list[Change]:
    """Search the new edition for every record that found no partner, in place of ``changes``' items.

    Each dropped change gets its ``search`` and ``closest`` passages; a dropped target (or deadline) that
    the new edition still names becomes "kept_without_figure" (the passages naming it shown): the
    measure is not gone, only its figure (or date). Priorities stay dropped whatever the search finds (a
    title has no figure to lose: the words may live on in a passage without being a priority), but carry
    the search all the same.
    """
    dropped = [c for c in changes if c.kind == "dropped" and c.old is not None]
    verdicts = {id(c): v for c, v in zip(dropped, closest_passages(dropped, old_doc, new_doc), strict=True)}
    out = []
    for c in changes:
        if id(c) not in verdicts:
            out.append(c)
            continue
        q, found, passages = verdicts[id(c)]
        search = AbsenceSearch(by=q.by, terms=q.terms, passages=found)
        if found and q.by != "none" and isinstance(c.old, (Target, Deadline)):
            stated = describe(c.old)
            what = "a figure" if isinstance(c.old, Target) else "a date"
            out.append(replace(c, kind="kept_without_figure", search=search, closest=passages,
                               summary=f"kept without {what}{f' (was {stated})' if stated else ''}; "
                                       f"named in {found} passage{'s' if found != 1 else ''} of {c.new_edition}"))
        else:
            out.append(replace(c, search=search, closest=passages))
    return out
