"""Times and deadlines: whether a date a sentence mentions binds an action, and what that action is.

Owns the decisions that a date is a deadline (not history, not a baseline, not part of a document's
name, not the subject's period) and the wording of the action it binds; the dates themselves are found
by ``guidance_parser.when``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from spacy.tokens import Doc, Span

from guidance_parser import rules
from guidance_parser.extract.components import (
    after_baseline,
    clause_bounds,
    commit_between,
    cues_in,
    cues_starting,
    is_fact,
    passage_text,
    statistic_cue,
)
from guidance_parser.extract.passages import Passage
from guidance_parser.model import (
    Edition,
)
from guidance_parser.when import TimeMention, calendar_edition

SPLIT_CLAUSE = re.compile(r"\s[•▪◦]\s|;\s|\s[–—]\s|:\s(?=\S)|\so\s(?=[a-z])")


# A date followed by one of these names something ("2024/25 levels") or is a range's start ("2025 to 2026").
_NAME_AFTER = re.compile(r"^\s*(?:" + "|".join(map(re.escape, rules.words("names_after_date"))) +
                         r"|to 20\d\d)\b", re.IGNORECASE)
_CONTEXT_FREE = rules.words("context_free_periods")
STRONG_PREPS = rules.words("deadline_prepositions")
# Document and event names: a date inside one names the document ("Spending Review 2025", "Better Care Fund
# policy framework for 2025 to 2026", "the 2025/26 NHS Standard Contract"), it does not bind an action.
_DOC_NOUN = "(?:" + "|".join(map(re.escape, rules.words("document_nouns"))) + ")"
TITLE_BEFORE_RE = re.compile(r"(?:\b[A-Z][\w&’'/-]*\s+){1,5}(?:[a-z]+\s+)?(?i:" + _DOC_NOUN + r")\s*$")
TITLE_AFTER_RE = re.compile(r"^\s*(?:[A-Z][\w&’'/-]*\s+){1,5}(?:[a-z]+\s+)?(?i:" + _DOC_NOUN + r")\b")
REFERENCE_BEFORE_RE = rules.pattern("reference_before")
# A span of years ("over the next 3 years", "in 10 years' time") says over what period something happens.
# "within" sets a limit, as "by" does ("will be introduced within the next 2 years"); otherwise the span
# binds an action only when the writer commits to one over it ("Over the next 3 years we will overhaul ...",
# a list item under "we will:"); otherwise it frames an outcome the plan claims ("Over the next 3 years it
# will return the NHS to much better health"), the period a plan covers ("how they propose to exercise their
# functions in the next 5 years") or a prediction ("will look very different in 10 years' time").
# A span inside a clause of reason or condition belongs to it, not to the commitment of the main clause:
# "Because healthcare work will look very different in 10 years' time, we will need ...".
_SUBORDINATE_BEFORE = re.compile(r"\b(?:because|since|if|unless|although|though|while|whereas)\b[^,;:]*$",
                                 re.IGNORECASE)
_WRITER_COMMITS = re.compile(r"\bwe(?:\s+\w+)?\s+(?:will|must|shall|are going to|want|aim|plan|intend|commit)\b",
                             re.IGNORECASE)


def time_is_commitment(doc: Doc, sent: Span, m: TimeMention, tok_start: int, passage: Passage,
                        edition: Edition | None) -> bool:
    w = m.when
    text_after = passage_text(doc)[m.end:m.end + 40]
    before = passage_text(doc)[max(sent.start_char, m.start - 40):m.start].lower()
    kind_free = (w.label in _CONTEXT_FREE or w.label.startswith(("autumn", "spring", "summer", "winter",
                                                                  "early", "late")) or
                 re.match(r"later this |this (autumn|spring|summer|winter)|(the )?(next|coming)|"
                          r"(later )?(this|next|the next|the current) financial year",
                          w.text.lower()) is not None)
    # a date standing as an adverb before a modal: "(in) 2026/27 all ICBs must:" after a line break lost "in"
    adverbial = m.prep is None and w.granularity in ("financial_year", "month") and \
        re.search(r"\b(the|a|an|of|our|their|its|this|that)\s*$", before) is None and \
        re.match(r"^[,\s]*(?:[\w’'-]+\s+){1,4}?(must|should|will|are expected|is expected)\b",
                 text_after) is not None
    if m.prep is None and not (kind_free or adverbial):
        return False
    if m.kind == "next_years" and m.prep != "within" and (
            _SUBORDINATE_BEFORE.search(passage_text(doc)[sent.start_char:m.start]) or
            not _WRITER_COMMITS.search(sent.text + " " + (passage.intro or ""))):
        return False
    if m.prep in ("to", "at", "over", "for") and w.granularity == "calendar_year":
        return False
    if m.prep == "to" and not kind_free:
        return False
    if names_a_document(doc, sent, m):
        return False
    if after_baseline(doc, sent, m.start):
        return False
    if _in_subject(doc, sent, m):
        return False
    if is_history(m, edition) or past_event(doc, sent, m) or statistic_cue(doc, sent, tok_start) is not None:
        return False
    lo, _ = clause_bounds(sent, tok_start)
    lo = min(lo, tok_start)
    # a participle right before a date in the planning period ahead ("the platform launched in 2026") tells
    # of a future event, not a past one
    prep_tok = doc.char_span(m.start, m.end, alignment_mode="expand")
    k = prep_tok.start - 1 if prep_tok is not None else -1
    future_participle = is_future(m, edition) and k > sent.start and doc[k].lower_.endswith("ed") and \
        doc[k - 1].lower_ not in ("has", "have", "had")
    if not future_participle and is_fact(doc, max(sent.start, lo - 5), tok_start):
        return False
    in_list = passage.block.kind == "list_item" or passage.intro is not None
    starts_sentence = passage_text(doc)[sent.start_char:m.start].strip() == ""
    intro_like = sent.text.rstrip().endswith(":") and (starts_sentence or sent.end_char - m.end < 3)
    # "by <date>", "from April 2026", "no later than": in guidance these bind an action by themselves
    strong = m.prep in STRONG_PREPS and w.granularity in ("month", "day", "quarter", "financial_year")
    if not (commit_between(doc, sent.start, sent.end) or in_list or intro_like or strong):
        return False
    # past events: "In June 2025, the Secretary of State announced ..."
    window = doc[tok_start:min(sent.end, tok_start + 14)]
    return not any(c.label_ == "FACT" and not commit_between(doc, tok_start, c.start)
                   for c in cues_in(doc, window.start, window.end))


_OPENING_SUBJECT = re.compile(r"^[,\s]*(?:(?:the|[A-Z][\w&’'.-]*)[,\s]+){1,5}?([a-z]{3,}ed)\b")


def past_event(doc: Doc, sent: Span, m: TimeMention) -> bool:
    """A sentence that opens with the date and tells what someone did then: "In 2019 NHS England advised
    that ...", "In March 2024, the Government announced ...". The date, the named subject, then a verb in
    the past tense (not one that commits, as "expected"): history, whatever the edition (so also for a
    document without one)."""
    if m.when.granularity not in ("calendar_year", "month", "day"):
        return False
    opening = passage_text(doc)[sent.start_char:m.start].strip().lower()
    if opening not in ("", "in", "on"):
        return False
    after = passage_text(doc)[m.end:min(sent.end_char, m.end + 80)]
    verb = _OPENING_SUBJECT.match(after)
    if verb is None:
        return False
    span = doc.char_span(m.end + verb.start(1), m.end + verb.end(1), alignment_mode="expand")
    return span is not None and not commit_between(doc, span.start, span.end)


def names_a_document(doc: Doc, sent: Span, m: TimeMention) -> bool:
    """The date is part of a document's or event's name, or says which document is meant.

    "Spending Review 2025", "Better Care Fund policy framework for 2025 to 2026", "the 2025/26 NHS Standard
    Contract" (a capitalised name ending in a document noun next to the date), "2024/25 levels", "the 2025/26
    staff survey" (a date qualifying a noun that follows it), and "the Board paper on productivity in May
    2024" (a document, then the date it appeared, with no action before it).
    """
    if _NAME_AFTER.match(passage_text(doc)[m.end:m.end + 40]):
        return True
    before = passage_text(doc)[max(sent.start_char, m.start - 80):m.start]
    if m.prep in (None, "for", "of") and TITLE_BEFORE_RE.search(before):
        return True
    if m.prep in (None, "for", "of") and TITLE_AFTER_RE.match(passage_text(doc)[m.end:m.end + 80]):
        return True
    ref = REFERENCE_BEFORE_RE.search(before) if m.prep in ("in", "of", "from", None) else None
    if ref is not None:
        # unless an action governs the document: "publish a report on progress in March 2026"
        noun = doc.char_span(m.start - len(before) + ref.start(), m.start, alignment_mode="expand")
        if noun is None:
            return True
        return not any(c.label_ in ("COMMIT", "MODAL") for c in cues_in(doc, max(sent.start, noun.start - 5),
                                                                          noun.start))
    return False


def _in_subject(doc: Doc, sent: Span, m: TimeMention) -> bool:
    """The date qualifies the sentence's subject, before its verb: "Expectations for 2026/27 and beyond will
    be set ...", "Learning from work in 2025/26 will inform ..." (the period talked about, not a deadline).
    A sentence that opens with the date ("In 2026/27, ICBs will ...") uses it as an adverb instead."""
    if m.prep not in ("for", "in", "during", "across", "over") or passage_text(doc)[m.start:m.start + 1].isupper():
        return False  # "... services In 2026/27, all ICBs must": a capital says a new sentence began there
    head = passage_text(doc)[sent.start_char:m.start]
    words = head.split()
    if not 1 <= len(words) <= 6 or "," in head or not words[0][:1].isupper():
        return False
    span = doc.char_span(sent.start_char, m.start, alignment_mode="contract")
    if span is None or any(c.label_ in ("COMMIT", "MODAL", "FACT") for c in cues_in(doc, span.start, span.end)):
        return False
    rest = passage_text(doc)[m.end:sent.end_char]
    return re.match(r"^(?:\s*(?:and beyond|onwards)?[,\s\w’'-]{0,80}?)\b(will|must|should|would)\b", rest) is not None


# A coordinator that opens the next of several dated items: "submit draft plans by 23 February and final plans
# by 30 March".
_COORDINATED = re.compile(r"\s*,?\s*(?:and|or)\s+", re.I)


def action_of(doc: Doc, sent: Span, m: TimeMention, next_text: str | None,
              others: Sequence[TimeMention] = ()) -> str:
    """The action a date binds: the words of its clause around it (the next block's, after a colon).

    When the clause coordinates several dated items ("Systems should submit draft plans by 23 February
    and final plans by 30 March"), each date's action is its own item after the clause's subject and verb
    ("Systems should submit final plans"), not the other item and its date. ``others`` are the sentence's
    time mentions; an item is dated with the same preposition as this one."""
    text = sent.text
    rel_s, rel_e = m.start - sent.start_char, m.end - sent.start_char
    # the clause holding the date
    pieces = [(p.start(), p.end()) for p in SPLIT_CLAUSE.finditer(text)]
    c_start, c_end = 0, len(text)
    for s, e in pieces:
        if e <= rel_s:
            c_start = e
        elif s >= rel_e:
            c_end = s
            break
    before, after = text[c_start:rel_s], text[rel_e:c_end]
    # the other items are dated the same way ("by ... and ... by", "in 2025/26, and ... in 2025/26")
    items = [o for o in others if o is not m and o.prep is not None and o.prep == m.prep]
    starts = [o.start - sent.start_char for o in items]
    ends = [o.end - sent.start_char for o in items]
    if any(rel_e <= a < c_end for a in starts) and _COORDINATED.match(after):
        after = ""  # the next item and its date
    earlier = [e for e in ends if c_start <= e <= rel_s]
    lead = _COORDINATED.match(text[max(earlier):rel_s]) if earlier else None
    if lead is not None:
        first = min(a for a in starts if a >= c_start)
        before = _subject_and_verb(doc, sent, sent.start_char + c_start, sent.start_char + first) + " " + \
            text[max(earlier) + lead.end():rel_s]
    clause = re.sub(r"\s+", " ", before + " " + after).strip(" ,.;:–-•")
    clause = re.sub(r"^(?:and|or|but|while|with|then|also)\s+", "", clause, flags=re.I)
    if (len(clause.split()) < 5 or text.rstrip().endswith(":")) and next_text:
        clause = (clause + ": " + next_text).strip(": ")
    words = clause.split()
    return " ".join(words[:24])


def _subject_and_verb(doc: Doc, sent: Span, start: int, end: int) -> str:
    """The words from ``start`` up to the verb a modal or ask governs ("Systems should submit", "Trusts are
    expected to publish"), within characters ``start:end`` of the document; "" when there is no modal."""
    for cue in cues_starting(doc, sent.start, sent.end):
        if cue.label_ != "MODAL" or not start <= cue.start_char < end:
            continue
        for tok in doc[cue.end:sent.end]:
            if tok.idx >= end:
                break
            if tok.is_alpha and tok.lower_ not in ("to", "be", "also", "now", "then"):
                return doc.text[start:tok.idx + len(tok.text)]
    return ""


def is_history(m: TimeMention, edition: Edition | None) -> bool:
    """A date before the planning round this edition belongs to, or a past year a saving comes 'from'."""
    if edition is None:
        return False
    w = m.when
    if calendar_edition(edition):
        # a paper dated by calendar year (a Board paper of December 2024): a period that began before that
        # year ("2023/24", "2023") is over or closing, not a date anything is being committed to
        if w.start.year < edition.first_year:
            return True
    elif w.end.year * 100 + w.end.month < (edition.first_year - 1) * 100 + 4:
        return True
    return m.prep == "from" and w.granularity == "financial_year" and w.start.year < edition.first_year


def past_at_publication(m: TimeMention, published: date | None) -> bool:
    """A period over before the document was published: when a figure was read ("at 24.8% in June 2025"),
    never a target's deadline."""
    return published is not None and m.when.end < published


def is_future(m: TimeMention, edition: Edition | None) -> bool:
    """A date that reaches into the period the edition plans for (for a paper dated by calendar year: a
    date that starts after that year)."""
    if edition is None:
        return False
    w = m.when
    if calendar_edition(edition):
        return w.start.year > edition.first_year
    return w.end >= date(edition.first_year, 4, 1)


