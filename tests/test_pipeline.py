"""Orchestration: edition overrides, the ingest cache, and the CLI's help on every command."""

from __future__ import annotations

from pathlib import Path

import pytest

import cli
from guidance_parser import pipeline
from guidance_parser.errors import GuidanceError
from guidance_parser.model import Edition
from guidance_parser.options import edition_overrides

DOC = "2024/25 priorities and operational planning guidance\n\nICBs should submit plans by June 2024.\n"


def test_bare_edition_needs_exactly_one_file() -> None:
    a, b = Path("a.pdf"), Path("dir/b.pdf")
    assert edition_overrides(["2025/26"], [a]) == {a: Edition.from_label("2025/26")}
    with pytest.raises(GuidanceError, match="exactly one input"):
        edition_overrides(["2025/26"], [a, b])


def test_edition_by_file_name_or_path() -> None:
    a, b = Path("a.pdf"), Path("dir/b.pdf")
    got = edition_overrides(["a.pdf=2024/25", "dir/b.pdf=2025/26"], [a, b])
    assert got == {a: Edition.from_label("2024/25"), b: Edition.from_label("2025/26")}
    assert edition_overrides(["b.pdf=2023/24"], [a, b]) == {b: Edition.from_label("2023/24")}
    with pytest.raises(GuidanceError, match="not among the inputs"):
        edition_overrides(["c.pdf=2023/24"], [a, b])


def test_a_bad_edition_label_fails_where_it_is_typed() -> None:
    """--edition is parsed at the border: a label with no year is a one-line error naming the file,
    before any file is read (the file need not even exist)."""
    with pytest.raises(GuidanceError, match="'next year' has no year") as err:
        edition_overrides(["missing.pdf=next year"], [Path("missing.pdf")])
    assert str(err.value).startswith("missing.pdf:")
    code = cli.main(["ingest", "missing.pdf", "--edition", "missing.pdf=next year"])
    assert code == 2


def test_engines_are_one_list() -> None:
    """The CLI offers exactly the engines ingest knows, and an unknown one is an error naming them."""
    from guidance_parser.ingest import ingest_text  # noqa: F401  (ingest imports options' names)
    from guidance_parser.options import ENGINES, check_engine

    action = next(a for a in cli.build_parser()._subparsers._group_actions[0].choices["ingest"]._actions
                  if a.dest == "engine")
    assert list(action.choices) == list(ENGINES)
    with pytest.raises(GuidanceError, match="--engine pdfplumber or --engine pdfium"):
        check_engine("mupdf")


def test_cache_serves_unchanged_files_and_rereads_changed_ones(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import guidance_parser.ingest as ingest

    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[Path] = []
    real = ingest.ingest_file

    def counting(path, **kw):  # type: ignore[no-untyped-def]
        calls.append(Path(path))
        return real(path, **kw)

    monkeypatch.setattr(ingest, "ingest_file", counting)
    src = tmp_path / "guidance.txt"
    src.write_text(DOC, encoding="utf-8")
    first = pipeline.load_document(src, edition=None, engine="pdfplumber", use_cache=True)
    again = pipeline.load_document(src, edition=None, engine="pdfplumber", use_cache=True)
    assert len(calls) == 1 and again.blocks == first.blocks
    # Same bytes under another name: still a hit, reported under the new name.
    copy = tmp_path / "copy.txt"
    copy.write_bytes(src.read_bytes())
    assert pipeline.load_document(copy, edition=None, engine="pdfplumber", use_cache=True).path == str(copy)
    assert len(calls) == 1
    # Changed bytes, another edition override or --no-cache: read again.
    src.write_text(DOC.replace("June", "July"), encoding="utf-8")
    pipeline.load_document(src, edition=None, engine="pdfplumber", use_cache=True)
    pipeline.load_document(src, edition=Edition.from_label("2023/24"), engine="pdfplumber", use_cache=True)
    pipeline.load_document(src, edition=None, engine="pdfplumber", use_cache=False)
    assert len(calls) == 4


def test_extractions_are_cached_and_keyed_by_the_extract_code(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import guidance_parser.extract as extract_mod

    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[str] = []
    real = extract_mod.extract

    def counting(doc):  # type: ignore[no-untyped-def]
        calls.append(doc.path)
        return real(doc)

    monkeypatch.setattr(extract_mod, "extract", counting)
    src = tmp_path / "guidance.txt"
    src.write_text(DOC, encoding="utf-8")
    doc, first = pipeline.load_extraction(src, edition=None, engine="pdfplumber", use_cache=True)
    assert first.targets or first.deadlines  # something worth caching
    copy = tmp_path / "copy.txt"
    copy.write_bytes(src.read_bytes())
    doc2, again = pipeline.load_extraction(copy, edition=None, engine="pdfplumber", use_cache=True)
    assert len(calls) == 1 and again.to_dict()["targets"] == first.to_dict()["targets"]
    assert again.document.path == doc2.path == str(copy)  # reported under the name it arrived with
    # Another extract-code fingerprint (an edited extractor, an upgraded spaCy) must not be served.
    real_fp = pipeline.stage_fingerprint
    monkeypatch.setattr(pipeline, "stage_fingerprint", lambda s: real_fp(s) + ("x" if s == "extract" else ""))
    pipeline.load_extraction(src, edition=None, engine="pdfplumber", use_cache=True)
    assert len(calls) == 2


def test_stage_fingerprints_cover_the_modules_each_stage_imports() -> None:
    """Every guidance_parser module a stage imports must be in its fingerprint, or an edit to it
    would serve stale cached output."""
    import ast

    pkg = Path(pipeline.__file__).resolve().parent
    for stage, roots in (("ingest", ["ingest/__init__.py"]), ("extract", ["extract/__init__.py"])):
        covered = {p.resolve() for pattern in pipeline._STAGE_DEPENDENCIES[stage][0] for p in pkg.glob(pattern)}
        if stage == "extract":  # extraction's key includes ingest's fingerprint
            covered |= {p.resolve() for pattern in pipeline._STAGE_DEPENDENCIES["ingest"][0]
                        for p in pkg.glob(pattern)}
        todo, seen = [pkg / r for r in roots], set()
        while todo:
            mod = todo.pop().resolve()
            if mod in seen:
                continue
            seen.add(mod)
            if mod == (pkg / "__init__.py").resolve():
                continue  # the package's own imports are the notebook API's, loaded lazily, never by a stage
            for node in ast.walk(ast.parse(mod.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("guidance_parser"):
                    rel = node.module.split(".")[1:]
                    # the module, and any names it imports that are modules ("from guidance_parser import rules")
                    for parts in [rel, *([*rel, alias.name] for alias in node.names)]:
                        for cand in (pkg.joinpath(*parts).with_suffix(".py"), pkg.joinpath(*parts, "__init__.py")):
                            if cand.is_file():
                                todo.append(cand)
        assert seen <= covered, f"{stage}: not fingerprinted: {sorted(str(p) for p in seen - covered)}"


def test_missing_file_and_folder_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for target, words in ((tmp_path / "nope.pdf", "no such file"), (tmp_path, "folder")):
        code = cli.main(["ingest", str(target), "--no-cache"])
        err = capsys.readouterr().err.strip()
        assert code != 0 and len(err.splitlines()) == 1 and words in err and str(target) in err


@pytest.mark.parametrize("command", ["ingest", "extract", "diff", "demo", "eval", "schema"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--help"])
    assert exc.value.code == 0
    assert "usage: guidance " + command in capsys.readouterr().out


def test_text_dump_shows_page_kind_and_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "guidance.txt"
    src.write_text(DOC, encoding="utf-8")
    assert cli.main(["ingest", str(src)]) == 0
    out = capsys.readouterr().out
    assert "# edition: 2024/25" in out
    assert "ICBs should submit plans by June 2024." in out


def test_files_and_options_may_be_interleaved() -> None:
    args = cli.parse_args(["diff", "a.pdf", "--edition", "a.pdf=2024/25", "b.pdf", "--edition", "b.pdf=2025/26"])
    assert args.files == [Path("a.pdf"), Path("b.pdf")]
    assert args.edition == ["a.pdf=2024/25", "b.pdf=2025/26"]
    with pytest.raises(SystemExit):  # an unknown option is still refused
        cli.parse_args(["diff", "a.pdf", "--bogus", "b.pdf"])
    with pytest.raises(SystemExit):  # and so is a stray word after a command that takes no files
        cli.parse_args(["schema", "extra"])
