"""Page layout: from the lines of PDF pages to blocks in reading order (both engines share it).

Owns what needs the page geometry once the lines are read:

- running headers, footers and page numbers are found by REPETITION: a line among the first or
  last few of a page, in the top / bottom band, whose text (digits ignored) recurs on many pages;
- two-column pages: a gutter is looked for per page, as an x position that many rows leave empty
  with text on both sides; rows that cross it are full-width and stay where they are, the rows in
  between are read left column first, then right;
- headings from font size and boldness (both engines report them; numbering adds sub-levels);
- list items from bullet glyphs ("•", "o", "–", ...) with the nesting level from their indent;
- where a table found on the page sits in the reading order, each row a ``table_row`` block.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from guidance_parser.ingest.repair import join_hyphenated
from guidance_parser.ingest.structure import RawBlock, ends_sentence, is_page_number

BAND = 0.11  # top / bottom fraction of the page where running headers and footers live


EDGE_LINES = 3  # ... and only the first / last few lines of a page are candidates


_BULLETS = {"•", "●", "▪", "■", "◦", "○", "·", "▸", "►", "➢", "✓", "o", "–", "-", "*", ""}


_SECOND_LEVEL = {"o", "◦", "○", "–", "-"}


_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.|Annex\s+\w+:?|Appendix\s+\w+:?)\s+\S")


@dataclass
class Line:
    """One line of text on a page (a single column's part of a row on two-column pages)."""

    text: str
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float = 0.0
    bold: float = 0.0  # fraction of the line's characters set in a bold face
    column: str = "body"  # "body", "left", "right" (two-column regions) or "table"
    rows: list[tuple[str, ...]] = field(default_factory=list)  # a table's rows ("table" lines only)
    in_band: bool = True  # inside the top / bottom band of its page (set by _in_bands)


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def drop_running_lines(pages: list[list[Line]]) -> None:
    """Remove running headers / footers / page numbers from each page, in place.

    A candidate is one of the first or last ``EDGE_LINES`` lines of a page that is also inside the
    top / bottom band. It goes when its text, with digits ignored, is a candidate on
    several pages (at least two, and a quarter of the pages up to four), or when it is a bare page
    number. Body text never repeats like that, so nothing is keyed to particular strings.
    """
    n = len(pages)
    counts: Counter[str] = Counter()
    tops: dict[str, list[float]] = {}  # where each repeated text sits, one entry per page
    for lines in pages:
        first: dict[str, float] = {}
        for ln in edge_lines(lines):
            first.setdefault(_running_key(ln.text), ln.top)
        counts.update(first.keys())
        for key, top in first.items():
            tops.setdefault(key, []).append(top)
    need = max(2, min(4, -(-n // 4)))

    def running(ln: Line, twice: bool) -> bool:
        key = _running_key(ln.text)
        if n <= 1 or counts[key] < need:
            return False
        # A page that shows the text twice (the running header, and a cover title or a heading that
        # repeats it) loses only the copy at the place where the text recurs on other pages.
        return not twice or sum(abs(t - ln.top) <= 3.0 for t in tops[key]) >= need

    for i, lines in enumerate(pages):
        edge = edge_lines(lines)
        on_page = Counter(_running_key(ln.text) for ln in edge)
        drop = {id(ln) for ln in edge if running(ln, on_page[_running_key(ln.text)] > 1) or is_page_number(ln.text)}
        pages[i] = [ln for ln in lines if id(ln) not in drop]


def edge_lines(lines: Sequence[Line]) -> list[Line]:
    body = [ln for ln in lines if ln.column != "table"]
    if not body:
        return []
    ordered = sorted(body, key=lambda ln: ln.top)
    return [ln for ln in ordered[:EDGE_LINES] + ordered[-EDGE_LINES:] if ln.in_band]


def word_rows(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into rows by their vertical position."""
    rows: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if rows:
            last = rows[-1]
            ref = last[0]
            tol = max(1.5, 0.3 * float(ref.get("size", 10)))
            if abs(w["top"] - ref["top"]) <= tol or abs(w["bottom"] - ref["bottom"]) <= tol:
                last.append(w)
                continue
        rows.append([w])
    for r in rows:
        r.sort(key=lambda w: w["x0"])
    return rows


def _find_gutter(rows: list[list[dict[str, Any]]], width: float) -> float | None:
    """The x of a column gutter that many rows leave empty with text on both sides, if any."""
    votes: Counter[int] = Counter()
    for r in rows:
        for a, b in zip(r, r[1:], strict=False):
            gap0, gap1 = a["x1"], b["x0"]
            if gap1 - gap0 >= 8 and gap1 > width * 0.3 and gap0 < width * 0.7:
                for x in range(int(max(gap0, width * 0.3)) + 1, int(min(gap1, width * 0.7))):
                    votes[x] += 1
    if not votes:
        return None
    x, score = max(votes.items(), key=lambda kv: (kv[1], -abs(kv[0] - width / 2)))
    return float(x) if score >= 4 else None


def _line_of(words: list[dict[str, Any]], pno: int, column: str) -> Line:
    # Words split only by a change of font ("enough" bold + "." regular) touch: no space between.
    parts = [words[0]["text"]]
    for a, b in zip(words, words[1:], strict=False):
        touching = not a.get("space_after") and b["x0"] - a["x1"] < 0.12 * float(b.get("size") or 10)
        parts.append(b["text"] if touching else " " + b["text"])
    text = "".join(parts)
    chars = sum(len(w["text"]) for w in words) or 1
    sizes = [float(w.get("size", 0.0)) for w in words]
    bold = sum(len(w["text"]) for w in words if _BOLD_FONT.search(str(w.get("fontname", "")))) / chars
    return Line(text, pno, min(w["top"] for w in words), max(w["bottom"] for w in words),
                min(w["x0"] for w in words), max(w["x1"] for w in words),
                size=statistics.median(sizes) if sizes else 0.0, bold=bold, column=column)


def read_columns(rows: list[list[dict[str, Any]]], pno: int, width: float, height: float) -> list[Line]:
    """Rows as lines in reading order: two-column regions read left column first, then right.

    Rows at the very top / bottom edge (headers, footers) are never split or reordered."""
    def in_band(r: list[dict[str, Any]]) -> bool:
        edge = BAND / 2
        return min(w["top"] for w in r) < height * edge or max(w["bottom"] for w in r) > height * (1 - edge)

    gutter = _find_gutter([r for r in rows if not in_band(r)], width)
    if gutter is None:
        return [_line_of(r, pno, "body") for r in rows]
    out: list[Line] = []
    region: list[list[dict[str, Any]]] = []

    def flush() -> None:
        if not region:
            return
        left = [[w for w in r if w["x1"] <= gutter] for r in region]
        right = [[w for w in r if w["x0"] >= gutter] for r in region]
        left = [r for r in left if r]
        right = [r for r in right if r]
        # Column text fills its column: the left lines run up to near the gutter. Short cells of
        # a table laid out without rules do not, and keep their row order.
        fills = bool(left) and statistics.median(max(w["x1"] for w in r) for r in left) >= gutter - 0.3 * (
            gutter - min(w["x0"] for r in left for w in r))
        if len(left) >= 2 and len(right) >= 2 and fills:
            out.extend(_line_of(r, pno, "left") for r in left)
            out.extend(_line_of(r, pno, "right") for r in right)
        else:
            out.extend(_line_of(r, pno, "body") for r in region)
        region.clear()

    for r in rows:
        crosses = any(w["x0"] < gutter < w["x1"] for w in r)
        if crosses or in_band(r):
            flush()
            out.append(_line_of(r, pno, "body"))
        else:
            region.append(r)
    flush()
    return out


def merge_tables(lines: list[Line], tables: list[Line]) -> list[Line]:
    """Put each table where it sits in the reading order (before the first line below its top)."""
    out = list(lines)
    for t in sorted(tables, key=lambda t: t.top):
        idx = next((i for i, ln in enumerate(out) if ln.column != "table" and ln.top > t.top
                    and (ln.column == "body" or ln.x0 <= t.x1)), len(out))
        out.insert(idx, t)
    return out


def title_from_first_page(lines: list[Line]) -> str | None:
    """The first run of lines in the largest type on page 1, when that is larger than body text."""
    sized = [ln for ln in lines if ln.column != "table" and ln.size > 0 and ln.text.strip()]
    if not sized:
        return None
    body = Counter(round(ln.size, 1) for ln in sized for _ in ln.text).most_common(1)[0][0]
    biggest = max(ln.size for ln in sized)
    if biggest < body + 1.0:
        return None
    run: list[str] = []
    for ln in sized:
        if abs(ln.size - biggest) <= 0.6 and not is_page_number(ln.text):
            run.append(ln.text)
        elif run:
            break
    return " ".join(run) or None


def _bullet(line: Line) -> tuple[str, str] | None:
    parts = line.text.split(" ", 1)
    if len(parts) == 2 and parts[0] in _BULLETS and parts[1].strip():
        return parts[0], parts[1]
    return None


def layout_blocks(pages: list[list[Line]]) -> list[RawBlock]:
    """Lines -> blocks. Lines group by region, vertical gap, bullets and type changes; each group
    is then classified as a whole, so a paragraph that opens with a bold sentence stays a paragraph
    while a short all-bold or larger-type group is a heading."""
    all_lines = [ln for lines in pages for ln in lines if ln.column != "table"]
    size_count: Counter[float] = Counter()
    for ln in all_lines:
        size_count[round(ln.size, 1)] += len(ln.text)
    body = size_count.most_common(1)[0][0] if size_count else 10.0
    margins: dict[tuple[int, str], tuple[float, float]] = {}
    for ln in all_lines:
        key = (ln.page, ln.column)
        lo, hi = margins.get(key, (ln.x0, ln.x1))
        margins[key] = (min(lo, ln.x0), max(hi, ln.x1))

    right = {column: statistics.median(hi for (_, c), (_, hi) in margins.items() if c == column)
             for column in {c for _, c in margins}}
    groups: list[list[Line]] = []
    prev: Line | None = None
    for lines in pages:
        for ln in lines:
            if ln.column == "table":
                groups.append([ln])
                prev = None
                continue
            if prev is None or not groups or _starts_block(prev, ln, margins, body):
                groups.append([ln])
            else:
                groups[-1].append(ln)
            prev = ln

    raw: list[RawBlock] = []
    heading_sizes: list[float] = []
    last: Line | None = None
    bullet_indent: float | None = None  # the last list item's bullet, from its region's margin
    for g in groups:
        first = g[0]
        if first.column == "table":
            raw.extend(_table_blocks(first))
            last = None
            continue
        text = g[0].text
        for ln in g[1:]:
            text = join_hyphenated(text, ln.text)
        chars = sum(len(ln.text) for ln in g) or 1
        size = sum(ln.size * len(ln.text) for ln in g) / chars
        bold = sum(ln.bold * len(ln.text) for ln in g) / chars
        words = len(text.split())
        bullet = _bullet(first)
        new_region = last is None or last.page != first.page or last.column != first.column
        margin = margins.get((first.page, first.column), (first.x0, first.x1))[0]
        # Which block a group right after a page or column break goes on (structure.merge_continuations
        # joins it, after running-header copies are stripped from block starts):
        owner = next((r for r in reversed(raw) if not r.extras.get("continues")), None)
        continues = bullet is None and new_region and owner is not None and last is not None and (
            # a list item split by the break: its text goes on at the item's hanging indent, right of
            # the bullet, where a paragraph after the list would start at the margin;
            (owner.kind == "list_item" and bullet_indent is not None and first.x0 - margin > bullet_indent + 4)
            # a sentence cut by the break: the last line before it was wrapped (the next line's first
            # word would not have fitted on it) and ends no sentence, however the next line begins
            # ("... But for" + "2026/27, while ...").
            or (owner.kind in ("paragraph", "list_item") and _wrapped_before(last, first, right)
                and not ends_sentence(raw[-1].text)
                and abs(first.size - last.size) <= 0.6 and abs(first.bold - last.bold) < 0.5))
        sentence = text.rstrip().endswith((".", ",", ";"))
        if continues:
            b = RawBlock("paragraph", text, page=first.page, extras={"continues": 1.0})
        elif bullet is None and ((size >= body + 1.2 and words <= 30 and not (sentence and words > 6)) or (
                bold >= 0.9 and words <= 20 and not sentence)):
            b = RawBlock("heading", text, page=first.page, extras={"size": round(size, 1)})
            heading_sizes.append(round(size, 1))
        elif bullet is not None:
            marker = bullet[0]
            bullet_indent = first.x0 - margin
            level = 1 + max(0, round(bullet_indent / 14.0))
            if marker in _SECOND_LEVEL:
                level = max(level, 2)
            b = RawBlock("list_item", text.split(" ", 1)[1], page=first.page, level=level)
        else:
            b = RawBlock("paragraph", text, page=first.page)
        # Any paragraph may continue the one before (a figure or a column / page break between);
        # merge_continuations decides by punctuation and case.
        b.may_continue = True
        b.extras["after_break"] = float(new_region)
        raw.append(b)
        last = g[-1]
    levels = {s: i + 1 for i, s in enumerate(sorted(set(heading_sizes), reverse=True))}
    for b in raw:
        if b.kind == "heading":
            b.level = levels.get(b.extras.get("size", body), 1)
            m = _NUMBERED.match(b.text)
            if m and m.group(1).count(".") >= 1 and not m.group(1).endswith("."):
                b.level += m.group(1).count(".")
    return raw


def _wrapped_before(ln: Line, nxt: Line, right: dict[str, float]) -> bool:
    """Was ``ln`` wrapped because ``nxt``'s first word did not fit after it on the line? Ragged-right
    text breaks a line only there, so a paragraph's last line is one the next word would have fitted.
    ``right`` is the right edge of each column kind over the document (a page of short lines, such as a
    contents page, has no right margin of its own)."""
    hi = right.get(ln.column, ln.x1)
    word = nxt.text.split(" ", 1)[0]
    width = (nxt.x1 - nxt.x0) * len(word) / max(1, len(nxt.text))  # the word's share of its line
    space = 0.25 * (ln.size or 10.0)
    return ln.x1 + space + width > hi - 1.0


def _starts_block(prev: Line, ln: Line, margins: dict[tuple[int, str], tuple[float, float]],
                  body: float) -> bool:
    """Does ``ln`` start a new block after ``prev``?"""
    if prev.page != ln.page or prev.column != ln.column or _bullet(ln) is not None:
        return True
    size = max(ln.size, prev.size) or body
    # Top-to-top distance, not the gap between boxes: box bottoms move with descenders.
    pitch = ln.top - prev.top
    if pitch > 1.6 * size or pitch < -2 * size or abs(ln.size - prev.size) > 0.6:
        return True
    lo, hi = margins.get((ln.page, ln.column), (ln.x0, ln.x1))
    short_prev = prev.x1 < hi - 0.15 * (hi - lo)
    if prev.bold >= 0.9 and ln.bold < 0.5 and short_prev:
        return True  # a bold heading line, then body text
    if ln.bold >= 0.9 and prev.bold < 0.5 and short_prev and re.search(r"[.!?:;]$", prev.text):
        return True  # a bold heading after a finished paragraph
    # A list item's wrapped lines are indented to its text; a line back at the margin ends it.
    return bool(_bullet(prev) is None and ln.x0 < prev.x0 - 8 and re.search(r"[.!?:;]$", prev.text))


def _table_blocks(ln: Line) -> list[RawBlock]:
    return [RawBlock("table_row", " | ".join(r), page=ln.page, cells=r, may_continue=False) for r in ln.rows]

