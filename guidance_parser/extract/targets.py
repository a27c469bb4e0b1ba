"""Quantities and targets: which figures in a sentence are targets, and what each one measures.

Owns turning a quantity span into a value and unit, the decision that a figure is a target (not a
reported result, a comparison, an example or part of a metric's definition), a target's direction,
metric phrase and deadline, and the test that a whole sentence only reports what happened.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from guidance_parser import rules, units
from guidance_parser.extract.components import (
    after_baseline,
    clause_bounds,
    commit_between,
    cue_at,
    cues_in,
    cues_starting,
    is_fact,
    passage_text,
    published_of,
    span_text,
    statistic_cue,
)
from guidance_parser.extract.deadlines import (
    STRONG_PREPS,
    is_future,
    is_history,
    names_a_document,
    past_at_publication,
)
from guidance_parser.extract.passages import Passage
from guidance_parser.extract.tables import column_year, flat_column_year, year_column_holding
from guidance_parser.model import (
    Direction,
    Edition,
    When,
)
from guidance_parser.units import relative_change
from guidance_parser.when import TimeMention, find_times


@dataclass
class Quantity:
    label: str
    value: float | None  # None: a figure too large to be real (``MAX_FIGURE``), kept as a target unread
    unit: str
    start: int  # token index in doc
    end: int


def _number(text: str) -> float | None:
    m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    if not m:
        return None
    try:
        return float(m.group(0).replace(",", ""))
    except ValueError:
        return None


# The largest figure read as a value: a thousand times the NHS's budget in pounds, and a float still holds
# it exactly to the penny. A longer string of digits (a 400-digit "figure" is infinity as a float) is no
# real figure; its target keeps no value, and its basis says why, so exports never meet infinity.
MAX_FIGURE = 1e15
UNREAD_FIGURE = "figure not read: larger than 10^15"


def _bounded(q: Quantity) -> Quantity:
    if q.value is not None and not (math.isfinite(q.value) and abs(q.value) <= MAX_FIGURE):
        q.value = None
    return q


def quantity_of(span: Span) -> Quantity | None:
    """The value and unit of a quantity span (value None when it is beyond ``MAX_FIGURE``)."""
    q = _quantity_of(span)
    return q if q is None else _bounded(q)


def _quantity_of(span: Span) -> Quantity | None:
    change = relative_change(span[0].text) if span.label_ == "RELATIVE" else None
    if change is not None:  # "double the number" is a 100 % increase, "halve the gap" a 50 % reduction
        return Quantity(span.label_, abs(change), "%", span.start, span.start + 1)
    value = _number(span.text)
    if value is None:
        return None
    low = span.text.lower()
    unit: str
    if span.label_ == "PERCENT":
        unit = "%"
    elif span.label_ == "POINTS":
        unit = "percentage points"
    elif span.label_ == "MONEY":
        mult = 1.0
        for word, factor in units.scale_words().items():
            if re.search(rf"(\d|\s){word}\b", low):
                mult = factor
                break
        value *= mult
        unit = {"£": "GBP", "$": "USD", "€": "EUR"}.get(span.text.strip()[0], "GBP")
    elif span.label_ == "DURATION":
        word = re.findall(r"[a-z]+", low)[-1]
        unit = units.duration_words().get(word, word)
    else:
        for word, factor in units.scale_words().items():
            if low.endswith(" " + word):
                value *= factor
        unit = "count"
    return Quantity(span.label_, value, unit, span.start, span.end)



# A list introduction's words that commit its items (plain text, read before the items are parsed).
_INTRO_MODAL = re.compile(r"\b(" + "|".join(map(re.escape, rules.words("intro_modals"))) + r")\b", re.I)


def reported(doc: Doc, sent: Span, passage: Passage, mentions: list[TimeMention], edition: Edition | None) -> bool:
    """A sentence that reports what happened or what is, and commits to nothing.

    It has a report cue ("has been delivered", "was", "includes", "continued") that is not a future passive
    ("should be achieved"), and no modal or ask anywhere ("will", "must", "expected to", "aim"). Its
    figures are results ("from 83.5% in 2023/24 to 84.2% in 2024/25") and its dates say when things
    happened ("In August 2024 the leaver rate was ..."). Lists of asks ("Reduce ... to 78%") and dated
    commitments ("by March 2026") are not reports whatever their wording.
    """
    cues = cues_in(doc, sent.start, sent.end)
    if any(c.label_ == "MODAL" for c in cues):
        return False
    if not any(c.label_ == "FACT" and not (c.start > 0 and doc[c.start - 1].lower_ in ("be", "being"))
               for c in cues):
        return False
    if passage.intro is not None and _INTRO_MODAL.search(passage.intro):
        return False  # an item of a list whose introduction commits ("Systems will: ...")
    for start in (sent.text, passage.text[passage.context:] if passage.block.kind == "list_item" else ""):
        start = re.sub(r"^[\W\d]*(?:[a-z][.)]\s+)?", "", start)
        if _LEAD_VERB.match(start) and not re.match(r"(the|an?)\b", start, re.I):
            return False  # an imperative ask, or a sentence inside one: "Reduce agency spend by 30%"
    # a date in the planning period ahead is not something that already happened
    return not any((m.prep in STRONG_PREPS and m.prep != "from" and not is_history(m, edition)) or
                   (m.prep is not None and is_future(m, edition))
                   for m in mentions if sent.start_char <= m.expr_start < sent.end_char)



_COMPARATIVE = frozenset(rules.words("comparative"))
_TARGET_PRE = frozenset(rules.words("target_before"))
_COUNT_VERBS = frozenset(rules.words("count_verbs"))
_COUNT_MODIFIERS = frozenset(rules.words("count_modifiers"))
_BUILD_VERBS = frozenset(rules.words("build_verbs"))
_EVENT_RELATIVE = frozenset(rules.words("event_relative"))
NON_COMMITMENT_COUNT_NOUNS = frozenset(rules.words("non_commitment_count_nouns"))
EXAMPLE_RE = rules.pattern("example")
_MONEY_TARGET = rules.pattern("money_target")
_MONEY_COMMITMENT = rules.pattern("money_commitment")


def is_target_quantity(doc: Doc, sent: Span, q: Quantity, has_percent: bool, mentions: list[TimeMention],
                        edition: Edition | None) -> bool:
    lo, hi = clause_bounds(sent, q.start)
    if statistic_cue(doc, sent, q.start) is not None:
        return False
    if EXAMPLE_RE.search(passage_text(doc)[sent.start_char:doc[q.start].idx]):
        return False  # "For example, if the scores range from 2.50 to 2.80", "Example 1: a standard of 80%"
    before = [t.lower_ for t in doc[max(sent.start, q.start - 4):q.start]]
    after = [t.lower_ for t in doc[q.end:min(sent.end, q.end + 5)]]
    # Comparative facts: "19% more staff", "an organisation almost 35% smaller than ..."
    # ... unless a verb that delivers or creates governs it: "create 2,000 more nursing apprenticeships"
    if after and after[0] in _COMPARATIVE and ("than" in after or not set(before[-3:]) & (_TARGET_PRE | _BUILD_VERBS)):
        return False
    if is_fact(doc, max(lo, q.start - 25), q.start):
        return False
    if q.label in ("PERCENT", "POINTS") and re.search(r"\bgrowth\b", " ".join(after[:4])) and \
            not commit_between(doc, lo, q.start):
        return False  # "a 3.2% average real-terms growth", "2.4% growth in Q1": reported, not set
    if any(m.prep in ("in", "over", "during", "across", "throughout", "since") and is_history(m, edition) and
           m.end <= doc[q.start].idx for m in mentions if sent.start_char <= m.start):
        return False  # "In 2024/25, productivity grew by 2.7%"
    if q.label == "DURATION":
        hyphenated = "-" in doc[q.start:q.end].text
        near_before = " ".join(t.lower_ for t in doc[max(sent.start, q.start - 6):q.start])
        relative = bool(after) and (after[0] in _EVENT_RELATIVE or " ".join(after[:2]) in _EVENT_RELATIVE)
        if relative and before[-1:] != ["within"]:
            return False  # a time relative to an event is a schedule: "no more than 2 hours before the journey"
        if re.search(r"\baverag", near_before):
            return True
        if not hyphenated and "target" in after[:4]:
            return True
        if hyphenated:
            return False
        if re.search(r"\b(minimum|maximum|at least|at most)$", near_before):
            return True
        prev = before[-1] if before else ""
        if prev == "to" and cues_in(doc, max(lo, q.start - 3), q.start, ("RED", "INC")) and \
                cues_in(doc, lo, hi, ("MODAL",)):
            return True  # a level a committed change brings a time to: "setup time will ... fall to 150 days"
        prev2 = " ".join(before[-2:])
        if not has_percent and (prev == "within" or prev2 in ("longer than", "more than")):
            # "waits longer than 12 hours" names a metric; "handovers within 15 minutes" sets a target
            subj = " ".join(t.lower_ for t in doc[max(sent.start, q.start - 4):q.start])
            return not re.search(r"\bwait", subj) and commit_between(doc, lo, q.start)
        return False
    if q.label == "MONEY":
        near = " ".join(t.lower_ for t in doc[max(lo, q.start - 6):min(sent.end, q.end + 4)])
        # or a sum a verb of investing commits: "invest up to £120 million", "backed by up to £600 million"
        return _MONEY_TARGET.search(near) is not None or \
            _MONEY_COMMITMENT.search(" ".join(t.lower_ for t in doc[max(lo, q.start - 5):q.start])) is not None
    if q.label == "SMALLCOUNT":
        return _small_count_target(doc, sent, q, mentions, edition)
    if q.label == "RELATIVE":
        # a number word as the verb of a change ("at least double the number", "halve the gap") sets a target
        # when a commitment or a bound in its clause, or a date ahead, binds it
        return bool(cues_in(doc, lo, hi, ("COMMIT", "MIN", "MAX"))) or \
            any(not is_history(m, edition) and m.prep in STRONG_PREPS for m in mentions)
    if q.label == "COUNT":
        # a count of something: "700,000 additional urgent dental appointments", "73,500 people"
        j = q.end
        while j < sent.end and doc[j].lower_ in _COUNT_MODIFIERS:
            j += 1
        if j < sent.end and doc[j].is_alpha and doc[j].lower_ not in STOP_WORDS:
            q.unit = _count_noun(doc, q.end, sent.end) or q.unit
            return q.unit.lower() not in NON_COMMITMENT_COUNT_NOUNS
        return bool(before) and before[-1] in _COUNT_VERBS | _BUILD_VERBS or (
            bool(after) and after[0] == "more" and bool(set(before) & _TARGET_PRE))
    if q.label in ("PERCENT", "POINTS"):
        # A bare figure ("7.4%", a table of results) is a statistic; a target says so: a commitment or
        # direction word in its clause, a bound right before it ("a minimum of"), a date, or a list of asks.
        near = " ".join(t.lower_ for t in doc[max(lo, q.start - 3):q.start])
        cue = any(c.label_ in ("COMMIT", "INC", "RED", "MAINT") and c.text.lower() not in _COMPARATIVE
                  for c in cues_in(doc, lo, hi)) or \
            re.search(r"\b(minimum|maximum|at least|at most|no more than|less than|to|of)\s*$",
                      near) is not None
        dated = any(not is_history(m, edition) for m in mentions)
        return cue or dated
    return False


# The confidence of a target a table column sets (``tables.under_target_column``): the column lends the figure
# its commitment from further away than a commitment word would; every other target's confidence is the
# figure-role model's P(target) (``roles``).
TABLE_CONFIDENCE = 0.5


_SMALL_COUNT_NOT_AFTER = frozenset(rules.words("small_count_not_after"))


def _small_count_target(doc: Doc, sent: Span, q: Quantity, mentions: list[TimeMention],
                        edition: Edition | None) -> bool:
    """'170 community diagnostic centres will be open by March 2025', 'establish 50 new hubs by 2027'.

    Small numbers are mostly parts of names and lists ("the 10 high impact actions", "in 4 key areas"),
    so a small count is a target only when it heads a noun phrase that a future-dated commitment binds.
    """
    prev = doc[q.start - 1].lower_ if q.start > sent.start else ""
    if prev in _SMALL_COUNT_NOT_AFTER:
        return False
    noun = _count_noun(doc, q.end, sent.end)
    if noun is None or noun.lower() in NON_COMMITMENT_COUNT_NOUNS or doc[q.end:q.end + 1].text in ("-", "–", "%", "/"):
        return False
    dated = any(not is_history(m, edition) and m.prep in STRONG_PREPS for m in mentions)
    following = " ".join(t.lower_ for t in doc[q.end:min(sent.end, q.end + 7)])
    modal_after = re.search(r"\b(will|must|should|are expected to|is expected to)\b", following) is not None
    verb_before = prev in _BUILD_VERBS or (q.start - 2 >= sent.start and doc[q.start - 2].lower_ in _BUILD_VERBS
                                           and prev in ("a", "an", "additional", "further", "up", "at"))
    if not (dated and (modal_after and q.start == sent.start or verb_before)):
        return False
    q.label, q.unit = "COUNT", noun
    return True


def _count_noun(doc: Doc, start: int, end: int) -> str | None:
    """The thing counted: '700,000 additional urgent dental appointments' -> 'appointments'."""
    noun = None
    for tok in doc[start:min(end, start + 5)]:
        low = tok.lower_
        if low in _COUNT_MODIFIERS:
            continue
        if not tok.is_alpha or low in STOP_WORDS or re.search(r"(ing|ed)$", low):
            break
        noun = tok.text
    return noun


# "10% reduction", "5 percentage point improvement": the direction word right after the value.
_AFTER_VALUE = r"^(?:%\s*)?(?:point |percentage point )?(?:"
_REDUCTION_AFTER = re.compile(_AFTER_VALUE + "|".join(map(re.escape, rules.words("reduction_nouns"))) + ")")
_INCREASE_AFTER = re.compile(_AFTER_VALUE + "|".join(map(re.escape, rules.words("increase_nouns"))) + ")")


def direction_of(doc: Doc, sent: Span, q: Quantity, lo: int) -> Direction | None:
    after = " ".join(t.lower_ for t in doc[q.end:min(sent.end, q.end + 4)])
    near_lo, after_hi = max(lo, q.start - 4), min(sent.end, q.end + 4)
    if cues_in(doc, near_lo, q.start, ("MIN",)) or cue_at(doc, q.end, after_hi, ("MIN_AFTER",)):
        # "a minimum 10% reduction" bounds a cut; any other floor is a level to reach or beat
        return "reduce" if _REDUCTION_AFTER.match(after) else "at_least"
    if cues_in(doc, near_lo, q.start, ("MAX",)) or cue_at(doc, q.end, after_hi, ("MAX_AFTER",)):
        return "at_most"
    if q.label == "RELATIVE":
        return "reduce" if (relative_change(doc[q.start].text) or 0) < 0 else "increase"
    if _REDUCTION_AFTER.match(after):
        return "reduce"
    if _INCREASE_AFTER.match(after) or \
            (q.label == "COUNT" and re.search(r"^(additional|more|extra|new)\b", after)):
        return "increase"
    if q.label == "DURATION":
        return "at_most"  # a time to act within: improving it means bringing it down to the value
    verbs = [c for c in cues_starting(doc, lo, q.start) if c.label_ in ("INC", "RED", "MAINT")]
    if verbs:
        return {"INC": "increase", "RED": "reduce", "MAINT": "maintain"}[verbs[-1].label_]  # type: ignore
    return "achieve"


# An ask's opening verb(s), after any joining words: "and to improve", "reducing".
_LEAD_VERB = re.compile(r"^(?:and |or |to |with |but |the )*(?:(?:" +
                        "|".join(map(re.escape, rules.words("lead_verbs"))) + r")\s+)+", re.IGNORECASE)
METRIC_STOP = rules.pattern("metric_stop")


def clean_metric(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,.;:-–")
    prev = None
    while prev != text:
        prev = text
        text = _LEAD_VERB.sub("", text).strip()
        text = re.sub(r"^(?:the|a|an|of|to|for|in|on|and|with|by|their|its|our|your)\s+", "", text,
                      flags=re.I)
        text = re.sub(r"\s+(?:to|of|at|by|in|for|and|a|an|the|with|is|are|be|from|on|should|will|must|would|"
                      r"could|average|averaging|expected)$", "", text, flags=re.I)
    return text.strip(" ,.;:-–")


# The words that lead a value to the end of the text before it: "to", "by at least", "of an average of".
LEAD_TAIL = re.compile(r"\b(?:to|by|at|of|average|averaging|is|reaching)(?:\s+(?:an?\s+)?(?:average\s+"
                       r"(?:response\s+time\s+)?of|minimum\s+of|maximum\s+of|at least|at most|less than|"
                       r"no more than|more than|the new threshold of|close to|around|about|up to|over|minimum|"
                       r"maximum))?\s*$", re.I)
_LEAD_RUNS = 8  # LEAD_TAIL spans at most 6 runs of non-space characters ("of an average response time of")


def _up_to_stop(text: str) -> str:
    """``METRIC_STOP.split(text)[0]``: the text before the first stop, without splitting all of it."""
    m = METRIC_STOP.search(text)
    return text if m is None else text[:m.start()]


def _lead(before: str) -> str | None:
    """``re.search(r"(.*)" + LEAD_TAIL.pattern, before, re.I).group(1)`` (None when it does not match), found
    in time linear in ``before``: that search retries ``(.*)`` from every start, which cost the square of the
    clause's length for each of its figures. A match of LEAD_TAIL ends the text, so it starts within the last
    few runs of non-space characters; the search's leftmost start is the start of the line of the first such
    match, and its greedy ``(.*)`` runs to the last one on that line."""
    p = len(before)
    for _ in range(_LEAD_RUNS):
        while p > 0 and before[p - 1].isspace():
            p -= 1
        while p > 0 and not before[p - 1].isspace():
            p -= 1
    found = [k for k in range(p, len(before) + 1) if LEAD_TAIL.match(before, k)]
    if not found:
        return None
    line = before.rfind("\n", 0, found[0]) + 1
    end = before.find("\n", line)
    last = max(k for k in found if end < 0 or k <= end)
    return before[line:last]


def metric_of(doc: Doc, sent: Span, q: Quantity, lo: int, hi: int) -> str:
    """What is measured: a noun phrase without the value or the date."""
    after = span_text(doc, q.end, hi)
    before = span_text(doc, lo, q.start)
    # "a 25% reduction in X" / "4% improvement in productivity"
    red = re.match(r"^\s*(?:point\s+|percentage points?\s+)?((?:reduction|improvement|increase|growth|cut|"
                   r"decrease|rise)\s+(?:in|of)\s+.*)", after, re.I)
    # "improving X to 65%", "reduce X by at least 1%", "X at 80%", "X should average no more than 30 minutes"
    lead = _lead(before)
    of_form = re.match(r"^\s*(?:of\s+)?((?!and\b|or\b|by\b|in\b|to\b|point|percentage|reduction|improvement)"
                       r"[A-Za-z].*)", after, re.I)
    # "meet the 70% 2-hour urgent community response (UCR) standard": the value qualifies a named measure
    named = (re.match(r"^\s*([^,.;]{3,80}?\b(?:standard|target|ambition|threshold)s?)\b", after, re.I)
             if re.search(r"\b(?:the|a|an|our|its|their)\s*$", before, re.I) else None)
    candidate = ""
    if q.label == "RELATIVE" and of_form:
        candidate = _up_to_stop(of_form.group(1))  # what a number word changes: "halve the gap in ..."
    elif named and len(clean_metric(named.group(1)).split()) >= 2:
        candidate = named.group(1)
    elif red:
        candidate = _up_to_stop(red.group(1))
    elif lead and len(clean_metric(lead).split()) >= 2 and not (
            re.search(r"\bof\s*$", before) and re.match(r"^\s*of\s", after)):
        candidate = lead
        cut = re.split(r"\b(?:improve|improving|increase|increasing|reduce|reducing|raise|raising|support|"
                       r"supporting|expand|expanding|reach|reaching|return|returning|improvement in|"
                       r"deliver|delivering|achieve|achieving|maintain|maintaining|ensure|ensuring|making|make)\b",
                       candidate, flags=re.I)
        candidate = cut[-1] if len(cut) > 1 and len(clean_metric(cut[-1]).split()) >= 2 else candidate
        if of_form and re.match(r"^\s*of\s", after):
            candidate += " (" + _up_to_stop(of_form.group(1)) + ")"
    elif of_form and q.label in ("PERCENT", "COUNT", "POINTS", "MONEY", "RELATIVE"):
        candidate = _up_to_stop(of_form.group(1))
    if len(clean_metric(candidate).split()) < 2:
        # fall back to the clause's own object: "reducing agency expenditure, ... a 30% reduction"
        head = _up_to_stop(before) if before.strip() else ""
        candidate = head if len(clean_metric(head).split()) >= 2 else before + " " + after
    if not re.search(r"\d+[ -](?:week|day|hour|minute)", candidate):
        candidate = re.sub(r"£?\d[\d,.]*\s*(?:%|per cent|percentage points?|million|billion|bn)", " ",
                           candidate)
    for t in find_times(candidate):
        candidate = candidate.replace(t.when.text, " ")
    candidate = re.sub(r"\b(?:by|in|across|during|from|until)\s*(?=[,.;)]|$)", " ", candidate)
    words = clean_metric(candidate).split()
    return " ".join(words[:18])


def respectively(qs: list[Quantity], metric: str) -> list[str]:
    """'62-day and 28-day standards to 75% and 80% respectively' -> one metric per value."""
    parts = re.split(r"\s+and\s+", metric, maxsplit=len(qs) - 1)
    if len(parts) != len(qs):
        return [metric] * len(qs)
    tail = parts[-1].split()
    out = []
    for p in parts:
        words = p.split()
        if len(words) <= 2 and len(tail) > len(words):
            out.append(" ".join(words + tail[len(words):]))
        else:
            out.append(p)
    return out



def _ends_with_that(text: str, lo: int, hi: int) -> bool:
    """``re.search(r"\\bthat\\s*$", text[lo:hi])`` without scanning the slice: asked for every date after
    every figure of a sentence."""
    end = hi
    while end > lo and text[end - 1].isspace():
        end -= 1
    if end - lo < 4 or text[end - 4:end] != "that":
        return False
    first = end - 4
    return first == lo or not (text[first - 1].isalnum() or text[first - 1] == "_")


def target_deadline(doc: Doc, sent: Span, q: Quantity, s_t: list[TimeMention], passage: Passage,
                     edition: Edition | None, other_values: list[int]) -> tuple[When | None, int | None]:
    """The sentence's date nearest the value (later dates first), else the table column's year or the date
    its list's opening sets; never a date already past when the document was published."""
    q_char = doc[q.start].idx
    best: tuple[float, int] | None = None
    values = sorted(other_values)  # "another value between": a bisection, not a scan for each date
    col = passage.cell_at(q_char) if passage.cells else None
    # a flattened table interleaves its year columns, so the lines after a figure may be the next column's:
    # a later date that falls in another column's year is that column's ("82% National target of 85% ... by
    # March 2027": March 2027 is in 2026/27, the 82%'s column, not the 85%'s 2028/29), and one in the
    # figure's own column year is its own even across the other column's figure.
    flat_year = flat_column_year(passage, passage_text(doc), q_char, edition, published_of(doc)) \
        if not passage.cells and len(passage.column_years) > 1 else None
    for k, m in enumerate(s_t):
        before = passage_text(doc)[max(sent.start_char, m.start - 30):m.start].lower()
        if after_baseline(doc, sent, m.start):
            continue
        if col is not None and passage.cell_at(m.expr_start) != col:
            continue  # another cell's date ("by March 2027" in the 2026/27 column) is not this figure's
        if names_a_document(doc, sent, m) or (
                m.prep is None and not m.relative and m.when.granularity in (
                "calendar_year", "financial_year") and "/" not in m.when.text):
            continue  # a bare year names things ("Spending Review 2025"); "this year" cannot
        if m.prep is None and m.when.granularity == "financial_year" and \
                not re.search(r"(target|by|in|across)\s*$", before):
            continue
        if m.prep in ("to",) or is_history(m, edition) or past_at_publication(m, published_of(doc)):
            continue  # a past date is when a figure was read ("at 24.8% in June 2025"), never its deadline
        home = year_column_holding(passage, m.when, edition, published_of(doc)) \
            if flat_year is not None and m.expr_start > q_char else None
        if home is not None and home != flat_year:
            continue
        if home is None and m.expr_start > q_char and \
                bisect_right(values, q_char) < bisect_left(values, m.expr_start) and \
                not re.search(r"respectively", passage_text(doc)[q_char:m.start]):
            continue  # "94% coverage ..., reaching 100% by 2029": the date binds the nearer value
        if m.expr_start > q_char and _ends_with_that(passage_text(doc), q_char, m.start):
            continue  # "... 25 minutes, so that by the end of 2028/29 ... 18 minutes": opens the next clause
        dist = m.expr_start - q_char
        score = dist if dist >= 0 else -dist * 1.5
        if best is None or score < best[0]:
            best = (score, k)
    if best is not None:
        return s_t[best[1]].when, best[1]
    if passage.cells:
        return column_year(passage, q_char, edition, published_of(doc)), None
    if passage.intro:
        # a list's opening dates every item under it: "By 31 March 2025 we want to have achieved: ..."
        published = published_of(doc)
        opening = [m for m in find_times(passage.intro, edition, published)
                   if m.prep in STRONG_PREPS and not is_history(m, edition) and not past_at_publication(m, published)]
        if len(opening) == 1:
            return opening[0].when, None
    if len(passage.column_years) == 1:
        # one target column ("2028/29 target"): every value under it is for that year
        years = find_times(passage.column_years[0], edition, published_of(doc))
        if len(years) == 1:
            return years[0].when, None
    return flat_year, None
