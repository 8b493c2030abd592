#!/usr/bin/env bash
# The README's first command as a new user runs it. A clean clone of this repository's HEAD
# in a temporary folder; `make run` there on a free port, in an environment with no
# virtualenv or test packages on any path (so the clone's .venv holds requirements.txt
# alone); the HTTP checks of scripts/smoke_http.py; a second `make run` on the same port,
# which must refuse; then Ctrl-C, after which nothing `make run` started may be left.
# Any failing step ends with one line: `smoke FAILED: <step>: <why>`.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/annotator-smoke.XXXXXX)
clone="$work/clone"
log="$work/run.log"
pgid=""

finish() {
  status=$?
  if [ -n "$pgid" ] && kill -0 -- "-$pgid" 2>/dev/null; then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
  leftover_pids | xargs -r kill -KILL 2>/dev/null || true
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT
fail() {
  if [ -s "$log" ]; then
    echo "--- last lines of make run's output:"
    tail -n 15 "$log"
  fi
  echo "smoke FAILED: $*"
  exit 1
}
# Every process running from the clone (its cwd or its executable there): gunicorn, the
# Celery worker and Redis (whose cwd is the clone's var/redis).
leftover_pids() {
  for proc in /proc/[0-9]*; do
    cwd=$(readlink "$proc/cwd" 2>/dev/null || true)
    exe=$(readlink "$proc/exe" 2>/dev/null || true)
    case "$cwd/ $exe" in *"$clone/"*) echo "${proc#/proc/}" ;; esac
  done
}

echo "smoke: a clean clone of $(git -C "$repo" rev-parse --short HEAD) in $clone"
git clone -q "$repo" "$clone" || fail "clone: git clone failed"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# The user's environment: no virtualenv, no PYTHONPATH, none of the test run's services.
clean_path=$(echo "$PATH" | tr ':' '\n' | grep -v -e venv -e '^$' | paste -sd:)
run_env=(env -u VIRTUAL_ENV -u PYTHONPATH -u PYTHONHOME -u REDIS_URL -u DATABASE_URL -u ANNOTATOR_VAR_DIR
  -u DJANGO_SETTINGS_MODULE -u MAKEFLAGS -u MAKELEVEL "PATH=$clean_path" "PORT=$port")

started=$(date +%s)
echo "smoke: make run on port $port"
# In a process group of its own, with SIGINT as a terminal delivers it: a script's background
# job would otherwise start with SIGINT ignored, which no trap can undo.
python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
  "${run_env[@]}" make -C "$clone" run >"$log" 2>&1 &
make_pid=$!
pgid=$make_pid
for _ in $(seq 1200); do
  grep -q "^serving http://127.0.0.1:$port" "$log" && break
  kill -0 "$make_pid" 2>/dev/null || fail "make run: it exited before serving"
  sleep 1
done
grep -q "^serving http://127.0.0.1:$port" "$log" || fail "make run: not serving after 20 minutes"
echo "smoke: make run serves after $(($(date +%s) - started)) s"
if "$clone/.venv/bin/python" -c 'import pytest' 2>/dev/null; then
  fail "virtualenv: the clone's .venv holds test packages (pytest), so it is not requirements.txt alone"
fi

python3 "$repo/scripts/smoke_http.py" "http://127.0.0.1:$port" || fail "HTTP checks (the line above says which)"

second=$("${run_env[@]}" make -C "$clone" run 2>&1) && fail "port taken: a second make run on port $port started"
echo "$second" | grep -q "port $port is taken" || fail "port taken: a second make run did not say so: ${second##*$'\n'}"
echo "smoke: a second make run on the same port says the port is taken"

kill -INT -- "-$pgid"
for _ in $(seq 120); do
  kill -0 "$make_pid" 2>/dev/null || break
  sleep 0.5
done
kill -0 "$make_pid" 2>/dev/null && fail "Ctrl-C: make run still running 60 s later"
grep -q "^stopped\.$" "$log" || fail "Ctrl-C: make run did not stop its processes itself (no 'stopped.')"
grep -q "a process stopped\|died" "$log" && fail "Ctrl-C: make run reported a crash: $(grep -m1 'a process stopped\|died' "$log")"
pgid=""
sleep 1
left=$(leftover_pids | xargs -r ps -o pid=,args= -p 2>/dev/null || true)
[ -z "$left" ] || fail "Ctrl-C: processes make run started are still running: $(echo "$left" | head -n 3 | tr '\n' ';')"
python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)' "$port" 2>/dev/null &&
  fail "Ctrl-C: port $port still answers"
echo "smoke: Ctrl-C left nothing running"
echo "smoke: passed in $(($(date +%s) - started)) s"
