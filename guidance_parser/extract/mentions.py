"""Figure mentions: each number-bearing figure of a document with the context its role is decided from.

Owns ``Mention``, the one record that the labelled corpus stores (``corpora/labelled/*.jsonl``) and that
the figure-role model reads at extraction time: the figure's sentence (the only text quoted), the figure's
place in it, and the context around it that a reader uses (section heading, list introduction, table row
label and column header, block kind). Building a mention from a passage here, and reading it back from the
corpus in ``roles``, is what keeps training and extraction seeing the same thing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from spacy.tokens import Doc, Span

from guidance_parser.extract.components import passage_text, published_of
from guidance_parser.extract.passages import Passage
from guidance_parser.model import Edition

# The roles a figure can play (the labelling guide, corpora/labelled/GUIDE.md, defines each).
ROLES = ("target", "baseline", "statistic", "forecast", "threshold", "money", "example", "other")


@dataclass
class Mention:
    """One figure in one sentence, and what surrounds it."""

    sentence: str
    start: int  # the figure's characters in ``sentence``
    end: int
    kind: str  # the quantity rule's label: PERCENT, POINTS, MONEY, DURATION, COUNT, SMALLCOUNT, RELATIVE
    section: str = ""  # the nearest heading above
    block_kind: str = "paragraph"  # paragraph, list_item, table_row, heading
    intro: str = ""  # the sentence introducing the list this item belongs to
    row_label: str = ""  # a table row's first cell, or a flattened table row's opening words
    column: str = ""  # the header of the figure's table column ("2026/27 target", "Outturn 2024/25")
    column_years: str = ""  # a flattened table's year column headers, joined by " | "
    example: bool = False  # inside worked examples / illustrative data (passages.Passage.example)
    edition: str = ""  # the document's edition label ("2025/26", "2025"): past and future dates are read against it
    published: str = ""  # the document's stated publication date, ISO

    @property
    def figure(self) -> str:
        return self.sentence[self.start:self.end]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def mention_of(doc: Doc, sent: Span, span_start: int, span_end: int, label: str, passage: Passage) -> Mention:
    """The mention of the figure at tokens ``span_start:span_end`` of ``sent`` in ``passage``."""
    text = passage_text(doc)
    s0 = sent.start_char
    # the sentence as quoted: leading/trailing space trimmed, offsets kept relative to it
    raw = text[s0:sent.end_char]
    lead = len(raw) - len(raw.lstrip())
    sentence = raw.strip()
    a = doc[span_start].idx - s0 - lead
    b = doc[span_end - 1].idx + len(doc[span_end - 1].text) - s0 - lead
    column = ""
    row_label = ""
    if passage.cells:
        col = passage.cell_at(doc[span_start].idx)
        if col is not None and col < len(passage.header):
            column = passage.header[col]
        first = passage.cells[0]
        row_label = text[first[0]:first[1]] if col != 0 else ""
    elif passage.row.label:
        row_label = " ".join(passage.row.label)
    return Mention(
        sentence=sentence, start=a, end=b, kind=label,
        section=passage.block.section[-1] if passage.block.section else "",
        block_kind=passage.block.kind, intro=passage.intro or "", row_label=row_label, column=column,
        column_years=" | ".join(passage.column_years), example=passage.example,
        edition=edition.label if isinstance(edition := doc.user_data.get("edition"), Edition) else "",
        published=published.isoformat() if (published := published_of(doc)) else "")
