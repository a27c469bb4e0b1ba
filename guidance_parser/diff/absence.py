"""Evidence of absence: for a record dropped from an edition, the passages of that edition that come
closest to it, so a reader can check that it is really gone rather than missed by the extractor.

Owned here: choosing and ranking those passages. The scoring reuses the differ's own vocabulary
(``diff.similarity_matrix`` over texts with values and dates removed, and the named-standard anchors
of ``diff.record_anchors``): a passage naming the same standard without a figure (the metric
mentioned in passing) ranks first, then reworded neighbours by wording similarity.
"""

from __future__ import annotations

from collections.abc import Sequence

from guidance_parser.diff.normalise import clean, fold, without_values
from guidance_parser.diff.similarity import ANCHOR_WEIGHT, context_text, record_anchors, similarity_matrix
from guidance_parser.model import Change, Document, Passage
from guidance_parser.present import record_text
from guidance_parser.vocabulary import anchors

CLOSEST_SHOWN = 3  # passages kept per dropped record
MIN_SIMILARITY = 0.06  # below this a passage shares little more than boilerplate with the record
_MIN_WORDS = 4  # headings-only fragments and stray labels are not passages a reader can check


def _query(c: Change, old_doc: Document | None) -> str:
    """What a dropped record is about: its own words and its source context, values and dates removed."""
    assert c.old is not None
    return without_values(f"{record_text(c.old)} {context_text(c.old, old_doc)}")


def closest_passages(dropped: Sequence[Change], old_doc: Document | None, new_doc: Document,
                     limit: int = CLOSEST_SHOWN) -> list[list[Passage]]:
    """For each dropped change (``old`` set), the ``limit`` passages of ``new_doc`` closest to it.

    A passage is a block of the new edition (paragraph, list item or table row; headings name a
    section, they do not state anything). Its score is the wording similarity, blended like the
    differ's record matching with the share of standards the two name in common; a passage naming
    one of the record's standards is always kept (the metric mentioned without its figure).
    """
    blocks = [(k, b) for k, b in enumerate(new_doc.blocks)
              if b.kind != "heading" and len(b.text.split()) >= _MIN_WORDS]
    if not dropped or not blocks:
        return [[] for _ in dropped]
    sim = similarity_matrix([_query(c, old_doc) for c in dropped], [without_values(b.text) for _, b in blocks])
    block_names = [anchors(fold(b.text)) for _, b in blocks]
    out: list[list[Passage]] = []
    for i, c in enumerate(dropped):
        assert c.old is not None
        names = record_anchors(c.old, old_doc)
        scored = []
        for j, (k, b) in enumerate(blocks):
            shared = names & block_names[j]
            score = float(sim[i, j])
            if shared:
                score = (1 - ANCHOR_WEIGHT) * score + ANCHOR_WEIGHT * len(shared) / len(names | block_names[j])
            if score >= MIN_SIMILARITY or shared:
                scored.append((score, k, b, bool(shared)))
        scored.sort(key=lambda s: (-s[0], s[1]))
        out.append([Passage(text=clean(b.text), page=b.page, page_label=b.page_label, section=b.section,
                            block_index=k, similarity=round(score, 3), names_standard=named, anchor=b.anchor,
                            line=b.line)
                    for score, k, b, named in scored[:limit]])
    return out


def attach_closest(changes: Sequence[Change], old_doc: Document | None, new_doc: Document) -> None:
    """Fill ``closest`` on every dropped change of one pair of editions, in place."""
    dropped = [c for c in changes if c.kind == "dropped" and c.old is not None]
    for c, passages in zip(dropped, closest_passages(dropped, old_doc, new_doc), strict=True):
        c.closest = passages
