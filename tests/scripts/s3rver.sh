#!/usr/bin/env bash
# A throwaway S3-compatible object store (npm s3rver, installed by ./build.sh into tests/scripts/node) on loopback for tests:
#   s3rver.sh start DIR              start it with its objects under DIR on a port the OS picks; prints the endpoint URL on stdout
#   s3rver.sh start DIR OWNER_PID    the same, and stop it and remove DIR once process OWNER_PID is gone
#   s3rver.sh stop DIR               stop it (DIR can then be removed)
# Credentials: access key S3RVER, secret key S3RVER. Path-style addressing only (no virtual-host buckets).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$HERE/node/node_modules/s3rver/bin/s3rver.js

case "$1" in
  start)
    dir=$2
    [ -f "$BIN" ] || { echo "s3rver not installed (./build.sh test installs it, or: cd tests/scripts/node && npm install)" >&2; exit 1; }
    mkdir -p "$dir/data"
    # Port 0: the OS picks a free port, so two runs never race for one; s3rver prints the one it got.
    setsid node "$BIN" -d "$dir/data" -a 127.0.0.1 -p 0 --silent --no-vhost-buckets </dev/null >"$dir/server.log" 2>&1 &
    echo $! >"$dir/s3rver.pid"
    port=
    for _ in $(seq 300); do
      port=$(sed -n 's/^S3rver listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$dir/server.log")
      [ -n "$port" ] && break
      kill -0 "$(cat "$dir/s3rver.pid")" 2>/dev/null || { echo "s3rver exited: $(cat "$dir/server.log")" >&2; exit 1; }
      sleep 0.1
    done
    [ -n "$port" ] || { echo "s3rver did not start within 30 s: $(cat "$dir/server.log")" >&2; bash "$0" stop "$dir"; exit 1; }
    # Listening is not answering: one real request proves the S3 routes are up (any HTTP status will do).
    node -e "require('http').get('http://127.0.0.1:$port/', r => process.exit(0)).on('error', () => process.exit(1))" \
      || { echo "s3rver on port $port does not answer" >&2; bash "$0" stop "$dir"; exit 1; }
    # With an owner pid, the server goes when its owner does, even if the owner is killed before it can stop it.
    if [ -n "${3:-}" ]; then
      setsid bash -c "while kill -0 $3 2>/dev/null; do sleep 2; done; bash \"\$0\" stop \"$dir\"; rm -rf \"$dir\"" "$0" </dev/null >/dev/null 2>&1 &
    fi
    echo "http://127.0.0.1:$port"
    ;;
  stop)
    dir=$2
    if [ -f "$dir/s3rver.pid" ]; then
      kill "$(cat "$dir/s3rver.pid")" 2>/dev/null || true
      rm -f "$dir/s3rver.pid"
    fi
    ;;
  *) echo "usage: s3rver.sh start DIR [OWNER_PID] | stop DIR" >&2; exit 2 ;;
esac
