"""Which planning year(s) an edition covers, read from its title, title page and publication date.

Order of evidence, strongest first; ``Detected.basis`` says which one was used:

1. the user's ``edition=`` override (``--edition "2025/26"``, parsed by ``options``) always wins;
2. a UK financial year written in the title: "2025/26 priorities ...", "... 2025/26 - methodology
   manual", or a span "2026/27 to 2028/29";
3. a financial year (or span) on the title page / front matter;
4. a calendar year in the title, unless it reads as a horizon ("Data Driven Healthcare in 2030", "... to
   2030"): a report written in 2021 about 2030 is not the 2030 edition;
5. the stated publication date (``published.detect_published``: "Date published: 8 September 2025");
6. a date on the title page: a year after a month ("July 2025", "HEE Digital Readiness Programme March
   2021"), after a label ("Published 2023", "Version 3, 2024"), or on a line of its own. A year inside a
   sentence ("In 2019 NHS England advised ...", "... by March 2026.") dates what the sentence says, not the
   document, and is never used.

Only year pairs that really are consecutive ("2025/26", "2025-26") count as financial years, so
"24/7" or "2025/30" never do. A calendar year is the honest label of a plan or paper dated by calendar
year ("2025"). When nothing can be trusted the edition is ``Edition.undated()`` and ``basis`` says what
was seen and why it was not used: one file needs no edition, but a diff or a database asks for one
(``diff.editions.check_dated``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from guidance_parser.model import Edition

_MONTH = "|".join(sorted({*calendar.month_name[1:], *calendar.month_abbr[1:], "Sept"}, key=len, reverse=True))
_YEAR = r"(?<![\d/£$.,])\b(20\d\d)\b(?![\d/%])"
# a year that dates the page: after a month (and day), or after a label, or on a line of its own
_DATED = re.compile(rf"(?:\b(?:{_MONTH})\.?,?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?"
                    rf"|\b(?:published|publication|date[d]?|issued|version\s+[\w.]+,?|ratified|approved)\b:?\s*"
                    rf"(?:on\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?){_YEAR}", re.IGNORECASE)
_LINE_YEAR = re.compile(rf"^\W*{_YEAR}(?:\s*(?:-|–|to)\s*20\d\d)?\W*$")  # "2025", "2024-2028" alone
# a year the title looks ahead to, not the year it was written: "in 2030", "to 2030", "by 2035"
_HORIZON = re.compile(rf"\b(?:in|to|by|until|towards|beyond|for|through|from)\s+(?:the\s+year\s+)?{_YEAR}",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Detected:
    """The edition found (``Edition.undated()`` when none can be trusted) and what it was read from."""

    edition: Edition
    basis: str


def _title_year(title: str) -> tuple[Edition | None, str]:
    years = [m for m in re.finditer(_YEAR, title)]
    if not years:
        return None, ""
    ahead = {m.start(1) for m in _HORIZON.finditer(title)}
    trusted = [m for m in years if m.start(1) not in ahead]
    if trusted:
        return Edition.from_label(trusted[0].group(1)), f"the year in the title ({trusted[0].group(1)})"
    return None, f"the title's {years[0].group(1)} reads as a horizon, not the year it was written"


_SENTENCE_END = re.compile(r"[.!?;:]\W*$")
_BEFORE_DATE = re.compile(r"\b(?:by|until|before|from|after|since|in|to)\s*$", re.IGNORECASE)
MAX_DATE_LINE_WORDS = 12  # "HEE Digital Readiness Programme March 2021", not a sentence of the body


def _is_sentence(line: str, at: int) -> bool:
    """A date inside a sentence ("... patients within 4 hours by March 2026.") says when something happens,
    not when the document was written."""
    return (len(line.split()) > MAX_DATE_LINE_WORDS or bool(_SENTENCE_END.search(line))
            or bool(_BEFORE_DATE.search(line[:at])))


def _title_page_year(front: str) -> tuple[Edition | None, str]:
    for line in front.splitlines():
        m = _DATED.search(line) or _LINE_YEAR.match(line)
        if m and _is_sentence(line, m.start()):
            continue
        if m:
            year = m.group(1)
            return Edition.from_label(year), f"the date on the title page ({' '.join(m.group(0).split())})"
    seen = re.search(_YEAR, front)
    return None, (f"the title page's only year ({seen.group(1)}) sits inside a sentence, which dates what it "
                  "says rather than the document" if seen else "")


def detect(title_text: str, front_text: str = "", *, published: date | None = None,
           override: Edition | None = None) -> Detected:
    """The edition from the user's override, the title, the title page or the publication date.

    ``title_text`` is the document title; ``front_text`` the text of its first page (PDF) or its front
    matter (the opening of an HTML / Markdown / text file), one line per line or block.
    """
    if override is not None:
        return Detected(override, "given by the user")
    if found := Edition.find_financial_year(title_text):
        return Detected(found, f"the financial year in the title ({found.label})")
    if found := Edition.find_financial_year(front_text):
        return Detected(found, f"the financial year on the title page ({found.label})")
    year, title_note = _title_year(title_text)
    if year is not None:
        return Detected(year, title_note)
    if published is not None:
        return Detected(Edition.from_label(str(published.year)),
                        f"the publication date ({published.strftime('%B %Y')})")
    year, page_note = _title_page_year(front_text)
    if year is not None:
        return Detected(year, page_note)
    why = "; ".join(n for n in (title_note, page_note) if n) or "there is no year on the title page"
    return Detected(Edition.undated(), why)


def detect_edition(title_text: str, front_text: str = "", *, override: Edition | None = None,
                   published: date | None = None) -> Edition | None:
    """The edition ``detect`` finds, or None when no year can be trusted."""
    found = detect(title_text, front_text, published=published, override=override).edition
    return found if found.dated else None
