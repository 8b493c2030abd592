"""API benchmark: concurrent annotators doing next -> save 3 spans -> submit over HTTP.

Starts gunicorn as `make run` does (gthread workers, which keep connections alive) on a
loopback port against a fresh database (SQLite in a temporary folder, or `--postgres
URL`), seeds a project (2 annotators a document) with N
documents and C annotators with tokens, then runs 8 and then 32 client threads, each one
annotator, for a bounded number of round trips and seconds. Reports round trips/s and the
p50/p95 latency of requests and of whole round trips, and afterwards checks in the
database that every span a client saved is stored (nothing lost) and that no document is
held by more annotators than its quota.

    .venv/bin/python bench/bench_api.py [--documents 1200] [--workers 3] [--threads 4] [--postgres URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, fresh_django, machine

K = 2
TEMPLATE = "Report {i}: warplanes struck Aleppo on Monday, killing 12 people near the market of district {i}."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(documents: int, annotators: int) -> dict[str, str]:
    from annotator.formats import Record
    from annotator.services.imports import import_documents
    from annotator.services.projects import create_project

    project = create_project(
        slug="bench",
        labels=["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"],
        annotators_per_document=K,
        retrain_every=1_000_000,
    )
    import_documents(
        project=project, records=[Record(text=TEMPLATE.format(i=i), id=f"doc-{i}") for i in range(documents)]
    )
    return add_members("bench", annotators)


def add_members(slug: str, count: int, *, prefix: str = "annotator", role: str = "annotator") -> dict[str, str]:
    """`count` new members of project `slug` with API tokens: {username: token}."""
    from django.contrib.auth.models import User

    from annotator.models import Project
    from annotator.services.projects import add_member
    from annotator.services.tokens import issue_token

    project = Project.objects.get(slug=slug)
    tokens = {}
    for n in range(count):
        user = User.objects.create_user(username=f"{prefix}{n}", password=None)
        add_member(project=project, user=user, role=role)
        tokens[user.username] = issue_token(user=user)[1]
    return tokens


def server_env() -> dict[str, str]:
    """The environment of a benchmark's server and workers: production settings on loopback."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-0123",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="60",
    )
    return env


def start_server(
    port: int, workers: int, env: dict[str, str], *, extra: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    """gunicorn on loopback, ready once a cheap API request answers (`extra`: more options)."""
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "annotator.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/auth/me/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn did not answer within 90 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 30 s: on a busy machine a graceful stop can take longer."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@dataclass
class Tally:
    request_ms: list[float] = field(default_factory=list)
    trip_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    saved: dict[tuple[int, str], list[tuple[int, int, str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def spans_for(text: str) -> list[dict]:
    def span(word: str, label: str) -> dict:
        start = text.index(word)
        return {"start": start, "end": start + len(word), "label": label}

    return [span("warplanes", "PERPETRATOR"), span("Aleppo", "LOCATION"), span("12 people", "CASUALTY_COUNT")]


def client(
    port: int,
    username: str,
    token: str,
    trips: int,
    deadline: float,
    tally: Tally,
    slug: str = "bench",
    spans_of: Callable[[str], list[dict]] = spans_for,
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}

    def call(method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        started = time.perf_counter()
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        with tally.lock:
            tally.request_ms.append(elapsed)
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return response.status, json.loads(data) if data else {}

    for _ in range(trips):
        if time.monotonic() > deadline:
            return
        started = time.perf_counter()
        try:
            _, task = call("GET", f"/api/projects/{slug}/next/")
            if task["document"] is None:
                return
            doc = task["document"]
            url = f"/api/documents/{doc['id']}/annotations/mine/"
            spans = spans_of(doc["text"])
            _, saved = call("PUT", url, {"spans": spans, "status": "draft", "version": task["annotation"]["version"]})
            call("PUT", url, {"spans": spans, "status": "submitted", "version": saved["version"], "time_spent": 3.0})
        except Exception as error:
            with tally.lock:
                tally.errors.append(str(error))
            conn.close()
            continue
        with tally.lock:
            tally.trip_ms.append((time.perf_counter() - started) * 1000)
            tally.saved[(doc["id"], username)] = sorted((s["start"], s["end"], s["label"]) for s in spans)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def check_database(tally: Tally, quota: int = K, slug: str = "bench") -> tuple[int, int]:
    """(spans lost, documents past their quota) in project `slug`, read from the database."""
    from django.db.models import Count, Q

    from annotator.models import Annotation, Document

    lost = 0
    stored: dict[tuple[int, str], list[tuple[int, int, str]]] = {}
    for annotation in (
        Annotation.objects.filter(status="submitted", document__project__slug=slug)
        .select_related("annotator")
        .prefetch_related("spans")
    ):
        stored[(annotation.document_id, annotation.annotator.username)] = sorted(
            (s.start, s.end, s.label) for s in annotation.spans.all()
        )
    for key, spans in tally.saved.items():
        have = set(stored.get(key, []))
        lost += sum(1 for span in spans if span not in have)
    over = (
        Document.objects.filter(project__slug=slug)
        .annotate(n=Count("annotations", filter=Q(annotations__status__in=["draft", "submitted"])))
        .filter(n__gt=quota)
        .count()
    )
    return lost, over


def server_cpu_seconds(master: int | Sequence[int]) -> float:
    """CPU time (user + system) the gunicorn workers (of one master or several) have used so far, from /proc."""
    if not isinstance(master, int):
        return sum(server_cpu_seconds(one) for one in master)
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def run(
    port: int | Sequence[int],
    tokens: dict[str, str],
    clients: int,
    trips: int,
    seconds: float,
    master: int | Sequence[int],
    *,
    slug: str = "bench",
    quota: int = K,
    spans_of: Callable[[str], list[dict]] = spans_for,
) -> dict:
    """`clients` threads, one annotator each, doing round trips until `trips` each or `seconds`;
    with several ports (one per app node) the clients are dealt over them in turn."""
    ports = [port] if isinstance(port, int) else list(port)
    tally = Tally()
    cpu_before = server_cpu_seconds(master)
    client_before = time.process_time()
    users = list(tokens.items())[:clients]
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=client,
            args=(ports[n % len(ports)], name, token, trips, deadline, tally, slug, spans_of),
        )
        for n, (name, token) in enumerate(users)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = server_cpu_seconds(master) - cpu_before
    client_cpu = time.process_time() - client_before
    lost, over = check_database(tally, quota, slug)
    return {
        "clients": clients,
        "round_trips": len(tally.trip_ms),
        "seconds": round(elapsed, 2),
        "round_trips_per_s": round(len(tally.trip_ms) / elapsed, 1),
        "request_p50_ms": round(percentile(tally.request_ms, 50), 1),
        "request_p95_ms": round(percentile(tally.request_ms, 95), 1),
        "trip_p50_ms": round(percentile(tally.trip_ms, 50), 1),
        "trip_p95_ms": round(percentile(tally.trip_ms, 95), 1),
        # Load-independent: what one round trip costs the server, whoever else shares the cores.
        "server_cpu_ms_per_trip": round(cpu / max(1, len(tally.trip_ms)) * 1000, 1),
        "client_cpu_ms_per_trip": round(client_cpu / max(1, len(tally.trip_ms)) * 1000, 1),
        "errors": len(tally.errors),
        "first_error": tally.errors[0] if tally.errors else "",
        "spans_saved": sum(len(s) for s in tally.saved.values()),
        "spans_lost": lost,
        "documents_over_quota": over,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1200)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2-4)")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per worker, as make run (1: sync workers, no keep-alive)"
    )
    parser.add_argument("--trips", type=int, default=40, help="round trips per client, at most")
    parser.add_argument("--seconds", type=float, default=40, help="time limit per run")
    parser.add_argument("--postgres", metavar="DATABASE_URL", help="run on this PostgreSQL database (it is flushed)")
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload, as make run starts it")
    args = parser.parse_args()

    folder = fresh_django(args.postgres)
    tokens = seed(args.documents, 32)
    env = server_env()
    port = free_port()
    extra = ("--threads", str(args.threads), *(["--preload"] if args.preload else []))
    server = start_server(port, args.workers, env, extra=extra)
    database = "PostgreSQL" if args.postgres else "SQLite"
    kind = "sync workers" if args.threads == 1 else f"gthread workers x {args.threads} threads"
    preload = ", --preload" if args.preload else ""
    print(f"# API benchmark: {database}, gunicorn {args.workers} {kind}{preload}, {args.documents} documents, K={K}")
    print(f"# machine: {machine()}; load average {os.getloadavg()[0]:.1f}; data in {folder}")
    try:
        # Untimed: every gunicorn worker loads its URLconf, views and connections on its
        # first requests; the figures are for the steady state after that.
        warm = run(port, tokens, 8, 3, args.seconds, server.pid)
        print(f"# warm-up: {warm['round_trips']} round trips, {warm['errors']} errors, {warm['spans_lost']} spans lost")
        for clients in (8, 32):
            result = run(port, tokens, clients, args.trips, args.seconds, server.pid)
            print(json.dumps(result))
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
