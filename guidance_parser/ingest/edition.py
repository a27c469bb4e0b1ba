"""Which planning year(s) an edition covers, read from its title and title page.

Order of evidence, strongest first:

1. the user's ``edition=`` override (``--edition "2025/26"``) always wins;
2. a UK financial year written in the title: "2025/26 priorities ...", "... 2025/26 - methodology
   manual", or a span "2026/27 to 2028/29";
3. a financial year (or span) on the title page / front matter;
4. otherwise the calendar year printed on the title page, e.g. the publication date "July 2025"
   of the 10 Year Health Plan executive summary -> edition "2025" (a plan dated by calendar year,
   not a one-year planning round, so a bare year is the honest label).

Only year pairs that really are consecutive ("2025/26", "2025-26") count as financial years, so
"24/7" or "2025/30" never do. When nothing is found the caller raises ``GuidanceError`` telling the
user to pass ``--edition``.
"""

from __future__ import annotations

import re

from guidance_parser.errors import GuidanceError
from guidance_parser.model import Edition
from guidance_parser.when import fy_label

# "2025/26", "2025-26", "2025–26", "2025/2026"; a span joins two with "to" or a dash.
_FY = r"(20\d\d)\s*[/\-–]\s*(20\d\d|\d\d)(?![\d/])"
_FY_RE = re.compile(r"(?<![\d/])" + _FY)
_SPAN_RE = re.compile(r"(?<![\d/])" + _FY + r"\s*(?:to|–|-|—|until)\s*" + _FY)
_YEAR_RE = re.compile(r"(?<![\d/£$.,])\b(20\d\d)\b(?![\d/%])")


def _fy_start(a: str, b: str) -> int | None:
    """Start year of the financial year "a/b", or None when the two are not consecutive."""
    first = int(a)
    second = int(b) if len(b) == 4 else (first // 100) * 100 + int(b)
    return first if second == first + 1 else None


def _find_financial_year(text: str) -> Edition | None:
    span = _SPAN_RE.search(text)
    if span:
        s1, s2 = _fy_start(span.group(1), span.group(2)), _fy_start(span.group(3), span.group(4))
        if s1 is not None and s2 is not None and s2 > s1:
            fy = _FY_RE.search(text)
            # Prefer the span only when it is the first financial year written.
            if fy is None or fy.start() >= span.start():
                return Edition(label=f"{fy_label(s1)} to {fy_label(s2)}", first_year=s1, last_year=s2)
    for m in _FY_RE.finditer(text):
        start = _fy_start(m.group(1), m.group(2))
        if start is not None:
            return Edition(label=fy_label(start), first_year=start, last_year=start)
    return None


def _find_year(text: str) -> Edition | None:
    m = _YEAR_RE.search(text)
    if m is None:
        return None
    year = int(m.group(1))
    return Edition(label=str(year), first_year=year, last_year=year)


def parse_edition_label(label: str, *, path: str = "<edition>") -> Edition:
    """A user-given label ("2025/26", "2026/27 to 2028/29", "2025") as an Edition."""
    found = _find_financial_year(label) or _find_year(label)
    if found is None:
        raise GuidanceError(path, f"the edition {label!r} has no year in it",
                            'pass --edition "YYYY/YY", e.g. --edition "2025/26"')
    return found


def detect_edition(title_text: str, front_text: str = "", *, override: str | None = None,
                   path: str = "<text>") -> Edition | None:
    """The edition from the user's override, else the title, else the title page; None if no year.

    ``title_text`` is the document title; ``front_text`` the text of its first page (PDF) or its
    front matter (the opening of an HTML / Markdown / text file).
    """
    if override:
        return parse_edition_label(override, path=path)
    return (_find_financial_year(title_text) or _find_financial_year(front_text)
            or _find_year(title_text) or _find_year(front_text))


def require_edition(title_text: str, front_text: str, *, override: str | None, path: str) -> Edition:
    """Like ``detect_edition`` but raises the user-facing error when no year can be found."""
    found = detect_edition(title_text, front_text, override=override, path=path)
    if found is None:
        raise GuidanceError(path, "no planning year found on the title page",
                            'pass the edition yourself, e.g. --edition "2025/26"')
    return found
