#!/usr/bin/env bash
# Atom vector store benchmark: the in-process store (src/Server/Search/Vectors) measured through its public API, in one
# process: insert rate, memory per vector, query p50/p95 (and CPU per query) of the exact scan and of the HNSW graph,
# with and without selective filters, the graph's recall@10 against the exact answer, and a snapshot's write and load.
# Figures, never pass/fail on time: the exit code is non-zero only when a store loaded from its snapshot answered
# differently, the graph's recall@10 fell below 0.9 (a broken index), or the tool could not be built. See README.md, "Vectors".
#
#   tests/Benchmarks/vectors.sh             full run: 10,000 and 100,000 100-d vectors (~3 min)
#   QUICK=1 tests/Benchmarks/vectors.sh     smoke run: 2,000 and 10,000 vectors, fewer queries (~30 s after the build)
#
# Environment: QUICK=1, SKIP_BUILD=1, SIZES ("10000,100000"), DIMENSIONS (100), QUERIES (200 per kind), WARMUP (2 s per
# index), M (16), EF_CONSTRUCTION (100), EF_SEARCH (64), LOAD_CPU (1: the core taskset pins the tool to).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ "${QUICK:-0}" == 1 ]]; then
  SIZES=${SIZES:-"2000,10000"} QUERIES=${QUERIES:-50} WARMUP=${WARMUP:-0.5}
else
  SIZES=${SIZES:-"10000,100000"} QUERIES=${QUERIES:-200} WARMUP=${WARMUP:-2}
fi
DIMENSIONS=${DIMENSIONS:-100} M=${M:-16} EF_CONSTRUCTION=${EF_CONSTRUCTION:-100} EF_SEARCH=${EF_SEARCH:-64}

results="$here/results/vectors"
runs="$results/runs"
logs="$results/logs"
server_dll="$root/src/Server/bin/Release/net10.0/Atom.Server.dll"
vectorbench="$root/tests/Benchmarks/VectorBench/bin/Release/net10.0/Atom.Benchmarks.VectorBench.dll"

# No server here: atom-server.sh gives the shared pieces (say, die, build_and_clear, machine_note, the taskset prefixes).
BENCH=vectors
SERVER_ARGS=()
# shellcheck source=atom-server.sh
source "$here/atom-server.sh"
if (( ${#on_load_cpu[@]} > 0 )); then pinning="VectorBench pinned to core $LOAD_CPU (taskset)"; fi

build_and_clear "$here/Vectors.slnf" "$vectorbench"
temp=$(mktemp -d /tmp/atom-vectorbench.XXXXXX)
cleanup_more() { rm -rf "$temp"; }

say "VectorBench: $SIZES points of $DIMENSIONS-d, $QUERIES queries per kind, M=$M efConstruction=$EF_CONSTRUCTION efSearch=$EF_SEARCH"
"${on_load_cpu[@]}" dotnet "$vectorbench" run --sizes "$SIZES" --dimensions "$DIMENSIONS" --queries "$QUERIES" --warmup "$WARMUP" \
  --m "$M" --ef-construction "$EF_CONSTRUCTION" --ef-search "$EF_SEARCH" --temp "$temp/data" --out "$runs/001-vectors.json" \
  | tee "$logs/vectorbench.log" || failed=1
report_result_and_exit "$vectorbench" "$runs/001-vectors.json" "a loaded snapshot answered differently or the graph's recall fell below 0.9"
