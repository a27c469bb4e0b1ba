"""Runs the CLI, or a Python snippet using the API, as a real process under a 2 GiB address-space cap
(``ulimit -v``) and a wall-clock kill (``subprocess`` timeout): the limits a hostile-input test holds
the tool to, met as a user meets them, never checked by timing assertions."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAP_KIB = 2 * 1024 * 1024  # 2 GiB of address space for the whole run
WALL = 60  # seconds before the test kills the run


def _run(argv: list[str], tmp_path: Path, timeout: float, env: dict[str, str] | None,
         input: str | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "GUIDANCE_CACHE_DIR": str(tmp_path / "cache"), **(env or {})}
    return subprocess.run(["bash", "-c", f"ulimit -v {CAP_KIB} && exec {shlex.join(argv)}"], capture_output=True,
                          text=True, timeout=timeout, env=full_env, cwd=tmp_path, input=input)


def run_cli(args: list[str], tmp_path: Path, timeout: float = WALL,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``guidance ARGS`` in ``tmp_path``, with its own cache folder there."""
    return _run([sys.executable, str(ROOT / "cli.py"), *args], tmp_path, timeout, env)


def run_python(code: str, tmp_path: Path, timeout: float = WALL,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -c CODE`` (e.g. a call of the API) in ``tmp_path``, with its own cache folder there."""
    return _run([sys.executable, "-c", code], tmp_path, timeout, {"PYTHONPATH": str(ROOT), **(env or {})})
