"""Unit words extraction reads while the units module is being written: moves to units.py.

``DURATION_UNITS`` maps a duration word to its canonical unit; ``MULTIPLIERS`` maps a scale word to its
factor. The quantity patterns (``rules/quantities.toml``) name these lists as ``$DURATION_UNITS`` and
``$MULTIPLIERS``, so the words are listed once.
"""

from __future__ import annotations

# moves to units.py (the units module owns unit words)
DURATION_UNITS = {"minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes",
                  "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours", "day": "days",
                  "days": "days", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months"}
MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
               "b": 1e9}

