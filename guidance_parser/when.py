"""Time expressions in guidance text: finding them and normalising them to ``When`` periods.

This module owns the grammar of dates as NHS planning guidance writes them and their canonical
labels (see ``model.When``):

- UK financial years "2025/26", "2025-26", "24/25" -> "2025/26" (1 April 2025 - 31 March 2026), and
  quarters "Q3 2025/26" (financial quarters: Q1 = April-June);
- months and days "March 2026", "end of June 2028", "31 March 2026" (parsed by ``dateparser``);
  a month, season or quarter without a year ("by the end of March", "in the Spring", "before the end
  of quarter 2") is read from the publication date when the document states one: the first such
  period not yet over when it was published (a deadline lies ahead of its document, or is the period
  it appears in). Without a publication date it is read against the edition: guidance is published
  before its first financial year starts, so May-December fall in the year before that financial
  year, and January-April in the year it starts (April opens it);
- calendar years "2029", seasons ("this autumn", "spring of 2025", "winter"), "early 2025",
  "this year" / "later this year" (the publication year: stated, else the year before the first
  financial year), "this / next financial year" (from the publication date when stated), "financial year
  2026 to 2027" and "financial year 2026" (the UK government's names for 2026/27: financial year 2026 is
  the one beginning 1 April 2026) and "the end of the Parliament" (from the dates Parliaments first met;
  dissolution is automatic five years later);
- relative spans, read against the anchor the edition's kind gives (``_relative_anchor``): "within / over /
  in / during the next (or coming) N years" (N in digits or words; a range "the next 5 to 10 years" reads
  its upper bound), "in N years' time", "next year" (alone or after "beginning", "from", "starting", "by",
  "in"; not "next financial year", its own form, nor the possessive "next year's") and "by / before the end
  of the decade", "this decade". A financial-year edition (label with "/", planning guidance) counts them in
  financial years from its first one: "within the next 2 years" in 2026/27 -> 2027/28, "next year" ->
  2027/28. A calendar edition (a strategy or paper dated by calendar year) counts them in calendar years
  from the publication year (the stated date, else the edition's year): "over the next 3 years" in July
  2025 -> 2028, "next year" -> 2026. "The end of the decade" is the last year of the decade the anchor year
  (the publication year, or the first financial year's start year) is in (2025 -> 2030, 2030 -> 2030,
  2031 -> 2040). Spans need their preposition: "the next 10 years" alone (a title) or "for the next 3
  years" (the span a yearly rate holds for) is no date.

``find_times`` returns each mention with the preposition in front of it ("by", "in", "from", ...) and the
name of its form (``TimeMention.kind``; ``relative`` says it is written relative to the document's date),
which the extractor uses to tell a commitment's date from a date that names something ("Spending Review
2025", "the 2025/26 staff survey").

The other stages use the same rules rather than their own: ``parse_date`` (ingest reads the stated
publication date with it), ``fy_label`` (re-exported from model, where edition labels are defined) and
``calendar_edition``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import dateparser

from guidance_parser.model import Edition, When, fy_label

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December" \
         r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b"
_SEASON = r"(?:spring|summer|autumn|winter)\b"
_NUMWORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10}
_N = r"(?:\d+|" + "|".join(_NUMWORDS) + ")"
_FY = r"(?:20\d\d\s?[/\-–]\s?\d\d(?!\d)(?![/\-–]\d)|(?<![\d/£.,])[12]\d/\d\d(?![\d/]))"

# Prepositions and frames that bind a date to an action; longest first so "by the end of" wins.
PREPOSITIONS = (
    "no later than the end of", "by the end of", "before the end of", "until the end of", "to the end of",
    "at the end of", "by the start of", "from the start of", "ahead of", "no later than", "with effect from",
    "between now and the end of", "by", "before", "until", "in", "during", "from", "across", "throughout",
    "over", "for", "within", "starting", "beginning in", "beginning", "as of", "at", "to", "end of",
)
_PREP = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in PREPOSITIONS)

_PATTERNS: list[tuple[str, str]] = [
    ("parliament", r"(?:the\s+)?end\s+of\s+(?:the|this)\s+[Pp]arliament"),
    # relative spans and years (see the module docstring); the prepositions each takes are in _RELATIVE_PREPS
    ("next_years", rf"(?:the\s+)?(?:next|coming)\s+{_N}(?:\s*(?:to|or|-|–)\s*{_N})?\s+years\b"
                   rf"|{_N}\s+years[’']\s+time\b"),
    ("next_year", r"next\s+year(?![’'\w])"),
    ("decade", r"(?:the\s+)?end\s+of\s+(?:the|this)\s+decade\b|this\s+decade\b"),
    ("quarter", rf"Q([1-4])\s*(?:of\s+)?({_FY})"),
    # a quarter without its year ("in Q4", "the first half of quarter four", "the third quarter"): read
    # against the edition like a month without a year, by the quarter's first month
    ("quarter_bare", r"(?:the\s+(?:first|second)\s+half\s+of\s+)?(?:quarter\s+(?:one|two|three|four|[1-4])|"
                     r"(?:the\s+)?(?:first|second|third|fourth|final)\s+quarter|Q[1-4])"
                     r"(?!\s*(?:of\s+)?(?:the\s+)?(?:20\d\d|\d\d/|year|financial))"),
    ("day", rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\s+(20\d\d)"),
    ("month_year", rf"(?:(?:early|mid|late)[\s\-]+)?({_MONTH})\s+(?:of\s+)?(20\d\d)(?![/\-–]\d)"),
    ("fy", rf"(?:(?:the\s+)?financial\s+year\s+)?({_FY})"),
    # "financial year 2026 to 2027", "financial year 2026" (GOV.UK style): the financial year from April 2026
    ("fy_named", r"(?:the\s+)?financial\s+year\s+(20\d\d)(?:\s*(?:to|-|–)\s*(20\d\d))?(?![/\-–]?\d)"),
    ("season", rf"(?:(early|late|the)\s+)?({_SEASON})(?:\s+(?:of\s+)?(20\d\d(?:[/\-–]\d\d)?))?"),
    ("season_this", rf"(?:later\s+)?this\s+({_SEASON})"),
    ("part_year", r"(early|late|mid|the\s+start\s+of|the\s+end\s+of)[\s\-]+(20\d\d)(?![/\-–]\d)"),
    ("fy_relative", r"(?:later\s+)?(?:this|next|the\s+next|the\s+current)\s+financial\s+year"),
    ("this_year", r"(?:later\s+)?this\s+(?:calendar\s+)?year(?![’'])"),
    # a month without its year, or a part of one ("in early February"), or Christmas (December: "before
    # Christmas"); read like a month without a year
    ("month", rf"(?:(?:early|mid|late)[\s\-]+)?({_MONTH}|Christmas\b)(?!\s+(?:of\s+)?20\d\d)"),
    ("year", r"(?<![\d/£.,])(20\d\d)(?![/\-–]\s?\d)(?!\d)(?:\s*(?:[-–]|to)\s*(20\d\d)(?![/\d]))?"),
]
_TIME_RE = re.compile(
    rf"(?:\b(?P<prep>{_PREP})\s+)?(?P<expr>" + "|".join(f"(?P<{n}>{p})" for n, p in _PATTERNS) + r")",
    re.IGNORECASE)

# ``_TIME_RE`` tries its whole grammar at every character, so find_times does not run it over all of a text.
# Safe because (1) a match consumes only letters, digits, whitespace, "/", "-", "–" and apostrophes (no other character
# appears outside a lookaround in the grammar, and a letter folds under IGNORECASE only to word characters
# such as "ſ" or "K"), so it lies inside one stretch of such characters; and (2) it holds one of the
# _TRIGGER alternatives: a year "20dd" (years, financial years, dates, "early 2025"), a short financial
# year "dd/" ("24/25"), "Q1"-"Q4", a month or season name (the grammar's own patterns), or the words
# "quarter", "year" ("next five years", "this financial year"), "decade", "parliament" or "Christmas". A stretch
# without any of those cannot hold a match and is skipped. Apostrophes belong to stretches because "in 10 years’
# time" holds one.
_STRETCH = re.compile(r"[\w\s/\-–’']+")
# the lookahead (the first characters of the alternatives) only saves time: it halves the search
_TRIGGER_PATTERN = (rf"(?=[12acdfjmnopqswy])(?:20\d\d|[12]\d/|Q[1-4]|{_MONTH}|{_SEASON}|quarter|year|decade"
                    r"|parliament|christmas)")
_TRIGGER = re.compile(_TRIGGER_PATTERN, re.IGNORECASE)
_TRIGGER_ASCII = re.compile(_TRIGGER_PATTERN.lower())  # for lowercased ASCII text; its escapes (\d, \b) stay


def _may_hold_time(stretch: str) -> bool:
    """Whether a stretch holds a ``_TRIGGER`` alternative.

    ASCII text is lowercased and searched without IGNORECASE, which is over twice as fast. That is exact
    for ASCII: there IGNORECASE pairs a letter only with its case partner, and lowercasing keeps offsets,
    digits and word boundaries. Other text keeps IGNORECASE, which also folds "ſ", "K", "ı" and "İ".
    """
    if stretch.isascii():
        return _TRIGGER_ASCII.search(stretch.lower()) is not None
    return _TRIGGER.search(stretch) is not None


def _time_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_TIME_RE.finditer(text)``, found by searching only the stretches that can hold one.

    Each search may see one character past its stretch (which is not a stretch character): the lookaheads
    after a date ("this year" not followed by "’s") read it, and no part of the grammar reads further.
    Lookbehinds and word boundaries see the characters before the search's start, as in ``finditer``.
    """
    for stretch in _STRETCH.finditer(text):
        if not _may_hold_time(stretch.group()):
            continue
        start, end = stretch.span()
        while (m := _TIME_RE.search(text, start, end + 1)) is not None:
            yield m
            start = m.end()


@dataclass(frozen=True)
class TimeMention:
    """A time expression found in text: character offsets, the preposition before it, the period."""

    start: int  # start of the preposition when there is one, else of the expression
    end: int
    expr_start: int
    prep: str | None
    when: When
    kind: str = "year"  # the grammar's name for the form (_PATTERNS): "fy", "month", "next_years", ...

    @property
    def relative(self) -> bool:
        """Written relative to when the document speaks ("this year", "over the next 3 years"), so it cannot
        be part of a name the way "Spending Review 2025" is."""
        return self.kind in RELATIVE_KINDS


def _month_num(name: str) -> int | None:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS.get(key[:3])


def _fy_start(token: str) -> int:
    token = re.sub(r"\s", "", token)
    first = re.split(r"[/\-–]", token)[0]
    return int(first) if len(first) == 4 else 2000 + int(first)


def fy_when(text: str, year: int) -> When:
    return When(text, fy_label(year), date(year, 4, 1), date(year + 1, 3, 31), "financial_year")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month_when(text: str, year: int, month: int) -> When:
    return When(text, f"{year}-{month:02d}", date(year, month, 1), _month_end(year, month), "month")


def reading_edition(edition: Edition) -> Edition | None:
    """The edition dates are read against: None for an undated document (its relative dates then stay
    unread and no date counts as past or ahead of a planning round)."""
    return edition if edition.dated else None


def calendar_edition(edition: Edition) -> bool:
    """An edition named by a calendar year ("2024", a board paper) rather than financial years."""
    return "/" not in edition.label


def _publication_year(edition: Edition | None) -> int | None:
    if edition is None:
        return None
    return edition.first_year if calendar_edition(edition) else edition.first_year - 1


def _next_start_year(first_month: int, months: int, published: date) -> int:
    """Start year of the first period of ``months`` months opening in ``first_month`` that is not over
    by the publication month: "by March" in a December paper is next March, "this winter" in January
    the winter it is in."""
    pub = published.year * 12 + published.month - 1
    for year in (published.year - 1, published.year):
        if year * 12 + first_month - 1 + months - 1 >= pub:
            return year
    return published.year + 1


def _year_for_month(month: int, edition: Edition | None, published: date | None = None,
                    months: int = 1) -> int | None:
    """The year a yearless month (or a period of ``months`` opening in it) starts in."""
    if published is not None:
        return _next_start_year(month, months, published)
    if edition is None:
        return None
    if calendar_edition(edition):
        return edition.first_year
    # April opens the first financial year ("the 2026/27 contract from April"); January-March close it
    return edition.first_year if month <= 4 else edition.first_year - 1


# Dates the UK Parliaments first met; each dissolves automatically five years after that day.
_PARLIAMENTS = (date(2015, 5, 18), date(2017, 6, 13), date(2019, 12, 17), date(2024, 7, 9))


def parliament_end(edition: Edition | None) -> date:
    ref = date(edition.first_year - 1, 10, 1) if edition else date.today()
    met = max((d for d in _PARLIAMENTS if d <= ref), default=_PARLIAMENTS[-1])
    return date(met.year + 5, met.month, met.day)


@lru_cache(maxsize=4096)
def parse_date(text: str, *, need_day: bool = True) -> date | None:
    """A date as written ("31 March 2026", "8 September, 2025"), day first, through dateparser
    (ordinals, abbreviations, punctuation). With ``need_day=False`` a month and year will do
    ("July 2025" -> 1 July 2025)."""
    parts = ["day", "month", "year"] if need_day else ["month", "year"]
    parsed = dateparser.parse(text, languages=["en"],
                              settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first",
                                        "REQUIRE_PARTS": parts})
    return parsed.date() if parsed else None


_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}  # months of three each


def _season(text: str, season: str, year: int | None, qualifier: str | None = None) -> When | None:
    season = season.casefold()  # "ſpring" (a long s) is spring
    if year is None:
        return None
    y, m = year, _SEASON_START[season]
    start = date(y, m, 1)
    end_y, end_m = (y + (m + 2 > 12), (m + 2 - 1) % 12 + 1)
    end = _month_end(end_y, end_m)
    label = f"{season} {fy_label(year)}" if season == "winter" else f"{season} {year}"
    if qualifier and qualifier.lower() in ("early", "late"):
        label = f"{qualifier.lower()} {label}"
    return When(text, label, start, end, "period")


_SEASON_PREPS = ("in", "during", "by", "before", "until", "from", "by the end of", "ahead of")

# Forms read relative to the document's date; and the prepositions a relative span or year needs (None: none)
RELATIVE_KINDS = frozenset({"next_years", "next_year", "decade", "this_year", "fy_relative", "season_this"})
_RELATIVE_PREPS: dict[str, tuple[str | None, ...]] = {
    "next_years": ("within", "over", "in", "during"),
    "next_year": (None, "beginning", "from", "starting", "by", "in"),
    "decade": (None, "by", "before", "in", "during", "by the end of", "before the end of"),
}


def _relative_anchor(edition: Edition | None, published: date | None) -> tuple[bool, int] | None:
    """What relative spans count from: (True, the first financial year's start year) for a financial-year
    edition, (False, the publication year: stated, else the edition's) for a calendar one."""
    if edition is not None and not calendar_edition(edition):
        return True, edition.first_year
    year = published.year if published else _publication_year(edition)
    return None if year is None else (False, year)


def _relative(kind: str, text: str, edition: Edition | None, published: date | None) -> When | None:
    """A relative span or year ("over the next 3 years", "next year", "by the end of the decade") read
    against ``_relative_anchor``."""
    anchor = _relative_anchor(edition, published)
    if anchor is None:
        return None
    financial, year = anchor
    if kind == "decade":
        end = (year + 9) // 10 * 10  # the decade 2021-2030 ends in 2030
        if text.lower().startswith("this"):
            return When(text, str(end), date(year, 1, 1), date(end, 12, 31), "period")
        return When(text, str(end), date(end, 1, 1), date(end, 12, 31), "calendar_year")
    if kind == "next_year":
        if financial:
            return fy_when(text, year + 1)
        return When(text, str(year + 1), date(year + 1, 1, 1), date(year + 1, 12, 31), "calendar_year")
    # a range ("the next 5 to 10 years") reads its upper bound
    n = max(_NUMWORDS.get(tok.lower()) or int(tok) for tok in re.findall(_N, text, re.IGNORECASE))
    if financial:  # the first financial year is the first of the N
        last = year + n - 1
        return When(text, fy_label(last), date(year, 4, 1), date(last + 1, 3, 31), "period")
    return When(text, str(year + n), published or date(year, 1, 1), date(year + n, 12, 31), "period")


def _normalise(kind: str, m: re.Match[str], edition: Edition | None, published: date | None) -> When | None:
    text = m.group("expr")
    prep = re.sub(r"\s+", " ", m.group("prep").lower()) if m.group("prep") else None
    if kind in ("season", "season_this", "part_year") and re.search(r"\bspring\w", text, re.I):
        return None
    pub = published.year if published else _publication_year(edition)
    if kind == "parliament":
        end = parliament_end(edition)
        return When(text, "end of Parliament", end, end, "day")
    if kind in _RELATIVE_PREPS:
        if prep not in _RELATIVE_PREPS[kind]:
            return None  # "the next 10 years" in a title, "for the next 3 years" of a yearly rate
        return _relative(kind, text, edition, published)
    if kind == "quarter":
        q = int(re.search(r"Q([1-4])", text, re.I).group(1))  # type: ignore[union-attr]
        fy = _fy_start(re.search(_FY, text).group(0))  # type: ignore[union-attr]
        first_month = 4 + 3 * (q - 1)  # financial Q1 starts in April
        sy = fy + (first_month > 12)
        first_month = (first_month - 1) % 12 + 1
        return When(text, f"Q{q} {fy_label(fy)}", date(sy, first_month, 1), _month_end(sy, first_month + 2),
                    "quarter")
    if kind == "quarter_bare":
        low = text.lower()
        words = {"one": 1, "two": 2, "three": 3, "four": 4, "first": 1, "second": 2, "third": 3, "fourth": 4,
                 "final": 4}
        found = re.search(r"q([1-4])\b|quarter\s+(one|two|three|four|[1-4])|(first|second|third|fourth|final)"
                          r"\s+quarter", low)
        assert found is not None
        tok = next(g for g in found.groups() if g)
        q = int(tok) if tok.isdigit() else words[tok]
        first_month = (4 + 3 * (q - 1) - 1) % 12 + 1
        month_year = _year_for_month(first_month, edition, published, months=3)
        if month_year is None:
            return None
        fy = month_year if first_month >= 4 else month_year - 1
        start = date(month_year, first_month, 1)
        return When(text, f"Q{q} {fy_label(fy)}", start, _month_end(month_year, first_month + 2), "quarter")
    if kind == "day":
        d = parse_date(text)
        if d is None:
            return None
        return When(text, d.isoformat(), d, d, "day")
    if kind == "month_year":
        parts = re.search(rf"({_MONTH})\s+(?:of\s+)?(20\d\d)", text, re.I)
        assert parts is not None
        month = _month_num(parts.group(1))
        if month is None:
            return None
        return month_when(text, int(parts.group(2)), month)
    if kind == "fy":
        fy_year = _fy_start(re.search(_FY, text).group(0))  # type: ignore[union-attr]
        if not 2000 <= fy_year <= 2099:
            return None
        return fy_when(text, fy_year)
    if kind == "fy_named":
        first, *rest = (int(y) for y in re.findall(r"20\d\d", text))
        last = max([first, *rest]) - 1 if rest else first  # "2026 to 2027" is one year, "2026 to 2028" two
        if last < first:
            return None
        if last == first:
            return fy_when(text, first)
        return When(text, fy_label(last), date(first, 4, 1), date(last + 1, 3, 31), "period")
    if kind in ("season", "season_this"):
        sm = re.search(_SEASON, text, re.I)
        assert sm is not None
        qual = re.match(r"(early|late)\s", text, re.I)
        yr = re.search(r"20\d\d", text)
        if kind == "season" and not yr and not (text.lower().startswith("the ") and prep in _SEASON_PREPS):
            return None  # a bare "spring" is too often a word; "over the summer" tells of the past
        if yr:
            season_year: int | None = int(yr.group(0))
        elif published is not None:
            season_year = _next_start_year(_SEASON_START[sm.group(0).casefold()], 3, published)
        else:
            season_year = pub
        return _season(text, sm.group(0), season_year, qual.group(1) if qual else None)
    if kind == "part_year":
        year = int(re.search(r"20\d\d", text).group(0))  # type: ignore[union-attr]
        which = text.lower().split()[0] if not text.lower().startswith("the") else \
            ("early" if "start" in text.lower() else "late")
        spans = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
        a, b = spans.get(which.rstrip("-"), (1, 12))
        return When(text, f"{which.rstrip('-')} {year}", date(year, a, 1), _month_end(year, b), "period")
    if kind == "fy_relative":
        if published is not None:  # the financial year the publication date falls in
            current = published.year if published.month >= 4 else published.year - 1
        elif edition is not None:  # else published during the financial year before the edition's first one
            current = edition.first_year - 1
        else:
            return None
        return fy_when(text, current + 1 if "next" in text.lower() else current)
    if kind == "this_year":
        if pub is None:
            return None
        return When(text, str(pub), date(pub, 1, 1), date(pub, 12, 31), "calendar_year")
    if kind == "month":
        word = re.split(r"[\s\-]+", text)[-1]  # the month itself, after "early" / "mid" / "late"
        month = 12 if word.lower() == "christmas" else _month_num(word)
        if month is None:
            return None
        month_year = _year_for_month(month, edition, published)
        return month_when(text, month_year, month) if month_year else None
    if kind == "year":
        years = [int(y) for y in re.findall(r"20\d\d", text)]
        if len(years) == 2:
            return When(text, f"{years[0]}-{years[1]}", date(years[0], 1, 1), date(years[1], 12, 31),
                        "period")
        return When(text, str(years[0]), date(years[0], 1, 1), date(years[0], 12, 31), "calendar_year")
    return None


def find_times(text: str, edition: Edition | None = None, published: date | None = None) -> list[TimeMention]:
    """Every time expression in ``text``, in order, normalised against ``edition`` and, for periods
    written without a year, the document's stated ``published`` date when known."""
    out: list[TimeMention] = []
    for m in _time_matches(text):
        kind = next(n for n, _ in _PATTERNS if m.group(n) is not None)
        prep = m.group("prep")
        if kind == "month" and not prep:
            continue  # "May" / "March" alone are too often not dates
        if kind == "month" and re.split(r"[\s\-]+", m.group("expr"))[-1][0].islower():
            continue  # "may", "march" as verbs
        if kind in ("season", "month") and re.match(r"\s+[A-Z][a-z]", text[m.end():m.end() + 3]) and \
                m.group("expr").split()[-1][0].isupper():
            continue  # "the Autumn Budget", "the Spring Statement": names of events, not dates
        when = _normalise(kind, m, edition, published)
        if when is None:
            continue
        out.append(TimeMention(m.start(), m.end(), m.start("expr"),
                               re.sub(r"\s+", " ", prep.lower()) if prep else None, when, kind))
    return out


def normalise(text: str, edition: Edition | None = None, published: date | None = None) -> When | None:
    """The ``When`` for a phrase such as "by March 2026" or "Q3 2025/26" (None when it holds no date)."""
    found = find_times(text, edition, published)
    return found[0].when if found else None
