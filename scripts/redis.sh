#!/usr/bin/env bash
# Starts a private Redis on PORT (data under DIR) unless one already answers there.
#   scripts/redis.sh PORT DIR
set -euo pipefail
port=$1 dir=$2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)  # absolute: redis changes into --dir before it opens the log file
if redis-cli -p "$port" ping >/dev/null 2>&1; then exit 0; fi
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
  --pidfile "$dir/redis-$port.pid" --logfile "$dir/redis-$port.log" --save "" --appendonly no
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && exit 0; sleep 0.1; done
echo "redis did not start on port $port (see $dir/redis-$port.log)" >&2
exit 1
