"""Which planning year(s) an edition covers, read from its title and title page.

Order of evidence, strongest first:

1. the user's ``edition=`` override (``--edition "2025/26"``, parsed by ``options``) always wins;
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

from guidance_parser.errors import GuidanceError
from guidance_parser.model import Edition


def detect_edition(title_text: str, front_text: str = "", *, override: Edition | None = None) -> Edition | None:
    """The edition from the user's override, else the title, else the title page; None if no year.

    ``title_text`` is the document title; ``front_text`` the text of its first page (PDF) or its
    front matter (the opening of an HTML / Markdown / text file).
    """
    if override is not None:
        return override
    return (Edition.find_financial_year(title_text) or Edition.find_financial_year(front_text)
            or Edition.find_year(title_text) or Edition.find_year(front_text))


def require_edition(title_text: str, front_text: str, *, override: Edition | None, path: str) -> Edition:
    """Like ``detect_edition`` but raises the user-facing error when no year can be found."""
    found = detect_edition(title_text, front_text, override=override)
    if found is None:
        raise GuidanceError(path, "no planning year found on the title page",
                            'pass the edition yourself, e.g. --edition "2025/26"')
    return found
