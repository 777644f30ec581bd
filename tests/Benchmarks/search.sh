#!/usr/bin/env bash
# Atom search benchmark: the whole search (the server's indexer, the FTS5 store, GloVe embeddings, the in-process vector
# store, and the fusion of their answers) over this machine's man pages, in one process: MRR@10 and recall@10 of keyword,
# semantic and hybrid search on two query sets made from the pages' NAME lines, search latency p50/p95 at each index size,
# the indexing rate, memory per 100k vectors, and the vector index's recall@10 against an exact scan.
# Figures, never pass/fail on time or quality: the exit code is non-zero only when a search failed or answered malformed,
# indexing lost chunks, or the tool could not be built. See README.md, "Search".
#
#   tests/Benchmarks/search.sh             full run: 10,000 and 100,000 chunks (~12 min; the first run also renders ~20,000 man pages, ~10 min)
#   QUICK=1 tests/Benchmarks/search.sh     smoke run: 2,000 chunks, 100 queries per set (~30 s after the build)
#
# Environment: QUICK=1, SKIP_BUILD=1, SIZES ("10000,100000" chunks), QUERIES (500 per set), LATENCY_QUERIES (300 per
# mode and size), WARMUP (2 s per size), MAN_ROOT (/usr/share/man), DOC_ROOT (/usr/share/doc), ATOM_TEST_GLOVE (a
# word-vector file; else tests/scripts/glove.sh makes artifacts/glove/glove-100d.bin).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ "${QUICK:-0}" == 1 ]]; then
  SIZES=${SIZES:-2000} QUERIES=${QUERIES:-100} LATENCY_QUERIES=${LATENCY_QUERIES:-100} WARMUP=${WARMUP:-0.5}
else
  SIZES=${SIZES:-"10000,100000"} QUERIES=${QUERIES:-500} LATENCY_QUERIES=${LATENCY_QUERIES:-300} WARMUP=${WARMUP:-2}
fi
MAN_ROOT=${MAN_ROOT:-/usr/share/man} DOC_ROOT=${DOC_ROOT:-/usr/share/doc}

results="$here/results/search"
runs="$results/runs"
logs="$results/logs"
server_dll="$root/src/Server/bin/Release/net10.0/Atom.Server.dll"
searchbench="$root/tests/Benchmarks/SearchBench/bin/Release/net10.0/Atom.Benchmarks.SearchBench.dll"

# No server here: atom-server.sh gives the shared pieces (say, die, build_and_clear, machine_note).
BENCH=search
SERVER_ARGS=()
# shellcheck source=atom-server.sh
source "$here/atom-server.sh"
# One process, not pinned: the vector graph builds on a background thread and groff renders pages on every core.
pinning="not pinned (one process)"

build_and_clear "$here/Search.slnf" "$searchbench"
temp=$(mktemp -d /tmp/atom-searchbench.XXXXXX)
cleanup_more() { rm -rf "$temp"; }

glove=()
if [[ -n "${ATOM_TEST_GLOVE:-}" && -f "$ATOM_TEST_GLOVE" ]]; then
  glove=(--glove "$ATOM_TEST_GLOVE")
elif vectors_file=$("$root/tests/scripts/glove.sh" "$root/artifacts/glove/glove-100d.bin" 2>"$logs/glove.log"); then
  glove=(--glove "$vectors_file")
else
  say "word vectors unavailable (see $logs/glove.log): keyword search only"
fi

say "SearchBench: sizes $SIZES chunks, $QUERIES queries per set, $LATENCY_QUERIES timed queries per mode"
dotnet "$searchbench" run --sizes "$SIZES" --queries "$QUERIES" --latency-queries "$LATENCY_QUERIES" --warmup "$WARMUP" \
  --man "$MAN_ROOT" --doc "$DOC_ROOT" --cache "$results/corpus" --data "$temp/data" "${glove[@]}" --out "$runs/001-search.json" \
  | tee "$logs/searchbench.log" || failed=1
report_result_and_exit "$searchbench" "$runs/001-search.json" "a search failed or answered malformed, or indexing lost chunks"
