#!/usr/bin/env bash
# Run a benchmark against a clean export of one commit (default HEAD), not the working tree.
#
#   benchmarks/at_commit.sh bench_speed.py --quick
#   REV=a1b2c3d benchmarks/at_commit.sh bench_memory.sh
#
# Why: numbers in the README must belong to a commit. In a working tree with uncommitted edits (or
# several people editing at once) the same script would measure whatever is on disk at that moment.
# The export goes to $TMPDIR/guidance-bench-<sha>; it is imported ahead of any editable install via
# PYTHONPATH (templates copied to where the installed package keeps them). Built PDFs are shared
# with the working tree's benchmarks/_pdfs/ cache.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: benchmarks/at_commit.sh SCRIPT [ARGS...]  (SCRIPT in benchmarks/)" >&2; exit 2; }
SHA=$(git rev-parse --short=10 "${REV:-HEAD}")
SNAP="${TMPDIR:-/tmp}/guidance-bench-$SHA"
if [ ! -d "$SNAP" ]; then
    rm -rf "$SNAP.part" && mkdir -p "$SNAP.part"
    git archive "$SHA" | tar -x -C "$SNAP.part"
    cp -r "$SNAP.part/templates" "$SNAP.part/guidance_parser/templates"
    mv "$SNAP.part" "$SNAP"
fi
export PYTHONPATH="$SNAP${PYTHONPATH:+:$PYTHONPATH}"
export GUIDANCE_CORPUS="${GUIDANCE_CORPUS:-$PWD/../shared/corpus}"
export GUIDANCE_BENCH_PDFS="${GUIDANCE_BENCH_PDFS:-$PWD/benchmarks/_pdfs}"
PY="${PYTHON:-$( [ -x /work/venv/bin/python ] && echo /work/venv/bin/python || command -v python3 )}"
script=$1; shift
echo "benchmarking commit $SHA (exported to $SNAP)" >&2
case "$script" in
    *.sh) PYTHON="$PY" exec bash "$SNAP/benchmarks/$script" "$@" ;;
    *) exec "$PY" "$SNAP/benchmarks/$script" "$@" ;;
esac
