#!/usr/bin/env bash
# Atom vs grpc-js gRPC benchmark. Figures, never pass/fail on time: the exit code is non-zero only
# when a server answered a call wrongly (or could not be built/started). See README.md.
#
#   tests/Benchmarks/run.sh              full run (DURATION=10 s per run, WARMUP=5 s, H2LOAD_WARMUP=15 s)
#   QUICK=1 tests/Benchmarks/run.sh      smoke run, 2 s per run, well under 60 s
#
# Environment: DURATION, WARMUP (LoadTool warm-up seconds), H2LOAD_WARMUP (h2load warm-up seconds) or WARMUP_CALLS,
# QUICK=1, SKIP_BUILD=1, CONNECTIONS/STREAMS (unary: 8 x 16), STREAM_CONNECTIONS/STREAM_CONCURRENCY/
# STREAM_MESSAGES (stream: 4 x 4, 1000 messages per call), SERVER_CPU (0), LOAD_CPU (1), SERVERS ("atom grpc-js").
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ "${QUICK:-0}" == 1 ]]; then
  DURATION=${DURATION:-2} WARMUP=${WARMUP:-1} H2LOAD_WARMUP=${H2LOAD_WARMUP:-1} WARMUP_CALLS=${WARMUP_CALLS:-0}
else
  DURATION=${DURATION:-10} WARMUP=${WARMUP:-5} H2LOAD_WARMUP=${H2LOAD_WARMUP:-15} WARMUP_CALLS=${WARMUP_CALLS:-0}
fi
CONNECTIONS=${CONNECTIONS:-8} STREAMS=${STREAMS:-16}
STREAM_CONNECTIONS=${STREAM_CONNECTIONS:-4} STREAM_CONCURRENCY=${STREAM_CONCURRENCY:-4} STREAM_MESSAGES=${STREAM_MESSAGES:-1000}
SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
SERVERS=${SERVERS:-"atom grpc-js"}

results="$here/results"
runs="$results/runs"
logs="$results/logs"
testhost="$root/tests/Interop/TestHost/bin/Release/net10.0/Atom.Interop.TestHost.dll"
loadtool="$root/tests/Benchmarks/LoadTool/bin/Release/net10.0/Atom.Benchmarks.LoadTool.dll"
node_dir="$root/tests/Interop/node"

say() { printf '== [%3ds] %s\n' "$SECONDS" "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 2; }

# --- processes we start, stopped on any exit ------------------------------------------------
server_pids=()
cleanup() {
  local pid
  for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- pinning: servers on one core, load on another (skipped on 1-core machines) -------------
if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
  on_server_cpu=(taskset -c "$SERVER_CPU")
  on_load_cpu=(taskset -c "$LOAD_CPU")
else
  say "fewer than 2 cores or no taskset: not pinning (figures will be less comparable)"
  on_server_cpu=() on_load_cpu=()
fi

# --- prerequisites -------------------------------------------------------------------------
if ! command -v h2load >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "installing nghttp2-client (h2load)"
    apt-get -o DPkg::Lock::Timeout=600 install -y -q nghttp2-client >/dev/null
  else
    die "h2load not found: apt-get install -y nghttp2-client (./build.sh does this)"
  fi
fi
if [[ ! -d "$node_dir/node_modules/@grpc/grpc-js" ]]; then
  say "npm install in tests/Interop/node"
  (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  say "build TestHost + LoadTool (Release)"
  mkdir -p "$results"
  dotnet build "$here/Benchmarks.slnf" -c Release -nologo -v q -clp:ErrorsOnly >"$results/build.log" 2>&1 \
    || { cat "$results/build.log"; die "build failed"; }
fi
[[ -f "$testhost" && -f "$loadtool" ]] || die "missing build output (run without SKIP_BUILD=1)"

rm -rf "$runs" "$logs"
mkdir -p "$runs" "$logs"

# --- servers ---------------------------------------------------------------------------------
# start_server NAME PATTERN COMMAND...: starts it on the server core; sets server_pid and server_port
# from the first line matching PATTERN ("...<port>"), which both servers print once listening.
start_server() {
  local name=$1 pattern=$2 log="$logs/$1.log"
  shift 2
  "${on_server_cpu[@]}" "$@" >"$log" 2>&1 &
  server_pid=$!
  server_pids+=("$server_pid")
  for _ in $(seq 600); do
    server_port=$(grep -oE "$pattern" "$log" | head -1 | grep -oE '[0-9]+$' || true)
    [[ -n "$server_port" ]] && { say "$name listening on 127.0.0.1:$server_port (pid $server_pid)"; return; }
    kill -0 "$server_pid" 2>/dev/null || { cat "$log"; die "$name exited before listening"; }
    sleep 0.1
  done
  cat "$log"
  die "$name did not start within 60 s"
}

declare -A port pid
for server in $SERVERS; do
  case $server in
    atom) start_server atom 'listening grpc=[0-9]+' \
            dotnet "$testhost" --port 0 --http-port 0 --Logging:LogLevel:Default=Warning ;;
    grpc-js) start_server grpc-js 'listening on [0-9]+' node "$node_dir/server.js" --port 0 ;;
    *) die "unknown server '$server' (atom, grpc-js)" ;;
  esac
  port[$server]=$server_port pid[$server]=$server_pid
done

# --- load --------------------------------------------------------------------------------------
failed=0
load() { "${on_load_cpu[@]}" dotnet "$loadtool" "$@" || failed=1; }

for server in $SERVERS; do
  target="http://127.0.0.1:${port[$server]}"
  common=(--target "$target" --server-pid "${pid[$server]}" --server-name "$server")
  say "$server: h2load unary, ${H2LOAD_WARMUP}s warm-up (or $WARMUP_CALLS calls), then ${DURATION}s, -c $CONNECTIONS -m $STREAMS"
  load h2load "${common[@]}" --scenario h2load-unary --connections "$CONNECTIONS" --concurrency "$STREAMS" \
    --warmup "$H2LOAD_WARMUP" --warmup-calls "$WARMUP_CALLS" --duration "$DURATION" --out "$runs/$server-h2load-unary.json"
  say "$server: LoadTool unary, ${WARMUP}s warm-up, ${DURATION}s, $CONNECTIONS connections x $STREAMS streams"
  load unary "${common[@]}" --scenario unary --connections "$CONNECTIONS" --concurrency "$STREAMS" \
    --warmup "$WARMUP" --duration "$DURATION" --out "$runs/$server-unary.json"
  say "$server: LoadTool stream, ${WARMUP}s warm-up, ${DURATION}s, $STREAM_CONNECTIONS x $STREAM_CONCURRENCY calls of $STREAM_MESSAGES messages"
  load stream "${common[@]}" --scenario stream --connections "$STREAM_CONNECTIONS" --concurrency "$STREAM_CONCURRENCY" \
    --stream-messages "$STREAM_MESSAGES" --warmup "$WARMUP" --duration "$DURATION" --out "$runs/$server-stream.json"
  kill -0 "${pid[$server]}" 2>/dev/null || { say "$server died during the run"; failed=1; }
done

# --- report ------------------------------------------------------------------------------------
read -ra servers <<<"$SERVERS"
dotnet "$loadtool" report --runs "$runs" --report "$results/latest" \
  --subject "${servers[0]}" --baseline "${servers[1]:-${servers[0]}}" || failed=1

if (( failed )); then
  say "FAILED: some calls were answered wrongly or a server misbehaved (see above and $logs)"
  exit 1
fi
say "OK (figures are machine-dependent: compare the ratios)"
