#!/usr/bin/env bash
# Build the web UI into frontend/dist/ (served by Django through WhiteNoise under /static/).
# Installs the exact locked dependencies when node_modules is missing or older than the lock.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
if ! command -v npm >/dev/null 2>&1; then
  echo "frontend.sh: npm not found; install Node.js 20 (e.g. apt-get install nodejs npm)" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm ci` refuses a lock that lacks other platforms' optional packages (rollup's and
  # esbuild's native builds), as a lock made against a registry mirror without them does;
  # `npm install --no-save` then installs the same locked versions without rewriting the lock.
  npm ci --no-audit --no-fund --loglevel=error || npm install --no-save --no-audit --no-fund --loglevel=error
fi
# Rebuild only when a source file is newer than the last build.
if [ ! -f dist/index.html ] || [ -n "$(find src index.html vite.config.ts tsconfig.json package-lock.json -newer dist/index.html -print -quit)" ]; then
  npm run build --silent
fi
