#!/usr/bin/env bash
# Peak memory of ingesting a 500-page PDF (issue 6: must stay under 1 GiB resident), measured by
# /usr/bin/time -v around a fresh interpreter, for both engines, and for ingest + extract.
#
#   benchmarks/bench_memory.sh            # 500 pages
#   PAGES=1000 benchmarks/bench_memory.sh
#
# The PDF is built once from the real corpus texts (cached in benchmarks/_pdfs/) by tests/pdfbuild.py:
# an NHS-style layout with running header, footer, page numbers and some two-column pages.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-$( [ -x /work/venv/bin/python ] && echo /work/venv/bin/python || command -v python3 )}"
PAGES="${PAGES:-500}"
LIMIT_KIB=$((1024 * 1024))
[ -x /usr/bin/time ] || { echo "bench_memory: /usr/bin/time not found (Debian: apt-get install time)" >&2; exit 2; }

PDF=$("$PY" -c "
import sys; sys.path.insert(0, 'benchmarks')
import _benchlib as bl
print(bl.build_pdf(bl.corpus_texts(bl.OLD_EDITION), $PAGES, 'old'))
")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM, $("$PY" -V)"
echo "pdf: $PDF ($PAGES pages, $(du -k "$PDF" | cut -f1) KiB); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| run | wall s | peak RSS MiB | < 1 GiB |\n|---|---:|---:|---|\n'
status=0
for run in "ingest pdfplumber" "ingest pdfium" "extract pdfplumber" "extract pdfium"; do
    set -- $run
    what=$1 engine=$2
    code="
from pathlib import Path
from guidance_parser.ingest import ingest_file
doc = ingest_file(Path('$PDF'), edition='2025/26', engine='$engine')
assert doc.page_count == $PAGES, doc.page_count
if '$what' == 'extract':
    from guidance_parser.extract import extract
    extract(doc)
"
    out=$( { /usr/bin/time -v "$PY" -c "$code" >/dev/null; } 2>&1 ) || { echo "$out" | tail -20 >&2; status=1; continue; }
    kib=$(echo "$out" | awk -F': ' '/Maximum resident set size/{print $2}')
    wall=$(echo "$out" | awk -F': ' '/Elapsed \(wall clock\)/{print $2}')
    secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    ok=PASS; [ "$kib" -lt "$LIMIT_KIB" ] || { ok=FAIL; status=1; }
    name=$what; [ "$what" = extract ] && name="ingest + extract"
    printf '| %s (%s) | %.1f | %d | %s |\n' "$name" "$engine" "$secs" $((kib / 1024)) "$ok"
done
echo
echo "Maximum resident set size is /usr/bin/time -v's figure for the whole interpreter (imports included)."
exit $status
