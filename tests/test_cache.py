"""The cache holds data, not code: JSON entries rebuilt exactly, planted pickles never run, a folder
others can write to refused, and no temporary file left behind when a write fails."""

from __future__ import annotations

import errno
import os
import pickle
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
    assert from_dict(Document, __import__("json").loads(entry.read_text())) == doc  # rewritten as data


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
    cache.write_entry(entry, from_dict(Document, to_dict(ingest_file(_real_inputs()[0]))))
    assert list(tmp_path.iterdir()) == []
