"""Footprint of the whole stack as `make run` starts it (issue 17): start-up time, and the
memory (PSS) of every process of the stack idle and after importing 10,000 documents.

It runs scripts/run.sh (migrations and the demo seed first, then gunicorn, the Celery worker
and the script's own Redis) with its database in a folder of its own (kept between runs
with --var, so the demo's first training happens once), and measures:

- start: from the line "starting the Celery worker and the web server" (migrations and
  seed done) until GET /api/auth/me/ answers (any HTTP status: the API is up), and until
  the worker has logged " ready." too (what run.sh waits for before it prints the URL);
- the CPU time (user + system, /proc/<pid>/stat) the web's processes (gunicorn's master and
  workers) had used when the API first answered, and the worker's when it was ready: what a
  busy machine inflates least (the wall-clock start stretches with the load average, printed
  beside it);
- PSS (/proc/<pid>/smaps_rollup) summed over gunicorn's master and workers, the Celery
  worker's processes and Redis, a few seconds after ready, then after 10,000 documents were
  imported through the API (POST imports/, the job polled until done) and one next/ asked.

Usage: .venv/bin/python bench/bench_footprint.py [--documents 10000] [--var DIR] [--port N]
Extra environment for run.sh (WEB_WORKERS=..., CELERY_CONCURRENCY=...) passes through.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench_import import build_file
from common import ROOT, machine

STARTING = "starting the Celery worker and the web server"


def pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(proc.name))
    return tree


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return ""


def stack_processes(root: int, redis_pidfile: Path) -> dict[str, list[int]]:
    """The stack's processes by part: web (gunicorn), worker (celery), redis. run.sh's own
    shell and its helpers are left out: they are not the application."""
    tree = _children()
    found: dict[str, list[int]] = {"web": [], "worker": [], "redis": []}
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        name = _name(pid)
        if "gunicorn" in name:
            found["web"].append(pid)
        elif "celery" in name:
            found["worker"].append(pid)
    for pidfile in redis_pidfile.parent.glob("redis-*.pid"):
        with contextlib.suppress(OSError, ValueError):
            found["redis"].append(int(pidfile.read_text().strip()))
    return found


def cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (their own, not their children's)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return round(total / os.sysconf("SC_CLK_TCK"), 2)


def measure(root: int, redis_pidfile: Path) -> dict[str, object]:
    parts = stack_processes(root, redis_pidfile)
    mb = {part: round(sum(pss_kb(p) for p in pids) / 1024, 1) for part, pids in parts.items()}
    each = {part: [round(pss_kb(p) / 1024, 1) for p in pids] for part, pids in parts.items()}
    return {"pss_mb": mb, "total_mb": round(sum(mb.values()), 1), "each_mb": each}


def _text(path: Path) -> str:
    """The file's text, empty while it does not exist yet (run.sh creates the worker's log
    just after the line this waits for)."""
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def multipart(path: Path) -> tuple[bytes, str]:
    boundary = "benchfootprintboundary"
    body = io.BytesIO()
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'.encode())
    body.write(b"Content-Type: application/octet-stream\r\n\r\n")
    body.write(path.read_bytes())
    body.write(f"\r\n--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--var", help="the database folder (ANNOTATOR_VAR_DIR), kept; default a new one")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8404")))
    parser.add_argument("--settle", type=float, default=5.0, help="seconds idle before measuring")
    args = parser.parse_args()
    var = Path(args.var or tempfile.mkdtemp(prefix="annotator-footprint-"))
    base = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "PORT": str(args.port), "ANNOTATOR_VAR_DIR": str(var)}
    env.pop("REDIS_URL", None)  # run.sh's own Redis: it is part of the stack measured
    env.pop("DATABASE_URL", None)
    var.mkdir(parents=True, exist_ok=True)
    log = (var / "run.out").open("w")
    (ROOT / "var" / "log" / "celery.log").unlink(missing_ok=True)  # its " ready." must be this run's
    run = subprocess.Popen(["scripts/run.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    redis_pidfile = ROOT / "var" / "redis" / "redis.pid"
    result: dict[str, object] = {"machine": machine(), "documents": args.documents}
    try:
        assert run.stdout is not None
        for line in run.stdout:
            log.write(line)
            if STARTING in line:
                break
        else:
            sys.exit(f"run.sh ended before starting the servers; see {var / 'run.out'}")
        started = time.perf_counter()
        result["load_average_at_start"] = round(os.getloadavg()[0], 1)
        result["pythondontwritebytecode"] = bool(env.get("PYTHONDONTWRITEBYTECODE"))
        api_up = worker_up = None
        while api_up is None or worker_up is None:
            if api_up is None:
                try:
                    http(base + "/api/auth/me/")
                    api_up = time.perf_counter() - started
                    result["start_web_cpu_s"] = cpu_s(stack_processes(run.pid, redis_pidfile)["web"])
                except OSError:
                    pass
            if worker_up is None and " ready." in _text(ROOT / "var" / "log" / "celery.log"):
                worker_up = time.perf_counter() - started
                result["start_worker_cpu_s"] = cpu_s(stack_processes(run.pid, redis_pidfile)["worker"])
            if time.perf_counter() - started > 120:
                sys.exit("the stack did not answer within 2 minutes")
            time.sleep(0.02)
        result["start_api_s"] = round(api_up, 2)
        result["start_worker_ready_s"] = round(worker_up, 2)
        time.sleep(args.settle)
        result["idle"] = measure(run.pid, redis_pidfile)
        print(json.dumps(result), flush=True)

        _, body = http(
            base + "/api/auth/token/",
            data=json.dumps({"username": "owner", "password": "owner-demo-2026", "name": "footprint"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.loads(body)["token"]
        auth = {"Authorization": f"Token {token}"}
        upload = var / "footprint.jsonl"
        build_file(upload, args.documents)
        data, content_type = multipart(upload)
        begun = time.perf_counter()
        headers = {**auth, "Content-Type": content_type}
        _, body = http(base + "/api/projects/aleppo/imports/", data=data, headers=headers)
        job = json.loads(body)
        while job.get("status") not in ("succeeded", "failed"):
            time.sleep(0.1)
            job = json.loads(http(f"{base}/api/jobs/{job['id']}/", headers=auth)[1])
        result["import_s"] = round(time.perf_counter() - begun, 2)
        result["import_status"] = job.get("status")
        http(base + "/api/projects/aleppo/next/", headers=auth)
        time.sleep(args.settle)
        result["after_import"] = measure(run.pid, redis_pidfile)
    finally:
        run.send_signal(signal.SIGINT)
        try:
            run.wait(30)
        except subprocess.TimeoutExpired:
            run.kill()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
