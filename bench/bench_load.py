"""Load test (issue 8): 32 simulated annotators for 2 minutes on PostgreSQL and gunicorn
with several workers, while a Celery worker trains the tagger again and again.

Reports throughput, p50/p95/p99 latency and errors, then checks in the database that every
acknowledged save is stored exactly once. Loopback only, bounded in time and count.

    .venv/bin/python bench/bench_load.py --postgres postgres://postgres@127.0.0.1:54399/annotator
        [--seconds 120] [--clients 32] [--workers 4] [--threads 4]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from annotator.processes import celery_worker_command
from bench.bench_api import Tally, check_database, client, free_port, percentile, seed, server_env, start_server
from bench.common import ROOT, fresh_django, machine


def duplicated_spans() -> int:
    """Spans stored twice in one annotation: a save applied more than once."""
    from django.db.models import Count

    from annotator.models import Span

    return Span.objects.values("annotation_id", "start", "end", "label").annotate(n=Count("id")).filter(n__gt=1).count()


def training_loop(stop: threading.Event, trainings: list[str]) -> None:
    """Keep the training worker busy: a new training of the gold project whenever the last
    one has finished."""
    from annotator.models import Job, Project
    from annotator.services.training import start_training

    project = Project.objects.get(slug="gold")
    while not stop.is_set():
        job = start_training(project=project, reason="load test")
        while not stop.is_set():
            job.refresh_from_db()
            if job.status in ("succeeded", "failed"):
                trainings.append(job.status)
                break
            time.sleep(0.5)
        if Job.objects.filter(pk=job.pk, status="failed").exists():
            time.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", metavar="DATABASE_URL", required=True, help="flushed before the run")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker, as make run (1: sync workers)")
    parser.add_argument("--documents", type=int, default=6000)
    parser.add_argument("--redis-port", type=int, default=6396)
    args = parser.parse_args()

    # Redis first: the settings (and so the Celery app) read REDIS_URL when Django starts.
    redis_dir = tempfile.mkdtemp(prefix="annotator-load-redis-")
    subprocess.run([str(ROOT / "scripts" / "redis.sh"), str(args.redis_port), redis_dir], check=True)
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{args.redis_port}/0"
    folder = fresh_django(args.postgres)
    print(f"# data in {folder}")

    from annotator.formats.registry import read_path
    from annotator.services.imports import import_documents
    from annotator.services.projects import create_project

    tokens = seed(args.documents, args.clients)
    gold = create_project(slug="gold", labels=["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"])
    import_documents(project=gold, records=read_path(ROOT / "fixtures" / "gold" / "dev.jsonl"), as_gold=True)

    env = server_env()
    port = free_port()
    # --preload: the app loads once in the master and workers fork ready, instead of each
    # importing scikit-learn while the machine is busy.
    options = ("--preload", "--timeout", "120", "--threads", str(args.threads))
    server = start_server(port, args.workers, env, extra=options)
    worker = subprocess.Popen(
        # Niced, as docs/operations.md advises where training shares a machine with the web.
        ["nice", "-n", "15", *celery_worker_command(concurrency=1)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stop = threading.Event()
    trainings: list[str] = []
    trainer = threading.Thread(target=training_loop, args=(stop, trainings))
    print(
        f"# load test: PostgreSQL, gunicorn {args.workers} workers x {args.threads} threads, "
        f"{args.clients} annotators, {args.seconds:.0f} s, a training running throughout"
    )
    print(f"# machine: {machine()}; {time.strftime('%Y-%m-%d')}")
    try:
        trainer.start()
        tally = Tally()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(port, name, token, 10_000, deadline, tally))
            for name, token in list(tokens.items())[: args.clients]
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        stop.set()
        trainer.join(timeout=120)
        os.killpg(server.pid, signal.SIGTERM)
        os.killpg(worker.pid, signal.SIGTERM)
        server.wait(timeout=30)
        worker.wait(timeout=60)
        subprocess.run(["redis-cli", "-p", str(args.redis_port), "shutdown", "nosave"], capture_output=True)
    lost, over = check_database(tally)
    result = {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "round_trips": len(tally.trip_ms),
        "requests": len(tally.request_ms),
        "round_trips_per_s": round(len(tally.trip_ms) / elapsed, 1),
        "requests_per_s": round(len(tally.request_ms) / elapsed, 1),
        "request_p50_ms": round(percentile(tally.request_ms, 50), 1),
        "request_p95_ms": round(percentile(tally.request_ms, 95), 1),
        "request_p99_ms": round(percentile(tally.request_ms, 99), 1),
        "errors": len(tally.errors),
        "first_error": tally.errors[0] if tally.errors else "",
        "acknowledged_saves": len(tally.saved),
        "spans_lost": lost,
        "spans_stored_twice": duplicated_spans(),
        "documents_over_quota": over,
        "trainings_finished": trainings.count("succeeded"),
        "trainings_failed": trainings.count("failed"),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
