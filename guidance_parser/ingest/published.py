"""When a document says it was published: read from its opening blocks, never guessed.

Evidence, strongest first, looked for in the first ``OPENING_BLOCKS`` blocks (the title page of a PDF,
the metadata lines at the top of a web long read):

1. a publication label followed by a date: "Date published: 8 September, 2025", "Published 26 June
   2025", "Publication date: 3 March 2025", "First published: ...", or a label line alone with the
   date on the next line (a web page's metadata list);
2. otherwise the first line that is a date and nothing else ("July 2025" printed on a title page, a
   Board paper's meeting date "5 December 2024"), or a meeting-date label ("Date of meeting: ...").

Lines about revision ("Date last updated: 25 March, 2025", "Updated 10 Sept 2025") are never read: the
last update is not the publication date. A label only counts on a short metadata line, not inside a
sentence ("the report published 3 May 2023 showed ..." names another document). The patterns only find
the candidate text; ``when.parse_date`` (dateparser, the parser extraction uses too) reads the date. A
month without a day gives the first of that month. No evidence -> None.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date

from guidance_parser.when import parse_date

OPENING_BLOCKS = 15
_MAX_LABEL_WORDS = 14  # a metadata line, not a sentence of the body

_MONTH = "|".join(sorted({*calendar.month_name[1:], *calendar.month_abbr[1:], "Sept"}, key=len, reverse=True))
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
# "8 September, 2025", "26 June 2025", "September 8, 2025", "July 2025", "08/09/2025"
_DATE = (rf"{_WEEKDAY}(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})\.?,?\s+(?:19|20)\d\d"
         rf"|(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
         rf"|(?:{_MONTH})\.?,?\s+(?:19|20)\d\d"
         r"|\d{1,2}[/.]\d{1,2}[/.](?:19|20)\d\d)(?!\d)")
_LABEL = (r"(?:date\s+(?:first\s+)?published|(?:first\s+)?published(?:\s+on)?|publication\s+date"
          r"|date\s+of\s+publication)")
_PUBLISHED = re.compile(rf"\b{_LABEL}\s*[:\-–]?\s*(?P<date>{_DATE})", re.IGNORECASE)
# a web page's metadata list puts the label and the date on lines of their own ("Published" / "26 June 2025")
_LABEL_ONLY = re.compile(rf"^{_LABEL}\s*:?$", re.IGNORECASE)
_UPDATED_LABEL = re.compile(r"\b(?:updated|revised|modified|reviewed)\s*:?$", re.IGNORECASE)
_MEETING = re.compile(rf"^(?:date\s+of\s+(?:the\s+)?meeting|meeting\s+date|board\s+meeting|date)\s*[:\-–]?\s*"
                      rf"(?P<date>{_DATE})\s*$", re.IGNORECASE)
_DATE_ONLY = re.compile(rf"^\s*(?P<date>{_DATE})\s*[.]?\s*$", re.IGNORECASE)


def detect_published(texts: Sequence[str]) -> date | None:
    """The publication date the opening blocks state (``texts`` in reading order), else None."""
    opening = [" ".join(t.split()) for t in texts[:OPENING_BLOCKS]]
    for i, text in enumerate(opening):
        m = _PUBLISHED.search(text)
        if not m and _LABEL_ONLY.match(text) and i + 1 < len(opening):
            m = _DATE_ONLY.match(opening[i + 1])
        if m and len(text.split()) <= _MAX_LABEL_WORDS:
            found = parse_date(m.group("date"), need_day=False)
            if found:
                return found
    for i, text in enumerate(opening):
        m = _MEETING.match(text) or _DATE_ONLY.match(text)
        if m and not (i and _UPDATED_LABEL.search(opening[i - 1])):  # the date of an "Updated" label
            found = parse_date(m.group("date"), need_day=False)
            if found:
                return found
    return None
