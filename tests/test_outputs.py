"""Outputs never destroy a file: devices and pipes are written into, inputs are never overwritten,
standard input and output work as ``-``, and a full stdout is a one-line error."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import cli

ROOT = Path(__file__).resolve().parent.parent
DOC = "2024/25 priorities and operational planning guidance\n\nICBs should submit plans by June 2024.\n"


@pytest.fixture
def guidance_md(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GUIDANCE_CACHE_DIR", str(tmp_path / "cache"))
    p = tmp_path / "g.md"
    p.write_text(DOC, encoding="utf-8")
    return p


def test_output_naming_an_input_is_refused(guidance_md: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    alias = tmp_path / "alias.md"
    alias.symlink_to(guidance_md)
    for out in (guidance_md, alias):
        assert cli.main(["extract", str(guidance_md), "-o", str(out), "-j", "1"]) == 2
        err = capsys.readouterr().err
        assert "is one of the input files" in err and len(err.strip().splitlines()) == 1
    assert guidance_md.read_text(encoding="utf-8") == DOC


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_output_is_written_into_not_replaced(guidance_md: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code = cli.main(["extract", str(guidance_md), "-o", str(fifo), "-j", "1"])
    reader.join(30)
    assert code == 0, capsys.readouterr().err
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a pipe, not a regular file
    assert b'"kind": "extraction"' in got[0]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_symlinked_output_replaces_its_target_and_keeps_the_link(guidance_md: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert cli.main(["extract", str(guidance_md), "-o", str(link), "-j", "1"]) == 0, capsys.readouterr().err
    assert link.is_symlink() and '"kind": "extraction"' in target.read_text(encoding="utf-8")


def _cli(args: list[str], tmp_path: Path, **kw: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GUIDANCE_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], env=env, timeout=120,
                          capture_output="stdout" not in kw, **kw)  # type: ignore[call-overload, no-any-return]


def test_dash_reads_standard_input_and_writes_standard_output(tmp_path: Path) -> None:
    proc = _cli(["ingest", "-", "-o", "-", "-j", "1"], tmp_path, input=DOC.encode())
    assert proc.returncode == 0, proc.stderr
    assert b"ICBs should submit plans by June 2024." in proc.stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stdout_is_a_one_line_error(guidance_md: Path, tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = _cli(["extract", str(guidance_md), "-j", "1"], tmp_path, stdout=full, stderr=subprocess.PIPE)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and "internal error" not in err
    assert "<stdout>: cannot write the output (No space left on device)" in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_output_is_written_into_not_replaced(guidance_md: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # A private copy of /dev/null (char device 1:3): as root, replacing it is what destroyed system files.
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    assert cli.main(["extract", str(guidance_md), "-o", str(null), "-j", "1"]) == 0, capsys.readouterr().err
    assert stat.S_ISCHR(null.stat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)
