"""Extraction: from a ``Document`` to ``Target``, ``Deadline`` and ``Priority`` records, by rules.

This module owns the spaCy pipeline and the rules that read guidance sentences. The pipeline is a
blank English model with a sentencizer and three rule components registered as named factories, so
``nlp.pipe`` runs them over many blocks in batches:

- ``guidance_quantities`` (``Matcher``): percentages, percentage points, money, durations, counts;
- ``guidance_times`` (regex grammar in ``when``): dates, financial years, quarters, relative periods,
  normalised against the document's edition and stated publication date;
- ``guidance_cues`` (``PhraseMatcher``): words that mark a commitment ("will", "must", "expected to"),
  a fact about the past ("delivered", "grew", "has increased"), a baseline ("compared to") or a
  direction ("reduce", "at least").

``extract`` then reads each sentence: a quantity becomes a Target when it is a commitment (not past
performance, not part of a metric's definition such as "within 4 hours"); a time expression that binds
an action becomes a Deadline unless it is already a Target's deadline. Priorities come from the
lists a document introduces as its priorities / objectives. Ids come from normalised metric / action
text, so the same target in two editions gets the same id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import spacy
from spacy.attrs import LIKE_NUM
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span
from spacy.util import registry

from guidance_parser import rules
from guidance_parser.model import (
    Block,
    Deadline,
    Direction,
    Document,
    DocumentRef,
    Edition,
    Evidence,
    Extraction,
    Priority,
    Target,
    When,
)
from guidance_parser.when import TimeMention, calendar_edition, find_times

FOOTNOTE_GLUE = re.compile(r"\b([a-z]{3,})([1-9])(?=[\s,.;:)]|$)")
FOOTNOTE_DEF = re.compile(r"^\s*([1-9])\s?([A-Z][a-z]+\b.*)$")
_DIGIT = re.compile(r"\d")
SPLIT_CLAUSE = re.compile(r"\s[•▪◦]\s|;\s|\s[–—]\s|:\s(?=\S)|\so\s(?=[a-z])")
URL_RE = re.compile(r"\(?https?://\S+|\bwww\.\S+")

# moves to units.py (the units module owns unit words)
DURATION_UNITS = {"minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes",
                  "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours", "day": "days",
                  "days": "days", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months"}
MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
               "b": 1e9}


# --------------------------------------------------------------------------------------------
# spaCy components

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
        patterns = rules.quantity_patterns({"MULTIPLIERS": MULTIPLIERS, "DURATION_UNITS": DURATION_UNITS})
        try:
            self.ruler.add_patterns(patterns)
        except ValueError as e:  # spaCy's MatchPatternError names the bad token pattern
            raise rules.RulesError(rules.rules_dir() / "quantities.toml", f"not a spaCy token pattern ({e})") from None

    def __call__(self, doc: Doc) -> Doc:
        if not _may_hold_quantity(doc):
            doc.spans["quantities"] = []
            return doc
        return self.ruler(doc)


def _may_hold_quantity(doc: Doc) -> bool:
    """Whether the quantity matcher can find anything: each of its patterns needs a token that is LIKE_NUM
    or has a digit in its text (every REGEX pattern needs one), so a passage with neither has no quantity.
    About half the passages of a long document have none, and running the matcher over them cost more
    than a tenth of extract time."""
    return _DIGIT.search(_text(doc)) is not None or bool(doc.to_array(LIKE_NUM).any())


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
        mentions = find_times(_text(doc), edition if isinstance(edition, Edition) else None, _published(doc))
        spans, kept = [], []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label="TIME", alignment_mode="expand")
            if span is not None:
                spans.append(span)
                kept.append(m)
        doc.spans["times"] = spans
        doc.user_data["time_mentions"] = kept
        return doc


def _text(doc: Doc) -> str:
    """``doc.text``, computed once per passage: spaCy rebuilds it from every token on each access, and the
    rules below slice it for every sentence, value and date."""
    text = doc.user_data.get("text")
    if not isinstance(text, str):
        text = doc.user_data["text"] = doc.text
    return text


def _cues(doc: Doc) -> list[Span]:
    """``doc.spans["cues"]`` as a list, made once: each pass over the span group builds every Span anew,
    and the rules pass over a passage's cues for each sentence, value and date."""
    cues = doc.user_data.get("cues")
    if not isinstance(cues, list):
        cues = doc.user_data["cues"] = list(doc.spans["cues"])
    return cues


def _published(doc: Doc) -> date | None:
    """The document's stated publication date, set on each passage by ``_prepare``."""
    published = doc.user_data.get("published")
    return published if isinstance(published, date) else None


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """The extraction pipeline (cached): blank English, sentencizer, the cue span_ruler, the quantity and
    time components. ``rules.reload()`` then ``build_nlp.cache_clear()`` picks up edited rule files."""
    nlp = spacy.blank("en")
    # "•" and "o" bullets inlined in converted text end one item and start the next.
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", "•", "▪"]})
    cues = nlp.add_pipe("span_ruler", name="guidance_cues",
                        config={"spans_key": "cues", "phrase_matcher_attr": "LOWER", "overwrite": True})
    cues.add_patterns([{"label": label, "pattern": phrase}  # type: ignore[attr-defined]
                       for label, phrases in rules.cue_phrases().items() for phrase in phrases])
    nlp.add_pipe("guidance_quantities")
    nlp.add_pipe("guidance_times")
    return nlp


# --------------------------------------------------------------------------------------------
# Passages: the text the rules read

@dataclass
class Passage:
    """One block (or a paragraph stitched from blocks a page break split) prepared for the pipeline."""

    text: str
    block_index: int
    block: Block
    footnotes: dict[str, str] = field(default_factory=dict)
    markers: dict[int, str] = field(default_factory=dict)  # char offset in text -> footnote number
    intro: str | None = None  # the sentence introducing the list this item belongs to
    context: int = 0  # leading characters borrowed from the block before (read, not extracted)
    own_end: int = 0  # where this block's text ends; anything after is borrowed from the next block
    cells: list[tuple[int, int]] = field(default_factory=list)  # table row: (start, end) of each cell in text
    header: tuple[str, ...] = ()  # table row: the cells of its table's first row
    column_years: tuple[str, ...] = ()  # flattened table: its column headers that name a year ("2028/29 target")
    example: bool = False  # inside worked examples / illustrative data: figures there set nothing

    def cell_at(self, offset: int) -> int | None:
        for i, (a, b) in enumerate(self.cells):
            if a <= offset <= b:
                return i
        return None


_ARTEFACT = re.compile(r"\*\*+|\\(?=[()\[\]*_#.\-])")


def clean_text(text: str) -> str:
    """Conversion artefacts out (bold markers, escapes), whitespace collapsed; words untouched."""
    text = _ARTEFACT.sub("", text)
    text = text.replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


_NUMBERED_NAMES = frozenset(rules.words("numbered_names"))


def _strip_footnote_markers(text: str) -> tuple[str, dict[int, str]]:
    """'improvement2' -> 'improvement' with the marker remembered by position."""
    markers: dict[int, str] = {}
    out: list[str] = []
    last = 0
    for m in FOOTNOTE_GLUE.finditer(text):
        word = m.group(1)
        if word in _NUMBERED_NAMES:
            continue
        out.append(text[last:m.end(1)])
        markers[sum(len(p) for p in out)] = m.group(2)
        last = m.end(2)
    out.append(text[last:])
    return "".join(out), markers


def _next_with_text(blocks: list[Block]) -> list[int | None]:
    """For each block, the index of the next block that has any text (None after the last)."""
    out: list[int | None] = [None] * len(blocks)
    ahead: int | None = None
    for i in range(len(blocks) - 1, -1, -1):
        out[i] = ahead
        if blocks[i].text.strip():
            ahead = i
    return out


def _passages(doc: Document) -> list[Passage]:
    blocks = doc.blocks
    # Computed once: the loop reads each block's cleaned text, and its neighbours', several times, and
    # searching the rest of the document for the next block per block made long documents quadratic.
    texts = [clean_text(b.text) for b in blocks]
    following = _next_with_text(blocks)
    footnotes: dict[str, str] = {}
    for b, cleaned in zip(blocks, texts, strict=True):
        fm = FOOTNOTE_DEF.match(cleaned)
        if fm and b.kind == "paragraph" and len(b.text) < 600:
            footnotes.setdefault(fm.group(1), fm.group(2))
    out: list[Passage] = []
    intro: str | None = None
    header: tuple[str, ...] = ()
    column_years: list[str] = []
    example = False
    for i, b in enumerate(blocks):
        example = _in_example(blocks, texts, following, i, example)
        if b.kind == "table_row" and (i == 0 or blocks[i - 1].kind != "table_row"):
            header = tuple(clean_text(c) for c in b.cells)
        text = texts[i]
        if not text:
            continue
        if b.kind == "heading" and not re.search(r"\w[.]$", text):
            intro = None
            # A table the conversion flattened keeps its column headers as short lines ("2026/27 target");
            # they hold until the next ordinary heading.
            if _COLUMN_HEADER.match(text):
                prev_head = i > 0 and blocks[i - 1].kind == "heading" and \
                    _COLUMN_HEADER.match(texts[i - 1])
                column_years = (column_years if prev_head else []) + [text]
            elif not re.match(r"(success )?measures?$|priority$|metric$", text, re.I):
                column_years = []
            continue
        j = following[i]
        nxt_block = blocks[j] if j is not None else None
        nxt_text = texts[j] if j is not None else ""
        if b.kind != "list_item":
            if text.endswith(":"):
                intro = re.split(r"(?<=[.!?])\s+", text)[-1]
            elif not (nxt_block is not None and nxt_block.kind == "list_item" and intro):
                intro = None
        text, markers = _strip_footnote_markers(text)
        context = ""
        if out and b.kind != "list_item" and (text[:1].islower() or b.kind == "heading"):
            # a paragraph a page / column break cut (or a sentence the converter made a heading): read it
            # with the end of the sentence before, so its subject and modal verb are in view
            prev = re.split(r"(?<=[.!?])\s+", out[-1].text[out[-1].context:].rstrip())[-1]
            context = " ".join(prev.split()[-40:]).rstrip(".:;") + " "
        markers = {k + len(context): v for k, v in markers.items()}
        own = context + text
        trailing = ""
        if nxt_block is not None and nxt_block.kind == "paragraph" and b.kind != "table_row" and \
                not re.search(r"[.!?:;]$", text) and nxt_text[:1].islower():
            # the sentence runs on into the next block ("achieve 4%" / "improvement in productivity")
            first = re.split(r"(?<=[.!?])\s+", nxt_text)[0]
            trailing = " " + " ".join(first.split()[:40])
        cells: list[tuple[int, int]] = []
        if b.kind == "table_row" and b.cells:
            pos = len(context)
            for c in b.cells:
                ct = clean_text(c)
                start = own.find(ct, pos) if ct else pos
                start = pos if start < 0 else start
                cells.append((start, start + len(ct)))
                pos = start + len(ct)
        out.append(Passage(text=own + trailing, block_index=i, block=b, footnotes=footnotes, markers=markers,
                           intro=intro if b.kind == "list_item" else None, context=len(context),
                           own_end=len(own), cells=cells, header=header if b.kind == "table_row" else (),
                           column_years=tuple(column_years), example=example))
    return out


EXAMPLE_START_RE = rules.pattern("example_start")


def _in_example(blocks: list[Block], texts: list[str], following: list[int | None], i: int, was: bool) -> bool:
    """Whether block ``i`` belongs to a stretch of worked examples or illustrative data.

    The stretch opens at a block announcing it ("Worked examples of how scoring ... Example 1: ...",
    "the data is for illustrative purposes only") and runs over the tables that follow (whose cells the
    conversion often turns into short headings) until a heading that starts a new topic: one that follows
    a finished sentence and is followed by prose, and is not the next "Example 2". ``texts`` and
    ``following`` are the blocks' cleaned texts and next-block indexes (see ``_passages``).
    """
    text = texts[i]
    if EXAMPLE_START_RE.search(text):
        return True
    if not was or blocks[i].kind != "heading" or re.match(r"example\b", text, re.I):
        return was
    prev = next((texts[k] for k in range(i - 1, -1, -1) if blocks[k].text.strip()), "")
    j = following[i]
    nxt = blocks[j] if j is not None else None
    ends_topic = re.search(r"[.!?:]$", prev) is not None and blocks[i - 1].kind != "heading"
    prose_follows = nxt is not None and nxt.kind != "heading" and len(nxt.text.split()) >= 12
    return not (ends_topic and prose_follows)


# --------------------------------------------------------------------------------------------
# Reading a sentence

@dataclass
class Quantity:
    label: str
    value: float
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


def _quantity(span: Span) -> Quantity | None:
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
        for word, factor in MULTIPLIERS.items():
            if re.search(rf"(\d|\s){word}\b", low):
                mult = factor
                break
        value *= mult
        unit = {"£": "GBP", "$": "USD", "€": "EUR"}.get(span.text.strip()[0], "GBP")
    elif span.label_ == "DURATION":
        word = re.findall(r"[a-z]+", low)[-1]
        unit = DURATION_UNITS.get(word, word)
    else:
        for word, factor in MULTIPLIERS.items():
            if low.endswith(" " + word):
                value *= factor
        unit = "count"
    return Quantity(span.label_, value, unit, span.start, span.end)


def _clause_bounds(sent: Span, tok_i: int) -> tuple[int, int]:
    """Token range of the clause around ``tok_i``: split at ';', ':', bullets and dashes."""
    start, end = sent.start, sent.end
    doc = sent.doc
    for j in range(tok_i - 1, sent.start - 1, -1):
        if doc[j].text in (";", ":", "•", "▪", "–", "—") or (doc[j].text == "o" and j > sent.start and
                                                           doc[j - 1].text not in ("to",)):
            start = j + 1
            break
    for j in range(tok_i, sent.end):
        if doc[j].text in (";", "•", "▪"):
            end = j
            break
    return start, end


def _cues_in(doc: Doc, lo: int, hi: int, labels: Sequence[str] = ()) -> list[Span]:
    """The cues wholly inside tokens ``lo:hi`` (only those labelled one of ``labels``, when given): how a
    rule asks "is there a MIN cue in this clause" without re-typing the words of ``rules/cues.toml``."""
    return [c for c in _cues(doc) if lo <= c.start and c.end <= hi and (not labels or c.label_ in labels)]


def _cue_at(doc: Doc, start: int, hi: int, labels: Sequence[str]) -> bool:
    """Whether a cue labelled one of ``labels`` starts at token ``start`` (and ends by ``hi``)."""
    return any(c.start == start for c in _cues_in(doc, start, hi, labels))


def _after_baseline(doc: Doc, sent: Span, char: int) -> bool:
    """Whether what ends right before character ``char`` makes a date there a baseline or a range, not a
    deadline: a BASELINE cue ("compared to 2019/20", "than", "since") or "up to", "aged 16"."""
    if _NOT_A_DEADLINE_BEFORE.search(_text(doc)[max(sent.start_char, char - 40):char]):
        return True
    return any(c.label_ == "BASELINE" and sent.start <= c.start and c.end_char <= char and
               not _text(doc)[c.end_char:char].strip() for c in _cues(doc))


def _is_fact(doc: Doc, lo: int, q_start: int) -> bool:
    """A past or present fact rather than a commitment: the nearest cue before the value decides."""
    nearest: Span | None = None
    for c in _cues_in(doc, lo, q_start):
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
                if re.search(r"(ed|en|wn|own)$", nxt) and not _commit_between(doc, j + 2, q_start):
                    return True
        return False
    return True


def _reported(doc: Doc, sent: Span, passage: Passage, mentions: list[TimeMention], edition: Edition | None) -> bool:
    """A sentence that reports what happened or what is, and commits to nothing.

    It has a report cue ("has been delivered", "was", "includes", "continued") that is not a future passive
    ("should be achieved"), and no modal or ask anywhere ("will", "must", "expected to", "aim"). Its
    figures are results ("from 83.5% in 2023/24 to 84.2% in 2024/25") and its dates say when things
    happened ("In August 2024 the leaver rate was ..."). Lists of asks ("Reduce ... to 78%") and dated
    commitments ("by March 2026") are not reports whatever their wording.
    """
    cues = [c for c in _cues(doc) if sent.start <= c.start and c.end <= sent.end]
    if any(c.label_ == "MODAL" for c in cues):
        return False
    if not any(c.label_ == "FACT" and not (c.start > 0 and doc[c.start - 1].lower_ in ("be", "being"))
               for c in cues):
        return False
    if passage.intro is not None and re.search(r"\b(will|must|should|expected|asked?|need)\b", passage.intro, re.I):
        return False
    for start in (sent.text, passage.text[passage.context:] if passage.block.kind == "list_item" else ""):
        start = re.sub(r"^[\W\d]*(?:[a-z][.)]\s+)?", "", start)
        if _LEAD_VERB.match(start) and not re.match(r"(the|an?)\b", start, re.I):
            return False  # an imperative ask, or a sentence inside one: "Reduce agency spend by 30%"
    # a date in the planning period ahead is not something that already happened
    return not any((m.prep in STRONG_PREPS and m.prep != "from" and not _is_history(m, edition)) or
                   (m.prep is not None and _is_future(m, edition))
                   for m in mentions if sent.start_char <= m.expr_start < sent.end_char)


def _commit_between(doc: Doc, lo: int, hi: int) -> bool:
    return any(c.label_ == "COMMIT" for c in _cues_in(doc, lo, hi))


_COMPARATIVE = frozenset(rules.words("comparative"))
_TARGET_PRE = frozenset(rules.words("target_before"))
_COUNT_VERBS = frozenset(rules.words("count_verbs"))
_COUNT_MODIFIERS = frozenset(rules.words("count_modifiers"))
NON_COMMITMENT_COUNT_NOUNS = frozenset(rules.words("non_commitment_count_nouns"))
EXAMPLE_RE = rules.pattern("example")


def _is_target_quantity(doc: Doc, sent: Span, q: Quantity, has_percent: bool, mentions: list[TimeMention],
                        edition: Edition | None) -> bool:
    lo, hi = _clause_bounds(sent, q.start)
    if EXAMPLE_RE.search(_text(doc)[sent.start_char:doc[q.start].idx]):
        return False  # "For example, if the scores range from 2.50 to 2.80", "Example 1: a standard of 80%"
    before = [t.lower_ for t in doc[max(sent.start, q.start - 4):q.start]]
    after = [t.lower_ for t in doc[q.end:min(sent.end, q.end + 5)]]
    # Comparative facts: "19% more staff", "an organisation almost 35% smaller than ..."
    if after and after[0] in _COMPARATIVE and not (set(before[-3:]) & _TARGET_PRE):
        return False
    if _is_fact(doc, max(lo, q.start - 25), q.start):
        return False
    if q.label in ("PERCENT", "POINTS") and re.search(r"\bgrowth\b", " ".join(after[:4])) and \
            not _commit_between(doc, lo, q.start):
        return False  # "a 3.2% average real-terms growth", "2.4% growth in Q1": reported, not set
    if any(m.prep in ("in", "over", "during", "across", "throughout", "since") and _is_history(m, edition) and
           m.end <= doc[q.start].idx for m in mentions if sent.start_char <= m.start):
        return False  # "In 2024/25, productivity grew by 2.7%"
    if q.label == "DURATION":
        hyphenated = "-" in doc[q.start:q.end].text
        near_before = " ".join(t.lower_ for t in doc[max(sent.start, q.start - 6):q.start])
        if re.search(r"\baverag", near_before):
            return True
        if not hyphenated and "target" in after[:4]:
            return True
        if hyphenated:
            return False
        if re.search(r"\b(minimum|maximum|at least|at most)$", near_before):
            return True
        prev = before[-1] if before else ""
        prev2 = " ".join(before[-2:])
        if not has_percent and (prev == "within" or prev2 in ("longer than", "more than")):
            # "waits longer than 12 hours" names a metric; "handovers within 15 minutes" sets a target
            subj = " ".join(t.lower_ for t in doc[max(sent.start, q.start - 4):q.start])
            return not re.search(r"\bwait", subj) and _commit_between(doc, lo, q.start)
        return False
    if q.label == "MONEY":
        near = " ".join(t.lower_ for t in doc[max(lo, q.start - 6):min(sent.end, q.end + 4)])
        return bool(re.search(r"\b(sav(e|es|ing|ings)|efficienc|reduc|cut|release|deliver)", near))
    if q.label == "SMALLCOUNT":
        return _small_count_target(doc, sent, q, mentions, edition)
    if q.label == "COUNT":
        # a count of something: "700,000 additional urgent dental appointments", "73,500 people"
        j = q.end
        while j < sent.end and doc[j].lower_ in _COUNT_MODIFIERS:
            j += 1
        if j < sent.end and doc[j].is_alpha and doc[j].lower_ not in STOP_WORDS:
            q.unit = _count_noun(doc, q.end, sent.end) or q.unit
            return q.unit.lower() not in NON_COMMITMENT_COUNT_NOUNS
        return bool(before) and before[-1] in _COUNT_VERBS or (
            bool(after) and after[0] == "more" and bool(set(before) & _TARGET_PRE))
    if q.label in ("PERCENT", "POINTS"):
        # A bare figure ("7.4%", a table of results) is a statistic; a target says so: a commitment or
        # direction word in its clause, a bound right before it ("a minimum of"), a date, or a list of asks.
        near = " ".join(t.lower_ for t in doc[max(lo, q.start - 3):q.start])
        cue = any(c.label_ in ("COMMIT", "INC", "RED", "MAINT") and c.text.lower() not in _COMPARATIVE
                  for c in _cues_in(doc, lo, hi)) or \
            re.search(r"\b(minimum|maximum|at least|at most|no more than|less than|to|of)\s*$",
                      near) is not None
        dated = any(not _is_history(m, edition) for m in mentions)
        return cue or dated
    return False


_BUILD_VERBS = frozenset(rules.words("build_verbs"))
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
    dated = any(not _is_history(m, edition) and m.prep in STRONG_PREPS for m in mentions)
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


def _direction(doc: Doc, sent: Span, q: Quantity, lo: int) -> Direction | None:
    after = " ".join(t.lower_ for t in doc[q.end:min(sent.end, q.end + 4)])
    near_lo, after_hi = max(lo, q.start - 4), min(sent.end, q.end + 4)
    if _cues_in(doc, near_lo, q.start, ("MIN",)) or _cue_at(doc, q.end, after_hi, ("MIN_AFTER",)):
        # "a minimum 10% reduction" bounds a cut; any other floor is a level to reach or beat
        reduction = re.search(r"^(%\s*)?(point )?(reduction|reductions|cut|decrease)", after)
        return "reduce" if reduction else "at_least"
    if _cues_in(doc, near_lo, q.start, ("MAX",)) or _cue_at(doc, q.end, after_hi, ("MAX_AFTER",)):
        return "at_most"
    if re.search(r"^(point |percentage point )?(reduction|reductions|cut|decrease|fall)", after):
        return "reduce"
    if re.search(r"^(point |percentage point )?(improvement|increase|growth|rise|uplift)", after) or \
            (q.label == "COUNT" and re.search(r"^(additional|more|extra|new)\b", after)):
        return "increase"
    if q.label == "DURATION":
        return "at_most"  # a time to act within: improving it means bringing it down to the value
    verbs = [c for c in _cues(doc) if lo <= c.start < q.start and c.label_ in ("INC", "RED", "MAINT")]
    if verbs:
        return {"INC": "increase", "RED": "reduce", "MAINT": "maintain"}[verbs[-1].label_]  # type: ignore
    return "achieve"


# An ask's opening verb(s), after any joining words: "and to improve", "reducing".
_LEAD_VERB = re.compile(r"^(?:and |or |to |with |but |the )*(?:(?:" +
                        "|".join(map(re.escape, rules.words("lead_verbs"))) + r")\s+)+", re.IGNORECASE)
_METRIC_STOP = rules.pattern("metric_stop")


def _clean_metric(text: str) -> str:
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


def _metric(doc: Doc, sent: Span, q: Quantity, lo: int, hi: int) -> str:
    """What is measured: a noun phrase without the value or the date."""
    after = doc[q.end:hi].text
    before = doc[lo:q.start].text
    # "a 25% reduction in X" / "4% improvement in productivity"
    red = re.match(r"^\s*(?:point\s+|percentage points?\s+)?((?:reduction|improvement|increase|growth|cut|"
                   r"decrease|rise)\s+(?:in|of)\s+.*)", after, re.I)
    # "improving X to 65%", "reduce X by at least 1%", "X at 80%", "X should average no more than 30 minutes"
    lead = re.search(r"(.*)\b(?:to|by|at|of|average|averaging|is|reaching)(?:\s+(?:an?\s+)?(?:average\s+"
                     r"(?:response\s+time\s+)?of|minimum\s+of|maximum\s+of|at least|at most|less than|"
                     r"no more than|more than|the new threshold of|close to|around|about|up to|over|minimum|"
                     r"maximum))?\s*$", before, re.I)
    of_form = re.match(r"^\s*(?:of\s+)?((?!and\b|or\b|by\b|in\b|to\b|point|percentage|reduction|improvement)"
                       r"[A-Za-z].*)", after, re.I)
    # "meet the 70% 2-hour urgent community response (UCR) standard": the value qualifies a named measure
    named = (re.match(r"^\s*([^,.;]{3,80}?\b(?:standard|target|ambition|threshold)s?)\b", after, re.I)
             if re.search(r"\b(?:the|a|an|our|its|their)\s*$", before, re.I) else None)
    candidate = ""
    if named and len(_clean_metric(named.group(1)).split()) >= 2:
        candidate = named.group(1)
    elif red:
        candidate = _METRIC_STOP.split(red.group(1))[0]
    elif lead and len(_clean_metric(lead.group(1)).split()) >= 2 and not (
            re.search(r"\bof\s*$", before) and re.match(r"^\s*of\s", after)):
        candidate = lead.group(1)
        cut = re.split(r"\b(?:improve|improving|increase|increasing|reduce|reducing|raise|raising|support|"
                       r"supporting|expand|expanding|reach|reaching|return|returning|improvement in|"
                       r"deliver|delivering|achieve|achieving|maintain|maintaining|ensure|ensuring|making|make)\b",
                       candidate, flags=re.I)
        candidate = cut[-1] if len(cut) > 1 and len(_clean_metric(cut[-1]).split()) >= 2 else candidate
        if of_form and re.match(r"^\s*of\s", after):
            candidate += " (" + _METRIC_STOP.split(of_form.group(1))[0] + ")"
    elif of_form and q.label in ("PERCENT", "COUNT", "POINTS", "MONEY"):
        candidate = _METRIC_STOP.split(of_form.group(1))[0]
    if len(_clean_metric(candidate).split()) < 2:
        # fall back to the clause's own object: "reducing agency expenditure, ... a 30% reduction"
        head = _METRIC_STOP.split(before)[0] if before.strip() else ""
        candidate = head if len(_clean_metric(head).split()) >= 2 else before + " " + after
    if not re.search(r"\d+[ -](?:week|day|hour|minute)", candidate):
        candidate = re.sub(r"£?\d[\d,.]*\s*(?:%|per cent|percentage points?|million|billion|bn)", " ",
                           candidate)
    for t in find_times(candidate):
        candidate = candidate.replace(t.when.text, " ")
    candidate = re.sub(r"\b(?:by|in|across|during|from|until)\s*(?=[,.;)]|$)", " ", candidate)
    words = _clean_metric(candidate).split()
    return " ".join(words[:18])


def _respectively(qs: list[Quantity], metric: str) -> list[str]:
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


# --------------------------------------------------------------------------------------------
# Deadlines

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


def _time_is_commitment(doc: Doc, sent: Span, m: TimeMention, tok_start: int, passage: Passage,
                        edition: Edition | None) -> bool:
    w = m.when
    text_after = _text(doc)[m.end:m.end + 40]
    before = _text(doc)[max(sent.start_char, m.start - 40):m.start].lower()
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
    if m.prep in ("to", "at", "over", "for") and w.granularity == "calendar_year":
        return False
    if m.prep == "to" and not kind_free:
        return False
    if _names_a_document(doc, sent, m):
        return False
    if _after_baseline(doc, sent, m.start):
        return False
    if _in_subject(doc, sent, m):
        return False
    if _is_history(m, edition):
        return False
    lo, _ = _clause_bounds(sent, tok_start)
    lo = min(lo, tok_start)
    # a participle right before a date in the planning period ahead ("the platform launched in 2026") tells
    # of a future event, not a past one
    prep_tok = doc.char_span(m.start, m.end, alignment_mode="expand")
    k = prep_tok.start - 1 if prep_tok is not None else -1
    future_participle = _is_future(m, edition) and k > sent.start and doc[k].lower_.endswith("ed") and \
        doc[k - 1].lower_ not in ("has", "have", "had")
    if not future_participle and _is_fact(doc, max(sent.start, lo - 5), tok_start):
        return False
    in_list = passage.block.kind == "list_item" or passage.intro is not None
    starts_sentence = _text(doc)[sent.start_char:m.start].strip() == ""
    intro_like = sent.text.rstrip().endswith(":") and (starts_sentence or sent.end_char - m.end < 3)
    # "by <date>", "from April 2026", "no later than": in guidance these bind an action by themselves
    strong = m.prep in STRONG_PREPS and w.granularity in ("month", "day", "quarter", "financial_year")
    if not (_commit_between(doc, sent.start, sent.end) or in_list or intro_like or strong):
        return False
    # past events: "In June 2025, the Secretary of State announced ..."
    window = doc[tok_start:min(sent.end, tok_start + 14)]
    return not any(c.label_ == "FACT" and c.start >= window.start and c.end <= window.end and
                   not _commit_between(doc, tok_start, c.start) for c in _cues(doc))


def _names_a_document(doc: Doc, sent: Span, m: TimeMention) -> bool:
    """The date is part of a document's or event's name, or says which document is meant.

    "Spending Review 2025", "Better Care Fund policy framework for 2025 to 2026", "the 2025/26 NHS Standard
    Contract" (a capitalised name ending in a document noun next to the date), "2024/25 levels", "the 2025/26
    staff survey" (a date qualifying a noun that follows it), and "the Board paper on productivity in May
    2024" (a document, then the date it appeared, with no action before it).
    """
    if _NAME_AFTER.match(_text(doc)[m.end:m.end + 40]):
        return True
    before = _text(doc)[max(sent.start_char, m.start - 80):m.start]
    if m.prep in (None, "for", "of") and TITLE_BEFORE_RE.search(before):
        return True
    if m.prep in (None, "for", "of") and TITLE_AFTER_RE.match(_text(doc)[m.end:m.end + 80]):
        return True
    ref = REFERENCE_BEFORE_RE.search(before) if m.prep in ("in", "of", "from", None) else None
    if ref is not None:
        # unless an action governs the document: "publish a report on progress in March 2026"
        noun = doc.char_span(m.start - len(before) + ref.start(), m.start, alignment_mode="expand")
        if noun is None:
            return True
        return not any(c.label_ in ("COMMIT", "MODAL") for c in _cues(doc)
                       if max(sent.start, noun.start - 5) <= c.start and c.end <= noun.start)
    return False


def _in_subject(doc: Doc, sent: Span, m: TimeMention) -> bool:
    """The date qualifies the sentence's subject, before its verb: "Expectations for 2026/27 and beyond will
    be set ...", "Learning from work in 2025/26 will inform ..." (the period talked about, not a deadline).
    A sentence that opens with the date ("In 2026/27, ICBs will ...") uses it as an adverb instead."""
    if m.prep not in ("for", "in", "during", "across", "over") or _text(doc)[m.start:m.start + 1].isupper():
        return False  # "... services In 2026/27, all ICBs must": a capital says a new sentence began there
    head = _text(doc)[sent.start_char:m.start]
    words = head.split()
    if not 1 <= len(words) <= 6 or "," in head or not words[0][:1].isupper():
        return False
    span = doc.char_span(sent.start_char, m.start, alignment_mode="contract")
    if span is None or any(c.label_ in ("COMMIT", "MODAL", "FACT") for c in _cues(doc)
                           if span.start <= c.start and c.end <= span.end):
        return False
    rest = _text(doc)[m.end:sent.end_char]
    return re.match(r"^(?:\s*(?:and beyond|onwards)?[,\s\w’'-]{0,80}?)\b(will|must|should|would)\b", rest) is not None


def _action(doc: Doc, sent: Span, m: TimeMention, next_text: str | None) -> str:
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
    clause = text[c_start:rel_s] + " " + text[rel_e:c_end]
    clause = re.sub(r"\s+", " ", clause).strip(" ,.;:–-•")
    clause = re.sub(r"^(?:and|or|but|while|with|then|also)\s+", "", clause, flags=re.I)
    if (len(clause.split()) < 5 or text.rstrip().endswith(":")) and next_text:
        clause = (clause + ": " + next_text).strip(": ")
    words = clause.split()
    return " ".join(words[:24])


# --------------------------------------------------------------------------------------------
# Ids

_SYNONYMS = [
    (r"\ba&e\b|\baccident and emergency\b", "ae"), (r"\bemergency departments?\b|\beds?\b", "ed"),
    (r"\bcyp\b", "children young people"), (r"\bper ?cent(age)?\b|%", "percent"),
    (r"\bfds\b", "faster diagnosis standard"), (r"\brtt\b", "referral treatment"),
    (r"\bcat(egory)? ?([1-4])\b", r"category\2"), (r"\bicbs?\b", "integrated care board"),
    (r"\bgp\b", "general practice"), (r"\butcs?\b", "urgent treatment centre"),
    (r"\bmhsts?\b", "mental health support teams"),
]


def _stem(word: str) -> str:
    """Crude suffix folding so "reduce" / "reducing" / "reduction" share a stem."""
    for suf in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            word = word[: -len(suf)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


# Words that say how a measure is phrased rather than what it measures ("the percentage of", "performance
# against", "average"): dropped so rewordings across editions keep one id.
_GENERIC = {"percentage", "percent", "proportion", "number", "performance", "average", "improv", "increas",
            "reduc", "deliver", "achiev", "maintain", "headline", "level", "rate", "total", "overall", "new",
            "national", "nationally", "trust", "system", "provider", "standard", "target", "ambition", "minimum",
            "patient", "people", "time", "measure"}


_GENERIC_STEMS = {_stem(w) for w in _GENERIC} | _GENERIC


def normalise_for_id(text: str) -> str:
    """The identity of a metric: lower-case, synonyms folded, dates and free numbers dropped (numbers that
    define the measure - "62-day", "18 weeks", "Category 2" - kept), stopwords and phrasing words
    dropped, crude stems, sorted so word order does not matter."""
    text = text.lower()
    for t in find_times(text):
        text = text.replace(t.when.text.lower(), " ")
    for pat, rep in _SYNONYMS:
        text = re.sub(pat, f" {rep} ", text)
    # "62-day", "18 weeks", "4-hour" name the measure: keep them as one token
    text = re.sub(r"\b(\d+)[\s-]?(minute|hour|day|week|month)s?\b", r" n\1\2 ", text)
    text = re.sub(r"[^a-z0-9 ]+|\b\d+\b", " ", text)
    words = {_stem(w) for w in text.split() if w not in STOP_WORDS and len(w) > 1}
    return " ".join(sorted(w for w in words if w not in _GENERIC_STEMS))


def _make_id(prefix: str, text: str, seen: dict[str, int]) -> str:
    base = f"{prefix}-{hashlib.sha1(normalise_for_id(text).encode()).hexdigest()[:10]}"
    n = seen.get(base, 0) + 1
    seen[base] = n
    return base if n == 1 else f"{base}-{n}"


# --------------------------------------------------------------------------------------------
# The driver

def _evidence(passage: Passage, sent: Span) -> Evidence:
    """The sentence as the document has it (text borrowed from the block before included)."""
    return Evidence(sentence=sent.text.strip(), page=passage.block.page, section=passage.block.section,
                    block_index=passage.block_index)


SCOPE_RE = rules.pattern("scope")
_NOT_A_DEADLINE_BEFORE = rules.pattern("not_a_deadline_before")
BASELINE_RE = rules.pattern("baseline")


def _sentence_baseline(passage: Passage, sent: Span) -> str | None:
    m = BASELINE_RE.search(sent.text)
    if m:
        return next(g for g in m.groups() if g)
    # a footnote marker on the sentence whose note states a baseline
    for off, num in passage.markers.items():
        if sent.start_char <= off <= sent.end_char:
            note = passage.footnotes.get(num, "")
            fm = BASELINE_RE.search(note)
            if fm:
                return next(g for g in fm.groups() if g)
    return None


def _scope(sent: Span, q_char: int) -> str | None:
    best: tuple[int, str] | None = None
    for m in SCOPE_RE.finditer(sent.text):
        dist = abs(sent.start_char + m.start() - q_char)
        if best is None or dist < best[0]:
            best = (dist, m.group(1).lower())
    return best[1] if best else None


def _read_passage(doc: Doc, passage: Passage, next_text: str | None, edition: Edition | None,
                  out: Extraction, used_ids: dict[str, int]) -> None:
    """Appends the targets and deadlines of one passage to ``out``."""
    lo_c, hi_c = passage.context, passage.own_end or len(_text(doc))
    text = _text(doc)
    # URL_RE needs "http" or "www." (a quick test: the regex itself tries every character of the passage)
    urls = [(u.start(), u.end()) for u in URL_RE.finditer(text)] if "http" in text or "www." in text else []
    mentions = [m for m in doc.user_data.get("time_mentions", []) if lo_c <= m.expr_start < hi_c and
                not any(a <= m.expr_start < b for a, b in urls)]
    quantities = [q for s in doc.spans["quantities"] if lo_c <= s.start_char < hi_c and (q := _quantity(s))]
    for sent in doc.sents:
        s_q = [q for q in quantities if sent.start <= q.start < sent.end]
        s_t = [m for m in mentions if sent.start_char <= m.expr_start < sent.end_char]
        # dates in the borrowed start of a cut sentence still date its values (not new deadlines)
        s_t_all = [m for m in doc.user_data.get("time_mentions", [])
                   if sent.start_char <= m.expr_start < min(sent.end_char, hi_c) and
                   not any(a <= m.expr_start < b for a, b in urls)]
        if passage.example or _reported(doc, sent, passage, s_t_all, edition):
            continue
        has_percent = any(q.label in ("PERCENT", "POINTS") for q in s_q)
        targets_q = [q for q in s_q if _is_target_quantity(doc, sent, q, has_percent, s_t, edition)]
        consumed: set[int] = set()
        # group "75% and 80% respectively"
        groups: list[list[Quantity]] = []
        for q in targets_q:
            tail = " ".join(t.lower_ for t in doc[q.end:min(sent.end, q.end + 4)])
            if groups and re.fullmatch(r"\s*(,|and|or)\s*", doc[groups[-1][-1].end:q.start].text) and \
                    "respectively" in tail:
                groups[-1].append(q)
            else:
                groups.append([q])
        prev_metric: str | None = None
        for group in groups:
            q0 = group[0]
            lo, hi = _clause_bounds(sent, q0.start)
            metric = _metric(doc, sent, q0, lo, hi)
            bare = re.match(r"^\s*(?:point\s+|percentage points?\s+)?(improvement|reduction|increase)"
                            r"\s*(?:[.,;]|$)", doc[q0.end:hi].text, re.I)
            if bare and prev_metric:
                # "65% nationally, with every trust ... a minimum 5% point improvement": the same measure
                metric = f"{prev_metric} {bare.group(1).lower()}"
            elif bare and passage.block.kind == "list_item":
                # "reducing bank use, with all systems expected to deliver a minimum 10% reduction"
                lead = _METRIC_STOP.split(passage.text[passage.context:])[0]
                if re.match(r"\w+ing\b", lead) and len(_clean_metric(lead).split()) >= 2:
                    metric = _clean_metric(lead)
            prev_metric = prev_metric or metric
            col = passage.cell_at(doc[q0.start].idx) if passage.cells else None
            if col is not None and col > 0:
                # the row's label: the nearest cell to the left that is words, not figures
                for k in range(col - 1, -1, -1):
                    a, b = passage.cells[k]
                    label = _clean_metric(_text(doc)[a:b])
                    if len(label.split()) >= 2 and not re.search(r"\d\s*%|£\s*\d", label):
                        metric = label
                        break
            metrics = _respectively(group, metric) if len(group) > 1 else [metric]
            for q, met in zip(group, metrics, strict=True):
                q_char = doc[q.start].idx
                others = [doc[o.start].idx for o in targets_q if o is not q and o not in group]
                when, used_at = _target_deadline(doc, sent, q, s_t_all, passage, edition, others)
                used = next((k for k, m in enumerate(s_t) if used_at is not None and m is s_t_all[used_at]),
                            None)
                if used is not None:
                    consumed.add(used)
                out.targets.append(Target(
                    id=_make_id("t", met or doc[max(sent.start, q.start - 8):q.start].text, used_ids),
                    metric=met, value=q.value, unit=q.unit,
                    direction=_direction(doc, sent, q, lo),
                    baseline=_sentence_baseline(passage, sent),
                    deadline=when, scope=_scope(sent, q_char), priority=None,
                    evidence=_evidence(passage, sent)))
        seen_labels: dict[str, int] = {}
        for k, m in enumerate(s_t):
            if k in consumed:
                continue
            span = doc.char_span(m.expr_start, m.end, alignment_mode="expand")
            if span is None or not _time_is_commitment(doc, sent, m, span.start, passage, edition):
                continue
            action = _action(doc, sent, m, next_text)
            if len(action.split()) < 2:
                continue
            key = m.when.label
            if key in seen_labels and m.start - seen_labels[key] < 60:
                continue  # the same date twice in one phrase
            seen_labels[key] = m.start
            out.deadlines.append(Deadline(id=_make_id("d", action, used_ids), action=action, when=m.when,
                                          evidence=_evidence(passage, sent)))


def _is_history(m: TimeMention, edition: Edition | None) -> bool:
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


def _is_future(m: TimeMention, edition: Edition | None) -> bool:
    """A date that reaches into the period the edition plans for (for a paper dated by calendar year: a
    date that starts after that year)."""
    if edition is None:
        return False
    w = m.when
    if calendar_edition(edition):
        return w.start.year > edition.first_year
    return w.end >= date(edition.first_year, 4, 1)


def _target_deadline(doc: Doc, sent: Span, q: Quantity, s_t: list[TimeMention], passage: Passage,
                     edition: Edition | None, other_values: list[int]) -> tuple[When | None, int | None]:
    """The sentence's date nearest the value (later dates first), or the table column's year."""
    q_char = doc[q.start].idx
    best: tuple[float, int] | None = None
    for k, m in enumerate(s_t):
        before = _text(doc)[max(sent.start_char, m.start - 30):m.start].lower()
        if _after_baseline(doc, sent, m.start):
            continue
        if _names_a_document(doc, sent, m) or (
                m.prep is None and m.when.granularity in (
                "calendar_year", "financial_year") and "/" not in m.when.text):
            continue
        if m.prep is None and m.when.granularity == "financial_year" and \
                not re.search(r"(target|by|in|across)\s*$", before):
            continue
        if m.prep in ("to",) or _is_history(m, edition):
            continue
        if m.expr_start > q_char and any(q_char < v < m.expr_start for v in other_values) and \
                not re.search(r"respectively", _text(doc)[q_char:m.start]):
            continue  # "94% coverage ..., reaching 100% by 2029": the date binds the nearer value
        if m.expr_start > q_char and re.search(r"\bthat\s*$", _text(doc)[q_char:m.start]):
            continue  # "... 25 minutes, so that by the end of 2028/29 ... 18 minutes": opens the next clause
        dist = m.expr_start - q_char
        score = dist if dist >= 0 else -dist * 1.5
        if best is None or score < best[0]:
            best = (score, k)
    if best is not None:
        return s_t[best[1]].when, best[1]
    if passage.cells:
        return _column_year(passage, q_char, edition, _published(doc)), None
    if len(passage.column_years) == 1:
        # one target column ("2028/29 target"): every value under it is for that year
        years = find_times(passage.column_years[0], edition, _published(doc))
        if len(years) == 1:
            return years[0].when, None
    return None, None


def _column_year(passage: Passage, q_char: int, edition: Edition | None, published: date | None) -> When | None:
    """A table cell's target year from its column header ("2026/27 target", "By March 2027")."""
    col = passage.cell_at(q_char)
    if col is None or col >= len(passage.header):
        return None
    years = find_times(passage.header[col], edition, published)
    return years[0].when if len(years) == 1 else None


# Priorities -----------------------------------------------------------------------------------

_COLUMN_HEADER = rules.pattern("column_header")
_PRIORITY_INTRO = rules.pattern("priority_intro")


def _priority_title(text: str) -> str:
    title = re.split(r",|:|;|\s[–—-]\s|\.\s", text, maxsplit=1)[0]
    title = re.sub(r"^[•▪\-\s]+", "", title)
    words = title.split()
    return " ".join(words[:14]).strip(" .")


def _priorities(doc_model: Document, passages: list[Passage], targets: list[Target],
                used_ids: dict[str, int], deadlines: Sequence[Deadline] = ()) -> list[Priority]:
    """Lists introduced as the document's priorities / objectives; each item owns the targets below it."""
    out: list[Priority] = []
    spans: list[tuple[Priority, int, int]] = []  # priority, first block, last block (inclusive)
    for i, p in enumerate(passages):
        heading = p.block.section[-1] if p.block.section else ""
        if p.block.kind != "list_item" or p.block.level > 1 or not p.intro or \
                not (_PRIORITY_INTRO.search(p.intro) or re.search(r"\bpriorit|\bobjectives\b", heading, re.I)):
            continue
        if re.search(r"\b(we ask|focus on|expect)\b", p.intro, re.I) or (
                re.search(r"\b(must|should)\b|\bto:$", p.intro, re.I) and
                not re.search(r"\b(these|our|national) (priorities|objectives)\b", p.intro, re.I)):
            continue
        title = _priority_title(p.text[p.context:])
        if len(title.split()) < 2:
            continue
        end = p.block_index
        for nxt in passages[i + 1:]:
            if nxt.block.kind == "list_item" or nxt.block.section != p.block.section:
                break
            end = nxt.block_index
        prio = Priority(id=_make_id("p", title, used_ids), title=title, target_ids=[],
                        evidence=Evidence(sentence=p.text, page=p.block.page, section=p.block.section,
                                          block_index=p.block_index))
        out.append(prio)
        spans.append((prio, p.block_index, end))
    _heading_groups(doc_model, targets, used_ids, out, spans, deadlines)
    for t in targets:
        for prio, a, b in spans:
            if a <= t.evidence.block_index <= b:
                prio.target_ids.append(t.id)
                t.priority = prio.title
                break
        else:
            # a section named after a priority ("Reduce the time people wait for elective care")
            # or a table row whose first cell names it ("Urgent and emergency care | Patients seen ... | 78%")
            row_label = t.evidence.sentence.split(" | ")[0] if " | " in t.evidence.sentence else ""
            for prio in out:
                if any(_same_title(prio.title, s) for s in (*t.evidence.section, row_label) if s):
                    prio.target_ids.append(t.id)
                    t.priority = prio.title
                    break
    return out


def _heading_groups(doc: Document, targets: list[Target], used_ids: dict[str, int], out: list[Priority],
                    spans: list[tuple[Priority, int, int]], deadlines: Sequence[Deadline] = ()) -> None:
    """A heading whose own list states two or more targets ("Urgent and emergency care" followed by
    "Improve A&E waiting times, so that 85% ...") names an objective group. Headings that lead into
    actions ("... by:") do not. Under a heading that announces objectives, one stated target or one
    dated commitment is enough: an objective need not carry a figure ("no child waits ... by March")."""
    blocks = doc.blocks
    by_block: dict[int, int] = {}
    for t in targets:
        by_block[t.evidence.block_index] = by_block.get(t.evidence.block_index, 0) + 1
    dated = {d.evidence.block_index for d in deadlines}
    taken = {i for _, a, b in spans for i in range(a, b + 1)}
    i = 0
    while i < len(blocks):
        if blocks[i].kind != "heading":
            i += 1
            continue
        first, title = i, re.sub(r"^\d{1,2}[.)]\s+", "", clean_text(blocks[i].text))
        if title[:1].islower():
            # the second half of a heading a column break separated from its first half
            prev = next((k for k in range(i - 1, max(-1, i - 4), -1) if blocks[k].kind == "heading"), None)
            if prev is not None:
                first, title = prev, clean_text(blocks[prev].text) + " " + title
        # a heading the converter broke in two ("Mental health, learning disabilities" / "and autism")
        while i + 1 < len(blocks) and blocks[i + 1].kind == "heading" and \
                re.match(r"(and|or|of|for|the)\b|[a-z]", clean_text(blocks[i + 1].text)):
            i += 1
            title += " " + clean_text(blocks[i].text)
        j = i + 1
        while j < len(blocks) and blocks[j].kind != "heading":
            j += 1
        under_objectives = any(_PRIORITY_INTRO.search(h) for h in blocks[first].section)
        items = [k for k in range(i + 1, j) if blocks[k].kind == "list_item" and
                 (by_block.get(k) or (under_objectives and k in dated))]
        needed = 1 if under_objectives else 2
        if len(items) >= needed and title[:1].isupper() and not re.search(r"(by|to|:)\s*$", title) and \
                len(title.split()) <= 12 and \
                not any(k in taken for k in items):
            prio = Priority(id=_make_id("p", title, used_ids), title=title, target_ids=[],
                            evidence=Evidence(sentence=title, page=blocks[first].page,
                                              section=blocks[first].section, block_index=first))
            out.append(prio)
            spans.append((prio, first, j - 1))
        i = j


@lru_cache(maxsize=8192)
def _title_words(text: str) -> frozenset[str]:
    # Cached: _priorities compares every priority title with every target's section headings,
    # and normalising the same few headings again each time was a third of extract at 320 pages.
    return frozenset(normalise_for_id(text).split())


def _same_title(a: str, b: str) -> bool:
    wa, wb = _title_words(a), _title_words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= 0.8


# Public API -----------------------------------------------------------------------------------

def _prepare(doc: Document) -> tuple[list[Passage], Iterator[Doc]]:
    nlp = build_nlp()
    passages = _passages(doc)

    def docs() -> Iterator[Doc]:
        for p in passages:
            d = nlp.make_doc(p.text)
            d.user_data["text"] = p.text  # what d.text would rebuild: spaCy's tokens keep the text verbatim
            d.user_data["edition"] = doc.edition
            d.user_data["published"] = doc.published
            yield d
    return passages, nlp.pipe(docs(), batch_size=256)


def extract(doc: Document) -> Extraction:
    """Targets, deadlines and priorities of one document."""
    return extract_many([doc])[0]


def extract_many(docs: Iterable[Document]) -> list[Extraction]:
    """``extract`` over many documents; each document's blocks go through ``nlp.pipe`` in batches."""
    results: list[Extraction] = []
    for document in docs:
        out = Extraction(document=DocumentRef.of(document))
        used_ids: dict[str, int] = {}
        passages, parsed = _prepare(document)
        for i, (p, sdoc) in enumerate(zip(passages, parsed, strict=True)):
            nxt = passages[i + 1].text if i + 1 < len(passages) else None
            nxt_words = " ".join(nxt.split()[:14]) if nxt else None
            _read_passage(sdoc, p, nxt_words, document.edition, out, used_ids)
        out.priorities = _priorities(document, passages, out.targets, used_ids, out.deadlines)
        results.append(out)
    return results
