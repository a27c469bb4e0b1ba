"""The corpus manifest: which real publications the tests and benchmarks read, and are they intact.

This module owns reading ``corpora/manifest.toml`` (one ``[[publication]]`` table per real NHS
England / DHSC text; the texts themselves live outside the repository, in ``../shared/corpus/md``)
and checking a corpus folder against it by SHA-256, so a test or benchmark never silently runs on a
different or damaged copy.

    load_manifest(path=None) -> list[Publication]
    verify(corpus_dir=None, publications=None) -> list[str]    # problems, [] when all is well
    default_corpus_dir() -> Path                               # $GUIDANCE_CORPUS or ../shared/corpus
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

from guidance_parser.errors import GuidanceError
from guidance_parser.model import Edition

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MANIFEST = PROJECT_ROOT / "corpora" / "manifest.toml"
Kind = Literal["pdf-conversion", "web-conversion"]
KINDS: tuple[str, ...] = ("pdf-conversion", "web-conversion")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Publication:
    """One real publication as listed in the manifest (see the manifest header for each field)."""

    id: str
    title: str
    publisher: str
    edition: str
    covers: str
    kind: Kind
    file: str
    sha256: str
    bytes: int
    url: str
    url_note: str = ""
    reference: str = ""
    version: str = ""
    published: str = ""
    updated: str = ""
    pages: int | None = None
    source: str = ""
    notes: str = ""

    @property
    def planning_edition(self) -> Edition:
        return Edition.from_label(self.edition)


_REQUIRED = ("id", "title", "publisher", "edition", "covers", "kind", "file", "sha256", "bytes", "url")
_KNOWN = {f.name for f in fields(Publication)}


def default_corpus_dir() -> Path:
    """Where the real corpus lives: $GUIDANCE_CORPUS, else ``../shared/corpus`` beside the project."""
    env = os.environ.get("GUIDANCE_CORPUS")
    return Path(env) if env else PROJECT_ROOT.parent / "shared" / "corpus"


def _bad(path: Path, problem: str) -> GuidanceError:
    return GuidanceError(str(path), problem, "fix corpora/manifest.toml (see the field list in its header)")


def _publication(path: Path, n: int, raw: dict[str, Any]) -> Publication:
    where = f"publication #{n} ({raw.get('id', 'no id')})"
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise _bad(path, f"{where} lacks {', '.join(missing)}")
    unknown = sorted(set(raw) - _KNOWN)
    if unknown:
        raise _bad(path, f"{where} has unknown field(s) {', '.join(unknown)}")
    if raw["kind"] not in KINDS:
        raise _bad(path, f"{where} has kind {raw['kind']!r}, expected one of {', '.join(KINDS)}")
    if not _SHA256.match(str(raw["sha256"])):
        raise _bad(path, f"{where} sha256 is not 64 lower-case hex digits")
    pages = raw.get("pages")
    if not isinstance(raw["bytes"], int) or (pages is not None and not isinstance(pages, int)):
        raise _bad(path, f"{where} bytes / pages must be integers")
    try:
        Edition.from_label(str(raw["edition"]))
    except ValueError:
        raise _bad(path, f"{where} edition {raw['edition']!r} names no year") from None
    return Publication(**raw)


def load_manifest(path: Path | None = None) -> list[Publication]:
    """All publications of the manifest, in file order; GuidanceError if it is missing or malformed."""
    path = path or MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GuidanceError(str(path), "corpus manifest not found",
                            "run from a source checkout, where corpora/manifest.toml exists") from None
    except tomllib.TOMLDecodeError as exc:
        raise _bad(path, f"not valid TOML ({exc})") from None
    pubs = [_publication(path, n, raw) for n, raw in enumerate(data.get("publication", []), 1)]
    if not pubs:
        raise _bad(path, "lists no [[publication]]")
    for attr in ("id", "file"):
        values = [getattr(p, attr) for p in pubs]
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            raise _bad(path, f"duplicate {attr}: {', '.join(dupes)}")
    return pubs


def _text_dir(corpus_dir: Path) -> Path:
    # Accept the corpus folder (holding md/) or the md/ folder itself.
    return corpus_dir / "md" if (corpus_dir / "md").is_dir() else corpus_dir


def verify(corpus_dir: Path | None = None, publications: list[Publication] | None = None) -> list[str]:
    """Problems found checking ``corpus_dir`` against the manifest (missing files, wrong checksums)."""
    pubs = publications if publications is not None else load_manifest()
    base = _text_dir(corpus_dir or default_corpus_dir())
    if not base.is_dir():
        return [f"{base}: corpus folder not found"]
    problems = []
    for pub in pubs:
        path = base / pub.file
        if not path.is_file():
            problems.append(f"{path}: missing ({pub.title})")
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != pub.sha256:
            problems.append(f"{path}: sha256 {digest} does not match the manifest's {pub.sha256} "
                            f"({len(data)} bytes, manifest says {pub.bytes})")
    return problems
