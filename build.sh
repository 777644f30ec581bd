#!/usr/bin/env bash
# Atom's two entry points, the contract with every new user and with CI:
#   ./build.sh run [server args...]   install what is missing, build, start the server on embedded defaults
#   ./build.sh test                   install what is missing, build, run every test suite
# Both work on a brand-new Debian 12 machine with the .NET SDK, node/npm and python3: everything else
# (apt and npm packages) is installed here, and every server a test needs is started and stopped here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD
CONFIGURATION=${CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { if [ -t 2 ]; then printf '\033[1m==> %s\033[0m\n' "$*" >&2; else printf '==> %s\n' "$*" >&2; fi; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages the server uses at run time: clamd for virus scanning (its Debian service is never used:
# tests/scripts/clamd.sh runs one of our own), poppler and tesseract for text extraction and OCR, ffmpeg to decode
# compressed audio and encode speech, espeak-ng (the library, and its voices) for text-to-speech, pocketsphinx and its
# US English model for speech-to-text.
RUN_APT_PACKAGES=(clamav-daemon clamav poppler-utils tesseract-ocr tesseract-ocr-eng ffmpeg libespeak-ng1 espeak-ng libpocketsphinx3 pocketsphinx-en-us)
# And those only the tests use: real gRPC peers (python3-grpcio), a load generator (h2load), PostgreSQL 15 (every
# store test runs against it as well as SQLite), recordings with transcripts (pocketsphinx-testdata) and flite's voices
# to speak test commands.
TEST_APT_PACKAGES=(python3-grpcio python3-grpc-tools nghttp2-client postgresql pocketsphinx-testdata flite)

install_apt() {
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt: installing ${missing[*]}"
  as_root apt-get update -qq || log "apt-get update failed; trying the install with the lists there are"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm packages: @grpc/grpc-js, connect-web and buf (a static binary shipped in its npm package).
install_npm() {
  local dir=$ROOT/tests/Interop/node
  if [ ! -x "$dir/node_modules/.bin/buf" ] || [ "$dir/package.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "npm: installing tests/Interop/node"
    # npm ci rejects this lock: the registry here lacks buf's non-linux optional packages (see tests/Interop/README.md).
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  # Servers the tests start themselves (tests/scripts/s3rver.sh).
  dir=$ROOT/tests/scripts/node
  if [ ! -f "$dir/node_modules/s3rver/package.json" ] || [ "$dir/package.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "npm: installing tests/scripts/node"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

build() {
  log "dotnet build ($CONFIGURATION)"
  dotnet build "$ROOT/Atom.sln" -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly
}

# A clamd of our own for `run`, unless the caller configured a scanner: without one no uploaded file is ever served.
# It uses ClamAV's signatures when freshclam has put them in /var/lib/clamav, else the local test set (EICAR only).
# It stops when the server does (clamd.sh watches this shell's pid, which the server keeps through exec).
RUN_ARGS=()
start_run_clamd() {
  local a
  for a in "$@"; do case $a in --Atom:Scanner:*|--Atom__Scanner__*) return 0 ;; esac; done
  if [ -n "${Atom__Scanner__Address:-}${Atom__Scanner__Provider:-}" ]; then return 0; fi
  local db= dir address
  if compgen -G '/var/lib/clamav/*.c[vl]d' >/dev/null; then db=/var/lib/clamav; fi
  dir=$(mktemp -d /tmp/atom-clamd.XXXXXX)
  address=$(CLAMD_DATABASE=$db "$ROOT/tests/scripts/clamd.sh" start "$dir" $$ | head -1) || { log "clamd did not start: uploaded files will wait in PENDING_SCAN"; return 0; }
  if [ -n "$db" ]; then log "clamd: $address with ClamAV's signatures ($db)"
  else log "clamd: $address with local test signatures only (EICAR); run freshclam for ClamAV's"; fi
  RUN_ARGS+=("--Atom:Scanner:Address=$address")
}

# Word vectors for the embedded embeddings (npm GloVe, converted once into the data directory): without them search is keyword-only.
prepare_run_glove() {
  local a data=${Atom__DataDir:-$ROOT/data} out=${Atom__Embeddings__Glove__Path:-}
  for a in "$@"; do case $a in --Atom:DataDir=*) data=${a#*=} ;; --Atom:Embeddings:Glove:Path=*) out=${a#*=} ;; esac; done
  "$ROOT/tests/scripts/glove.sh" "${out:-$data/models/glove-100d.bin}" >/dev/null || log "word vectors unavailable: search runs on keywords only"
}

cmd_run() {
  install_apt "${RUN_APT_PACKAGES[@]}"
  build
  prepare_run_glove "$@"
  start_run_clamd "$@"
  local dll=$ROOT/src/Server/bin/$CONFIGURATION/net10.0/Atom.Server.dll
  log "starting Atom (Ctrl+C stops it)"
  exec dotnet "$dll" "${RUN_ARGS[@]}" "$@"
}

# ---------------------------------------------------------------- test
PASSED=0 FAILED=0 SKIPPED=0
FAILURES=()
PIDS=()
RESULTS=$ROOT/artifacts/test-results
PG_DIR=
CLAMD_DIR=
cleanup() {
  local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [ -n "$PG_DIR" ]; then "$ROOT/tests/scripts/postgres.sh" stop "$PG_DIR"; rm -rf "$PG_DIR"; PG_DIR=; fi
  if [ -n "$CLAMD_DIR" ]; then "$ROOT/tests/scripts/clamd.sh" stop "$CLAMD_DIR"; rm -rf "$CLAMD_DIR"; CLAMD_DIR=; fi
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# One PostgreSQL for the whole run; the tests create a database per test class in it.
start_postgres() {
  PG_DIR=$(mktemp -d /tmp/atom-pg.XXXXXX)
  log "postgres: starting on loopback"
  ATOM_TEST_POSTGRES=$("$ROOT/tests/scripts/postgres.sh" start "$PG_DIR" "$(free_port)")
  export ATOM_TEST_POSTGRES
}

# One clamd for the whole run, on a unix socket and a loopback port (the scanner is tested over both).
start_clamd() {
  CLAMD_DIR=$(mktemp -d /tmp/atom-clamd.XXXXXX)
  log "clamd: starting with local signatures"
  ATOM_TEST_CLAMD=$("$ROOT/tests/scripts/clamd.sh" start "$CLAMD_DIR" | tr '\n' ' ')
  export ATOM_TEST_CLAMD
}
trap cleanup EXIT

count() { # suite passed failed skipped
  PASSED=$((PASSED + $2)); FAILED=$((FAILED + $3)); SKIPPED=$((SKIPPED + $4))
  [ "$3" -gt 0 ] && FAILURES+=("$1 ($3 failed)")
  log "$1: $2 passed, $3 failed$([ "$4" -gt 0 ] && echo ", $4 skipped")"
}

check() { # name command...: one check, one count
  local name=$1; shift
  if "$@" >"$RESULTS/$name.log" 2>&1; then count "$name" 1 0 0; else count "$name" 0 1 0; sed 's/^/    /' "$RESULTS/$name.log" | tail -20 >&2; fi
}

suite_dotnet() {
  log "dotnet test"
  local out=$RESULTS/dotnet.log
  dotnet test "$ROOT/Atom.sln" -c "$CONFIGURATION" --no-build -nologo -v quiet \
    --logger "console;verbosity=minimal" --results-directory "$RESULTS/trx" --logger trx 2>&1 | tee "$out" \
    | grep -E '^\s*(Failed|Passed|Skipped) |^(Passed|Failed)!|error' >&2 || true
  # One line per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ...".
  local p f s
  # The "Passed!  - " / "Failed!  - " prefix is cut first: left on, it glues itself to the first counter's name.
  read -r p f s < <(grep -E '^(Passed|Failed)!' "$out" | sed -E 's/^(Passed|Failed)![[:space:]]*-[[:space:]]*//' | awk -F'[:,]' '
    { for (i = 1; i < NF; i++) { k = $i; gsub(/[^A-Za-z]/, "", k); v = $(i + 1) + 0
        if (k == "Passed") p += v; else if (k == "Failed") f += v; else if (k == "Skipped") s += v } }
    END { print p + 0, f + 0, s + 0 }')
  if ! grep -qE '^(Passed|Failed)!' "$out"; then f=1; log "dotnet test produced no results"; tail -30 "$out" >&2; fi
  count dotnet "${p:-0}" "${f:-0}" "${s:-0}"
}

# Starts the interop test host on free ports; sets GRPC_PORT and HTTP_PORT.
start_test_host() {
  local logf=$RESULTS/testhost.log
  dotnet "$ROOT/tests/Interop/TestHost/bin/$CONFIGURATION/net10.0/Atom.Interop.TestHost.dll" --port 0 --http-port 0 >"$logf" 2>&1 &
  PIDS+=($!)
  local i
  for i in $(seq 1 100); do
    if grep -q '^listening grpc=' "$logf"; then
      GRPC_PORT=$(sed -nE 's/^listening grpc=([0-9]+) http=([0-9]+).*/\1/p' "$logf")
      HTTP_PORT=$(sed -nE 's/^listening grpc=([0-9]+) http=([0-9]+).*/\2/p' "$logf")
      return 0
    fi
    sleep 0.1
  done
  log "the interop test host did not start:"; cat "$logf" >&2; return 1
}

interop() { # name command...: a client that prints "RESULT passed=N failed=N skipped=N"
  local name=$1; shift
  local out=$RESULTS/$name.log
  timeout 300 "$@" >"$out" 2>&1 || true
  grep -E '^(FAIL|SKIP)' "$out" | sed 's/^/    /' >&2 || true
  local line; line=$(grep -E '^RESULT ' "$out" | tail -1)
  if [ -z "$line" ]; then count "$name" 0 1 0; tail -20 "$out" >&2; return; fi
  count "$name" "$(sed -E 's/.*passed=([0-9]+).*/\1/' <<<"$line")" "$(sed -E 's/.*failed=([0-9]+).*/\1/' <<<"$line")" "$(sed -E 's/.*skipped=([0-9]+).*/\1/' <<<"$line")"
}

suite_interop() {
  log "interop: python3-grpcio, @grpc/grpc-js and connect-web against the Atom runtime"
  start_test_host
  interop interop-python /usr/bin/python3 "$ROOT/tests/Interop/python/interop_client.py" --port "$GRPC_PORT"
  interop interop-grpc-js node "$ROOT/tests/Interop/node/interop_client.js" --port "$GRPC_PORT"
  interop interop-connect-web node "$ROOT/tests/Interop/node/connect_web_client.mjs" --base-url "http://127.0.0.1:$HTTP_PORT"
}

buf_breaking() {
  # Against the contracts of the previous commit; the first commit with contracts has nothing to break.
  if ! git -C "$ROOT" cat-file -e HEAD~1:buf.yaml 2>/dev/null; then echo "no previous contracts: nothing to compare"; return 0; fi
  "$BUF" breaking --against "$ROOT/.git#ref=HEAD~1"
}

suite_contracts() {
  log "contracts: buf lint, format, breaking"
  BUF=$ROOT/tests/Interop/node/node_modules/.bin/buf
  check buf-lint "$BUF" lint
  check buf-format "$BUF" format -d --exit-code
  check buf-breaking buf_breaking
}

sdk_package() {
  local dir=$RESULTS/pkg; rm -rf "$dir"
  dotnet pack "$ROOT/src/Sdk/Atom.Sdk.csproj" -c "$CONFIGURATION" --no-build -o "$dir" -nologo -v quiet
  local nupkg; nupkg=$(ls "$dir"/Atom.Sdk.*.nupkg | grep -v snupkg)
  ls "$dir"/Atom.Sdk.*.snupkg
  python3 - "$nupkg" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = {"README.md", "lib/net10.0/Atom.Sdk.dll", "lib/net10.0/Atom.Sdk.xml"}
print("\n".join(sorted(names)))
sys.exit(f"missing from the package: {need - names}" if need - names else 0)
PY
}

cmd_test() {
  mkdir -p "$RESULTS"
  install_apt "${RUN_APT_PACKAGES[@]}" "${TEST_APT_PACKAGES[@]}"
  install_npm
  build
  ATOM_TEST_GLOVE=$("$ROOT/tests/scripts/glove.sh" "$ROOT/artifacts/glove/glove-100d.bin") && export ATOM_TEST_GLOVE || log "word vectors unavailable: the tests on them are skipped"
  start_postgres
  start_clamd
  suite_dotnet
  suite_interop
  suite_contracts
  check sdk-package sdk_package
  if [ -x "$ROOT/tests/Benchmarks/run.sh" ]; then check benchmark-smoke env QUICK=1 SKIP_BUILD=1 "$ROOT/tests/Benchmarks/run.sh"; fi
  if [ -x "$ROOT/tests/Benchmarks/chat.sh" ]; then check chat-benchmark-smoke env QUICK=1 SKIP_BUILD=1 "$ROOT/tests/Benchmarks/chat.sh"; fi
  if [ -x "$ROOT/tests/Benchmarks/files.sh" ]; then check files-benchmark-smoke env QUICK=1 SKIP_BUILD=1 "$ROOT/tests/Benchmarks/files.sh"; fi
  if [ -x "$ROOT/tests/Benchmarks/vectors.sh" ]; then check vectors-benchmark-smoke env QUICK=1 SKIP_BUILD=1 "$ROOT/tests/Benchmarks/vectors.sh"; fi
  if [ -x "$ROOT/tests/Benchmarks/search.sh" ]; then check search-benchmark-smoke env QUICK=1 SKIP_BUILD=1 "$ROOT/tests/Benchmarks/search.sh"; fi
  if [ -x "$ROOT/tests/Benchmarks/voice.sh" ]; then check voice-benchmark-smoke env QUICK=1 SKIP_BUILD=1 "$ROOT/tests/Benchmarks/voice.sh"; fi
  cleanup; PIDS=()
  [ ${#FAILURES[@]} -gt 0 ] && log "failed: ${FAILURES[*]}"
  local summary="$PASSED passed, $FAILED failed"
  [ "$SKIPPED" -gt 0 ] && summary+=", $SKIPPED skipped"
  echo "$summary"
  [ "$FAILED" -eq 0 ]
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  build) build ;;
  *) echo "usage: ./build.sh run [server args...] | ./build.sh test" >&2; exit 2 ;;
esac
