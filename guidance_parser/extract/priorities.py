"""Priorities: the lists a document introduces as its priorities or objectives, and the targets they own.

Owns finding priority items (a counted set the document announces and then gives, a list introduced as
priorities / objectives, or a heading whose list states targets) and assigning each target to the priority it
sits under or is named after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from guidance_parser import rules
from guidance_parser.extract.ids import _make_id, normalise_for_id
from guidance_parser.extract.passages import Passage
from guidance_parser.model import (
    Block,
    Deadline,
    Document,
    Evidence,
    Priority,
    Target,
)

_PRIORITY_INTRO = rules.pattern("priority_intro")
_COUNTS = {w: int(d) for w, d in rules.vocabulary().number_words if d.isdigit() and 2 <= int(d) <= 12}
# "3 radical shifts - hospital to community, ...", "four national priorities:": a count of 2-12 (a numeral not
# glued to a word or a year: "patient-2", "2025/26 priorities"), up to two modifiers, a priority-like noun.
_COUNTED = re.compile(
    r"(?<![\w/£$.,\-])(?P<n>\d{1,2}|" + "|".join(map(re.escape, _COUNTS)) + r")\s+(?:[a-z][\w-]*\s+){0,2}?"
    r"(?:" + "|".join(map(re.escape, rules.words("priority_nouns"))) + r")\b(?P<rest>[^.!?]*)", re.I)
_MARKED = re.compile(r"(?:(?P<num>\d{1,2})|(?P<letter>[A-L]))[.)]\s+(?P<title>\S.*)")
# A section's opening title ending in a colon: a heading, or a heading a two-column conversion left inside a
# paragraph, after a lower-case word ("... an intolerable From hospital to community: the injustice").
_OPENING = re.compile(r"(?:^|(?<=[a-z,;] ))(?P<title>[A-Z][\w’'-]*(?: [\w’'&-]+){1,5}):(?=\s|$)")


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
    counted = _counted_set(doc_model)
    if counted:
        # the document says how many priorities it has and gives that many: they are its priorities
        _add_counted(doc_model, counted, used_ids, out, spans)
        _assign(targets, out, spans)
        return out
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
    _assign(targets, out, spans)
    return out


def _assign(targets: list[Target], out: list[Priority], spans: list[tuple[Priority, int, int]]) -> None:
    """Each target goes to the priority whose blocks it sits in, else to one its section or row is named after."""
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




def _counted_set(doc: Document) -> list[tuple[str, int]]:
    """The first counted set a block announces ("We will reinvent the NHS through 3 radical shifts - ...")
    that the document gives exactly that many items of: (title, block index) of each item, else []."""
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if b.kind == "table_row":
            continue
        for m in _COUNTED.finditer(b.text):
            n = int(_COUNTS.get(m.group("n").lower(), m.group("n")))
            if not 2 <= n <= 12:
                continue
            # the counted sentence ends the block with a colon: it introduces the list that follows
            introduces = b.text.rstrip().endswith(":") and m.end("rest") >= len(b.text.rstrip())
            names = _named(m.group("rest"))
            for items in (
                [(name, i) for name in names],
                _introduced_items(blocks, i) if introduces else [],
                _marked_headings(blocks, i),
                _sibling_headings(blocks, i),
                _openings(blocks, i, names),
            ):
                if len(items) == n:
                    return items
    return []


def _named(rest: str) -> list[str]:
    """The names a dash or colon after the counted noun introduces: "- hospital to community, analogue to"."""
    head = re.match(r"\s*[-–—:]\s+(.+)", rest)
    if not head:
        return []
    names = [x.strip(" .") for x in re.split(r",|;|\band\b", head.group(1))]
    return names if all(0 < len(x.split()) <= 8 for x in names) else []


def _introduced_items(blocks: Sequence[Block], i: int) -> list[tuple[str, int]]:
    """The items of the list the block introduces (its first level), up to the next block that is not one."""
    items: list[tuple[str, int]] = []
    for k in range(i + 1, len(blocks)):
        if blocks[k].kind != "list_item":
            break
        if blocks[k].level <= 1:
            items.append((_priority_title(blocks[k].text), k))
    return items


def _heading_next(blocks: Sequence[Block], i: int) -> int | None:
    """The heading right after block i: only short lines (a page number, a running header) between."""
    for k in range(i + 1, len(blocks)):
        if blocks[k].kind == "heading":
            return k
        if len(blocks[k].text.split()) >= 8:
            return None
    return None


def _marked_headings(blocks: Sequence[Block], i: int) -> list[tuple[str, int]]:
    """Headings lettered or numbered in sequence from A / 1 ("A. ...", "1. ...") from the heading right after
    block i, which must open the run; a heading out of sequence ends it."""
    first = _heading_next(blocks, i)
    if first is None:
        return []
    items: list[tuple[str, int]] = []
    for k in range(first, len(blocks)):
        if blocks[k].kind != "heading":
            continue
        m = _MARKED.fullmatch(blocks[k].text.strip())
        if not m:
            if not items:
                return []
            continue
        rank = int(m.group("num")) if m.group("num") else ord(m.group("letter")) - ord("A") + 1
        if rank != len(items) + 1 or blocks[k].level < blocks[first].level:
            break
        items.append((_priority_title(m.group("title")), k))
    return items


def _sibling_headings(blocks: Sequence[Block], i: int) -> list[tuple[str, int]]:
    """From the heading right after block i, the headings of its level up to one of a higher level."""
    first = _heading_next(blocks, i)
    if first is None:
        return []
    heads = [k for k in range(first, len(blocks)) if blocks[k].kind == "heading"]
    level = blocks[heads[0]].level
    items: list[tuple[str, int]] = []
    for k in heads:
        if blocks[k].level < level:
            break
        if blocks[k].level == level:
            items.append((_priority_title(blocks[k].text), k))
    return items


def _openings(blocks: Sequence[Block], i: int, names: list[str]) -> list[tuple[str, int]]:
    """Parallel section openings from the section of block i on: titles ending in a colon that begin with the
    same word ("From hospital to community:", "From analogue to digital:"), one of them holding a name the
    announcement gave. A two-column conversion may put an opening before the announcement in reading order,
    so the search starts at the heading above it."""
    if not names:
        return []
    start = next((k for k in range(i, -1, -1) if blocks[k].kind == "heading"), 0)
    groups: dict[str, list[tuple[str, int]]] = {}
    for k in range(start, len(blocks)):
        if blocks[k].kind == "table_row":
            continue
        for m in _OPENING.finditer(blocks[k].text):
            title = m.group("title")
            groups.setdefault(title.split()[0].lower(), []).append((title, k))
    for items in groups.values():
        if any(name.lower() in title.lower() for title, _ in items for name in names):
            return items
    return []


def _add_counted(doc: Document, items: list[tuple[str, int]], used_ids: dict[str, int], out: list[Priority],
                 spans: list[tuple[Priority, int, int]]) -> None:
    """One priority per item; an item that opens its own block owns the blocks up to the next item (the last
    one up to the next heading)."""
    blocks = doc.blocks
    starts = sorted({k for _, k in items})
    for title, k in items:
        b = blocks[k]
        prio = Priority(id=_make_id("p", title, used_ids), title=title, target_ids=[],
                        evidence=Evidence(sentence=b.text, page=b.page, section=b.section, block_index=k,
                                          page_label=b.page_label, anchor=b.anchor))
        out.append(prio)
        if len(starts) == len(items):
            later = [s for s in starts if s > k]
            end = later[0] - 1 if later else next(
                (j - 1 for j in range(k + 1, len(blocks)) if blocks[j].kind == "heading"), len(blocks) - 1)
            spans.append((prio, k, end))
