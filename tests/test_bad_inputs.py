"""Bad input ends well: a one-line error naming the file and what to do, or a correct result.

Runs the real CLI entry point in-process on every file that ``badinputs.py`` generates.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from badinputs import EXPECT, TITLE, make_all, many_pages_pdf

import cli


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_all(tmp_path_factory.mktemp("bad"))


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_each_bad_input_ends_well(name: str, bad_dir: dict[str, Path], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    path = bad_dir[name]
    expect = EXPECT[name]
    code, out, err = _run(["ingest", str(path), "--format", "json", "-j", "1"], capsys)
    assert "Traceback" not in err
    if expect.ok:
        assert code == 0, err
        assert '"blocks"' in out and "2025/26" in out
        assert err == ""  # nothing from the PDF libraries' own logging reaches the terminal
    else:
        assert code != 0
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1, err
        assert str(path) in lines[0]
        for word in expect.words:
            assert word in lines[0].lower(), lines[0]
        assert out == ""  # never a silently empty result on stdout


def test_hostile_html_carries_no_markup_or_script(bad_dir: dict[str, Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from guidance_parser.ingest import ingest_file

    doc = ingest_file(bad_dir["hostile-html"])
    text = "\n".join(b.text for b in doc.blocks)
    assert "injected" not in text and "alert('head')" not in text  # script bodies dropped
    assert "javascript:" not in text
    assert "78% by March 2026" in text
    # Markup written out as text in the source stays text (the report escapes it later).
    assert "<script>alert('in text')</script>" in text


def test_encodings_and_control_characters_are_cleaned(bad_dir: dict[str, Path]) -> None:
    from guidance_parser.ingest import ingest_file

    cp = "\n".join(b.text for b in ingest_file(bad_dir["cp1252"]).blocks)
    assert "\u00a3500 million \u2013 the \u2018headline\u2019" in cp
    bom = ingest_file(bad_dir["bom-control"])
    text = "\n".join(b.text for b in bom.blocks)
    assert "\ufeff" not in bom.title and not any(ch in text for ch in "\x00\x07\x0b\x1b")
    assert "Reduce waits to 18 weeks by March 2026." in text


def test_year_override_rescues_a_document_without_one(bad_dir: dict[str, Path],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["ingest", str(bad_dir["no-year"]), "--edition", "2025/26", "--format", "json",
                           "--no-cache"], capsys)
    assert code == 0, err
    assert '"label": "2025/26"' in out


def test_one_bad_file_does_not_stop_the_others(bad_dir: dict[str, Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    good = bad_dir["cp1252"]
    bad = [bad_dir["zero-byte"], bad_dir["scanned"]]
    code, out, err = _run(["ingest", str(bad[0]), str(good), str(bad[1]), "--format", "json", "-j", "2"], capsys)
    assert code != 0
    assert TITLE in out  # the good file's document was still printed
    assert "Traceback" not in err
    summary = err.strip().splitlines()[-1]
    assert "2 of 3 files failed" in summary and str(bad[0]) in summary and str(bad[1]) in summary


def test_diff_with_one_unreadable_edition_says_so(bad_dir: dict[str, Path], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "report.html"
    code, _, err = _run(["diff", str(bad_dir["cp1252"]), str(bad_dir["truncated"]), "-o", str(out_file),
                         "--no-cache", "-j", "1"], capsys)
    assert code != 0 and "Traceback" not in err
    assert "nothing to compare" in err
    assert not out_file.exists()  # never a silently empty report


@pytest.mark.slow
def test_500_page_pdf_ingests(tmp_path: Path) -> None:
    from guidance_parser.ingest import ingest_file

    doc = ingest_file(many_pages_pdf(tmp_path, 500))
    assert doc.page_count == 500
    assert {b.page for b in doc.blocks} == set(range(1, 501))
    # The title repeats on every page, so it is a running header and must not survive as body text.
    assert not any(b.text == TITLE for b in doc.blocks if b.kind == "paragraph")


def test_pdf_library_warnings_stay_off_the_terminal(bad_dir: dict[str, Path], tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    # A real process: the reader's child writes to the terminal's own stderr, which capsys cannot see.
    proc = subprocess.run([sys.executable, str(Path(cli.__file__)), "ingest", str(bad_dir["self-drawing-form"]),
                           "--no-cache"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GUIDANCE_CACHE_DIR": str(tmp_path)})
    assert proc.returncode == 0 and TITLE in proc.stdout
    assert proc.stderr == ""


def test_markdown_paragraph_after_inline_html_stays_its_own() -> None:
    from guidance_parser.ingest import ingest_text

    text = (f"# {TITLE}\n\n<div class=\"note\">Funding is set out in annex B</div>\n\n"
            "systems should reduce waits to 18 weeks by March 2026.\n")
    doc = ingest_text(text, fmt="markdown")
    assert [b.text for b in doc.blocks if b.kind == "paragraph"] == [
        "Funding is set out in annex B",  # the tags are markup, not text
        "systems should reduce waits to 18 weeks by March 2026."]
