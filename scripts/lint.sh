#!/usr/bin/env bash
# `make lint` and the first step of `make test`: style (ruff), the layering (import-linter's
# contracts in pyproject.toml: calls go one way, the core imports no Django, no cycles) and
# types (mypy with the Django and DRF stubs). Runs every check, fails if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
run() {
  echo "-- $*"
  "$@" || status=1
}
run $BIN/ruff check .
run $BIN/ruff format --check .
run $BIN/lint-imports --no-logo
run $BIN/mypy
exit $status
