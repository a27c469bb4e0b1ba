"""The spaCy pipeline of extraction and how the rules read what it marks.

Owns ``build_nlp`` (blank English: sentencizer; the cue ``span_ruler`` loaded from ``rules/cues.toml``;
the quantity ``span_ruler`` of ``rules/quantities.toml``, run only on passages that can hold a number;
the time tagger of ``when``), the per-passage caches of text and cues, and the cue queries the rules ask
("is there a MIN cue in this clause", "is this a fact or a commitment") so no rule re-types cue words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import TypeVar

import spacy
from spacy.attrs import LIKE_NUM
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span
from spacy.util import registry

from guidance_parser import rules, units
from guidance_parser.model import Edition
from guidance_parser.when import find_times

T = TypeVar("T")
_DIGIT = re.compile(r"\d")
_NOT_A_DEADLINE_BEFORE = rules.pattern("not_a_deadline_before")


@Language.factory("guidance_quantities")
def make_quantity_tagger(nlp: Language, name: str) -> QuantityGate:
    return QuantityGate(nlp)


class QuantityGate:
    """Marks quantities as ``doc.spans["quantities"]`` (PERCENT, POINTS, MONEY, DURATION, COUNT, SMALLCOUNT)
    with spaCy's ``span_ruler`` loaded from ``rules/quantities.toml``, run only on passages that can hold one.

    Where matches overlap the longest wins (spaCy's first-longest filter): a count inside money
    ("£500 million") or a number starting a percentage loses to the longer span.
    """

    def __init__(self, nlp: Language) -> None:
        self.ruler = SpanRuler(nlp, name="quantity_ruler", spans_key="quantities", overwrite=True, validate=True,
                               spans_filter=registry.misc.get("spacy.first_longest_spans_filter.v1")())
        patterns = rules.quantity_patterns({"MULTIPLIERS": units.scale_words(),
                                            "DURATION_UNITS": units.duration_words(),
                                            "RELATIVE_CHANGES": _relative_words()})
        for p in patterns:
            if not any(_numeric_token(t) for t in p["pattern"]):
                raise rules.RulesError(rules.rules_dir() / "quantities.toml",
                                       f"[{p['label']}] pattern {p['pattern']} has no number token (LIKE_NUM = true "
                                       "or a TEXT REGEX with \\d): passages without a number skip this matcher")
        try:
            self.ruler.add_patterns(patterns)
        except ValueError as e:  # spaCy's MatchPatternError names the bad token pattern
            raise rules.RulesError(rules.rules_dir() / "quantities.toml", f"not a spaCy token pattern ({e})") from None

    def __call__(self, doc: Doc) -> Doc:
        if not _may_hold_quantity(doc):
            doc.spans["quantities"] = []
            return doc
        return self.ruler(doc)


def _relative_words() -> list[str]:
    return [w for w, _ in rules.unit_names().relative_changes]


def _numeric_token(token: dict[str, object]) -> bool:
    """A token pattern that only a number (or a number word of a relative change) can match: what
    ``_may_hold_quantity`` relies on."""
    text, lower = token.get("TEXT"), token.get("LOWER")
    words = set(_relative_words())
    return token.get("LIKE_NUM") is True or (isinstance(text, dict) and "\\d" in str(text.get("REGEX", ""))) or \
        (isinstance(lower, dict) and bool(lower.get("IN")) and set(lower["IN"]) <= words)


def _may_hold_quantity(doc: Doc) -> bool:
    """Whether the quantity matcher can find anything: each of its patterns needs a token that is LIKE_NUM
    or has a digit in its text (every REGEX pattern needs one), so a passage with neither has no quantity.
    About half the passages of a long document have none, and running the matcher over them cost more
    than a tenth of extract time."""
    return _DIGIT.search(passage_text(doc)) is not None or bool(doc.to_array(LIKE_NUM).any()) or \
        _relative_re().search(passage_text(doc)) is not None


@lru_cache(maxsize=1)
def _relative_re() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, _relative_words())) + r")\b", re.IGNORECASE)


rules.on_reload(_relative_re.cache_clear)


@Language.factory("guidance_times")
def make_time_tagger(nlp: Language, name: str) -> TimeTagger:
    return TimeTagger()


class TimeTagger:
    """Marks time expressions as ``doc.spans["times"]``; the normalised mentions go to user_data.

    The edition and publication date (for "in November", "this autumn") are read from
    ``doc.user_data["edition"]`` and ``doc.user_data["published"]``.
    """

    def __call__(self, doc: Doc) -> Doc:
        edition = doc.user_data.get("edition")
        mentions = find_times(passage_text(doc), edition if isinstance(edition, Edition) else None, published_of(doc))
        spans, kept = [], []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label="TIME", alignment_mode="expand")
            if span is not None:
                spans.append(span)
                kept.append(m)
        doc.spans["times"] = spans
        doc.user_data["time_mentions"] = kept
        return doc


def passage_text(doc: Doc) -> str:
    """``doc.text``, computed once per passage: spaCy rebuilds it from every token on each access, and the
    rules below slice it for every sentence, value and date."""
    text = doc.user_data.get("text")
    if not isinstance(text, str):
        text = doc.user_data["text"] = doc.text
    return text


def span_text(doc: Doc, start: int, end: int) -> str:
    """``doc[start:end].text`` sliced from the passage's text instead of rebuilt token by token."""
    if end <= start:
        return ""
    last = doc[end - 1]
    return passage_text(doc)[doc[start].idx:last.idx + len(last.text)]


def sentence_text(sent: Span) -> str:
    """``sent.text``, made once per sentence from the passage's text (spaCy rebuilds it from every token on
    each access, and a sentence's every figure asks for it)."""
    memo = sent.doc.user_data.setdefault("sentence_text", {})
    key = (sent.start, sent.end)
    if key not in memo:
        memo[key] = passage_text(sent.doc)[sent.start_char:sent.end_char]
    text: str = memo[key]
    return text


def passage_cues(doc: Doc) -> list[Span]:
    """``doc.spans["cues"]`` as a list, made once: each pass over the span group builds every Span anew,
    and the rules pass over a passage's cues for each sentence, value and date. The span_ruler sorts its
    matches, so the list is in order of start token (then end), which ``cues_starting`` relies on."""
    cues = doc.user_data.get("cues")
    if not isinstance(cues, list):
        cues = doc.user_data["cues"] = list(doc.spans["cues"])
    return cues


def _cue_starts(doc: Doc) -> list[int]:
    """The start token of each of the passage's cues, in ``passage_cues`` order (ascending), made once."""
    starts = doc.user_data.get("cue_starts")
    if not isinstance(starts, list):
        starts = doc.user_data["cue_starts"] = [c.start for c in passage_cues(doc)]
    return starts


def cues_starting(doc: Doc, lo: int, hi: int) -> list[Span]:
    """The passage's cues that start at tokens ``lo:hi``, in ``passage_cues`` order: found by bisection, so a
    query costs the cues it returns, not the passage's (every figure asks several, and a passage can be long)."""
    starts = _cue_starts(doc)
    cues = passage_cues(doc)
    return cues[bisect_left(starts, lo):bisect_left(starts, hi)]


def published_of(doc: Doc) -> date | None:
    """The document's stated publication date, set on each passage by ``driver._prepare``."""
    published = doc.user_data.get("published")
    return published if isinstance(published, date) else None


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The extraction pipeline (cached): blank English, sentencizer, the cue span_ruler, the quantity and
    time components. ``rules.reload()`` then ``build_nlp.cache_clear()`` picks up edited rule files."""
    nlp = spacy.blank("en")
    # spaCy refuses texts over 1,000,000 characters for the sake of its parser and NER models, which this
    # pipeline does not use; its own cost is linear (about 1 KB of memory a token), so a longer paragraph is
    # read, up to MAX_PASSAGE_CHARS, under the per-file time and memory limits.
    nlp.max_length = MAX_PASSAGE_CHARS
    # "•" and "o" bullets inlined in converted text end one item and start the next.
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", "•", "▪"]})
    nlp.add_pipe("guidance_sentence_cap")
    cues = nlp.add_pipe("span_ruler", name="guidance_cues",
                        config={"spans_key": "cues", "phrase_matcher_attr": "LOWER", "overwrite": True})
    cues.add_patterns([{"label": label, "pattern": phrase}  # type: ignore[attr-defined]
                       for label, phrases in rules.cue_phrases().items() for phrase in phrases])
    nlp.add_pipe("guidance_quantities")
    nlp.add_pipe("guidance_times")
    return nlp


# The longest run of tokens read as one sentence. Every figure's rules look across its sentence, so their work
# grows with the sentence's length times its figures: a converted file with no full stops (one "sentence" of
# 267 KB) took minutes. Real sentences of the corpus reach about 210 tokens; a longer run is cut into pieces of
# at most this many tokens (after a comma where one falls in the piece's second half).
MAX_SENTENCE_TOKENS = 500
MAX_PASSAGE_CHARS = 10_000_000  # the longest paragraph extraction reads (``driver._prepare`` says so, by file)


@Language.component("guidance_sentence_cap")
def cap_sentences(doc: Doc) -> Doc:
    """Cuts runs longer than ``MAX_SENTENCE_TOKENS`` into sentences of at most that many tokens."""
    if len(doc) <= MAX_SENTENCE_TOKENS:
        return doc
    for sent in list(doc.sents):
        start = sent.start
        while sent.end - start > MAX_SENTENCE_TOKENS:
            cut = start + MAX_SENTENCE_TOKENS
            for j in range(cut - 1, start + MAX_SENTENCE_TOKENS // 2, -1):
                if doc[j - 1].text == ",":
                    cut = j
                    break
            doc[cut].is_sent_start = True
            start = cut
    return doc


_OPENS_CLAUSE = frozenset((";", ":", "•", "▪", "–", "—"))
_ENDS_CLAUSE = frozenset((";", "•", "▪"))


def _clause_marks(doc: Doc) -> tuple[list[int], list[int]]:
    """The tokens after which a clause may open and those at which one ends (for ``clause_bounds``), found
    in one pass over the passage and kept. An "o" opens one (a bullet) unless "to" comes before it."""
    marks = doc.user_data.get("clause_marks")
    if not isinstance(marks, tuple):
        words = [t.text for t in doc]
        opens = [j for j, w in enumerate(words)
                 if w in _OPENS_CLAUSE or (w == "o" and j > 0 and words[j - 1] not in ("to",))]
        ends = [j for j, w in enumerate(words) if w in _ENDS_CLAUSE]
        marks = doc.user_data["clause_marks"] = (opens, ends)
    return marks


def by_sentence(sents: Sequence[Span], items: Iterable[T], at: Callable[[T], int], tokens: bool = False,
                ) -> list[list[T]]:
    """``items`` sorted into the sentences holding them, keeping their order: ``at(item)`` is a character
    offset (``sent.start_char <= at < sent.end_char``; one in the space between sentences is in none), or a
    token index when ``tokens``. One bisection per item instead of a scan of all items per sentence."""
    out: list[list[T]] = [[] for _ in sents]
    starts = [s.start if tokens else s.start_char for s in sents]
    for item in items:
        pos = at(item)
        i = bisect_right(starts, pos) - 1
        if i >= 0 and pos < (sents[i].end if tokens else sents[i].end_char):
            out[i].append(item)
    return out


def clause_bounds(sent: Span, tok_i: int) -> tuple[int, int]:
    """Token range of the clause around ``tok_i``: split at ';', ':', bullets and dashes (an "o" bullet
    only after the sentence's first token). Found by bisection in the passage's marks."""
    start, end = sent.start, sent.end
    opens, ends = _clause_marks(sent.doc)
    k = bisect_left(opens, tok_i) - 1  # the nearest mark before tok_i
    if k >= 0 and opens[k] >= sent.start:
        j = opens[k]
        if not (j == sent.start and sent.doc[j].text == "o"):
            start = j + 1
    k = bisect_left(ends, tok_i)  # the nearest end at or after tok_i
    if k < len(ends) and ends[k] < sent.end:
        end = ends[k]
    return start, end


def cues_in(doc: Doc, lo: int, hi: int, labels: Sequence[str] = ()) -> list[Span]:
    """The cues wholly inside tokens ``lo:hi`` (only those labelled one of ``labels``, when given): how a
    rule asks "is there a MIN cue in this clause" without re-typing the words of ``rules/cues.toml``."""
    return [c for c in cues_starting(doc, lo, hi) if c.end <= hi and (not labels or c.label_ in labels)]


def cue_at(doc: Doc, start: int, hi: int, labels: Sequence[str]) -> bool:
    """Whether a cue labelled one of ``labels`` starts at token ``start`` (and ends by ``hi``)."""
    return any(c.start == start for c in cues_in(doc, start, hi, labels))


def after_baseline(doc: Doc, sent: Span, char: int) -> bool:
    """Whether what ends right before character ``char`` makes a date there a baseline or a range, not a
    deadline: a BASELINE cue ("compared to 2019/20", "than", "since") or "up to", "aged 16". Kept per
    passage: a sentence's every figure asks it of each of the sentence's dates."""
    memo = doc.user_data.setdefault("after_baseline", {})
    key = (sent.start, char)
    if key not in memo:
        memo[key] = _after_baseline(doc, sent, char)
    found: bool = memo[key]
    return found


def _after_baseline(doc: Doc, sent: Span, char: int) -> bool:
    if _NOT_A_DEADLINE_BEFORE.search(passage_text(doc)[max(sent.start_char, char - 40):char]):
        return True
    # a cue ends right before ``char`` when only whitespace lies between: from ``gap`` on
    text, gap = passage_text(doc), char
    while gap > 0 and text[gap - 1].isspace():
        gap -= 1
    for c in cues_starting(doc, sent.start, len(doc)):
        if c.start_char >= char:  # cues come in order of start: none after this ends by ``char``
            return False
        if c.label_ == "BASELINE" and gap <= c.end_char <= char:
            return True
    return False


def is_fact(doc: Doc, lo: int, q_start: int) -> bool:
    """A past or present fact rather than a commitment: the nearest cue before the value decides."""
    nearest: Span | None = None
    for c in cues_in(doc, lo, q_start):
        if c.label_ == "FACT" and c.start > 0 and doc[c.start - 1].lower_ == "be":
            continue  # "should be achieved", "to be delivered": future passive, not a report
        if c.label_ in ("FACT", "COMMIT") and (nearest is None or c.end >= nearest.end):
            if nearest is not None and c.end == nearest.end and nearest.label_ == "FACT":
                continue
            nearest = c
    if nearest is None or nearest.label_ != "FACT":
        # "has/have/had <word>ed" perfect tense not covered by the list
        for j in range(max(lo, q_start - 12), q_start - 1):
            if doc[j].lower_ in ("has", "have", "had") and j + 1 < q_start:
                k = j + 2 if doc[j + 1].lower_ == "already" else j + 1
                nxt = doc[min(k, q_start - 1)].lower_
                if re.search(r"(ed|en|wn|own)$", nxt) and not commit_between(doc, j + 2, q_start):
                    return True
        return False
    return True



def commit_between(doc: Doc, lo: int, hi: int) -> bool:
    return any(c.label_ == "COMMIT" for c in cues_in(doc, lo, hi))


def statistic_cue(doc: Doc, sent: Span, tok_i: int) -> Span | None:
    """The cue that makes a figure (or date) at token ``tok_i`` a statistic rather than a commitment, or None.

    A figure whose clause forecasts or projects ("there will be a shortfall of around 17,750", "is projected
    to"), estimates or assumes ("is estimated to be around £2.05 billion", "the assumption that salaries will
    increase by 2.7 per cent") or reports a survey ("82% of respondents") states what is, or is expected to
    happen, not a level anyone commits to reach: its "will" predicts. So does a figure after a conditional
    ("If this workforce is to increase to a projected size of 78,000 ..., the costs will be around £5.2
    billion"): the sentence describes a scenario, and its dates ("in 2030") bind no action either. A forecast
    verb that a MODAL cue covers ("we are forecasting to achieve the 80% adoption target") is the writer's own
    expectation of delivering, so it does not count.
    """
    lo, hi = clause_bounds(sent, tok_i)
    modal = [(c.start, c.end) for c in cues_in(doc, lo, hi, ("MODAL",))]
    found = [c for c in cues_in(doc, lo, hi, ("FORECAST", "ESTIMATE"))
             if not any(a <= c.start and c.end <= b for a, b in modal)]
    found = found or cues_in(doc, sent.start, tok_i, ("CONDITION",))
    return found[0] if found else None
