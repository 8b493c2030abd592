#!/usr/bin/env bash
# Build the web UI into frontend/dist/ (served by Django through WhiteNoise under /static/).
# Installs the exact locked dependencies when node_modules is missing or older than the lock.
# Quiet on success; on failure, the tool's own output.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
if ! command -v npm >/dev/null 2>&1; then
  echo "frontend.sh: npm not found; install Node.js 20 (e.g. apt-get install nodejs npm)" >&2
  exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run_logged() {
  "$@" >"$log" 2>&1 || { cat "$log" >&2; echo "frontend.sh: '$*' failed" >&2; exit 1; }
}
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "· web app: installing its locked packages (npm ci)"
  run_logged npm ci --no-audit --no-fund --loglevel=error
fi
# Rebuild only when a source file is newer than the last build.
if [ ! -f dist/index.html ] || [ -n "$(find src public index.html vite.config.ts tsconfig.json package-lock.json -newer dist/index.html -print -quit 2>/dev/null)" ]; then
  echo "· web app: building"
  run_logged npm run build --silent
fi
