# Sourced by chat.sh, files.sh, vectors.sh, search.sh and voice.sh: what they do the same way (chat.sh and files.sh around a real Atom server, src/Server, on loopback).
# The sourcing script sets, before calling anything here: root, results, runs, logs, server_dll, ADMIN_TOKEN, STORES,
# BENCH (a short name for temporary directories and messages), and SERVER_ARGS (an array of its own server flags).
# Sets: on_server_cpu / on_load_cpu (taskset prefixes), pinning, server_pid, target (native gRPC), web_target
# (gRPC-Web and REST, HTTP/1.1), pg_dir and pg_connection (when STORES names postgres).

say() { printf '== [%3ds] %s\n' "$SECONDS" "$*"; }
die() { printf '%s.sh: %s\n' "$BENCH" "$*" >&2; exit 2; }

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

# --- what we start, stopped on any exit (cleanup_more: the sourcing script's own) ---------------
server_pid= server_dir= pg_dir=
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
  if [[ -n "$server_dir" ]]; then rm -rf "$server_dir"; server_dir=; fi
}
cleanup() {
  stop_server
  if declare -F cleanup_more >/dev/null; then cleanup_more; fi
  if [[ -n "$pg_dir" ]]; then "$root/tests/scripts/postgres.sh" stop "$pg_dir"; rm -rf "$pg_dir"; pg_dir=; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- pinning: the server (and PostgreSQL) on one core, the load on another ----------------------
SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
  on_server_cpu=(taskset -c "$SERVER_CPU") on_load_cpu=(taskset -c "$LOAD_CPU")
  pinning="server and PostgreSQL pinned to core $SERVER_CPU, load tool to core $LOAD_CPU (taskset)"
else
  say "fewer than 2 cores or no taskset: not pinning (figures will be less comparable)"
  on_server_cpu=() on_load_cpu=()
  pinning="not pinned"
fi

# build_and_clear SLNF TOOL_DLL: builds the server and the load tool (unless SKIP_BUILD=1), checks both are there, and
# empties runs/ and logs/ of the last run.
build_and_clear() {
  mkdir -p "$results"
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    say "build $(basename "$1") (Release)"
    dotnet build "$1" -c Release -nologo -v q -clp:ErrorsOnly >"$results/build.log" 2>&1 \
      || { cat "$results/build.log"; die "build failed"; }
  fi
  [[ -f "$server_dll" && -f "$2" ]] || die "missing build output (run without SKIP_BUILD=1)"
  rm -rf "$runs" "$logs"
  mkdir -p "$runs" "$logs"
}

failed=0 n=0
# run_tool NAME TOOL_DLL COMMAND ARGS...: one load-tool run on the load core as the admin, its JSON in runs/ (numbered,
# so the report keeps the order); a run that fails sets failed=1.
run_tool() {
  local name=$1 dll=$2; shift 2
  n=$((n + 1))
  "${on_load_cpu[@]}" dotnet "$dll" "$@" --token "$ADMIN_TOKEN" --scenario "$name" --out "$runs/$(printf '%03d' "$n")-$name.json" || failed=1
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_postgres_if_asked: PostgreSQL on the server's core when STORES names it.
pg_connection=
start_postgres_if_asked() {
  [[ " $STORES " == *" postgres "* ]] || return 0
  pg_dir=$(mktemp -d "/tmp/atom-${BENCH}bench-pg.XXXXXX")
  local pg_port
  pg_port=$(free_port)
  say "postgres: starting on 127.0.0.1:$pg_port"
  pg_connection=$("${on_server_cpu[@]}" "$root/tests/scripts/postgres.sh" start "$pg_dir" "$pg_port") || die "postgres did not start"
}

# db_pid_args STORE: the arguments that name PostgreSQL's postmaster to a load tool, so it reports the database's CPU.
db_pid_args() { [[ "$1" == postgres ]] && printf -- '--db-pid\n%s\n' "$(head -1 "$pg_dir/data/postmaster.pid")"; return 0; }

# start_server STORE LABEL: a fresh Atom server (new DataDir) on loopback; sets server_pid, target and web_target.
start_server() {
  local store=$1 label=$2 log="$logs/server-$1-$2.log"
  server_dir=$(mktemp -d "/tmp/atom-${BENCH}bench.XXXXXX")
  local args=(--Atom:GrpcUrl=http://127.0.0.1:0 --Atom:HttpUrl=http://127.0.0.1:0 "--Atom:DataDir=$server_dir"
    "--Atom:Bootstrap:AdminToken=$ADMIN_TOKEN" --Logging:LogLevel:Default=Warning "${SERVER_ARGS[@]}")
  [[ "$store" == postgres ]] && args+=(--Atom:Storage:Provider=postgres "--Atom:Storage:ConnectionString=$pg_connection")
  "${on_server_cpu[@]}" dotnet "$server_dll" "${args[@]}" >"$log" 2>&1 &
  server_pid=$!
  local address=
  for _ in $(seq 600); do
    address=$(grep -soE 'gRPC \(HTTP/2\) +http://[0-9.]+:[0-9]+' "$log" | grep -oE 'http://[0-9.:]+' | head -1 || true)
    [[ -n "$address" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log"; die "the $store server exited before listening"; }
    sleep 0.1
  done
  [[ -n "$address" ]] || { cat "$log"; die "the $store server did not start within 60 s"; }
  target=$address
  web_target=$(grep -soE 'gRPC-Web and REST \(HTTP/1.1\) +http://[0-9.]+:[0-9]+' "$log" | grep -oE 'http://[0-9.:]+' | head -1 || true)
  say "atom ($store) listening on $target (pid $server_pid)"
}

# report_and_exit TOOL_DLL WHAT_FAILS [NOTE]: the tables from runs/ into results/latest.{md,json}, with the machine note
# (and NOTE) on top; exits 1 when a run failed, naming WHAT_FAILS, else 0.
report_and_exit() {
  echo
  dotnet "$1" report --runs "$runs" --report "$results/latest" --machine "$(machine_note)${3:+ $3}" || failed=1
  if (( failed )); then
    say "FAILED: $2 (see above and $logs)"
    exit 1
  fi
  say "OK (figures are machine-dependent; results in $results/latest.{md,json})"
  exit 0
}

# report_result_and_exit TOOL_DLL RESULT_JSON WHAT_FAILS: a one-run tool's result (RESULT_JSON, which the run must have
# written) into results/latest.{md,json} with the machine note; exits 1 when the run or its checks failed, naming
# WHAT_FAILS, else 0.
report_result_and_exit() {
  [[ -f "$2" ]] || die "$(basename "$1" .dll) wrote no result (see $logs)"
  echo
  dotnet "$1" report --result "$2" --report "$results/latest" --machine "$(machine_note)" >/dev/null || failed=1
  if (( failed )); then
    say "FAILED: $3 (see $results/latest.md)"
    exit 1
  fi
  say "OK (figures are machine-dependent; results in $results/latest.{md,json})"
  exit 0
}

# machine_note: the machine, the pinning and the load average around the run, for the top of the report.
machine_note() {
  local cpu note
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
  note="Machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -r); $pinning; .NET $(dotnet --version); $(date -u +%Y-%m-%dT%H:%MZ). Load average (1/5/15 min) at the start $load_at_start, at the end $(cut -d' ' -f1-3 /proc/loadavg): above the core count, other work shared the cores and the figures are noisy."
  if [[ "${QUICK:-0}" == 1 ]]; then note+=" QUICK smoke run: the figures mean nothing."; fi
  printf '%s' "$note"
}
