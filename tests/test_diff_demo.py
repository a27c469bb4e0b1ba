"""End to end on the demo pair: ingest -> extract -> diff finds what corpora/demo/EXPECTED.json lists,
and the CLI writes the HTML report and schema-valid JSON / CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cli import main
from guidance_parser import export
from guidance_parser.diff import diff_editions
from guidance_parser.model import Change, Deadline, DiffResult, Target

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpora" / "demo"
EXPECTED_FILE = DEMO / "EXPECTED.json"


def _pair(kind: str) -> list[Path]:
    files = sorted(DEMO.glob("*.pdf")) if kind == "pdf" else sorted((DEMO / "src").glob("*.md"))
    if len(files) < 2 or not EXPECTED_FILE.is_file():
        pytest.skip(f"demo {kind} pair or EXPECTED.json not built yet under {DEMO} "
                    "(run python corpora/build_demo.py)")
    return files


@pytest.fixture(scope="module", params=["pdf", "md"])
def demo(request) -> tuple[str, DiffResult]:
    from guidance_parser.extract import extract
    from guidance_parser.ingest import ingest_file

    eds = []
    for f in _pair(request.param):
        doc = ingest_file(f)
        eds.append((doc, extract(doc)))
    return request.param, diff_editions(eds)


def expected() -> dict:
    return json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))


def _text(c: Change) -> str:
    parts = [c.label] + [r.evidence.sentence for r in (c.old, c.new) if r is not None]
    return " ".join(parts).lower().replace("**", "")


def _when_label(r) -> str | None:
    if isinstance(r, Target):
        return r.deadline.label if r.deadline else None
    if isinstance(r, Deadline):
        return r.when.label
    return None


def _candidates(result: DiffResult, e: dict) -> list[Change]:
    types = {e["record_type"], *e.get("also_accept", [])}
    out = []
    for c in result.pairs[0].changes:
        if c.record_type not in types or not all(k.lower() in _text(c) for k in e["keywords"]):
            continue
        # Two dates in one sentence (draft and final plans): tell them apart by the expected dates.
        if e.get("old") and e["old"].get("deadline") and c.old is not None and \
                _when_label(c.old) not in (e["old"]["deadline"], None):
            continue
        if e.get("new") and e["new"].get("deadline") and c.new is not None and \
                _when_label(c.new) not in (e["new"]["deadline"], None):
            continue
        out.append(c)
    return out


def _ids(kind: str) -> list[str]:
    if not EXPECTED_FILE.is_file():
        return []
    return [e["id"] for e in expected()[kind]]


@pytest.mark.parametrize("eid", _ids("changes"))
def test_expected_change_is_found(demo, eid):
    source, result = demo
    e = next(x for x in expected()["changes"] if x["id"] == eid)
    found = [c for c in _candidates(result, e) if c.kind == e["kind"]]
    assert found, f"{eid}: no {e['kind']} change among " + repr(
        [(c.kind, c.label, c.summary) for c in _candidates(result, e)])
    c = found[0]
    assert set(e["aspects"]) <= set(c.aspects), (c.aspects, c.summary)
    assert set(c.aspects) - set(e["aspects"]) <= {"wording"}, c.summary
    for side in ("old", "new"):
        want, rec = e[side], getattr(c, side)
        if want is None:
            assert rec is None
            continue
        assert rec is not None
        if isinstance(rec, Target) and want.get("value") is not None:
            assert rec.value == pytest.approx(want["value"])
        if source == "pdf":  # the evidence points at the page a reader can open
            assert rec.evidence.page in {want.get("page"), want.get("table_page")}


@pytest.mark.parametrize("eid", _ids("unchanged"))
def test_unchanged_is_not_reported_as_added_or_dropped(demo, eid):
    _, result = demo
    e = next(x for x in expected()["unchanged"] if x["id"] == eid)
    cands = _candidates(result, e)
    assert not [c for c in cands if c.kind in ("added", "dropped")], [(c.kind, c.summary) for c in cands]
    for c in cands:
        if e["reworded"]:
            assert c.kind == "unchanged" or c.aspects == ["wording"], c.summary
        else:
            assert c.kind == "unchanged", c.summary


def test_demo_counts_are_small_and_specific(demo):
    """Restatements in the Annex table must not double the changes a reader has to check."""
    _, result = demo
    counts = result.pairs[0].counts
    n_expected = len(expected()["changes"])
    assert counts["added"] + counts["dropped"] + counts["changed"] <= n_expected + 2, counts


def test_reworded_passages_show_in_section_diff(demo):
    _, result = demo
    ops = [op for s in result.pairs[0].sections for op in s.ops if op.op == "replace"]
    for pair in expected()["reworded_only"]:
        old_words, new_words = set(pair["old"].split()), set(pair["new"].split())
        # a word-level replace whose old side holds the old sentence and whose inserts are its new words
        hits = [op for op in ops if pair["old"][:-1] in " ".join(op.old.split())
                and pair["new"][:-1] in " ".join(op.new.split())]
        assert hits, pair
        def words(text: str) -> set[str]:
            return {w.strip(" .,") for w in text.split()} - {""}
        inserted = words(" ".join(x.new for x in hits[0].inline if x.op == "insert"))
        deleted = words(" ".join(x.old for x in hits[0].inline if x.op == "delete"))
        assert words(" ".join(new_words - old_words)) <= inserted <= words(pair["new"]), inserted
        assert words(" ".join(old_words - new_words)) <= deleted <= words(pair["old"]), deleted


def test_cli_writes_report_json_and_csv(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    files = [str(f) for f in _pair("pdf")]
    html, js, cs = tmp_path / "report.html", tmp_path / "diff.json", tmp_path / "diff.csv"
    assert main(["diff", *files, "-o", str(html), "--no-cache", "-j", "1"]) == 0
    assert main(["diff", *files, "--format", "json", "-o", str(js), "--no-cache", "-j", "1"]) == 0
    assert main(["diff", *files, "--format", "csv", "-o", str(cs), "-j", "1"]) == 0
    page = html.read_text(encoding="utf-8")
    assert "What changed: the 2023/24 edition → the 2024/25 edition" in page and "<mark>78%</mark>" in page
    data = json.loads(js.read_text(encoding="utf-8"))
    export.validate(data, "diff")
    rows = list(csv.DictReader(cs.open(encoding="utf-8")))
    assert len(rows) == sum(len(p["changes"]) for p in data["pairs"])
    assert [r["id"] for r in rows] == [c["id"] for p in data["pairs"] for c in p["changes"]]  # stable ids
