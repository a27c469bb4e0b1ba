"""The driver: reads every passage of a document through the pipeline and assembles its records.

Owns the order of the work (passages, spaCy over them in batches, each sentence's targets and deadlines,
then priorities), a record's evidence, baseline and scope, and the public ``extract`` / ``extract_many``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spacy.tokens import Doc, Span

from guidance_parser import catalogue, rules
from guidance_parser.errors import GuidanceError
from guidance_parser.extract.components import build_nlp, by_sentence, clause_bounds, passage_text, sentence_text
from guidance_parser.extract.deadlines import action_of, time_is_commitment
from guidance_parser.extract.ids import _make_id
from guidance_parser.extract.mentions import Mention, mention_of
from guidance_parser.extract.passages import Passage, make_passages, with_lines
from guidance_parser.extract.priorities import priorities
from guidance_parser.extract.roles import features, load_model
from guidance_parser.extract.tables import level_label, under_target_column
from guidance_parser.extract.targets import (
    METRIC_STOP,
    TABLE_CONFIDENCE,
    UNREAD_FIGURE,
    Quantity,
    clean_metric,
    direction_of,
    metric_of,
    quantity_of,
    reported,
    respectively,
    target_deadline,
)
from guidance_parser.model import Deadline, Document, DocumentRef, Edition, Evidence, Extraction, Target
from guidance_parser.when import reading_edition

URL_RE = re.compile(r"\(?https?://\S+|\bwww\.\S+")


def _evidence(passage: Passage, sent: Span) -> Evidence:
    """The sentence as the document has it (text borrowed from the block before included)."""
    return Evidence(sentence=sentence_text(sent).strip(), page=passage.block.page, section=passage.block.section,
                    block_index=passage.block_index, page_label=passage.block.page_label,
                    anchor=passage.block.anchor)


SCOPE_RE = rules.pattern("scope")
BASELINE_RE = rules.pattern("baseline")


def _sentence_baseline(passage: Passage, sent: Span) -> str | None:
    m = BASELINE_RE.search(sentence_text(sent))
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


def _scope(sent: Span, q_char: int, passage: Passage) -> str | None:
    best: tuple[int, str] | None = None
    col = passage.cell_at(q_char) if passage.cells else None
    memo = sent.doc.user_data.setdefault("scopes", {})  # the sentence's scope words, found once for its figures
    if (sent.start, sent.end) not in memo:
        memo[sent.start, sent.end] = [(sent.start_char + m.start(), m.group(1).lower())
                                      for m in SCOPE_RE.finditer(sentence_text(sent))]
    for at, scope in memo[sent.start, sent.end]:
        if col is not None and passage.cell_at(at) != col:
            continue  # in a table, the level its own cell names
        dist = abs(at - q_char)
        if best is None or dist < best[0]:
            best = (dist, scope)
    return best[1] if best else None


_COORDINATED = rules.pattern("coordinated_figure")


def _coordinated(doc: Doc, first: Quantity, q: Quantity) -> bool:
    """A figure of the same kind joined to a target by "and" / "or" (an "a day" / "per week" between allowed)
    shares its commitment and bound: "open at least 12 hours a day and 6 days a week"."""
    return q.label == first.label and _COORDINATED.fullmatch(doc[first.end:q.start].text) is not None


def _read_passage(doc: Doc, passage: Passage, next_text: str | None, edition: Edition | None,
                  out: Extraction, used_ids: dict[str, int]) -> None:
    """Appends the targets and deadlines of one passage to ``out``."""
    model = load_model()
    lo_c, hi_c = passage.context, passage.own_end or len(passage_text(doc))
    text = passage_text(doc)
    # URL_RE needs "http" or "www." (a quick test: the regex itself tries every character of the passage)
    urls = [(u.start(), u.end()) for u in URL_RE.finditer(text)] if "http" in text or "www." in text else []
    unlinked = [m for m in doc.user_data.get("time_mentions", []) if not any(a <= m.expr_start < b for a, b in urls)]
    mentions = [m for m in unlinked if lo_c <= m.expr_start < hi_c]
    quantities = [q for s in doc.spans["quantities"] if lo_c <= s.start_char < hi_c and (q := quantity_of(s))]
    sents = list(doc.sents)
    # each sentence's figures and dates, sorted into it in one pass (a long passage has thousands of both)
    by_sent_q = by_sentence(sents, quantities, lambda q: q.start, tokens=True)
    by_sent_t = by_sentence(sents, mentions, lambda m: m.expr_start)
    # dates in the borrowed start of a cut sentence still date its values (not new deadlines)
    by_sent_t_all = by_sentence(sents, [m for m in unlinked if m.expr_start < hi_c], lambda m: m.expr_start)
    for i, sent in enumerate(sents):
        s_q, s_t, s_t_all = by_sent_q[i], by_sent_t[i], by_sent_t_all[i]
        if passage.example:
            continue  # a stretch of worked examples (ingest's structure, passages.Passage.example) sets nothing
        has_percent = any(q.label in ("PERCENT", "POINTS") for q in s_q)
        sentence_reported = reported(doc, sent, passage, s_t_all, edition)
        basis: dict[int, tuple[str, float]] = {}  # id(quantity) -> why it is a target, how strongly
        prev: Quantity | None = None
        for q in s_q:
            # the figure-role model decides (extract/roles.py); its strongest features are the basis
            feats = features(doc, sent, q, passage, mention_of(doc, sent, q.start, q.end, q.label, passage),
                             s_t_all, edition, has_percent, sentence_reported)
            p_target = model.probabilities(feats)["target"]
            if model.is_target(p_target, feats):
                basis[id(q)] = "model:" + ",".join(model.strongest(feats)), round(p_target, 3)
            elif under_target_column(doc, passage, q, edition):
                basis[id(q)] = "table:target column", TABLE_CONFIDENCE
            elif prev is not None and id(prev) in basis and _coordinated(doc, prev, q):
                basis[id(q)] = f"coordinated:{basis[id(prev)][0]}", basis[id(prev)][1]
            prev = q
        targets_q = [q for q in s_q if id(q) in basis]
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
        baseline = _sentence_baseline(passage, sent) if groups else None  # one per sentence, not per figure
        for group in groups:
            q0 = group[0]
            lo, hi = clause_bounds(sent, q0.start)
            metric = metric_of(doc, sent, q0, lo, hi)
            bare = re.match(r"^\s*(?:point\s+|percentage points?\s+)?(improvement|reduction|increase)"
                            r"\s*(?:[.,;]|$)", doc[q0.end:hi].text, re.I)
            if bare and prev_metric:
                # "65% nationally, with every trust ... a minimum 5% point improvement": the same measure
                metric = f"{prev_metric} {bare.group(1).lower()}"
            elif bare and passage.block.kind == "list_item":
                # "reducing bank use, with all systems expected to deliver a minimum 10% reduction"
                lead = METRIC_STOP.split(passage.text[passage.context:])[0]
                if re.match(r"\w+ing\b", lead) and len(clean_metric(lead).split()) >= 2:
                    metric = clean_metric(lead)
            prev_metric = prev_metric or metric
            col = passage.cell_at(doc[q0.start].idx) if passage.cells else None
            level: str | None = None
            if col is not None and col > 0:
                # the row's label: the nearest cell to the left that is words, not figures; a label naming a
                # level ("Every trust", "National") measures what the row above it names, at that level
                for k in range(col - 1, -1, -1):
                    a, b = passage.cells[k]
                    label = clean_metric(passage_text(doc)[a:b])
                    if level_label(label):
                        level = label.lower()
                        if passage.group_label:
                            metric = clean_metric(passage.group_label)
                        break
                    if len(label.split()) >= 2 and not re.search(r"\d\s*%|£\s*\d|^[\d£$€]", label):
                        metric = label
                        break
            metrics = respectively(group, metric) if len(group) > 1 else [metric]
            for q, met in zip(group, metrics, strict=True):
                metric_id = catalogue.metric_of(met, sentence_text(sent), q.value, q.unit)
                if metric_id is None and len(passage.row.label) == 1:
                    # a flattened table's row opens with the label of its measure ("4-hour A&E"), read alone
                    # when it stands on a line of its own (more lines interleave the other columns' words)
                    metric_id = catalogue.metric_of(passage.row.label[0], "", q.value, q.unit)
                    if metric_id is not None:
                        met = clean_metric(passage.row.label[0])
                q_char = doc[q.start].idx
                others = [doc[o.start].idx for o in targets_q if o is not q and o not in group]
                when, used_at = target_deadline(doc, sent, q, s_t_all, passage, edition, others)
                used = next((k for k, m in enumerate(s_t) if used_at is not None and m is s_t_all[used_at]),
                            None)
                if used is not None:
                    consumed.add(used)
                out.targets.append(Target(
                    id=_make_id("t", met or doc[max(sent.start, q.start - 8):q.start].text, used_ids),
                    metric=met, value=q.value, unit=q.unit,
                    direction=direction_of(doc, sent, q, lo),
                    baseline=baseline,
                    deadline=when, scope=level or _scope(sent, q_char, passage), priority=None,
                    evidence=_evidence(passage, sent), metric_id=metric_id,
                    basis=basis[id(q)][0] + (f"; {UNREAD_FIGURE}" if q.value is None else ""),
                    confidence=basis[id(q)][1]))
        if sentence_reported:
            continue  # a sentence that only reports what happened dates no commitment
        seen_labels: dict[str, int] = {}
        for k, m in enumerate(s_t):
            if k in consumed:
                continue
            span = doc.char_span(m.expr_start, m.end, alignment_mode="expand")
            if span is None or not time_is_commitment(doc, sent, m, span.start, passage, edition):
                continue
            action = action_of(doc, sent, m, next_text, s_t)
            if len(action.split()) < 2:
                continue
            key = m.when.label
            if key in seen_labels and m.start - seen_labels[key] < 60:
                continue  # the same date twice in one phrase
            seen_labels[key] = m.start
            out.deadlines.append(Deadline(id=_make_id("d", action, used_ids), action=action, when=m.when,
                                          evidence=_evidence(passage, sent)))



def _prepare(doc: Document) -> tuple[list[Passage], Iterator[Doc]]:
    nlp = build_nlp()
    passages = make_passages(doc)

    def docs() -> Iterator[Doc]:
        for p in passages:
            if len(p.text) > nlp.max_length:
                raise GuidanceError(doc.path, f"a paragraph of {len(p.text):,} characters is longer than "
                                    f"extraction reads ({nlp.max_length:,})", "split it into paragraphs "
                                    "(blank lines between them), or check that the file converted correctly")
            d = nlp.make_doc(p.text)
            d.user_data["text"] = p.text  # what d.text would rebuild: spaCy's tokens keep the text verbatim
            d.user_data["edition"] = reading_edition(doc.edition)
            d.user_data["published"] = doc.published
            yield d
    return passages, nlp.pipe(docs(), batch_size=256)


def figure_mentions(document: Document) -> Iterator[tuple[Passage, Mention]]:
    """Every figure the quantity rules find in the document's own text, with the context the figure-role model
    reads (``mentions.Mention``), in reading order: what ``corpora/labelled/candidates.py`` writes out for
    labelling, nothing decided about it."""
    passages, parsed = _prepare(document)
    for passage, doc in zip(passages, parsed, strict=True):
        lo, hi = passage.context, passage.own_end or len(passage_text(doc))
        for sent in doc.sents:
            for span in doc.spans["quantities"]:
                if sent.start <= span.start < sent.end and lo <= span.start_char < hi:
                    yield passage, mention_of(doc, sent, span.start, span.end, span.label_, passage)


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
            _read_passage(sdoc, p, nxt_words, reading_edition(document.edition), out, used_ids)
        out.priorities = priorities(document, passages, out.targets, used_ids, out.deadlines)
        results.append(with_lines(out, document))
    return results
