"""Stable ids (README, "Ids"): a record's id does not depend on which other editions are in the run, and
the same target in two editions shares a lineage id made from its metric catalogue id."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidance_parser.diff import diff_editions
from guidance_parser.extract import extract
from guidance_parser.ingest import ingest_file
from guidance_parser.model import DiffResult, Document, Extraction

DEMO_SRC = Path(__file__).resolve().parent.parent / "corpora" / "demo" / "src"


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Document, Extraction]]:
    """The demo pair (A = 2023/24, B = 2024/25) and C: B rolled on a year with two figures moved."""
    a, b = DEMO_SRC / "planning-guidance-2023-24.md", DEMO_SRC / "planning-guidance-2024-25.md"
    text = b.read_text(encoding="utf-8")
    for old, new in (("2024/25", "2025/26"), ("March 2025", "March 2026"), ("78%", "80%"),
                     ("average of 30 minutes", "average of 28 minutes")):
        assert old in text, old
        text = text.replace(old, new)
    c = tmp_path_factory.mktemp("third") / "planning-guidance-2025-26.md"
    c.write_text(text, encoding="utf-8")
    out = []
    for path in (a, b, c):
        doc = ingest_file(path)
        out.append((doc, extract(doc)))
    return out


def _ids_of_new(result: DiffResult, pair: int) -> dict[str, str]:
    """The newer edition's records in one pair of the run: record id -> change (lineage) id."""
    return {c.new.id: c.id for c in result.pairs[pair].changes if c.new is not None}


def _ids_of_old(result: DiffResult, pair: int) -> dict[str, str]:
    return {c.old.id: c.id for c in result.pairs[pair].changes if c.old is not None}


def test_a_newer_edition_in_the_run_changes_no_id(editions):
    a, b, c = editions
    two, three = diff_editions([a, b]), diff_editions([a, b, c])
    b_ids = _ids_of_new(two, 0)
    assert b_ids and _ids_of_new(three, 0) == b_ids
    assert _ids_of_old(three, 1) == b_ids  # B's records keep them as the old side of B -> C
    assert _ids_of_old(two, 0) == _ids_of_old(three, 0)


def test_catalogue_targets_share_a_lineage_id_whatever_the_run(editions):
    a, b, c = editions
    runs = [diff_editions([a, b]), diff_editions([b, c]), diff_editions([a, b, c])]
    for run in runs:
        ids = {ch.id for p in run.pairs for ch in p.changes}
        assert {"target:uec.ae_4h", "target:uec.cat2_mean"} <= ids
        for p in run.pairs:
            ae = next(ch for ch in p.changes if ch.id == "target:uec.ae_4h")
            assert ae.old is not None and ae.new is not None  # one lineage across the pair
            assert getattr(ae.new, "metric_id", None) == "uec.ae_4h"
    # B's catalogue-known targets get the same id whether or not A is in the run
    ab, bc = _ids_of_new(runs[0], 0), _ids_of_old(runs[1], 0)
    known = {rid: lid for rid, lid in ab.items() if lid.startswith("target:")}
    assert known and all(bc[rid] == lid for rid, lid in known.items())
