#!/usr/bin/env bash
# `make run`: the demo on http://127.0.0.1:$PORT (default 8000) with a Celery worker on a
# private Redis. Ctrl-C stops everything this script started. Logs go to var/log/; the
# terminal gets progress lines, then the URL and the demo logins.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
mkdir -p var/log

free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_taken() {
  $PY -c 'import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)' "$1"
}

if port_taken "$PORT"; then
  echo "make run: port $PORT is taken; stop what uses it or run on another port, e.g. PORT=$((PORT + 1)) make run" >&2
  exit 1
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "stopping..."
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "${OUR_REDIS:-}" ]; then redis-cli -p "$OUR_REDIS" shutdown nosave >/dev/null 2>&1 || true; fi
  echo "stopped."
}
on_signal() { cleanup; exit 0; }
trap cleanup EXIT
trap on_signal INT TERM

if [ -z "${REDIS_URL:-}" ]; then
  # A Redis of this checkout's own on a free port: a shared one would let another checkout's
  # worker take this one's tasks (and run them against the other database).
  OUR_REDIS=$(free_port)
  scripts/redis.sh "$OUR_REDIS" var/redis
  export REDIS_URL="redis://127.0.0.1:$OUR_REDIS/0"
fi

echo "· database: migrations"
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
# Bytecode for our modules now, so the servers below start from it: with
# PYTHONDONTWRITEBYTECODE set (containers often set it) Python would otherwise compile every
# module of the app from source at each start (about 0.2 s of the web's start-up).
$PY -m compileall -q annotator api >/dev/null
echo "· demo project (the first run trains its first model: about a minute)"
seed_out=$($PY manage.py seed_demo)
echo "  ${seed_out%%$'\n'*}"

echo "· starting the Celery worker and the web server"
: >var/log/celery.log
# Each in a session of its own, so Ctrl-C reaches this script alone, which then stops them
# (otherwise one could exit first and look like a crash).
# The worker loads scikit-learn only for the tasks that train or predict (about 330 MB with
# a model), and a child past CELERY_MAX_MEMORY_KB is replaced once its task ends, so that
# memory goes back: the demo's footprint, paid for by a second or two of loading at every
# prediction task (CELERY_MAX_MEMORY_KB=600000 keeps the model loaded). One child by
# default: a training holds up the other jobs until it ends; CELERY_CONCURRENCY=2 runs two.
setsid $PY -m celery -A annotator.celery worker -Q default,training,prediction \
  --concurrency "${CELERY_CONCURRENCY:-1}" --max-memory-per-child "${CELERY_MAX_MEMORY_KB:-150000}" \
  --without-gossip --without-mingle --loglevel INFO --logfile var/log/celery.log >>var/log/celery.log 2>&1 &
pids+=($!)
# --preload: the app is imported once, before the workers fork, and they share it (see
# annotator/wsgi.py; no database connection is open before the fork).
setsid $PY -m gunicorn annotator.wsgi --preload --bind "127.0.0.1:$PORT" --workers "${WEB_WORKERS:-3}" --threads 4 \
  --access-logfile var/log/access.log --error-logfile var/log/gunicorn.log \
  --control-socket "$PWD/var/gunicorn.ctl" --limit-request-line 8190 &
pids+=($!)

# Ready means the web server answers and the worker has said so in its log.
ready=""
for _ in $(seq 600); do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "make run: a process died at start-up; see var/log/gunicorn.log and var/log/celery.log" >&2
      tail -n 5 var/log/gunicorn.log var/log/celery.log >&2 || true
      exit 1
    fi
  done
  if grep -q " ready\." var/log/celery.log 2>/dev/null &&
    $PY -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
      "http://127.0.0.1:$PORT/login" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.2
done
[ -n "$ready" ] || { echo "make run: the server did not answer within 2 minutes (see var/log/)" >&2; exit 1; }

echo
echo "serving http://127.0.0.1:$PORT   (API docs: /api/docs/, admin: /admin/, logs: var/log/)"
echo "${seed_out#*$'\n'}"
echo "Ctrl-C stops it."
wait -n "${pids[@]}"
echo "make run: a process stopped; see var/log/gunicorn.log and var/log/celery.log" >&2
exit 1
