"""Write the figure mentions of a document as unlabelled JSONL, ready to be labelled by reading.

    python corpora/labelled/candidates.py DOC_ID KIND FILE [--edition LABEL] > corpora/labelled/DOC_ID.jsonl

Every figure the quantity rules find (rules/quantities.toml) in every sentence becomes one line with its
sentence and context (``guidance_parser.extract.mentions.Mention``) and an empty ``role``; nothing the
extractor or the model decides is shown, so a labeller reads the text, not the tool's opinion of it.
The labelling guide is GUIDE.md beside this file.
"""

from __future__ import annotations

import argparse
import json
import sys

from guidance_parser.extract.driver import figure_mentions
from guidance_parser.ingest.sources import ingest_file


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("doc_id")
    ap.add_argument("kind", help="document kind: guidance, strategy, annual_report, research, local_guidance, board")
    ap.add_argument("file")
    ap.add_argument("--edition", default=None)
    args = ap.parse_args(argv)
    document = ingest_file(args.file, edition=args.edition)
    n = 0
    for passage, m in figure_mentions(document):
        n += 1
        row = {"id": f"{args.doc_id}:{n}", "doc": args.doc_id, "doc_kind": args.kind,
               "page": passage.block.page_label or passage.block.page, **m.to_dict(), "figure": m.figure,
               "role": None}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{args.doc_id}: {n} mentions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
