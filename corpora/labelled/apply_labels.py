"""Merge a labeller's TSV into the candidates of a document and check every mention got a valid role.

    python corpora/labelled/apply_labels.py CANDIDATES.jsonl LABELS.tsv > corpora/labelled/DOC_ID.jsonl

LABELS.tsv has one line per mention: ``id<TAB>role[<TAB>value<TAB>unit<TAB>deadline<TAB>measure[<TAB>note]]``
(``id`` in full or its number alone; the target fields may be empty for other roles; ``-`` or an empty
field is null). Lines starting with ``#`` are comments. Refuses (exit 2, one line) an unknown role, an
unknown or missing id, or a target without a value.
"""

from __future__ import annotations

import json
import sys

from guidance_parser.extract.mentions import ROLES


def _field(parts: list[str], i: int) -> str | None:
    v = parts[i].strip() if i < len(parts) else ""
    return None if v in ("", "-", "null", "None") else v


def main(argv: list[str]) -> int:
    cand_path, tsv_path = argv
    with open(cand_path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    with open(tsv_path, encoding="utf-8") as fh:
        labels = fh.read().splitlines()
    by_id = {r["id"]: r for r in rows}
    seen: set[str] = set()
    for n, line in enumerate(labels, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        mid, role = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
        if ":" not in mid and rows:
            mid = f"{rows[0]['doc']}:{mid}"  # the number alone, as the labelling view shows it
        if mid not in by_id:
            print(f"{tsv_path}:{n}: unknown id {mid!r}", file=sys.stderr)
            return 2
        if role not in ROLES:
            print(f"{tsv_path}:{n}: role {role!r} is not one of {', '.join(ROLES)}", file=sys.stderr)
            return 2
        row = by_id[mid]
        row["role"] = role
        if role == "target":
            value = _field(parts, 2)
            if value is None:
                print(f"{tsv_path}:{n}: target {mid} has no value", file=sys.stderr)
                return 2
            row["value"] = float(value.replace(",", ""))
            row["unit"], row["deadline"], row["measure"] = _field(parts, 3), _field(parts, 4), _field(parts, 5)
            note = _field(parts, 6)
        else:
            note = _field(parts, 6) or (_field(parts, 2) if len(parts) == 3 else None)
        if note:
            row["note"] = note
        seen.add(mid)
    missing = [r["id"] for r in rows if r["id"] not in seen]
    if missing:
        print(f"{tsv_path}: {len(missing)} mentions without a label, first {missing[0]}", file=sys.stderr)
        return 2
    for r in rows:
        sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
