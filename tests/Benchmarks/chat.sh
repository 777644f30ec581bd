#!/usr/bin/env bash
# Atom chat benchmark: fan-out latency, sustained sends and memory per idle stream, against a real Atom server
# (src/Server) through the C# SDK. Figures, never pass/fail on time: the exit code is non-zero only when a message
# was lost, duplicated or delivered out of order, or a call failed (or the server could not be built/started).
# See README.md, "Chat".
#
#   tests/Benchmarks/chat.sh             full run (~10 min with both stores)
#   QUICK=1 tests/Benchmarks/chat.sh     smoke run: a few seconds of each scenario on SQLite, checks only
#
# Environment: QUICK=1, SKIP_BUILD=1, STORES ("sqlite postgres"), SERVER_CPU (0), LOAD_CPU (1),
# FANOUT_SUBSCRIBERS ("1 100 1000 1000@10": N subscribers, at FANOUT_RATE or the rate after @), FANOUT_TRANSPORTS ("subscribe converse"), FANOUT_RATE (50), FANOUT_DURATION (10),
# SENDERS ("8 32"), MANY_ROOMS (64), LOAD_SUBSCRIBERS ("0 10" per room), LOAD_DURATION (10), LOAD_WARMUP (3),
# IDLE_STEPS ("500,1000,2000"), IDLE_LAYOUTS ("subscribe:1 subscribe:100 converse:1"), IDLE_STORES ("sqlite"),
# IDLE_SETTLE (3), QUEUE_CAPACITY (server default), DRAIN_TIMEOUT (60).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ "${QUICK:-0}" == 1 ]]; then
  STORES=${STORES:-sqlite} IDLE_STORES=${IDLE_STORES:-sqlite}
  FANOUT_SUBSCRIBERS=${FANOUT_SUBSCRIBERS:-20} FANOUT_TRANSPORTS=${FANOUT_TRANSPORTS:-"subscribe converse"}
  FANOUT_RATE=${FANOUT_RATE:-50} FANOUT_DURATION=${FANOUT_DURATION:-1}
  SENDERS=${SENDERS:-4} MANY_ROOMS=${MANY_ROOMS:-4} LOAD_SUBSCRIBERS=${LOAD_SUBSCRIBERS:-"2"}
  LOAD_DURATION=${LOAD_DURATION:-1} LOAD_WARMUP=${LOAD_WARMUP:-0.5}
  IDLE_STEPS=${IDLE_STEPS:-"20,50"} IDLE_LAYOUTS=${IDLE_LAYOUTS:-"subscribe:1 converse:10"} IDLE_SETTLE=${IDLE_SETTLE:-0.2}
  DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-30}
else
  STORES=${STORES:-"sqlite postgres"} IDLE_STORES=${IDLE_STORES:-sqlite}
  FANOUT_SUBSCRIBERS=${FANOUT_SUBSCRIBERS:-"1 100 1000 1000@10"} FANOUT_TRANSPORTS=${FANOUT_TRANSPORTS:-"subscribe converse"}
  FANOUT_RATE=${FANOUT_RATE:-50} FANOUT_DURATION=${FANOUT_DURATION:-10}
  SENDERS=${SENDERS:-"8 32"} MANY_ROOMS=${MANY_ROOMS:-64} LOAD_SUBSCRIBERS=${LOAD_SUBSCRIBERS:-"0 10"}
  LOAD_DURATION=${LOAD_DURATION:-10} LOAD_WARMUP=${LOAD_WARMUP:-3}
  IDLE_STEPS=${IDLE_STEPS:-"500,1000,2000"} IDLE_LAYOUTS=${IDLE_LAYOUTS:-"subscribe:1 subscribe:100 converse:1"} IDLE_SETTLE=${IDLE_SETTLE:-3}
  DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-60}
fi
ADMIN_TOKEN=atom_t3stadm1_GLckSADAV9xkIfKd0SI23jBb0-c3QmLWHofAKr0_zKw

results="$here/results/chat"
runs="$results/runs"
logs="$results/logs"
server_dll="$root/src/Server/bin/Release/net10.0/Atom.Server.dll"
chatload="$root/tests/Benchmarks/ChatLoad/bin/Release/net10.0/Atom.Benchmarks.ChatLoad.dll"

BENCH=chat
SERVER_ARGS=(--Atom:Chat:SendBurst=1000000 --Atom:Chat:SendsPerSecond=1000000)
[[ -n "${QUEUE_CAPACITY:-}" ]] && SERVER_ARGS+=("--Atom:Chat:Streams:QueueCapacity=$QUEUE_CAPACITY")
# shellcheck source=atom-server.sh
source "$here/atom-server.sh"

build_and_clear "$here/Chat.slnf" "$chatload"

start_postgres_if_asked

# load NAME ARGS...: one ChatLoad run against the current server.
load() {
  local name=$1; shift
  local db
  mapfile -t db < <(db_pid_args "$store")
  run_tool "$name" "$chatload" "$@" "${db[@]}" --target "$target" --server-pid "$server_pid" --drain-timeout "$DRAIN_TIMEOUT"
  kill -0 "$server_pid" 2>/dev/null || { say "the server died during $name"; failed=1; start_server "$store" "after-$name"; }
}

for store in $STORES; do
  # Memory first, each layout on a fresh server, so no earlier run's garbage is in its baseline.
  if [[ " $IDLE_STORES " == *" $store "* ]]; then
    for layout in $IDLE_LAYOUTS; do
      transport=${layout%%:*} per_connection=${layout##*:}
      start_server "$store" "idle-$transport-$per_connection"
      say "$store: idle streams ($transport, $per_connection per connection) at 0,$IDLE_STEPS"
      load "$store-idle-$transport-$per_connection" idle --store "$store" --transport "$transport" \
        --streams-per-connection "$per_connection" --steps "$IDLE_STEPS" --settle "$IDLE_SETTLE"
      stop_server
    done
  fi

  start_server "$store" fanout
  for transport in $FANOUT_TRANSPORTS; do
    for entry in $FANOUT_SUBSCRIBERS; do
      subscribers=${entry%@*} rate=$FANOUT_RATE
      [[ "$entry" == *@* ]] && rate=${entry#*@}
      say "$store: fan-out to $subscribers $transport stream(s), $rate msg/s for ${FANOUT_DURATION}s"
      load "$store-fanout-$transport-$subscribers-at-$rate" fanout --store "$store" --transport "$transport" \
        --subscribers "$subscribers" --rate "$rate" --duration "$FANOUT_DURATION"
    done
  done
  stop_server

  start_server "$store" throughput
  for senders in $SENDERS; do
    for rooms in 1 "$MANY_ROOMS"; do
      for subscribers in $LOAD_SUBSCRIBERS; do
        say "$store: $senders senders into $rooms room(s), $subscribers subscriber(s) per room, ${LOAD_WARMUP}s + ${LOAD_DURATION}s"
        load "$store-load-$senders-$rooms-$subscribers" throughput --store "$store" --senders "$senders" --rooms "$rooms" \
          --subscribers "$subscribers" --warmup "$LOAD_WARMUP" --duration "$LOAD_DURATION"
      done
    done
  done
  stop_server
done

# --- report ------------------------------------------------------------------------------------------
report_and_exit "$chatload" "a message was lost, duplicated or out of order, or a call failed"
