"""Table grids -> the rows a ``Document`` keeps: one header row naming every column, body rows with every cell.

This module owns how a table's structure is read, whatever the reader that found it: merged cells (a cell
spanning columns or rows, which pdfplumber returns as ``None`` in the positions it covers and HTML writes as
``colspan`` / ``rowspan``) and header rows of two or more lines ("Success measure | Target" over
"| 2026/27 | 2028/29"). Later stages read a table's first row as its header and each body row's cells by
position, so after ``table_rows`` the first row names each column in full ("Target 2026/27") and a row
label that spans several rows is repeated on each of them. A body cell spanning several columns keeps its
text in its first column only: repeating it would state its figures twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from guidance_parser.rules import table_header_words

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True)
class Slot:
    """One position of a table grid: the text of the cell covering it and where that cell starts."""

    text: str
    row: int  # the row and column of the covering cell's top-left position
    col: int


Grid = list[list[Slot]]

# A figure other than a year: header cells name periods, body cells hold the figures.
_FIGURE = re.compile(r"(?<![\d/])(?!20\d\d\b)\d[\d,.]*(?!\s*/\s*\d)")
# A value a target states (a share, money, a count in thousands): a cell spanning rows that holds one is
# stated once, while a label that spans rows ("4-hour A&E") names each row.
_VALUE = re.compile(r"\d\s*%|£\s*\d|\d{1,3}(?:,\d{3})+")


def grid_from_boxes(texts: Sequence[Sequence[str | None]], boxes: Sequence[Sequence[Box | None]]) -> Grid:
    """The grid of a table found on a PDF page (pdfplumber's ``Table.extract()`` and its rows' cell boxes).

    A position with no cell of its own is covered by a merged cell: the nearest cell to its left whose box
    reaches into its column (a column span), else the nearest cell above whose box reaches into its row.
    """
    col_x0: dict[int, float] = {}
    row_top: dict[int, float] = {}
    for r, row in enumerate(boxes):
        for c, box in enumerate(row):
            if box is not None:
                col_x0[c] = min(col_x0.get(c, box[0]), box[0])
                row_top[r] = min(row_top.get(r, box[1]), box[1])
    grid: Grid = []
    for r, row in enumerate(boxes):
        out: list[Slot] = []
        for c, box in enumerate(row):
            if box is not None:
                out.append(Slot(" ".join((texts[r][c] or "").split()), r, c))
                continue
            left = next((k for k in range(c - 1, -1, -1) if row[k] is not None), None)
            above = next((k for k in range(r - 1, -1, -1) if c < len(boxes[k]) and boxes[k][c] is not None), None)
            left_box = row[left] if left is not None else None
            if left is not None and left_box is not None and left_box[2] > col_x0.get(c, left_box[2]) + 1:
                out.append(Slot(out[left].text, out[left].row, out[left].col))
            elif above is not None and above < len(grid):
                out.append(grid[above][c])
            else:
                out.append(Slot("", r, c))
        grid.append(out)
    return grid


def grid_from_spans(rows: Sequence[Sequence[tuple[str, int, int]]]) -> Grid:
    """The grid of an HTML table: each row's cells as (text, colspan, rowspan), spans laid out as HTML does."""
    grid: dict[tuple[int, int], Slot] = {}
    width = 0
    for r, cells in enumerate(rows):
        c = 0
        for text, colspan, rowspan in cells:
            while (r, c) in grid:
                c += 1
            origin = Slot(text, r, c)
            for dr in range(max(1, rowspan)):
                for dc in range(max(1, colspan)):
                    grid.setdefault((r + dr, c + dc), origin)
            c += max(1, colspan)
        width = max(width, c)
    height = len(rows)
    return [[grid.get((r, c), Slot("", r, c)) for c in range(width)] for r in range(height)]


def _header_like(row: list[Slot], r: int) -> bool:
    """A row that continues the header: no figure but years, and either sitting under a header cell that
    spans down into it, or holding only header words ("target", "measure") and years."""
    own = [s.text for s in row if s.row == r and s.text]
    if not own or any(_FIGURE.search(t) for t in own):
        return False
    if any(s.row < r for s in row):
        return True
    words = {w.lower() for w in table_header_words()}
    return all(w in words or re.fullmatch(r"20\d\d(\s*/\s*\d\d)?", w)
               for t in own for w in re.findall(r"[\w/]+", t.lower()))


def header_count(grid: Grid) -> int:
    """How many rows at the top of ``grid`` form its header (at least the first)."""
    n = 1
    while n < len(grid) and _header_like(grid[n], n):
        n += 1
    return n


def table_rows(grid: Grid, header_rows: int | None = None) -> list[tuple[str, ...]]:
    """``grid`` as plain rows: the header rows joined into one (each column's header texts top to bottom),
    then the body rows: a label spanning rows repeated on each, a cell spanning columns kept in its first."""
    if not grid:
        return []
    n = header_count(grid) if header_rows is None else max(1, min(header_rows, len(grid)))
    width = max(len(r) for r in grid)
    head: list[str] = []
    for c in range(width):
        parts: list[str] = []
        for r in range(n):
            s = grid[r][c] if c < len(grid[r]) else Slot("", r, c)
            if s.row == r and s.text and (not parts or parts[-1] != s.text):
                parts.append(s.text)
        head.append(" ".join(parts))
    out = [tuple(head)]
    for r in range(n, len(grid)):
        row = tuple(s.text if s.col == c and (s.row == r or not _VALUE.search(s.text)) else ""
                    for c, s in enumerate(grid[r]))
        if any(row):
            out.append(row)
    return out
