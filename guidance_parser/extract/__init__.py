"""Extraction: from a ``Document`` to ``Target``, ``Deadline`` and ``Priority`` records, by rules.

The pipeline is a blank English model with a sentencizer and three rule components, so ``nlp.pipe`` runs
them over many blocks in batches:

- ``guidance_cues`` (spaCy's ``span_ruler``, phrases of ``rules/cues.toml``): words that mark a
  commitment ("will", "must", "expected to"), a fact about the past ("delivered", "has increased"), a
  baseline ("compared to"), a direction ("reduce") or a bound ("at least");
- ``guidance_quantities`` (a ``span_ruler`` of the token patterns in ``rules/quantities.toml``):
  percentages, percentage points, money, durations, counts;
- ``guidance_times`` (regex grammar in ``when``): dates, financial years, quarters, relative periods,
  normalised against the document's edition and stated publication date.

The rules then read each sentence: a quantity becomes a Target when it is a commitment (not past
performance, not part of a metric's definition such as "within 4 hours"); a time expression that binds
an action becomes a Deadline unless it is already a Target's deadline. Priorities come from the lists a
document introduces as its priorities / objectives. Ids come from normalised metric / action text.

Modules: ``components`` (the pipeline, cue queries), ``passages`` (blocks -> the text the rules read),
``targets`` (quantities and targets), ``deadlines`` (times and deadlines), ``priorities``, ``ids``,
``driver`` (the order of the work, ``extract`` / ``extract_many``). Words and patterns live in
``guidance_parser/rules/``; the decisions stay here.
"""

from guidance_parser.extract.components import build_nlp
from guidance_parser.extract.driver import extract, extract_many
from guidance_parser.extract.ids import normalise_for_id

__all__ = ["build_nlp", "extract", "extract_many", "normalise_for_id"]
