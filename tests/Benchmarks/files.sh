#!/usr/bin/env bash
# Atom file upload benchmark: upload throughput (MB/s, files/s) by the Upload client stream and by the browser's chunked
# path, next to a raw TCP copy of the same bytes on loopback in the same run (the physical limit), and the time from
# upload to READY with extracted text ("searchable"), against a real Atom server (src/Server) with a real clamd, through
# the C# SDK. Figures, never pass/fail on time: the exit code is non-zero only when a file arrived wrong (size or
# sha256), did not become READY, lacked its text, or did not download back byte for byte, or a call failed (or the
# server, clamd or the sink could not be built or started). See README.md, "Files".
#
#   tests/Benchmarks/files.sh             full run (~2 min with both stores)
#   QUICK=1 tests/Benchmarks/files.sh     smoke run: small sizes on SQLite, checks only (~15 s after the build)
#
# Environment: QUICK=1, SKIP_BUILD=1, STORES ("sqlite postgres"), SERVER_CPU (0), LOAD_CPU (1),
# SETS ("1MB:20:1 50MB:4:1 16KB:200:8": SIZE:FILES:CONCURRENCY, sizes in KB/MB = 10^3/10^6 or KiB/MiB),
# PATHS ("stream chunks-web chunks-h2"), CHUNK (1MiB), IN_FLIGHT (4), WARMUP_FILES (4, each at most 4 MB),
# READY_CONTENTS ("text pdf"), READY_FILES (20), READY_TIMEOUT (120), MAX_FILE_BYTES (64 MiB or the largest set).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ "${QUICK:-0}" == 1 ]]; then
  STORES=${STORES:-sqlite} SETS=${SETS:-"1MB:4:1 8MB:2:1 16KB:40:8"} READY_FILES=${READY_FILES:-3} WARMUP_FILES=${WARMUP_FILES:-1}
else
  STORES=${STORES:-"sqlite postgres"} SETS=${SETS:-"1MB:20:1 50MB:4:1 16KB:200:8"} READY_FILES=${READY_FILES:-20} WARMUP_FILES=${WARMUP_FILES:-4}
fi
PATHS=${PATHS:-"stream chunks-web chunks-h2"} CHUNK=${CHUNK:-1MiB} IN_FLIGHT=${IN_FLIGHT:-4}
READY_CONTENTS=${READY_CONTENTS:-"text pdf"} READY_TIMEOUT=${READY_TIMEOUT:-120}
ADMIN_TOKEN=atom_t3stadm1_GLckSADAV9xkIfKd0SI23jBb0-c3QmLWHofAKr0_zKw

results="$here/results/files"
runs="$results/runs"
logs="$results/logs"
server_dll="$root/src/Server/bin/Release/net10.0/Atom.Server.dll"
fileload="$root/tests/Benchmarks/FileLoad/bin/Release/net10.0/Atom.Benchmarks.FileLoad.dll"

# bytes SIZE: 16KB, 50MB, 1MiB or a plain number, in bytes.
bytes() {
  local n=${1%%[!0-9]*} unit=${1##*[0-9]}
  case "${unit,,}" in
    '' | b) echo "$n" ;; kb) echo $((n * 1000)) ;; mb) echo $((n * 1000000)) ;; kib) echo $((n * 1024)) ;; mib) echo $((n * 1048576)) ;;
    *) echo "files.sh: unknown size '$1'" >&2; exit 2 ;;
  esac
}
largest=$((64 * 1048576))
for set in $SETS; do size=$(bytes "${set%%:*}") || exit 2; (( size > largest )) && largest=$size; done
MAX_FILE_BYTES=${MAX_FILE_BYTES:-$largest}

# --- what we start besides the server: clamd and the raw TCP sink ------------------------------------
clamd_dir= sink_pid=
stop_sink() {
  if [[ -n "$sink_pid" ]]; then kill "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; sink_pid=; fi
}
cleanup_more() {
  stop_sink
  if [[ -n "$clamd_dir" ]]; then "$root/tests/scripts/clamd.sh" stop "$clamd_dir"; rm -rf "$clamd_dir"; clamd_dir=; fi
}

BENCH=files
# The quota and the size limit are raised out of the way. A file is only served once clamd has scanned it, and the
# server refuses to start with a file limit above Atom:Scanner:MaxStreamBytes, so that limit follows the largest file
# (tests/scripts/clamd.sh lets clamd take up to 100M).
SERVER_ARGS=("--Atom:Files:MaxFileBytes=$MAX_FILE_BYTES" "--Atom:Scanner:MaxStreamBytes=$MAX_FILE_BYTES" --Atom:Files:UserQuotaBytes=1099511627776)
# shellcheck source=atom-server.sh
source "$here/atom-server.sh"

build_and_clear "$here/Files.slnf" "$fileload"

# --- clamd, PostgreSQL when asked for ------------------------------------------------------------------
# clamd runs on the load tool's core: scanning one file while the next uploads would otherwise take the server's core,
# and the upload figures would be clamd's as much as Atom's (the server still reads every file to send it to clamd).
clamd_dir=$(mktemp -d /tmp/atom-filesbench-clamd.XXXXXX)
say "clamd: starting with local signatures"
scanner=$("${on_load_cpu[@]}" "$root/tests/scripts/clamd.sh" start "$clamd_dir" $$ | head -1) || die "clamd did not start"
SERVER_ARGS+=("--Atom:Scanner:Address=$scanner")
start_postgres_if_asked

# load NAME COMMAND ARGS...: one FileLoad run.
load() { local name=$1; shift; run_tool "$name" "$fileload" "$@" --warmup-files "$WARMUP_FILES"; }

# --- the physical limits: the same files over plain TCP to a sink pinned like the server, which only reads them,
# then to one that also writes them to disk, flushed every chunk as the server's staging does --------------
# start_sink [ARGS...]: sets sink_pid and sink (host:port).
start_sink() {
  "${on_server_cpu[@]}" dotnet "$fileload" sink --chunk "$CHUNK" "$@" >"$logs/sink.log" 2>&1 &
  sink_pid=$!
  sink=
  for _ in $(seq 300); do
    sink=$(grep -soE 'sink listening on [0-9.]+:[0-9]+' "$logs/sink.log" | awk '{print $4}' || true)
    [[ -n "$sink" ]] && return 0
    kill -0 "$sink_pid" 2>/dev/null || { cat "$logs/sink.log"; die "the sink exited before listening"; }
    sleep 0.1
  done
  die "the sink did not start within 30 s"
}
sink_dir="$results/sink"
for kind in memory disk; do
  sink_args=() label=loopback
  if [[ "$kind" == disk ]]; then rm -rf "$sink_dir"; mkdir -p "$sink_dir"; sink_args=(--write-dir "$sink_dir"); label=loopback-disk; fi
  start_sink "${sink_args[@]}"
  for set in $SETS; do
    IFS=: read -r size files concurrency <<<"$set"
    say "raw TCP copy ($kind): $files x $size, $concurrency at a time"
    to_disk=()
    [[ "$kind" == disk ]] && to_disk=(--to-disk)
    load "$label-$size-x$files-c$concurrency" loopback --sink "$sink" --server-pid "$sink_pid" "${to_disk[@]}" \
      --size "$size" --files "$files" --concurrency "$concurrency" --chunk "$CHUNK"
  done
  stop_sink
done
rm -rf "$sink_dir"

# --- uploads and upload-to-ready, per store, on one server each ------------------------------------------
for store in $STORES; do
  start_server "$store" files
  [[ -n "$web_target" ]] || die "the server printed no gRPC-Web (HTTP/1.1) address"
  mapfile -t db < <(db_pid_args "$store")
  for set in $SETS; do
    IFS=: read -r size files concurrency <<<"$set"
    for path in $PATHS; do
      say "$store: $path, $files x $size, $concurrency at a time"
      load "$store-$path-$size-x$files-c$concurrency" upload --store "$store" --path "$path" --target "$target" --web-target "$web_target" \
        --server-pid "$server_pid" "${db[@]}" --size "$size" --files "$files" --concurrency "$concurrency" --chunk "$CHUNK" \
        --in-flight "$IN_FLIGHT" --ready-timeout "$READY_TIMEOUT"
      kill -0 "$server_pid" 2>/dev/null || { say "the server died"; failed=1; stop_server; start_server "$store" "after-$path-$size"; }
    done
  done
  for content in $READY_CONTENTS; do
    say "$store: upload to ready, $READY_FILES $content file(s) one at a time"
    load "$store-ready-$content" ready --store "$store" --content "$content" --target "$target" --server-pid "$server_pid" "${db[@]}" \
      --files "$READY_FILES" --ready-timeout "$READY_TIMEOUT"
  done
  stop_server
done

# --- report ------------------------------------------------------------------------------------------
report_and_exit "$fileload" "a file arrived wrong, did not become ready, or a call failed" \
  "Uploads are white-noise WAV files (incompressible; processing reads only their header, then clamd scans every byte)."
