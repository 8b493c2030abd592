#!/usr/bin/env bash
# `make run`: the demo on http://127.0.0.1:8000 with a Celery worker on Redis. Ctrl-C stops
# everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var/log
pids=()
cleanup() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "${OUR_REDIS:-}" ]; then redis-cli -p "$OUR_REDIS" shutdown nosave >/dev/null 2>&1 || true; fi
  echo "stopped."
}
trap cleanup INT TERM EXIT

if [ -z "${REDIS_URL:-}" ]; then
  # A private Redis for the demo, unless something already answers on 6379.
  if redis-cli -p 6379 ping >/dev/null 2>&1; then
    export REDIS_URL=redis://127.0.0.1:6379/0
  else
    scripts/redis.sh 6380 var/redis
    OUR_REDIS=6380
    export REDIS_URL=redis://127.0.0.1:6380/0
  fi
fi
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py seed_demo
$PY -m celery -A annotator.celery worker -Q default,training,prediction --concurrency 2 \
  --loglevel INFO --logfile var/log/celery.log &
pids+=($!)
$PY -m gunicorn annotator.wsgi --bind 127.0.0.1:8000 --workers "${WEB_WORKERS:-3}" --threads 4 \
  --access-logfile var/log/access.log --error-logfile - &
pids+=($!)
echo "serving http://127.0.0.1:8000  (admin: /admin/, API docs: /api/docs/)  Ctrl-C to stop"
wait -n "${pids[@]}"
