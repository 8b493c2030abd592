#!/usr/bin/env bash
# `make fuzz`: schemathesis with every check (`--checks all`) over the whole OpenAPI schema,
# logged in as the demo owner, against gunicorn on a throwaway copy of the demo project.
#   EXAMPLES=200 scripts/fuzz.sh [more schemathesis options]
# Exits non-zero on any failure; docs/operations.md explains what remains.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
work=$(mktemp -d /tmp/annotator-fuzz.XXXXXX)
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
port=$(free_port)
gunicorn_pid=""
finish() {
  [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap finish EXIT

export ANNOTATOR_VAR_DIR="$work/var" DATABASE_URL="sqlite:///$work/var/db.sqlite3"
export REDIS_URL="redis://127.0.0.1:$redis_port/0" MEDIA_ROOT="$work/var/media"
mkdir -p "$work/var"
scripts/redis.sh "$redis_port" "$work/redis"
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo >/dev/null
$PY -m gunicorn annotator.wsgi --bind "127.0.0.1:$port" --workers 2 --threads 4 --no-control-socket \
  --limit-request-line 8190 \
  --log-level warning --error-logfile "$work/gunicorn.log" &
gunicorn_pid=$!
base="http://127.0.0.1:$port"
token=$($PY - "$base" <<'PY'
import json, sys, time, urllib.request
base = sys.argv[1]
for _ in range(100):
    try:
        request = urllib.request.Request(
            base + "/api/auth/token/",
            data=json.dumps({"username": "owner", "password": "owner-demo-2026", "name": "fuzz"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        print(json.load(urllib.request.urlopen(request))["token"])
        break
    except OSError:
        time.sleep(0.2)
PY
)
# Operations that end the fuzzer's own session or token would lock it out of the rest.
.venv/bin/schemathesis --no-color run "$base/api/schema/" --checks all -H "Authorization: Token $token" \
  --max-examples "${EXAMPLES:-200}" --exclude-path /api/auth/logout/ --exclude-path-regex '/api/auth/tokens/' \
  "$@"
