"""Year-on-year differ: which targets, deadlines and priorities were added, dropped or changed.

This package owns comparing editions. It reads only ``Document`` / ``Extraction`` records and fills
the diff records of ``model.py`` (``DiffResult`` and friends) for the report and the exports.

How records are matched across two editions: each record's text (a target's metric, a deadline's
action, a priority's title) is normalised and NHS synonyms are folded ("A&E" = "emergency
department", "UCR" = "urgent community response", "RTT" = "18 weeks" ...). Word and character
n-gram TF-IDF vectors give a cosine similarity; scipy's ``linear_sum_assignment`` then finds the
best one-to-one pairing, and pairs below ``threshold`` are left unmatched (added / dropped).
Character n-grams keep matching robust to PDF damage such as lost "ll" ligatures ("wil").
Across editions the score also checks what records measure (``cross_edition_score``): targets whose
units measure different things never match, the level a figure binds (national / every trust / every
system) steers the assignment, priorities match by the NHS policy area they name, and deadlines need
``DEADLINE_MARGIN`` more. These were measured on hand-made cross-edition pairs (tests/gold,
benchmarks/eval_matching.py).

Sections are aligned the same way (heading + body similarity) and diffed with ``difflib``, paragraph
by paragraph with a word-level diff inside reworded paragraphs.

Modules, in the order the work flows: ``normalise`` (clean, plain, fold), ``similarity`` (text and record
similarity, one-to-one assignment), ``areas`` (policy areas), ``classify`` (what changed in a matched
pair), ``records`` (restatements, the cross-edition score, lineage ids, a pair's changes), ``sections``
(the section text diff), ``timelines`` and ``editions`` (the entry point, ``diff_editions``).
"""

from guidance_parser.diff.editions import DEADLINE_MARGIN, DEFAULT_THRESHOLD, diff_editions

__all__ = ["DEADLINE_MARGIN", "DEFAULT_THRESHOLD", "diff_editions"]
