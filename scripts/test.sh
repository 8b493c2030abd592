#!/usr/bin/env bash
# `make test`: lint, then the whole suite on SQLite (unit, API, Celery with a real worker and
# Redis, browser end-to-end), then every database test again on PostgreSQL 15.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
run_dir=$(mktemp -d /tmp/annotator-test.XXXXXX)
chmod 755 "$run_dir"
cleanup() {
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  scripts/postgres.sh stop "$run_dir/pg" || true
  rm -rf "$run_dir"
}
trap cleanup EXIT
REDIS_PORT=${TEST_REDIS_PORT:-6391}
PG_PORT=${TEST_PG_PORT:-54329}

echo "== lint"
scripts/lint.sh

scripts/redis.sh "$REDIS_PORT" "$run_dir/redis"
scripts/postgres.sh start "$PG_PORT" "$run_dir/pg"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export TEST_PG_DATA="$run_dir/pg"
export ANNOTATOR_VAR_DIR="$run_dir/var"
export PYTHONDONTWRITEBYTECODE=1

echo "== SQLite: the whole suite"
DATABASE_URL="sqlite:///$run_dir/var/db.sqlite3" $PY -m pytest -p no:cacheprovider -q "$@"

echo "== PostgreSQL 15: every test that uses the database"
DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/annotator" \
  $PY -m pytest -p no:cacheprovider -q -m "db and not e2e" "$@"
