#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests, in a temporary data directory.
#   scripts/postgres.sh start PORT DIR   (prints nothing; creates database "annotator")
#   scripts/postgres.sh stop DIR
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case $1 in
start)
  port=$2 dir=$3
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"; [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir" -U postgres -A trust --no-sync >/dev/null
    # In the cluster's own config, so a plain `pg_ctl start` (the restart test) keeps them.
    cat >> "$dir/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '/tmp'
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
  fi
  as_pg "$bin/pg_ctl" -D "$dir" -o "-p $port -k /tmp" -l "$dir/log" -w start >/dev/null
  psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='annotator'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE annotator"
  ;;
stop)
  dir=$2
  [ -f "$dir/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
  ;;
esac
