"""Passages: the text the rules read, made from a Document's blocks.

Owns cleaning each block's text for reading, stitching a sentence that a page or column break cut
(borrowed context before, a run-on after), footnote markers and definitions, table cells and the
headers of their columns, list intros, and stretches of worked examples whose figures set nothing.
Also where a record's evidence sits in a Markdown or text source (``with_lines``: the line it starts on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from guidance_parser import rules
from guidance_parser.extract.tables import FlatRow, cell_figures, header_words_only, level_label
from guidance_parser.model import (
    Block,
    Document,
    Extraction,
)

FOOTNOTE_GLUE = re.compile(r"\b([a-z]{3,})([1-9])(?=[\s,.;:)]|$)")
FOOTNOTE_DEF = re.compile(r"^\s*([1-9])\s?([A-Z][a-z]+\b.*)$")
COLUMN_HEADER = rules.pattern("column_header")


@dataclass
class Passage:
    """One block (or a paragraph stitched from blocks a page break split) prepared for the pipeline."""

    text: str
    block_index: int
    block: Block
    footnotes: dict[str, str] = field(default_factory=dict)
    markers: dict[int, str] = field(default_factory=dict)  # char offset in text -> footnote number
    intro: str | None = None  # the sentence introducing the list this item belongs to
    context: int = 0  # leading characters borrowed from the block before (read, not extracted)
    own_end: int = 0  # where this block's text ends; anything after is borrowed from the next block
    cells: list[tuple[int, int]] = field(default_factory=list)  # table row: (start, end) of each cell in text
    header: tuple[str, ...] = ()  # table row: the cells of its table's first row
    group_label: str = ""  # table row: the label of the nearest row above that names a measure, not a level
    column_years: tuple[str, ...] = ()  # flattened table: its column headers that name a year ("2028/29 target")
    row: FlatRow = FlatRow()  # flattened table: where its row stands as this block opens (tables.FlatRow)
    example: bool = False  # inside worked examples / illustrative data: figures there set nothing

    def cell_at(self, offset: int) -> int | None:
        for i, (a, b) in enumerate(self.cells):
            if a <= offset <= b:
                return i
        return None


_NUMBERED_NAMES = frozenset(rules.words("numbered_names"))


def _strip_footnote_markers(text: str) -> tuple[str, dict[int, str]]:
    """'improvement2' -> 'improvement' with the marker remembered by position."""
    markers: dict[int, str] = {}
    out: list[str] = []
    last = 0
    for m in FOOTNOTE_GLUE.finditer(text):
        word = m.group(1)
        if word in _NUMBERED_NAMES:
            continue
        out.append(text[last:m.end(1)])
        markers[sum(len(p) for p in out)] = m.group(2)
        last = m.end(2)
    out.append(text[last:])
    return "".join(out), markers


def _next_with_text(blocks: list[Block]) -> list[int | None]:
    """For each block, the index of the next block that has any text (None after the last)."""
    out: list[int | None] = [None] * len(blocks)
    ahead: int | None = None
    for i in range(len(blocks) - 1, -1, -1):
        out[i] = ahead
        if blocks[i].text.strip():
            ahead = i
    return out


def make_passages(doc: Document) -> list[Passage]:
    blocks = doc.blocks
    # Block text is clean (ingest cleans it once: ``guidance_parser.text``). The next block with text is
    # computed once: searching the rest of the document for it per block made long documents quadratic.
    texts = [b.text for b in blocks]
    following = _next_with_text(blocks)
    footnotes: dict[str, str] = {}
    for b, cleaned in zip(blocks, texts, strict=True):
        fm = FOOTNOTE_DEF.match(cleaned)
        if fm and b.kind == "paragraph" and len(b.text) < 600:
            footnotes.setdefault(fm.group(1), fm.group(2))
    out: list[Passage] = []
    intro: str | None = None
    header: tuple[str, ...] = ()
    group_label = ""
    column_years: list[str] = []
    row = FlatRow()  # flattened table: the row being read
    example = False
    for i, b in enumerate(blocks):
        example = _in_example(blocks, texts, following, i, example)
        first_row = b.kind == "table_row" and (i == 0 or blocks[i - 1].kind != "table_row")
        if first_row:
            header = tuple(b.cells)
            group_label = ""
        elif b.kind == "table_row" and b.cells and b.cells[0] and not level_label(b.cells[0]):
            group_label = b.cells[0]  # "4-hour A&E | |" over "Every trust | 82% | 85%"
        text = texts[i]
        if not text or (first_row and i + 1 < len(blocks) and blocks[i + 1].kind == "table_row" and
                        not cell_figures(text)):
            continue  # a header row names the columns; its years date the cells below (tables.column_year)
        if (b.kind == "heading" and not re.search(r"\w[.]$", text)) or (
                # a column header the conversion left as a plain line, under the table's first header line
                COLUMN_HEADER.match(text) and i > 0 and (blocks[i - 1].kind == "heading" or
                                                          COLUMN_HEADER.match(texts[i - 1]))):
            intro = None
            # A table the conversion flattened keeps its column headers as short lines ("2026/27 target");
            # they hold until the next ordinary heading.
            if COLUMN_HEADER.match(text):
                prev_head = i > 0 and COLUMN_HEADER.match(texts[i - 1])
                column_years = (column_years if prev_head else []) + [text]
                row = FlatRow()
            elif not (re.match(r"(success )?measures?$|priority$|metric$", text, re.I) or
                      (column_years and header_words_only(text))):
                column_years = []
            continue
        if len(column_years) > 1:
            row = row.opening(text)
        j = following[i]
        nxt_block = blocks[j] if j is not None else None
        nxt_text = texts[j] if j is not None else ""
        if b.kind != "list_item":
            if text.endswith(":"):
                intro = re.split(r"(?<=[.!?])\s+", text)[-1]
            elif not (nxt_block is not None and nxt_block.kind == "list_item" and intro):
                intro = None
        text, markers = _strip_footnote_markers(text)
        context = ""
        if out and b.kind != "list_item" and (text[:1].islower() or b.kind == "heading"):
            # a paragraph a page / column break cut (or a sentence the converter made a heading): read it
            # with the end of the sentence before, so its subject and modal verb are in view (that block's own
            # text only: what it borrowed from this block would be read twice)
            before = out[-1]
            prev = re.split(r"(?<=[.!?])\s+", before.text[before.context:before.own_end].rstrip())[-1]
            context = " ".join(prev.split()[-40:]).rstrip(".:;") + " "
        markers = {k + len(context): v for k, v in markers.items()}
        own = context + text
        trailing = ""
        if nxt_block is not None and nxt_block.kind == "paragraph" and b.kind != "table_row" and \
                not re.search(r"[.!?:;]$", text) and nxt_text[:1].islower():
            # the sentence runs on into the next block ("achieve 4%" / "improvement in productivity")
            first = re.split(r"(?<=[.!?])\s+", nxt_text)[0]
            trailing = " " + " ".join(first.split()[:40])
        cells: list[tuple[int, int]] = []
        if b.kind == "table_row" and b.cells:
            pos = len(context)
            for cell in b.cells:
                start = own.find(cell, pos) if cell else pos
                start = pos if start < 0 else start
                cells.append((start, start + len(cell)))
                pos = start + len(cell)
        out.append(Passage(text=own + trailing, block_index=i, block=b, footnotes=footnotes, markers=markers,
                           intro=intro if b.kind == "list_item" else None, context=len(context),
                           own_end=len(own), cells=cells, header=header if b.kind == "table_row" else (),
                           group_label=group_label if b.kind == "table_row" else "",
                           column_years=tuple(column_years), row=row, example=example))
        if len(column_years) > 1:
            row = row.after(text)
    return out


EXAMPLE_START_RE = rules.pattern("example_start")


def _in_example(blocks: list[Block], texts: list[str], following: list[int | None], i: int, was: bool) -> bool:
    """Whether block ``i`` belongs to a stretch of worked examples or illustrative data.

    The stretch opens at a block announcing it ("Worked examples of how scoring ... Example 1: ...",
    "the data is for illustrative purposes only") and runs over the tables that follow (whose cells the
    conversion often turns into short headings) until a heading that starts a new topic: one that follows
    a finished sentence and is followed by prose, and is not the next "Example 2". ``texts`` and
    ``following`` are the blocks' cleaned texts and next-block indexes (see ``passages``).
    """
    text = texts[i]
    if EXAMPLE_START_RE.search(text):
        return True
    if not was or blocks[i].kind != "heading" or re.match(r"example\b", text, re.I):
        return was
    prev = next((texts[k] for k in range(i - 1, -1, -1) if blocks[k].text.strip()), "")
    j = following[i]
    nxt = blocks[j] if j is not None else None
    ends_topic = re.search(r"[.!?:]$", prev) is not None and blocks[i - 1].kind != "heading"
    prose_follows = nxt is not None and nxt.kind != "heading" and len(nxt.text.split()) >= 12
    return not (ends_topic and prose_follows)




def with_lines(x: Extraction, doc: Document) -> Extraction:
    """``x`` with each record's evidence given the source line its sentence starts on (Markdown and text:
    ``file.md#L123``). The sentence is looked for in its block, then in the block before (a sentence cut
    by a page break starts there: ``make_passages`` borrows it), else the block's first line is cited."""
    for records in (x.targets, x.deadlines, x.priorities):
        for r in records:
            ev = r.evidence
            k = ev.block_index
            if ev.line is not None or not 0 <= k < len(doc.blocks) or doc.blocks[k].line is None:
                continue
            found = doc.blocks[k].line_of(ev.sentence)
            if found is None and k > 0:
                found = doc.blocks[k - 1].line_of(ev.sentence)
            r.evidence = replace(ev, line=found if found is not None else doc.blocks[k].line)
    return x
