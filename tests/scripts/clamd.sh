#!/usr/bin/env bash
# A throwaway clamd for tests, with a local signature set that detects the EICAR test string:
#   clamd.sh start DIR              write DIR/clamd.conf and DIR/db, start clamd, wait until it answers PING;
#                                   prints two lines: unix:DIR/clamd.sock and tcp://127.0.0.1:PORT
#   clamd.sh start DIR OWNER_PID    the same, and stop it and remove DIR once process OWNER_PID is gone
#   clamd.sh stop DIR               stop it (DIR can then be removed)
# freshclam is never run (nothing can be downloaded here); the Debian clamav-daemon service is not used.
# CLAMD_DATABASE=DIR uses the signatures in DIR (e.g. /var/lib/clamav, filled by freshclam) instead of the local set.
# StreamMaxLength is 100M and MaxFileSize matches it, so nothing clamd accepts goes unscanned.
set -euo pipefail
CLAMD=/usr/sbin/clamd
[ -x "$CLAMD" ] || { echo "clamd not found at $CLAMD (apt-get install clamav-daemon clamav)" >&2; exit 1; }

# Sends one clamd command over TCP and prints the NUL-terminated reply (empty if nothing answered).
ask() { # port command
  local reply=
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'z%s\0' "$2" >&3
  IFS= read -r -d '' -t 5 reply <&3 || true
  exec 3>&-
  printf '%s' "$reply"
}

case "${1:-}" in
  start)
    dir=$2
    mkdir -p "$dir/db" "$dir/tmp"
    # The test string is assembled here so that this file, and so the repository, never holds it whole:
    # a developer's own virus scanner would otherwise flag the checkout.
    eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$'"EICAR-STANDARD-ANTIVIRUS"'-TEST-FILE!$H+H*'
    # An extended (.ndb) signature matches at any offset, so the string is found inside larger content too;
    # a hash (.hdb) signature would only match a file that is exactly the string. clamd reports it with a .UNOFFICIAL suffix.
    printf 'Atom.Test.Eicar:0:*:%s\n' "$(printf '%s' "$eicar" | od -An -tx1 -v | tr -d ' \n')" >"$dir/db/atom-test.ndb"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$dir/clamd.conf" <<EOF
LocalSocket $dir/clamd.sock
TCPSocket $port
TCPAddr 127.0.0.1
Foreground yes
User $(id -un)
DatabaseDirectory ${CLAMD_DATABASE:-$dir/db}
TemporaryDirectory $dir/tmp
LogFile $dir/clamd.log
StreamMaxLength 100M
MaxFileSize 100M
MaxScanSize 400M
EOF
    setsid "$CLAMD" -c "$dir/clamd.conf" </dev/null >>"$dir/clamd.log" 2>&1 &
    echo $! >"$dir/clamd.pid"
    for _ in $(seq 1 300); do
      [ "$(ask "$port" PING || true)" = PONG ] && [ -S "$dir/clamd.sock" ] && break
      if ! kill -0 "$(cat "$dir/clamd.pid")" 2>/dev/null; then echo "clamd exited:" >&2; tail -20 "$dir/clamd.log" >&2; exit 1; fi
      sleep 0.05
    done
    [ "$(ask "$port" PING || true)" = PONG ] || { echo "clamd did not answer PING within 15 s:" >&2; tail -20 "$dir/clamd.log" >&2; "$0" stop "$dir"; exit 1; }
    # With an owner pid, the daemon goes when its owner does, even if the owner is killed before it can stop it.
    if [ -n "${3:-}" ]; then
      setsid bash -c "while kill -0 $3 2>/dev/null; do sleep 2; done; bash \"\$0\" stop \"$dir\"; rm -rf \"$dir\"" "$(readlink -f "$0")" </dev/null >/dev/null 2>&1 &
    fi
    echo "unix:$dir/clamd.sock"
    echo "tcp://127.0.0.1:$port"
    ;;
  stop)
    dir=$2
    if [ -f "$dir/clamd.pid" ]; then
      pid=$(cat "$dir/clamd.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/clamd.pid"
    fi
    ;;
  *) echo "usage: clamd.sh start DIR [OWNER_PID] | stop DIR" >&2; exit 2 ;;
esac
