"""Two-node benchmark (#17): two app nodes and two Celery workers on one PostgreSQL and one Redis.

Each node is what one machine runs (docs/operations.md, "Running on several machines"):
gunicorn as `make run` starts it (gthread workers) and a Celery worker on every queue, with
a var folder of its own (ANNOTATOR_VAR_DIR). They share only the database, Redis and, unless
`--local-media`, MEDIA_ROOT (the shared storage that docs/operations.md asks for). Migrations
run once, from this process, before any node starts.

1. bench_api.py's load (next -> save -> submit) at 8 and 32 clients, the clients dealt over
   both nodes in turn; afterwards the database is checked: every span a client saved is
   stored, no document is past its quota.
2. A training job is asked for through node B while the 32 clients run; it must succeed,
   exactly once, on one of the two workers (counted in both workers' logs), and its model
   must then answer `predict/` through node A (models live in the database).
3. Files across machines: an upload to node A is imported by node B's worker (node A's
   worker stops consuming `default` meanwhile), and an export written by node A's worker is
   downloaded through node B. With `--local-media` (each node's media in its own var folder)
   both must fail: that is why MEDIA_ROOT must be shared storage.

    nice -n 5 .venv/bin/python bench/bench_nodes.py --redis-port 6406 --pg-port 54406 [--documents 1200]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_api import K, add_members, free_port, run, seed, server_env, start_server
from bench.common import ROOT, fresh_django, machine

PYTHON = str(ROOT / ".venv" / "bin" / "python")
NODES = ("A", "B")
WORKER_OPTIONS = ["-Q", "default,training,prediction", "--concurrency", "2", "--loglevel", "INFO"]


def api(
    port: int, token: str, method: str, path: str, body: Any = None, *, raw: bytes | None = None, ctype: str = ""
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    if raw is None and body is not None:
        raw, ctype = json.dumps(body).encode(), "application/json"
    if ctype:
        headers["Content-Type"] = ctype
    conn.request(method, path, body=raw, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, data


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def start_worker(name: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A Celery worker on every queue, as scripts/run.sh starts one, named `name@host`."""
    worker = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "annotator.celery",
            "worker",
            *WORKER_OPTIONS,
            "-n",
            f"{name}@%h",
            "--logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if log.exists() and " ready." in log.read_text(errors="replace"):
            return worker
        if worker.poll() is not None:
            raise RuntimeError(f"worker {name} died at start-up; see {log}")
        time.sleep(0.3)
    raise RuntimeError(f"worker {name} not ready within 120 s; see {log}")


def wait_job(job_id: int, seconds: float) -> Any:
    from annotator.models import Job

    deadline = time.monotonic() + seconds
    while True:
        job = Job.objects.get(pk=job_id)
        if job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED) or time.monotonic() > deadline:
            return job
        time.sleep(0.5)


def task_runs(logs: dict[str, Path], task: str) -> dict[str, int]:
    """How many times each worker's log says `task` succeeded."""
    pattern = re.compile(rf"Task {re.escape(task)}\[[^\]]+\] succeeded")
    return {name: len(pattern.findall(log.read_text(errors="replace"))) for name, log in logs.items()}


def consume_default(worker: str, on: bool) -> None:
    """Worker `worker` (name@host) starts or stops taking tasks from queue `default`."""
    from annotator.celery import app

    destination = [f"{worker}@{socket.gethostname()}"]
    if on:
        app.control.add_consumer("default", destination=destination, reply=True, timeout=5)
    else:
        app.control.cancel_consumer("default", destination=destination, reply=True, timeout=5)


def file_checks(ports: dict[str, int], owner: str) -> dict[str, Any]:
    """An upload through node A read by node B's worker; an export by node A's worker
    downloaded through node B."""
    out: dict[str, Any] = {}
    lines = [json.dumps({"id": f"upload-{i}", "text": f"Uploaded report {i}: shelling hit Homs."}) for i in range(5)]
    consume_default("workerA", on=False)
    try:
        body, ctype = multipart({"format": "jsonl"}, "upload.jsonl", "\n".join(lines).encode())
        status, job = api(ports["A"], owner, "POST", "/api/projects/bench/imports/", raw=body, ctype=ctype)
        if status != 202:
            raise RuntimeError(f"upload: {status} {job}")
        done = wait_job(job["id"], 120)
        out["upload_on_A_imported_by_worker_B"] = {"status": done.status, "error": done.error[:200]}
    finally:
        consume_default("workerA", on=True)
    consume_default("workerB", on=False)
    try:
        status, job = api(ports["B"], owner, "GET", "/api/projects/bench/export/?format=jsonl&source=all&async=1")
        if status != 202:
            raise RuntimeError(f"export job: {status} {job}")
        done = wait_job(job["id"], 180)
        status, data = api(ports["B"], owner, "GET", f"/api/jobs/{job['id']}/download/")
        lines_got = len(data.splitlines()) if isinstance(data, bytes) and status == 200 else None
        out["export_by_worker_A_downloaded_on_B"] = {
            "job": done.status,
            "error": done.error[:200],
            "download_status": status,
            "lines": lines_got,
        }
    finally:
        consume_default("workerB", on=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1200)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per node")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--trips", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--pg-port", type=int, required=True, help="a private PostgreSQL is started on it")
    parser.add_argument("--redis-port", type=int, required=True, help="a private Redis (database 1) on it")
    parser.add_argument("--local-media", action="store_true", help="no shared MEDIA_ROOT: each node's own var folder")
    parser.add_argument("--folder", type=Path, help="var folders and logs (default: a temporary folder)")
    args = parser.parse_args()

    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-nodes-"))
    folder.mkdir(parents=True, exist_ok=True)
    pg_dir = folder / "pg"
    subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "start", str(args.pg_port), str(pg_dir)], check=True)
    subprocess.run([str(ROOT / "scripts" / "redis.sh"), str(args.redis_port), str(folder / "redis")], check=True)
    url = f"postgres://postgres@127.0.0.1:{args.pg_port}/annotator"
    redis = f"redis://127.0.0.1:{args.redis_port}/1"
    os.environ["REDIS_URL"] = redis
    os.environ.update(server_env())  # the same SECRET_KEY and settings as the nodes
    processes: list[subprocess.Popen[bytes]] = []
    result: dict[str, Any] = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "documents": args.documents,
        "media": "each node's own var folder" if args.local_media else "one shared MEDIA_ROOT",
    }
    try:
        fresh_django(url)  # flush + migrate: once, before any node starts
        tokens = seed(args.documents, 32)
        owner = add_members("bench", 1, prefix="owner", role="owner")["owner0"]
        shared_media = folder / "shared-media"
        ports: dict[str, int] = {}
        logs: dict[str, Path] = {}
        masters = []
        for node in NODES:
            var = folder / f"var-{node}"
            var.mkdir(exist_ok=True)
            env = server_env() | {"DATABASE_URL": url, "REDIS_URL": redis, "ANNOTATOR_VAR_DIR": str(var)}
            env.pop("MEDIA_ROOT", None)
            if not args.local_media:
                env["MEDIA_ROOT"] = str(shared_media)
            logs[f"worker{node}"] = var / "celery.log"
            logs[f"worker{node}"].unlink(missing_ok=True)
            processes.append(start_worker(f"worker{node}", env, logs[f"worker{node}"]))
            ports[node] = free_port()
            server = start_server(ports[node], args.workers, env, extra=("--threads", str(args.threads)))
            processes.append(server)
            masters.append(server.pid)
        print(f"# two nodes: PostgreSQL, {args.documents} documents, K={K}, {result['media']}; machine: {machine()}")
        print(f"# nodes on ports {ports}; load average {os.getloadavg()[0]:.1f}; folder {folder}", flush=True)
        port_list = [ports[n] for n in NODES]
        run(port_list, tokens, 8, 3, args.seconds, masters)  # warm-up, untimed
        training: dict[str, Any] = {}

        def ask_for_training() -> None:
            time.sleep(3)
            training["asked"] = api(ports["B"], owner, "POST", "/api/projects/bench/models/train/", {})

        for clients in (8, 32):
            trainer = threading.Thread(target=ask_for_training) if clients == 32 else None
            if trainer:
                trainer.start()
            load = round(os.getloadavg()[0], 1)
            result[f"clients_{clients}"] = run(port_list, tokens, clients, args.trips, args.seconds, masters)
            result[f"clients_{clients}"]["load_average"] = load
            print(json.dumps(result[f"clients_{clients}"]), flush=True)
            if trainer:
                trainer.join()

        status, job = training["asked"]
        if status != 202:
            raise RuntimeError(f"training: {status} {job}")
        done = wait_job(job["id"], 600)
        time.sleep(1)  # the worker logs its success just after the job row says so
        from annotator.models import ModelVersion

        status, predicted = api(ports["A"], owner, "POST", "/api/projects/bench/predict/", {"text": "Jets hit Homs."})
        result["training"] = {
            "job": done.status,
            "error": done.error[:200],
            "ran_on": task_runs(logs, "annotator.tasks.run_training_job"),
            "model_versions": ModelVersion.objects.filter(project__slug="bench").count(),
            "predict_on_A": status,
            "model_version": predicted.get("model_version") if isinstance(predicted, dict) else None,
        }
        result["files"] = file_checks(ports, owner)
    finally:
        for proc in processes:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
        subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "stop", str(pg_dir)], check=False)

    runs = sum(result["training"]["ran_on"].values())
    checks = [
        ("nothing lost", all(result[f"clients_{c}"]["spans_lost"] == 0 for c in (8, 32))),
        ("no document past its quota", all(result[f"clients_{c}"]["documents_over_quota"] == 0 for c in (8, 32))),
        ("no client errors", all(result[f"clients_{c}"]["errors"] == 0 for c in (8, 32))),
        ("training ran exactly once, on one worker", result["training"]["job"] == "succeeded" and runs == 1),
        ("its model answers on the other node", result["training"]["predict_on_A"] == 200),
        (
            "an upload on A is imported by B's worker",
            result["files"]["upload_on_A_imported_by_worker_B"]["status"] == "succeeded",
        ),
        (
            "an export by A's worker downloads on B",
            result["files"]["export_by_worker_A_downloaded_on_B"]["download_status"] == 200,
        ),
    ]
    result["checks"] = {name: ok for name, ok in checks}
    print(json.dumps({k: result[k] for k in ("training", "files")}, indent=1))
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'} {name}")
    (folder / "bench_nodes.json").write_text(json.dumps(result, indent=1))
    print(f"# JSON: {folder / 'bench_nodes.json'}")


if __name__ == "__main__":
    main()
