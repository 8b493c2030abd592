"""The document browser's filters and orders at 100,000 documents (#19): p95 per request.

    .venv/bin/python bench/bench_document_browser.py [--documents 100000] [--database-url postgres://...]

Seeds with bench/bench_search.py's rows (FA-KES leads, drafts, submissions, skips, gold and
deletions spread over the ids; all migrations first, so the search index is kept by its
triggers or expression index as rows go in), then gives 90 % of the documents a model
uncertainty and every 200th document's two submissions spans, different ones on every
400th (a disagreement), and every 250th a comment thread with a reply (every other one
resolved); starts gunicorn and times, through the API with an owner's token,
the first keyset page (50 rows) of each browser filter and order, alone and combined, and a
page half way. The target: every one under 100 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import signal
import statistics
import sys
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_search import ARABIC, FRENCH, _get, _p95, leads, stage_work
from bench.common import bench_projects, fresh_django, machine


def insert_documents(project_id: int, count: int, texts: list[str], prefix: str) -> None:
    """bench_search's document rows with the queue's columns (migration 0007), added one
    second apart, ending now (the date filters have a range to cut)."""
    from django.db import connection, transaction

    now = datetime.now(UTC)
    sql = (
        "INSERT INTO annotator_document (project_id, external_id, text, meta, content_hash, created_at, "
        "slots_taken, queue_open, queue_key) VALUES (%s, %s, %s, '{}', %s, %s, 0, %s, %s)"
    )
    for start in range(0, count, 10_000):
        batch = []
        for i in range(start, min(count, start + 10_000)):
            text = f"{texts[i % len(texts)]} ref{i} bucket{i % 100} rare{i % 100_000}"
            text += (ARABIC if i % 50 == 0 else "") + (FRENCH if i % 70 == 0 else "")
            digest = hashlib.sha256(text.encode()).hexdigest()
            batch.append((project_id, f"{prefix}-{i}", text, digest, now - timedelta(seconds=count - i), True, i * 7))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)


def seed(documents: int) -> dict:
    """Fill the fully migrated database; returns the owner's token, the slug and figures."""
    from django.core.management import call_command
    from django.db import transaction

    from annotator.services.queue import refresh_project
    from annotator.services.tokens import issue_token

    call_command("migrate", verbosity=0)
    project, other, users = bench_projects()
    texts = leads()
    insert_documents(project.pk, documents, texts, "doc")
    staged = stage_work(project.pk, users["alice"].pk, users["bob"].pk, users["rita"].pk)
    insert_documents(other.pk, 1000, texts, "other")
    with transaction.atomic():  # it locks the rows (PostgreSQL)
        refresh_project(project)
    return {"token": issue_token(user=users["olivia"])[1], "slug": "bench", **staged}


def stage_browser(first_id: int) -> dict[str, int]:
    """Uncertainties and spans for the browser's filters (direct SQL, as the seed writes)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        # 90 % scored, spread over [0, 1): the tenth with id % 10 = 3 stays unscored.
        cursor.execute(
            "UPDATE annotator_document SET model_uncertainty = ((id * 7919) % 1000) / 1000.0 WHERE id % 10 <> 3"
        )
        cursor.execute(
            "SELECT a.id, a.document_id, a.annotator_id FROM annotator_annotation a WHERE a.status = 'submitted' "
            "ORDER BY a.document_id, a.annotator_id"
        )
        rows = cursor.fetchall()
        spans = []
        for annotation_id, document_id, annotator_id in rows:
            spans.append((annotation_id, 0, 5, "LOCATION"))
            if (document_id - first_id) % 400 == 0 and annotator_id == rows[0][2]:
                spans.append((annotation_id, 10, 15, "PERPETRATOR"))  # only one of the two: they disagree
        cursor.executemany(
            'INSERT INTO annotator_span (annotation_id, start, "end", label, attrs, origin) '
            "VALUES (%s, %s, %s, %s, '{}', 'manual')",
            spans,
        )
        # A thread on every 250th document (every other one resolved), one reply each: the
        # commented and open_comments filters read threads, not documents.
        cursor.execute("SELECT id FROM auth_user WHERE username = 'rita'")
        rita = cursor.fetchone()[0]
        cursor.execute("SELECT MAX(id) FROM annotator_document")
        last = cursor.fetchone()[0]
        now = datetime.now(UTC)
        threads = [
            (document_id, rita, "Est-ce un décompte ? حلب", now if n % 2 else None, rita if n % 2 else None, now)
            for n, document_id in enumerate(range(first_id, last + 1, 250))
        ]
        cursor.executemany(
            "INSERT INTO annotator_comment (document_id, parent_id, author_id, annotator_id, body, resolved_at, "
            "resolved_by_id, created_at) VALUES (%s, NULL, %s, NULL, %s, %s, %s, %s)",
            threads,
        )
        cursor.execute(
            "INSERT INTO annotator_comment (document_id, parent_id, author_id, body, created_at) "
            "SELECT document_id, id, author_id, 'Oui.', created_at FROM annotator_comment WHERE parent_id IS NULL"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"spans": len(spans), "threads": len(threads)}


def requests(middle_id: int) -> dict[str, str]:
    half = f"&cursor={middle_id}"
    return {
        "floor: who am I (no documents read)": "/api/auth/me/",
        "no filter": "",
        "annotator=alice&annotator_status=draft": "annotator=alice&annotator_status=draft",
        "annotator=alice&annotator_status=submitted": "annotator=alice&annotator_status=submitted",
        "annotator=bob&annotator_status=skipped": "annotator=bob&annotator_status=skipped",
        "annotator=alice&annotator_status=not_started": "annotator=alice&annotator_status=not_started",
        "annotator_status=not_started (nobody)": "annotator_status=not_started",
        "assignee=bob": "assignee=bob",
        "has_gold=true": "has_gold=true",
        "has_gold=false": "has_gold=false",
        "has_disagreement=true": "has_disagreement=true",
        "has_disagreement=false": "has_disagreement=false",
        "label=LOCATION": "label=LOCATION",
        "uncertainty 0.98-1": "uncertainty_min=0.98&uncertainty_max=1",
        "uncertainty 0-0.5": "uncertainty_min=0&uncertainty_max=0.5",
        "created_after=today": f"created_after={datetime.now(UTC).date().isoformat()}",
        "created_before=2000-01-01 (none)": "created_before=2000-01-01",
        "q=bucket7": "q=bucket7",
        "q=the": "q=the",
        "status=done": "status=done",
        "ordering=-id": "ordering=-id",
        "ordering=created": "ordering=created",
        "ordering=-created": "ordering=-created",
        "ordering=-uncertainty": "ordering=-uncertainty",
        "ordering=uncertainty": "ordering=uncertainty",
        "deleted=true": "deleted=true",
        "commented=true": "commented=true",
        "commented=false": "commented=false",
        "open_comments=true": "open_comments=true",
        "open_comments=true&ordering=-uncertainty": "open_comments=true&ordering=-uncertainty",
        "has_gold=false&has_disagreement=true&label=LOCATION": "has_gold=false&has_disagreement=true&label=LOCATION",
        "annotator_status=submitted&ordering=-uncertainty": "annotator=alice&annotator_status=submitted"
        "&ordering=-uncertainty",
        "q=bucket7&ordering=-uncertainty": "q=bucket7&ordering=-uncertainty",
        "q=the&ordering=-uncertainty": "q=the&ordering=-uncertainty",
        "uncertainty 0.9-1&ordering=-uncertainty": "uncertainty_min=0.9&uncertainty_max=1&ordering=-uncertainty",
        "has_gold=false&uncertainty 0.5-1&ordering=-created": "has_gold=false&uncertainty_min=0.5&ordering=-created",
        "half way, id order": half.lstrip("&"),
        "half way, has_gold=false": "has_gold=false" + half,
        "half way, annotator_status=not_started": "annotator_status=not_started" + half,
    }


def run(base_url: str, token: str, slug: str, *, middle_id: int, repeats: int = 20) -> dict[str, dict]:
    url = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    listing = f"/api/projects/{slug}/documents/?page_size=50&"
    figures: dict[str, dict] = {}
    for name, query in requests(middle_id).items():
        path = query if query.startswith("/") else listing + query + ("" if "cursor=" in query else "&cursor=0")
        try:
            _get(conn, path, token)
            times = sorted(_get(conn, path, token)[0] for _ in range(repeats))
        except (RuntimeError, OSError) as error:
            figures[name] = {"p50_ms": "failed", "p95_ms": str(error)[:80]}
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
            continue
        figures[name] = {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(_p95(times), 1)}
    return figures


def database_times(slug: str, middle_id: int, repeats: int = 20) -> dict[str, float]:
    """The p95 of each request's database time (its queries' summed time, in ms), the
    request made in this process: what the machine's load inflates least."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(User.objects.get(username="olivia"))
    listing = f"/api/projects/{slug}/documents/?page_size=50&"
    found: dict[str, float] = {}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for name, query in requests(middle_id).items():
            if query.startswith("/"):
                continue
            path = listing + query + ("" if "cursor=" in query else "&cursor=0")
            times = []
            for _ in range(repeats + 1):
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(path).status_code == 200, path
                times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            found[name] = round(_p95(sorted(times[1:])), 1)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = fresh_django(args.database_url)
    print(f"database and logs in {folder}", flush=True)
    started = time.perf_counter()
    seeded = seed(args.documents)
    seeded.update(stage_browser(seeded["first_id"]))
    print(json.dumps({k: v for k, v in seeded.items() if "token" not in k}), f"{time.perf_counter() - started:.0f} s")
    from bench.bench_api import free_port, server_env, start_server

    port = free_port()
    server = start_server(port, 2, server_env(), extra=("--timeout", "120"))
    try:
        figures = run(
            f"http://127.0.0.1:{port}",
            seeded["token"],
            seeded["slug"],
            middle_id=seeded["first_id"] + args.documents // 2,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
    database = database_times(seeded["slug"], seeded["first_id"] + args.documents // 2)
    vendor = "PostgreSQL" if args.database_url else "SQLite"
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(f"\n{vendor}, {args.documents:,} documents, {machine()}, {when}, load {os.getloadavg()}\n")
    print("| request (first 50 rows) | p50 ms | p95 ms | database p95 ms |\n|---|---|---|---|")
    for name, value in figures.items():
        print(f"| {name} | {value['p50_ms']} | {value['p95_ms']} | {database.get(name, '')} |")
    slowest = max((v["p95_ms"] for v in figures.values() if isinstance(v["p95_ms"], float)), default=None)
    print(f"\nslowest p95: {slowest} ms; slowest database p95: {max(database.values())} ms")


if __name__ == "__main__":
    main()
