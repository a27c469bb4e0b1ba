"""Issue 23's hostile inputs past reading: each ends in a clear error or a safe output, under the same 2 GiB
address-space cap and 60 s wall-clock kill as ``test_limits.py`` (whose harness runs the CLI here).

Every file is generated below, so what it holds is visible in code: a sentence of thousands of figures
(extraction grew with the square of its length), a paragraph past spaCy's million characters, HTML nested
1,000 deep, figures of 400 digits, full-width digits and right-to-left overrides, PDF streams that inflate
through LZW and RunLength rather than Flate.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from badinputs import TITLE, _raw_pdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from test_limits import _guidance

from guidance_parser.extract import extract
from guidance_parser.ingest import ingest_file
from guidance_parser.text import clean_chars


def long_sentence(kb: int) -> str:
    """One sentence of about ``kb`` KB (as ``benchmarks/bench_long_sentence.py`` builds it): a commitment
    with a percentage, a count and a date, repeated and joined by commas, with no full stop until the end."""
    parts = [f"systems will raise cover in area {i} to {50 + i % 40}% and fund {1000 + i} posts by March 2026"
             for i in range(kb * 1024 // 90)]
    return "We will deliver " + ", ".join(parts) + "."


def _text_file(d: Path, name: str, body: str) -> Path:
    p = d / name
    p.write_text(f"{TITLE}\n\n{body}\n", encoding="utf-8")
    return p


def _records(out: Path) -> list[dict[str, object]]:
    data = json.loads(out.read_text(encoding="utf-8"))
    return [t for x in data["extractions"] for t in x["targets"]]


def test_a_sentence_of_a_thousand_figures_is_read_within_the_limits(tmp_path: Path) -> None:
    # 133 KB: 29 s before (the measurement); its every figure rescanned the whole sentence
    src = _text_file(tmp_path, "long-sentence.txt", long_sentence(133))
    out = tmp_path / "out.json"
    proc = _guidance(["extract", str(src), "--no-cache", "--format", "json", "-o", str(out)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    targets = _records(out)
    assert len(targets) > 2000  # a percentage and a count in each of about 1,500 items
    assert "cover in area 777" in {t["metric"] for t in targets}  # each figure its own measure


def test_extraction_over_the_time_budget_names_the_file_and_the_stage(tmp_path: Path) -> None:
    src = _text_file(tmp_path, "long-sentence.txt", long_sentence(133))
    proc = _guidance(["extract", str(src), "--no-cache", "--limit", "time=1"], tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    [line] = [ln for ln in proc.stderr.splitlines() if ln.startswith("guidance: error:")]
    assert str(src) in line and "extracting from it took longer than the time budget (limit: 1 s)" in line
    assert "--limit time=N" in line


def test_a_diff_over_the_memory_budget_is_one_line_not_a_broken_pool(tmp_path: Path) -> None:
    # Comparing is held to the memory budget too: with 64 MiB to spare (the least the limit takes), loading
    # the matcher's libraries (scikit-learn, SciPy) alone goes over it; reading and extracting two lines do not.
    old = _text_file(tmp_path, "old.txt", "Systems will reduce waits to 18 weeks by March 2026.")
    new = tmp_path / "new.txt"
    new.write_text(old.read_text().replace("2025/26", "2026/27").replace("2026.", "2027."), encoding="utf-8")
    proc = _guidance(["diff", str(old), str(new), "--no-cache", "-j", "2", "--limit", "memory=64", "-o",
                      str(tmp_path / "r.html")], tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "comparing them ran out of memory (limit: 64 MiB)" in proc.stderr, proc.stderr
    assert "BrokenProcessPool" not in proc.stderr and "internal error" not in proc.stderr
    assert not (tmp_path / "r.html").exists()


def test_a_paragraph_of_over_a_million_characters_is_read(tmp_path: Path) -> None:
    # spaCy refuses texts over 1,000,000 characters: this ended as "please report"
    body = "Systems will reduce waits to 18 weeks by March 2026 in " + "the wards of Leeds, " * 60_000 + \
        "and will keep them there."
    assert len(body) > 1_000_000
    src = _text_file(tmp_path, "long-paragraph.txt", body)
    out = tmp_path / "out.json"
    proc = _guidance(["extract", str(src), "--no-cache", "--format", "json", "-o", str(out)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert any(t["value"] == 18 and t["unit"] == "weeks" for t in _records(out))


def test_html_nested_a_thousand_deep_is_a_limit_message(tmp_path: Path) -> None:
    src = tmp_path / "nested.html"
    src.write_text(f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>" + "<div>" * 1000 +
                   "<p>Reduce waits to 18 weeks by March 2026.</p>" + "</div>" * 1000 + "</body></html>")
    proc = _guidance(["extract", str(src), "--no-cache"], tmp_path)
    assert "Traceback" not in proc.stderr and "please report" not in proc.stderr, proc.stderr
    if proc.returncode != 0:  # a reader that can follow it is fine; one that cannot must say so
        assert proc.returncode == 2 and "nested too deeply" in proc.stderr and str(src) in proc.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_400_digit_figure_is_kept_unread_and_every_export_is_written(fmt: str, tmp_path: Path) -> None:
    old = _text_file(tmp_path, "old.txt", "Systems will increase capacity by " + "9" * 400 + "% by March 2026. "
                     "We will invest £" + "1" * 320 + " million in beds by 2027.")
    new = tmp_path / "new.txt"
    new.write_text(old.read_text().replace("2025/26", "2026/27").replace("2026.", "2027."), encoding="utf-8")
    out = tmp_path / f"x.{fmt}"
    proc = _guidance(["extract", str(old), "--no-cache", "--format", fmt, "-o", str(out)], tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    if fmt == "json":
        text = out.read_text()
        assert "Infinity" not in text and "NaN" not in text
        targets = _records(out)
        assert len(targets) == 2 and all(t["value"] is None for t in targets)
        assert all("figure not read: larger than 10^15" in str(t["basis"]) for t in targets)
    diff_fmt = "html" if fmt == "json" else fmt
    report = tmp_path / f"d.{diff_fmt}"
    proc = _guidance(["diff", str(old), str(new), "--no-cache", "--format", diff_fmt, "-o", str(report)], tmp_path)
    assert proc.returncode == 0 and "OverflowError" not in proc.stderr, proc.stderr
    assert report.stat().st_size > 0


def test_full_width_digits_and_bidi_controls_are_cleaned_before_extraction(tmp_path: Path) -> None:
    assert clean_chars("６５％ by ２０２６") == "65% by 2026"
    assert clean_chars("to \u202e78%\u202c and \u2067£5m\u2069 \u200e") == "to 78% and £5m "
    assert clean_chars("x² ½") == "x² ½"  # footnote markers and fractions are not digits to fold
    src = _text_file(tmp_path, "wide.txt", "Systems will improve the percentage of patients seen within 4 hours "
                     "to \u202e８０%\u202c by March 2026. ICBs will reduce agency spend by \u2067６５％\u2069.")
    x = extract(ingest_file(src))
    assert sorted((t.value, t.unit) for t in x.targets) == [(65.0, "%"), (80.0, "%")]


def _lzw_bits(cycles: int) -> bytes:
    """LZW codes (as PDF's LZWDecode, 9-12 bits) that decode to about 7.4 MB of zero bytes per cycle: after a
    clear code, each code names the entry the decoder is about to make, one byte longer than the last."""
    out, width, table = [], 9, 0

    def put(code: int) -> None:
        out.append(format(code, f"0{width}b"))

    for _ in range(cycles):
        put(256)
        width, table = 9, 258
        put(0)
        for code in range(258, 4096):
            put(code)
            table += 1
            width = 10 if table >= 511 else width
            width = 11 if table >= 1023 else width
            width = 12 if table >= 2047 else width
    put(257)
    bits = "".join(out)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def _stream_pdf(path: Path, data: bytes, filters: str) -> Path:
    return _raw_pdf(path, [b"<< /Length %d /Filter %s >>\nstream\n" % (len(data), filters.encode()) + data +
                           b"\nendstream"])


@pytest.mark.parametrize("kind", ["lzw", "runlength", "ascii85-lzw"])
def test_the_stream_cap_counts_every_filter(kind: str, tmp_path: Path) -> None:
    if kind == "runlength":  # 255 then a byte: 2 bytes that decode to 2 bytes ... 64-fold
        pdf = _stream_pdf(tmp_path / "rl.pdf", b"\x81\x20" * (3 << 20) + b"\x80", "/RunLengthDecode")
    else:
        lzw = _lzw_bits(300)  # about 1.6 MB that decode to 2.2 GB
        if kind == "lzw":
            pdf = _stream_pdf(tmp_path / "lzw.pdf", lzw, "/LZWDecode")
        else:
            import base64
            pdf = _stream_pdf(tmp_path / "a85.pdf", base64.a85encode(lzw) + b"~>", "[/ASCII85Decode /LZWDecode]")
    proc = _guidance(["ingest", str(pdf), "--no-cache", "--limit", "stream=32"], tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "a stream in the PDF inflates beyond the limit (limit: 32 MiB)" in proc.stderr, proc.stderr


def test_a_small_lzw_stream_still_reads(tmp_path: Path) -> None:
    # the capped decoder reads what pdfminer's did: a page whose content is LZW-encoded text
    from pdfminer.lzw import lzwdecode

    content = b"BT /F1 12 Tf 72 720 Td (" + TITLE.encode() + b") Tj ET"
    codes = "".join(format(c, "09b") for c in [256, *content, 257])
    codes += "0" * (-len(codes) % 8)
    data = int(codes, 2).to_bytes(len(codes) // 8, "big")
    assert lzwdecode(data) == content
    pdf = _stream_pdf(tmp_path / "lzw-text.pdf", data, "/LZWDecode")
    proc = _guidance(["ingest", str(pdf), "--no-cache", "--edition", f"{pdf}=2025/26"], tmp_path)
    assert proc.returncode == 0 and TITLE in proc.stdout, proc.stderr


def _pages_pdf(path: Path, pages: int) -> Path:
    """A PDF of ``pages`` pages, each with its own target and deadline (the same line on every page would be
    taken for a running header)."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for n in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 16)
        c.drawString(60, 780, TITLE)
        c.setFont("Helvetica", 10)
        c.drawString(60, 740, f"Systems will raise cover in area {n} to {50 + n % 40}% by March 2026.")
        c.drawString(60, 724, f"ICBs in region {n} should submit a plan by June 2025.")
        c.drawString(290, 40, str(n))
        c.showPage()
    c.save()
    return path


def test_a_thousand_page_pdf_completes_with_the_documented_flags(tmp_path: Path) -> None:
    pdf = _pages_pdf(tmp_path / "pages-1000.pdf", 1000)
    out = tmp_path / "x.csv"
    proc = _guidance(["extract", str(pdf), "--no-cache", "--engine", "pdfium", "--limit", "time=55", "--format",
                      "csv", "-o", str(out)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert sum(1 for r in rows if r["id"].startswith("t-")) == 1000  # a target on every page


def test_the_api_holds_extraction_and_comparison_to_the_limits(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from guidance_parser import api
    from guidance_parser.errors import GuidanceError

    src = _text_file(tmp_path, "long-sentence.txt", long_sentence(133))
    monkeypatch.setenv("GUIDANCE_LIMITS", "time=1")
    with pytest.raises(GuidanceError, match="extracting from it took longer than the time budget"):
        api.extract(src, cache=False)
    doc = api.load(src, cache=False)  # reading is quick; extracting a Document is held to the limit as well
    with pytest.raises(GuidanceError, match="extracting from it took longer than the time budget"):
        api.extract(doc)
