"""The cache holds data, not code: JSON entries rebuilt exactly, planted pickles never run, a folder
others can write to refused, and no temporary file left behind when a write fails."""

from __future__ import annotations

import errno
import json
import os
import pickle
import re
from pathlib import Path

import pytest

import cli
from guidance_parser import cache, pipeline
from guidance_parser.extract import extract
from guidance_parser.ingest import ingest_file
from guidance_parser.model import Document, Extraction, from_dict, to_dict

ROOT = Path(__file__).resolve().parent.parent
DOC = "2024/25 priorities and operational planning guidance\n\nICBs should submit plans by June 2024.\n"


def _real_inputs() -> list[Path]:
    from conftest import CORPUS_MD
    demo = sorted((ROOT / "corpora" / "demo").glob("*.pdf"))
    return demo + (sorted(CORPUS_MD.glob("*.md"))[:3] if CORPUS_MD.is_dir() else [])


@pytest.mark.parametrize("path", _real_inputs(), ids=lambda p: p.name)
def test_from_dict_rebuilds_real_documents_and_extractions_exactly(path: Path) -> None:
    doc = ingest_file(path)
    x = extract(doc)
    assert from_dict(Document, to_dict(doc)) == doc
    assert from_dict(Extraction, to_dict(x)) == x


class _Planted:
    """Unpickling this would create the marker file: what an attacker's entry would do."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (Path(self.marker), "ran"))  # type: ignore[return-value]


def test_a_planted_pickle_entry_never_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "g.txt"
    src.write_text(DOC, encoding="utf-8")
    entry = pipeline._cache_path(pipeline._file_digest(src), "ingest", "pdfplumber", None)
    marker = tmp_path / "marker"
    entry.parent.mkdir(mode=0o700, parents=True)
    entry.write_bytes(pickle.dumps(_Planted(str(marker))))
    doc = pipeline.load_document(src, edition=None, engine="pdfplumber", use_cache=True)
    assert not marker.exists()
    assert doc.edition.label == "2024/25"
    assert from_dict(Document, json.loads(entry.read_text())["record"]) == doc  # rewritten as data


def test_a_cache_folder_others_can_write_to_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(shared))
    src = tmp_path / "g.txt"
    src.write_text(DOC, encoding="utf-8")
    assert cli.main(["ingest", str(src), "-j", "1"]) == 0
    err = capsys.readouterr().err
    assert "not using the cache" in err and "other users can write to it" in err
    assert list(shared.iterdir()) == []
    assert cache.unsafe_reason(tmp_path / "new") is None and (tmp_path / "new").stat().st_mode & 0o077 == 0


def test_a_failed_cache_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    entry = tmp_path / "ingest-x.json"
    doc = from_dict(Document, to_dict(ingest_file(_real_inputs()[0])))
    cache.write_entry(entry, doc, cache.Source("x", doc.sha256, 1))
    assert list(tmp_path.iterdir()) == []


def _two_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))  # where capped.run_cli keeps it too
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text(DOC, encoding="utf-8")
    b.write_text(DOC.replace("2024", "2025").replace("submit plans", "publish plans"), encoding="utf-8")
    return a, b


def _entries(path: Path) -> dict[str, Path]:
    digest = pipeline._file_digest(path)
    return {stage: pipeline._cache_path(digest, stage, "pdfplumber", None) for stage in ("ingest", "extract")}


def test_an_entry_copied_under_another_files_key_is_never_served(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from capped import run_cli

    a, b = _two_files(tmp_path, monkeypatch)
    assert run_cli(["extract", "a.md", "b.md", "-j", "1"], tmp_path).returncode == 0
    fresh = json.loads(run_cli(["extract", "b.md", "--no-cache"], tmp_path).stdout)["extractions"][0]
    for stage, entry in _entries(a).items():
        _entries(b)[stage].write_bytes(entry.read_bytes())  # a's entries under b's keys
    proc = run_cli(["--debug", "extract", "b.md", "-j", "1"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)["extractions"][0]
    assert got == fresh and got["document"]["sha256"] == pipeline._file_digest(b)
    assert proc.stderr.count("cache: not using") == 2 and "made under another key" in proc.stderr, proc.stderr


def test_a_wrong_typed_entry_is_a_miss_named_in_a_debug_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    field, value, words = ("blocks", 0, "page"), "three", "expected int, got str"
    from capped import run_cli

    a, _ = _two_files(tmp_path, monkeypatch)
    expected = run_cli(["extract", "a.md"], tmp_path)
    assert expected.returncode == 0
    entry = _entries(a)["ingest"]
    data = json.loads(entry.read_text(encoding="utf-8"))
    target = data["record"]
    for step in field[:-1]:
        target = target[step]
    target[field[-1]] = value
    entry.write_text(json.dumps(data), encoding="utf-8")
    _entries(a)["extract"].unlink()  # so the ingest entry is read
    quiet = run_cli(["extract", "a.md"], tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == expected.stdout, quiet.stderr
    entry.write_text(json.dumps(data), encoding="utf-8")  # the run above rewrote a good entry: plant it again
    _entries(a)["extract"].unlink()
    proc = run_cli(["--debug", "extract", "a.md"], tmp_path)
    assert proc.returncode == 0 and proc.stdout == expected.stdout
    line = next(ln for ln in proc.stderr.splitlines() if "cache: not using" in ln)
    assert line.startswith("guidance: debug: cache: not using ingest-") and "for a.md: ValueError" in line
    assert words in line, line


def test_an_oversized_entry_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, _ = _two_files(tmp_path, monkeypatch)
    pipeline.load_document(a, edition=None, engine="pdfplumber", use_cache=True)
    entry = _entries(a)["ingest"]
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["record"]["title"] = "x" * 20_000  # still a valid entry, but bigger than its file could make
    entry.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(cache, "MAX_ENTRY_BASE", 1000)
    source = cache.Source("a.md", pipeline._file_digest(a), a.stat().st_size)
    assert cache.read_entry(entry, Document, source) is None
    monkeypatch.setattr(cache, "MAX_ENTRY_BASE", 64 * 1024 * 1024)
    assert cache.read_entry(entry, Document, source).title == "x" * 20_000  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def demo_doc() -> Document:
    return ingest_file(_real_inputs()[0])


@pytest.mark.parametrize(("path", "value", "words"), [
    (("blocks", 0, "page"), "three", "Document.blocks[0].page: expected int, got str"),
    (("blocks", 0, "page"), True, "expected int, got bool"),
    (("blocks", 0, "kind"), "banner", "is not one of"),
    (("blocks", 0, "section"), "Intro", "expected tuple, got str"),
    (("edition",), ["2024/25"], "Document.edition: expected Edition, got list"),
    (("blocks", 0, "surprise"), 1, "unknown fields ['surprise']"),
    (("published",), 20240101, "expected date, got int"),
    (("sha256",), None, "expected str, got NoneType"),
])
def test_from_dict_refuses_what_to_dict_could_not_have_made(path: tuple, value: object, words: str,
                                                            demo_doc: Document) -> None:
    data = to_dict(demo_doc)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(ValueError, match=re.escape(words)):
        from_dict(Document, data)


def test_from_dict_refuses_a_record_with_a_field_missing(demo_doc: Document) -> None:
    data = to_dict(demo_doc)
    del data["title"]
    with pytest.raises(ValueError, match=re.escape("Document: missing fields ['title']")):
        from_dict(Document, data)


def test_a_well_typed_extraction_entry_that_no_export_could_hold_is_a_miss(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    a, _ = _two_files(tmp_path, monkeypatch)
    _, fresh = pipeline.load_extraction(a, edition=None, engine="pdfplumber", use_cache=True)
    entry = _entries(a)["extract"]
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["record"]["deadlines"][0]["evidence"]["page"] = -1  # an int, but no page
    entry.write_text(json.dumps(data), encoding="utf-8")
    with caplog.at_level("DEBUG", logger="guidance_parser"):
        _, x = pipeline.load_extraction(a, edition=None, engine="pdfplumber", use_cache=True)
    assert x == fresh
    said = [r.getMessage() for r in caplog.records if "cache: not using extract-" in r.getMessage()]
    assert len(said) == 1 and "ValidationError" in said[0], caplog.text
    assert "\n" not in said[0]  # the schema's long report kept to one line
