#!/usr/bin/env bash
# A throwaway PostgreSQL 15 on loopback for tests:
#   postgres.sh start DIR PORT   initdb into DIR (as user postgres), start, create role and database "atom";
#                                prints the connection string on stdout
#   postgres.sh start DIR PORT OWNER_PID   the same, and stop it and remove DIR once process OWNER_PID is gone
#   postgres.sh stop DIR         stop it (DIR can then be removed)
# The application role is not a superuser, so row-level security applies to it.
set -euo pipefail
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/pg_ctl" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$1" in
  start)
    dir=$2 port=$3
    mkdir -p "$dir"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    as_postgres "$BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1
    as_postgres "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
    as_postgres "$BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -qAt -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE atom LOGIN PASSWORD 'atom' NOSUPERUSER NOBYPASSRLS CREATEDB" \
      -c "CREATE DATABASE atom OWNER atom" >/dev/null
    # With an owner pid, the server goes when its owner does, even if the owner is killed before it can stop it.
    if [ -n "${4:-}" ]; then
      setsid bash -c "while kill -0 $4 2>/dev/null; do sleep 2; done; bash \"\$0\" stop \"$dir\"; rm -rf \"$dir\"" "$0" </dev/null >/dev/null 2>&1 &
    fi
    echo "Host=127.0.0.1;Port=$port;Username=atom;Password=atom;Database=atom"
    ;;
  stop)
    dir=$2
    [ -d "$dir/data" ] && as_postgres "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: postgres.sh start DIR PORT [OWNER_PID] | stop DIR" >&2; exit 2 ;;
esac
