"""Text cleaning (guidance_parser.text): what is conversion damage, applied once by ingest."""

from __future__ import annotations

from guidance_parser.extract import extract
from guidance_parser.ingest import ingest_text
from guidance_parser.text import fold_punctuation, normalise_space, row_text, strip_artefacts, unbold


def test_artefacts_and_space() -> None:
    assert strip_artefacts(r"**Reduce** waits \(RTT\) to 65\%") == "Reduce waits (RTT) to 65\\%"
    assert strip_artefacts(r"cut by 5\.5 points, a \_ b") == "cut by 5.5 points, a _ b"
    assert strip_artefacts("__Bold__ text, a __ b") == "Bold text, a __ b"  # "__" beside a space stays
    assert unbold("**Urgent and** emergency **care**") == "Urgent and emergency care"
    assert normalise_space("  a \n\t b  ") == "a b"


def test_row_text_leaves_no_stray_space_for_empty_cells() -> None:
    assert row_text(["", "Area of change: workforce", "11"]) == "| Area of change: workforce | 11"
    assert row_text(["A&E", "", "78%"]) == "A&E | | 78%"


def test_fold_punctuation() -> None:
    assert fold_punctuation("‘trusts’ “must” 2025–26 — now") == "'trusts' \"must\" 2025-26 - now"


def test_ingest_cleans_once_and_extract_reads_the_clean_text() -> None:
    doc = ingest_text("# NHS planning guidance 2025/26\n\nTrusts **must** reduce waits \\(RTT\\) to\u00a0"
                      "65% by March 2026.\n", fmt="markdown", edition="2025/26")
    body = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert body == ["Trusts must reduce waits (RTT) to 65% by March 2026."]
    [target] = extract(doc).targets
    assert target.value == 65 and target.evidence.sentence == body[0]
