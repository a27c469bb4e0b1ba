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


def _planted(tmp_path: Path) -> tuple[Path, Path]:
    """A sticky world-writable folder (like /tmp) and a root-only 0600 file outside it."""
    sticky = tmp_path / "sticky"
    sticky.mkdir()
    sticky.chmod(0o1777)
    secret = tmp_path / "secret"
    secret.write_text("root only\n", encoding="utf-8")
    secret.chmod(0o600)
    return sticky, secret


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="planting another user's link needs root")
@pytest.mark.parametrize("through", ["file", "folder"])
def test_a_link_another_user_planted_is_never_followed(through: str, guidance_md: Path, tmp_path: Path) -> None:
    from capped import run_cli

    sticky, secret = _planted(tmp_path)
    link = sticky / ("report.json" if through == "file" else "out")
    link.symlink_to(secret if through == "file" else tmp_path)
    os.lchown(link, 65534, 65534)  # planted by "nobody"
    out = link if through == "file" else link / "secret"
    proc = run_cli(["extract", str(guidance_md), "-o", str(out), "-j", "1"], tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "symbolic link owned by another user" in proc.stderr
    assert secret.read_text(encoding="utf-8") == "root only\n" and stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert link.is_symlink()  # the planted link is left for its owner to explain


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="planting another user's link needs root")
def test_a_database_is_never_written_through_a_link_another_user_planted(guidance_md: Path, tmp_path: Path) -> None:
    from capped import run_cli

    sticky, _ = _planted(tmp_path)
    secret = tmp_path / "secret.sqlite"  # a real database, so only the link check can refuse it
    assert cli.main(["extract", str(guidance_md), "--format", "sqlite", "-o", str(secret), "-j", "1"]) == 0
    secret.chmod(0o600)
    before = secret.read_bytes()
    link = sticky / "tracker.sqlite"
    link.symlink_to(secret)
    os.lchown(link, 65534, 65534)  # planted by "nobody"
    other = tmp_path / "other.md"
    other.write_text(DOC.replace("2024/25", "2025/26").replace("2024", "2025"), encoding="utf-8")
    proc = run_cli(["extract", str(other), "--format", "sqlite", "-o", str(link), "-j", "1"], tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "symbolic link owned by another user" in proc.stderr
    # write_database refuses it on its own too (the API's save and any later caller, not only the CLI's check)
    from guidance_parser.errors import GuidanceError
    from guidance_parser.outputs import write_database

    with pytest.raises(GuidanceError, match="symbolic link owned by another user"):
        write_database(link, lambda con: con.execute("CREATE TABLE planted (x)"))
    assert secret.read_bytes() == before and link.is_symlink()


def test_a_link_to_a_link_is_followed_only_while_every_link_is_owned(guidance_md: Path, tmp_path: Path) -> None:
    from guidance_parser.outputs import resolve_output

    real = tmp_path / "real.json"
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to(real)
    assert resolve_output(tmp_path / "a") == str(real)
    assert resolve_output(tmp_path / "new" / ".." / "a") == str(tmp_path / "new" / ".." / "a")  # a missing folder
    (tmp_path / "loop").symlink_to("loop")
    with pytest.raises(Exception, match="too many symbolic links"):
        resolve_output(tmp_path / "loop")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.lchown(tmp_path / "b", 65534, 65534)
        with pytest.raises(Exception, match="owned by another user"):
            resolve_output(tmp_path / "a")


def test_file_names_are_printed_with_control_characters_escaped(tmp_path: Path) -> None:
    from capped import run_cli

    evil = "evil\x1b]0;owned\x07\x1b[2J\u202etxt.md"  # retitles the terminal, clears it, reverses the text
    (tmp_path / evil).write_text("", encoding="utf-8")  # empty: a one-line error that names the file
    good = tmp_path / "g.md"
    good.write_text(DOC, encoding="utf-8")
    out = "out\x1b[31m.json"
    proc = run_cli(["extract", evil, str(good), "-o", out, "-j", "1"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert not any(c in proc.stderr for c in "\x1b\x07\u202e"), proc.stderr
    assert "evil\\x1b]0;owned\\x07\\x1b[2J\\u202etxt.md: " in proc.stderr  # the error line
    assert "1 of 2 files failed: evil\\x1b]0;owned" in proc.stderr and "wrote out\\x1b[31m.json" in proc.stderr
    assert (tmp_path / out).is_file()  # only what is shown is escaped, never the name itself


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_dev_stdout_to_a_pipe_is_written_into(guidance_md: Path, tmp_path: Path) -> None:
    # /dev/stdout -> /proc/self/fd/1 -> "pipe:[N]": a link no path resolves, followed because it is the run's own
    proc = _cli(["extract", str(guidance_md), "-o", "/dev/stdout", "-j", "1"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert b'"kind": "extraction"' in proc.stdout


def test_argument_errors_quote_names_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["extract", "g.md", "-\x1b[2Jx"])  # a glob can hand over a name like an option
    err = capsys.readouterr().err
    assert "\x1b" not in err and "unrecognized arguments: -\\x1b[2Jx" in err
