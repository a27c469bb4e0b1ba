"""Fuzzing ingest and extract: whatever the bytes, the outcome is a Document or a GuidanceError.

Bounded for CI by example count (about 20 s in all). To fuzz longer, raise the budget:

    GUIDANCE_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py

Hypothesis keeps failing examples in .hypothesis/ and replays them first on the next run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidance_parser.errors import GuidanceError
from guidance_parser.model import Document

EXAMPLES = int(os.environ.get("GUIDANCE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("GUIDANCE_FUZZ_EXAMPLES"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Text that looks like guidance often enough to reach the deeper rules, and arbitrary text otherwise.
GUIDANCE_WORDS = ["2025/26", "by March 2026", "78%", "£500 million", "•", "o", "**", "\\(", "wil", "ful y",
                  "A&E", "within 4 hours", "Q3 2025/26", "1.", "#", "|", "\n", "\n\n", "reduce", "at least",
                  "<script>", "&amp;", "<h2>", "</li>", "18 weeks", "percentage points", "respectively"]
guidance_like = st.lists(st.one_of(st.sampled_from(GUIDANCE_WORDS), st.text(max_size=12)), max_size=80).map(
    " ".join)


@pytest.mark.slow
@FUZZ
@given(text=st.one_of(guidance_like, st.text(max_size=400)), fmt=st.sampled_from(["markdown", "text", "html"]))
def test_ingest_and_extract_text_never_crash(text: str, fmt: str) -> None:
    from guidance_parser.extract import extract
    from guidance_parser.ingest import ingest_text

    try:
        doc = ingest_text(text, fmt=fmt, path="<fuzz>", edition="2025/26")  # type: ignore[arg-type]
    except GuidanceError as err:
        assert "<fuzz>" in str(err) and "\n" not in str(err)
        return
    assert isinstance(doc, Document)
    extraction = extract(doc)
    for t in extraction.targets:
        assert t.evidence.sentence  # every record carries its source sentence


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from badinputs import BODY, _text_pdf

    return _text_pdf(tmp_path_factory.mktemp("seed") / "seed.pdf", BODY, pages=2).read_bytes()


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_damaged_pdf_bytes_never_crash(data: st.DataObject, seed_pdf: bytes, tmp_path: Path) -> None:
    from guidance_parser.ingest import ingest_file

    buf = bytearray(seed_pdf)
    for _ in range(data.draw(st.integers(1, 8), label="mutations")):
        pos = data.draw(st.integers(0, len(buf) - 1), label="pos")
        op = data.draw(st.sampled_from(["flip", "cut", "zero"]), label="op")
        if op == "flip":
            buf[pos] ^= data.draw(st.integers(1, 255), label="mask")
        elif op == "cut":
            del buf[pos:]
            break
        else:
            buf[pos:pos + 64] = bytes(min(64, len(buf) - pos))
    path = tmp_path / "fuzzed.pdf"
    path.write_bytes(bytes(buf))
    try:
        doc = ingest_file(path, edition="2025/26")
    except GuidanceError as err:
        assert str(path) in str(err) and "\n" not in str(err)
        return
    assert isinstance(doc, Document) and doc.blocks
