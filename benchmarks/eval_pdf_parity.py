"""PDF-path parity: score every gold text twice, as its Markdown conversion and as a real-layout PDF of it.

python benchmarks/eval_pdf_parity.py [--corpus ../shared/corpus] [--only NAME] [--engines pdfplumber,pdfium]

``guidance eval`` reads the Markdown conversions only, so it measures the Markdown ingest. Here each gold
file of ``tests/gold`` and ``tests/gold/heldout`` (never ``tests/gold/blind``: it stays blind) is also
rendered with ``tests/pdfbuild.py`` into an NHS-style PDF -- a cover and a contents page before page 1, a
running header (the title) and footer, bare page numbers, every third page set in two columns, bold lines
as headings, bold words in bold -- and that PDF is ingested by the PDF engines, extracted and scored by
the same scorer (``guidance_parser.evaluate.score_document``). Gold records are located by quote in the
evidence sentence, so their ``line`` anchors do not matter; ``scope`` heading markers are looked up in the
PDF's blocks as in the Markdown's. A scope given only by ``first_line`` / ``last_line`` short of the whole
text is rendered as those lines alone.

Printed: per document and type, both paths' gold / found / tp / P / R / F1 and field accuracy side by
side, then the records one path finds and the other does not (and located pairs whose fields differ).
Built PDFs are cached in ``benchmarks/_pdfs/`` by builder source, text and settings.
Skips, saying so, when the corpus is absent. Not a test: ``tests/test_eval_pdf_parity.py`` holds the floor.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from rapidfuzz import fuzz  # noqa: E402

from guidance_parser.corpora import default_corpus_dir  # noqa: E402
from guidance_parser.evaluate import (  # noqa: E402
    DocScore,
    TypeScore,
    gold_files,
    ingest_annotated,
    load_gold,
    norm,
    score_document,
)
from guidance_parser.extract import extract  # noqa: E402
from guidance_parser.model import Deadline, Document, Extraction, Priority, Target  # noqa: E402
from guidance_parser.options import DEFAULT_ENGINE, ENGINES  # noqa: E402

GOLD = ROOT / "tests" / "gold"
GOLD_DIRS = (GOLD, GOLD / "heldout")  # never GOLD / "blind"
PDF_DIR = Path(os.environ.get("GUIDANCE_BENCH_PDFS", ROOT / "benchmarks" / "_pdfs"))
FOOTER = "NHS England"
TWO_COLUMN_EVERY = 3  # every third page (physical, from the first body page) is set in two columns
CONTENTS_MAX = 24  # headings listed on the contents page (one page holds about this many)


@dataclass
class Side:
    """One path's reading of one gold document: its scores and the in-scope records they were made from."""

    gold: dict[str, Any]
    doc: Document | None
    extraction: Extraction | None
    score: DocScore


def _body_text(gold: dict[str, Any], text: str) -> str:
    """The text to render: the whole conversion, or the scope's lines when only lines delimit it."""
    scope = gold.get("scope", {})
    lines = text.splitlines()
    first, last = scope.get("first_line", 1), scope.get("last_line", len(lines))
    if scope.get("start_at") or scope.get("end_before") or (first <= 1 and last >= len(lines)):
        return text  # heading markers (or nothing) delimit the span: the scorer finds them in the PDF too
    return "\n".join(lines[first - 1:last]) + "\n"


def _settings(text: str) -> dict[str, Any]:
    """Deterministic NHS-style layout for a text: cover, contents, title header, footer, two-column pages."""
    import pdfbuild

    heads = [e.text.replace("**", "").strip() for e in pdfbuild.parse_markdown(text, bold_headings=True)
             if e.kind == "heading"]
    title = heads[0] if heads else "NHS England"
    cover = f"# {title}\n\nNHS England\n"
    contents = "**Contents**\n\n" + "\n\n".join(heads[1:CONTENTS_MAX + 1]) + "\n"
    front = 2
    return {"header": title, "footer": FOOTER, "page_numbers": True, "front_pages": [cover, contents],
            "two_column_pages": list(range(front + 2, front + 400, TWO_COLUMN_EVERY)),
            "bold_headings": True, "markup": "bold", "unescape": True}


def build(name: str, text: str, pdf_dir: Path = PDF_DIR) -> Path:
    """The PDF of ``text`` (cached in ``pdf_dir`` by builder source, text and settings)."""
    import pdfbuild

    settings = _settings(text)
    key = hashlib.sha256(Path(pdfbuild.__file__).read_bytes() + text.encode() + repr(settings).encode())
    out = pdf_dir / f"parity-{name}-{key.hexdigest()[:10]}.pdf"
    if not out.is_file():
        pdf_dir.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(f".{os.getpid()}.tmp")
        pdfbuild.build_pdf(text, tmp, **settings)
        os.replace(tmp, out)
    return out


def read(path: Path, gold: dict[str, Any], gold_file: Path, engine: str = DEFAULT_ENGINE) -> Side:
    doc = ingest_annotated(path, gold, gold_file, engine=engine)
    ex = extract(doc)
    return Side(gold, doc, ex, score_document(doc, ex, gold))


def parity(gold_file: Path, corpus: Path, engines: tuple[str, ...] = (DEFAULT_ENGINE,),
           pdf_dir: Path = PDF_DIR) -> dict[str, Side]:
    """The Markdown side ("md") and one PDF side per engine of one gold document."""
    gold = load_gold(gold_file)
    md_path = corpus / "md" / gold["document"]
    text = md_path.read_text(encoding="utf-8")
    body = _body_text(gold, text)
    pdf = build(gold_file.stem + ("" if body == text else "-scope"), body, pdf_dir)
    sides = {"md": read(md_path, gold, gold_file)}
    for engine in engines:
        sides[engine] = read(pdf, gold, gold_file, engine)
    return sides


# ----------------------------------------------------------------------------------------- comparing


def _in_scope(side: Side) -> dict[str, list[Any]]:
    """The records the scorer scored (those inside the gold's scope markers)."""
    from guidance_parser.evaluate import _scope_end

    assert side.doc is not None and side.extraction is not None
    start = _scope_end(side.doc, side.gold, "start_at")
    end = _scope_end(side.doc, side.gold)
    ex = side.extraction
    return {kind: [r for r in recs if start <= r.evidence.block_index < end]
            for kind, recs in (("targets", ex.targets), ("deadlines", ex.deadlines),
                               ("priorities", ex.priorities))}


def _fields(r: Any) -> str:
    if isinstance(r, Target):
        v = "-" if r.value is None else f"{r.value:g}"
        return f"{v} {r.unit or ''} {r.deadline.label if r.deadline else ''}".strip()
    if isinstance(r, Deadline):
        return r.when.label
    assert isinstance(r, Priority)
    return r.title[:60]


def _sentence(r: Any) -> str:
    return norm(r.evidence.sentence)


def pair_records(a: list[Any], b: list[Any]) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Records of two readings of one text paired by evidence sentence (fuzzy) and, among equals, fields."""
    cands = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            s = fuzz.token_set_ratio(_sentence(x), _sentence(y))
            if s >= 85:
                cands.append((s + (5 if _fields(x) == _fields(y) else 0), i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, i, j in sorted(cands, key=lambda c: (-c[0], c[1], c[2])):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((a[i], b[j]))
    return (pairs, [x for i, x in enumerate(a) if i not in used_a], [y for j, y in enumerate(b) if j not in used_b])


def _short(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _f(x: float) -> str:
    return "  -  " if math.isnan(x) else f"{x:4.2f}"


def _fields_summary(ts: TypeScore) -> str:
    return " ".join(f"{k} {v.right}/{v.total}" for k, v in ts.fields.items())


def table_rows(name: str, sides: dict[str, Side]) -> list[str]:
    rows = []
    for kind in sides["md"].score.types:
        cells = []
        for label, side in sides.items():
            ts = side.score.types[kind]
            cells.append(f"{label[:6]:6} {ts.extracted:>3} "
                         f"{ts.tp:>3} {_f(ts.precision)} {_f(ts.recall)} {_f(ts.f1)} {_fields_summary(ts):28}")
        rows.append(f"{name[:34]:34} {kind:10} {sides['md'].score.types[kind].gold:>4}  " + " | ".join(cells))
    return rows


def differences(sides: dict[str, Side], engine: str) -> list[str]:
    """Records one path finds and the other does not, and paired records whose fields differ."""
    out = []
    md, pdf = _in_scope(sides["md"]), _in_scope(sides[engine])
    for kind in md:
        pairs, only_md, only_pdf = pair_records(md[kind], pdf[kind])
        for r in only_md:
            out.append(f"  {kind:10} md only  [{_fields(r)}] {_short(r.evidence.sentence)}")
        for r in only_pdf:
            out.append(f"  {kind:10} {engine[:6]} only [{_fields(r)}] p{r.evidence.page} "
                       f"{_short(r.evidence.sentence)}")
        for x, y in pairs:
            if _fields(x) != _fields(y):
                out.append(f"  {kind:10} fields   md [{_fields(x)}] vs {engine[:6]} [{_fields(y)}] p{y.evidence.page} "
                           f"{_short(y.evidence.sentence)}")
    return out


def pooled(per_doc: list[dict[str, Side]], label: str) -> DocScore:
    from guidance_parser.evaluate import overall

    return overall([s[label].score for s in per_doc])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=default_corpus_dir())
    ap.add_argument("--only", help="score only the gold files whose name contains this")
    ap.add_argument("--engines", default=",".join(ENGINES),
                    help=f"PDF engines to read each PDF with (default: {','.join(ENGINES)})")
    args = ap.parse_args()
    if not (args.corpus / "md").is_dir():
        print(f"skipped: the corpus texts were not found under {args.corpus / 'md'} (they live beside the "
              "project in ../shared/corpus; pass --corpus or set GUIDANCE_CORPUS)")
        return 0
    engines = tuple(e for e in args.engines.split(",") if e)
    files = [(d.name if d != GOLD else "tuned", f) for d in GOLD_DIRS for f in gold_files(d)
             if not args.only or args.only in f.name]
    results = []
    for group, gf in files:
        print(f"reading {group}/{gf.name} ...", file=sys.stderr, flush=True)
        sides = parity(gf, args.corpus, engines)
        results.append((f"{group}: {gf.stem}", sides))
    head = (f"{'document':34} {'type':10} {'gold'}  "
            + " | ".join(f"{lab[:6]:6} {'fnd':>3} {'tp':>3} {'P':>4} {'R':>4} {'F1':>4} {'fields':28}"
                         for lab in ("md", *engines)))
    print(head + "\n" + "-" * len(head))
    for name, sides in results:
        print("\n".join(table_rows(name, sides)))
    totals = {lab: pooled([s for _, s in results], lab) for lab in ("md", *engines)}
    print("\n".join(table_rows("TOTAL", {lab: Side({}, None, None, ds) for lab, ds in totals.items()})))
    for name, sides in results:
        for engine in engines:
            diff = differences(sides, engine)
            if diff:
                print(f"\n{name}: md vs {engine} ({len(diff)}):")
                print("\n".join(diff))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
