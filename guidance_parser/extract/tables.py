"""Tables: which year and level a figure in a table states.

Owns reading figures by their place in a table: the year of a cell's column ("2026/27 target"), the
level a row label names ("Every trust", "National") and the measure of the row above it, a figure that
stands alone under a target-year column, and the year columns of a table the conversion flattened (its
columns interleaved line by line). The words of table headers and level rows are data
(``rules/tables.toml``); ingest (``guidance_parser.ingest.tables``) has already made each row's cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from guidance_parser.extract.components import passage_text, published_of
from guidance_parser.model import Edition, When
from guidance_parser.rules import (
    on_reload,
    table_data_columns,
    table_header_words,
    table_level_rows,
    table_target_columns,
)
from guidance_parser.when import TimeMention, find_times

if TYPE_CHECKING:
    from guidance_parser.extract.passages import Passage
    from guidance_parser.extract.targets import Quantity

# A figure a table cell states: a share, a count in thousands, a time given as a level ("a response time of 25
# minutes", "is 18 minutes"). Years, names ("62-day") and times that bound a measure ("within 6 weeks") are not.
_CELL_FIGURE = re.compile(r"\d[\d.]*\s*%|\d{1,3}(?:,\d{3})+|"
                          r"\b(?:of|to|is|at|be)\s+\d+\s*(?:minutes|hours|days|weeks)\b")


def _words(text: str) -> list[str]:
    """A header cell's words, lower case, as the word lists of ``rules/tables.toml`` hold them."""
    return re.findall(r"[a-z]+", text.lower())


def cell_figures(text: str) -> int:
    """How many figures ``text`` states as a table cell would (see ``_CELL_FIGURE``)."""
    return len(_CELL_FIGURE.findall(text))


def column_year(passage: Passage, q_char: int, edition: Edition | None, published: date | None) -> When | None:
    """A table cell's target year from its column header ("2026/27 target", "By March 2027")."""
    col = passage.cell_at(q_char)
    if col is None or col >= len(passage.header):
        return None
    years = find_times(passage.header[col], edition, published)
    return years[0].when if len(years) == 1 else None


def flat_column_year(passage: Passage, text: str, q_char: int, edition: Edition | None,
                     published: date | None) -> When | None:
    """The year column of a figure in a table the conversion flattened, its columns interleaved line by line.

    The cells of one row under year columns state the same measures for each year, and the conversion
    writes their lines side by side, so within a row the figures recur in column order: the row's first
    figure is the first year's, the next the second year's, and so on round again. A row starts where
    its cells' opening words come before any figure (``FlatRow``, which ``make_passages`` keeps). A figure
    in brackets qualifies the figure before them ("a minimum of 65% ... (to deliver national performance
    of 70%)") and shares its column (``row_position``).
    """
    if passage.context <= q_char:
        slot, aside = row_position(text[passage.context:q_char], passage.row.slot, passage.row.aside)
        index = slot if aside is None else aside
        years = find_times(passage.column_years[index % len(passage.column_years)], edition, published)
        if len(years) == 1:
            return years[0].when
    return None


def year_column_holding(passage: Passage, when: When, edition: Edition | None, published: date | None) -> When | None:
    """The year of the flattened table's column (``passage.column_years``) that ``when`` falls in, if any."""
    for header in passage.column_years:
        years = find_times(header, edition, published)
        if len(years) == 1 and years[0].when.start <= when.start <= when.end <= years[0].when.end:
            return years[0].when
    return None


@dataclass(frozen=True)
class FlatRow:
    """Where reading stands in a row of a table the conversion flattened (see ``flat_column_year``)."""

    slot: int = 0  # the year slot the row's next figure outside brackets takes
    aside: int | None = None  # inside brackets: the slot of the figure they qualify (``row_position``)
    label: tuple[str, ...] = ()  # the blocks the row opens with before its first figure: its measure ("4-hour A&E")
    plain: tuple[str, ...] = ()  # the blocks without a figure read since the last one with a figure

    def opening(self, text: str) -> FlatRow:
        """The row as block ``text`` opens: two blocks in a row without a figure start a new table row
        (its cells' first words), whose label is what it says before its first figure."""
        if not cell_figures(text):
            plain = (*self.plain, text)
            return FlatRow(plain=plain) if len(plain) == 2 else replace(self, plain=plain)
        label = self.label or (self.plain if self.slot == 0 else ())
        return replace(self, label=label, plain=())

    def after(self, text: str) -> FlatRow:
        """The row once block ``text`` has been read: its figures have taken their slots."""
        slot, aside = row_position(text, self.slot, self.aside)
        return replace(self, slot=slot, aside=aside)


def row_position(text: str, slot: int, aside: int | None) -> tuple[int, int | None]:
    """Where a flattened table row stands after ``text``, starting from ``slot`` and ``aside``.

    Returns the slot the next figure outside brackets takes (figures so far, counted as ``cell_figures``
    does) and, while a bracket is open, the slot of the figure the bracketed aside qualifies (else None).
    """
    pos = 0
    for m in re.finditer(r"[()]", text):
        if aside is None:
            slot += cell_figures(text[pos:m.start()])
        if m.group() == ")":
            aside = None
        elif aside is None:  # an opening bracket: its figures qualify the one before it
            aside = max(slot - 1, 0)
        pos = m.end()
    if aside is None:
        slot += cell_figures(text[pos:])
    return slot, aside


def header_words_only(text: str) -> bool:
    """A line made only of table header words ("target", "measure"): part of a flattened header."""
    words = {w.lower() for w in table_header_words()}
    return all(w in words for w in _words(text))


def level_label(label: str) -> bool:
    """A table row label naming the level its figures apply at ("Every trust", "National"), not a measure."""
    return label.strip().lower().rstrip(":") in _level_rows()


@lru_cache(maxsize=1)
def _level_rows() -> frozenset[str]:
    return frozenset(w.lower() for w in table_level_rows())


def under_target_column(doc: Doc, passage: Passage, q: Quantity, edition: Edition | None) -> bool:
    """A figure alone in its cell ("82%") under a column that sets a year's level: its header names a target
    year ("2028/29 target"), or is a year alone still ahead of the document ("Measure | 2027/28 | 2028/29")
    in a table none of whose headers name data ("outturn", "forecast": ``rules/tables.toml``). The table
    states the figure as that year's level, which prose would have to say with a commitment word."""
    q_char = doc[q.start].idx
    col = passage.cell_at(q_char) if passage.cells else None
    if col is None or col == 0 or q.label not in ("PERCENT", "POINTS", "MONEY", "COUNT", "DURATION"):
        return False
    a, b = passage.cells[col]
    rest = passage_text(doc)[a:b].replace(doc[q.start:q.end].text, "", 1)
    if re.search(r"[a-z]{3}", rest, re.I) or col >= len(passage.header):
        return False
    year = column_year(passage, q_char, edition, published_of(doc))
    if year is None:
        return False
    words = set(_words(passage.header[col]))
    if words & _target_column_words():
        return True
    header_words = {w for cell in passage.header for w in _words(cell)}
    if header_words & _data_column_words():
        return False
    from guidance_parser.extract.deadlines import is_future  # deadlines reads passages, which read tables

    return is_future(TimeMention(0, 0, 0, None, year), edition)


@lru_cache(maxsize=1)
def _target_column_words() -> frozenset[str]:
    return frozenset(w.lower() for w in table_target_columns())


@lru_cache(maxsize=1)
def _data_column_words() -> frozenset[str]:
    return frozenset(w.lower() for w in table_data_columns())


on_reload(_level_rows.cache_clear)
on_reload(_target_column_words.cache_clear)
on_reload(_data_column_words.cache_clear)
