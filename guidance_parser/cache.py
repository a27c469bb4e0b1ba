"""How cache entries are stored: as JSON data bound to their file, in a folder only the user can write to.

An entry is a stage's output (a ``Document`` or an ``Extraction``) as ``model.to_dict`` gives it,
wrapped with the entry's own key (its file name) and the SHA-256 of the file it was made from.
Reading one back checks both, and its size, and rebuilds the record with the strict
``model.from_dict`` (types, fields), so a planted, copied, corrupt or oversized entry is a cache miss,
said in a debug line (``--debug``), never a failure of the file and never code run (as a pickle
would). The folder is refused, with one warning, when it is not the user's own or others can write
to it. Which key belongs to which file, code and options is the pipeline's business
(``pipeline._cache_path``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from guidance_parser.errors import printable
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


@dataclass(frozen=True)
class Source:
    """The file a cache entry belongs to."""

    name: str  # as given, for the debug line
    sha256: str
    size: int  # bytes


FORMAT = 1  # the envelope's version
# An entry is refused above this size: a record is about the size of its file's text, and reading a
# huge entry (a planted 300 MB string) costs many times its size in memory.
MAX_ENTRY_BASE = 64 * 1024 * 1024
MAX_ENTRY_PER_SOURCE_BYTE = 32

log = logging.getLogger(__name__)


def read_entry(path: Path | None, kind: type[T], source: Source,
               check: Callable[[T], object] | None = None) -> T | None:
    """The cached record at ``path`` for ``source``, or None when there is none or it is not a valid
    ``kind`` made from that very file under that key, passing ``check`` (said in a debug line)."""
    if path is None:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None  # no entry: the ordinary miss
    try:
        limit = MAX_ENTRY_BASE + MAX_ENTRY_PER_SOURCE_BYTE * source.size
        if size > limit:
            raise ValueError(f"{size} bytes, more than {limit} for a {source.size}-byte file")
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict) or set(data) != {"format", "key", "sha256", "record"}:
            raise ValueError("not a cache entry of this version")
        if data["format"] != FORMAT or data["key"] != path.name:
            raise ValueError(f"made under another key ({str(data['key'])[:80]})")
        if data["sha256"] != source.sha256:
            raise ValueError("made from another file")
        record = from_dict(kind, data["record"])
        if _sha256_of(record) != source.sha256:
            raise ValueError("its record names another file")
        if check is not None:
            check(record)
        return record
    except Exception as err:  # anything wrong with an entry is only a cache miss
        log.debug("%s", printable(f"cache: not using {path.name} for {source.name}: {type(err).__name__}: "
                                  f"{str(err)[:300]}"))
        return None


def _sha256_of(record: object) -> object:
    """The file digest a record carries: a Document's own, an Extraction's document's."""
    return getattr(record, "sha256", None) or getattr(getattr(record, "document", None), "sha256", None)


def write_entry(path: Path | None, record: object, source: Source) -> None:
    """Store ``record`` for ``source`` at ``path`` atomically (a parallel run never reads half an entry).

    A read-only or full cache must not fail the run; the temporary file goes on every failure."""
    if path is None:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    entry = {"format": FORMAT, "key": path.name, "sha256": source.sha256, "record": to_dict(record)}
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
