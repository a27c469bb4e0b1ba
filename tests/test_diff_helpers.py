"""Builders for hand-made Documents and Extractions used by the diff, report, export and browser tests.

No tests here: the records are built directly so the differ is tested independently of ingest and
extract. Ids mimic the extractor's (a hash of the normalised record text).
"""

from __future__ import annotations

import calendar
import hashlib
import re
from datetime import date

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


def when(label: str, text: str | None = None) -> When:
    """A When from a canonical label: "2026-03" (month), "2025/26" (financial year), "2029" (year)."""
    if m := re.fullmatch(r"(\d{4})-(\d\d)", label):
        y, mo = int(m.group(1)), int(m.group(2))
        end = date(y, mo, calendar.monthrange(y, mo)[1])
        return When(text or f"{calendar.month_name[mo]} {y}", label, date(y, mo, 1), end, "month")
    if m := re.fullmatch(r"(\d{4})/(\d\d)", label):
        y = int(m.group(1))
        return When(text or label, label, date(y, 4, 1), date(y + 1, 3, 31), "financial_year")
    y = int(label)
    return When(text or label, label, date(y, 1, 1), date(y, 12, 31), "calendar_year")


def rid(kind: str, text: str) -> str:
    norm = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    return f"{kind[0]}-" + hashlib.sha1(norm.encode()).hexdigest()[:10]


def target(metric: str, value: float | None = None, unit: str | None = "%", *,
           direction: Direction | None = "achieve", deadline: str | None = None, scope: str | None = None,
           priority: str | None = None, baseline: str | None = None, page: int | None = 1,
           sentence: str | None = None, section: tuple[str, ...] = ("Priorities",)) -> Target:
    sent = sentence or f"{metric} to {value}{unit or ''}" + (f" by {when(deadline).text}" if deadline else "")
    return Target(id=rid("target", metric), metric=metric, value=value, unit=unit, direction=direction,
                  baseline=baseline, deadline=when(deadline) if deadline else None, scope=scope,
                  priority=priority, evidence=Evidence(sent, page, section, 0))


def deadline(action: str, label: str, page: int | None = 2) -> Deadline:
    return Deadline(id=rid("deadline", action), action=action, when=when(label),
                    evidence=Evidence(f"{action} by {when(label).text}.", page, ("Timeline",), 0))


def priority(title: str, page: int | None = 1) -> Priority:
    return Priority(id=rid("priority", title), title=title, target_ids=[],
                    evidence=Evidence(title, page, ("Priorities",), 0))


def heading(text: str, level: int = 1, page: int | None = 1, parents: tuple[str, ...] = ()) -> Block:
    return Block("heading", text, page, (*parents, text), level)


def para(text: str, section: tuple[str, ...], page: int | None = 1) -> Block:
    return Block("paragraph", text, page, section)


def document(label: str, blocks: list[Block] | None = None, *, path: str | None = None,
             title: str = "Planning guidance") -> Document:
    path = path or f"/tmp/guidance-{label.replace('/', '-').replace(' ', '_')}.pdf"
    if blocks is None:
        blocks = [heading("Introduction"), para(f"Edition {label}.", ("Introduction",))]
    sha = hashlib.sha256((path + label + "".join(b.text for b in blocks)).encode()).hexdigest()
    return Document(path=path, title=f"{title} {label}", edition=Edition.from_label(label), blocks=blocks,
                    source_format="pdf", sha256=sha, page_count=max([(b.page or 1) for b in blocks], default=1))


def edition(label: str, targets: list[Target] = (), deadlines: list[Deadline] = (),  # type: ignore[assignment]
            priorities: list[Priority] = (), blocks: list[Block] | None = None,  # type: ignore[assignment]
            ) -> tuple[Document, Extraction]:
    doc = document(label, blocks)
    return doc, Extraction(DocumentRef.of(doc), list(targets), list(deadlines), list(priorities))


_SYLLABLES = ["ka", "lo", "mi", "ne", "po", "ru", "si", "ta", "vo", "ze", "bu", "da", "fe", "gi", "ho"]


def _word(n: int) -> str:
    """A distinct made-up word per n, so no two generated metrics look alike to the matcher."""
    return "".join(_SYLLABLES[(n // 15 ** k) % 15] for k in range(3))


def many_targets(records: int = 300) -> tuple[tuple[Document, Extraction], tuple[Document, Extraction]]:
    """Two editions whose diff has about ``records`` rows: a fifth dropped, a fifth new, the rest
    matched (a third of those with a moved figure), for report rendering at scale."""
    shared, fresh = records * 3 // 5, records // 5

    def metric(i: int) -> str:
        return f"{_word(i)} {_word(i + 1000)} rate for local systems"

    old = edition("2024/25", [target(metric(i), 10 + i / 4, deadline="2025-03") for i in range(fresh + shared)])
    new = edition("2025/26", [target(metric(i), 10 + i / 4 + (i % 3 == 0), deadline="2026-03")
                              for i in range(fresh, 2 * fresh + shared)])
    return old, new


def catalogued(t: Target) -> Target:
    """A target as extraction gives it: with the metric catalogue's id of the measure its words name."""
    from guidance_parser import catalogue

    t.metric_id = catalogue.metric_of(t.metric, t.evidence.sentence, t.value, t.unit)
    return t
