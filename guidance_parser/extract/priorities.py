"""Priorities: the lists a document introduces as its priorities or objectives, and the targets they own.

Owns finding priority items (a list introduced as priorities / objectives, or a heading whose list states
targets) and assigning each target to the priority it sits under or is named after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from guidance_parser import rules
from guidance_parser.extract.ids import _make_id, normalise_for_id
from guidance_parser.extract.passages import Passage
from guidance_parser.model import (
    Deadline,
    Document,
    Evidence,
    Priority,
    Target,
)

_PRIORITY_INTRO = rules.pattern("priority_intro")


def _priority_title(text: str) -> str:
    title = re.split(r",|:|;|\s[–—-]\s|\.\s", text, maxsplit=1)[0]
    title = re.sub(r"^[•▪\-\s]+", "", title)
    words = title.split()
    return " ".join(words[:14]).strip(" .")


def priorities(doc_model: Document, passages: list[Passage], targets: list[Target],
                used_ids: dict[str, int], deadlines: Sequence[Deadline] = ()) -> list[Priority]:
    """Lists introduced as the document's priorities / objectives; each item owns the targets below it."""
    out: list[Priority] = []
    spans: list[tuple[Priority, int, int]] = []  # priority, first block, last block (inclusive)
    for i, p in enumerate(passages):
        heading = p.block.section[-1] if p.block.section else ""
        if p.block.kind != "list_item" or p.block.level > 1 or not p.intro or \
                not (_PRIORITY_INTRO.search(p.intro) or re.search(r"\bpriorit|\bobjectives\b", heading, re.I)):
            continue
        if re.search(r"\b(we ask|focus on|expect)\b", p.intro, re.I) or (
                re.search(r"\b(must|should)\b|\bto:$", p.intro, re.I) and
                not re.search(r"\b(these|our|national) (priorities|objectives)\b", p.intro, re.I)):
            continue
        title = _priority_title(p.text[p.context:])
        if len(title.split()) < 2:
            continue
        end = p.block_index
        for nxt in passages[i + 1:]:
            if nxt.block.kind == "list_item" or nxt.block.section != p.block.section:
                break
            end = nxt.block_index
        prio = Priority(id=_make_id("p", title, used_ids), title=title, target_ids=[],
                        evidence=Evidence(sentence=p.text, page=p.block.page, section=p.block.section,
                                          block_index=p.block_index, page_label=p.block.page_label,
                                          anchor=p.block.anchor))
        out.append(prio)
        spans.append((prio, p.block_index, end))
    _heading_groups(doc_model, targets, used_ids, out, spans, deadlines)
    for t in targets:
        for prio, a, b in spans:
            if a <= t.evidence.block_index <= b:
                prio.target_ids.append(t.id)
                t.priority = prio.title
                break
        else:
            # a section named after a priority ("Reduce the time people wait for elective care")
            # or a table row whose first cell names it ("Urgent and emergency care | Patients seen ... | 78%")
            row_label = t.evidence.sentence.split(" | ")[0] if " | " in t.evidence.sentence else ""
            for prio in out:
                if any(_same_title(prio.title, s) for s in (*t.evidence.section, row_label) if s):
                    prio.target_ids.append(t.id)
                    t.priority = prio.title
                    break
    return out


def _heading_groups(doc: Document, targets: list[Target], used_ids: dict[str, int], out: list[Priority],
                    spans: list[tuple[Priority, int, int]], deadlines: Sequence[Deadline] = ()) -> None:
    """A heading whose own list states two or more targets ("Urgent and emergency care" followed by
    "Improve A&E waiting times, so that 85% ...") names an objective group. Headings that lead into
    actions ("... by:") do not. Under a heading that announces objectives, one stated target or one
    dated commitment is enough: an objective need not carry a figure ("no child waits ... by March")."""
    blocks = doc.blocks
    by_block: dict[int, int] = {}
    for t in targets:
        by_block[t.evidence.block_index] = by_block.get(t.evidence.block_index, 0) + 1
    dated = {d.evidence.block_index for d in deadlines}
    taken = {i for _, a, b in spans for i in range(a, b + 1)}
    i = 0
    while i < len(blocks):
        if blocks[i].kind != "heading":
            i += 1
            continue
        first, title = i, re.sub(r"^\d{1,2}[.)]\s+", "", blocks[i].text)
        if title[:1].islower():
            # the second half of a heading a column break separated from its first half
            prev = next((k for k in range(i - 1, max(-1, i - 4), -1) if blocks[k].kind == "heading"), None)
            if prev is not None:
                first, title = prev, blocks[prev].text + " " + title
        # a heading the converter broke in two ("Mental health, learning disabilities" / "and autism")
        while i + 1 < len(blocks) and blocks[i + 1].kind == "heading" and \
                re.match(r"(and|or|of|for|the)\b|[a-z]", blocks[i + 1].text):
            i += 1
            title += " " + blocks[i].text
        j = i + 1
        while j < len(blocks) and blocks[j].kind != "heading":
            j += 1
        under_objectives = any(_PRIORITY_INTRO.search(h) for h in blocks[first].section)
        items = [k for k in range(i + 1, j) if blocks[k].kind == "list_item" and
                 (by_block.get(k) or (under_objectives and k in dated))]
        needed = 1 if under_objectives else 2
        if len(items) >= needed and title[:1].isupper() and not re.search(r"(by|to|:)\s*$", title) and \
                len(title.split()) <= 12 and \
                not any(k in taken for k in items):
            prio = Priority(id=_make_id("p", title, used_ids), title=title, target_ids=[],
                            evidence=Evidence(sentence=title, page=blocks[first].page,
                                              section=blocks[first].section, block_index=first,
                                              page_label=blocks[first].page_label,
                                              anchor=blocks[first].anchor))
            out.append(prio)
            spans.append((prio, first, j - 1))
        i = j


@lru_cache(maxsize=8192)
def _title_words(text: str) -> frozenset[str]:
    # Cached: priorities compares every priority title with every target's section headings,
    # and normalising the same few headings again each time was a third of extract at 320 pages.
    return frozenset(normalise_for_id(text).split())


def _same_title(a: str, b: str) -> bool:
    wa, wb = _title_words(a), _title_words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= 0.8


