"""How cache entries are stored: as JSON data, in a folder only the user can write to.

An entry is a stage's output (a ``Document`` or an ``Extraction``) as ``model.to_dict`` gives it;
reading one back rebuilds the record with ``model.from_dict``, so a planted or corrupt entry can at
worst be a cache miss, never run code (as a pickle would). The folder is refused, with one warning,
when it is not the user's own or others can write to it. Which entry belongs to which file, code
and options is the pipeline's business (``pipeline._cache_path``).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path
from typing import TypeVar

from guidance_parser.model import from_dict, to_dict

T = TypeVar("T")


def unsafe_reason(folder: Path) -> str | None:
    """Why ``folder`` must not be used as a cache (another owner, writable by others), or None.

    A missing folder is created for the user alone."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError as err:
        return f"it cannot be created or read ({err.strerror or err})"
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return "it belongs to another user"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "other users can write to it"
    return None


def read_entry(path: Path | None, kind: type[T]) -> T | None:
    """The cached record at ``path``, or None when there is none or it cannot be read as a ``kind``."""
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return from_dict(kind, data) if isinstance(data, dict) else None
    except Exception:  # a corrupt or foreign entry is only a cache miss
        return None


def write_entry(path: Path | None, record: object) -> None:
    """Store ``record`` at ``path`` atomically (a parallel run never reads half an entry).

    A read-only or full cache must not fail the run; the temporary file goes on every failure."""
    if path is None:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp.write_text(json.dumps(to_dict(record), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
