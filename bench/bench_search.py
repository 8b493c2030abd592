"""Document search and the document list at a million documents (#17).

    .venv/bin/python bench/bench_search.py [--documents 1000000] [--database-url postgres://...]

Fills a fresh database with a project of N documents (1,000-character leads of the FA-KES
articles, each with words of known frequency: `bucketNN` in 1 % of them, `rareNNNNN` in 10,
Arabic and accented French in some), a few percent of them annotated, submitted, adjudicated
or deleted, and a small second project; then starts gunicorn and times, through the API,
search and list pages (keyset and numbered) with each filter of the contract.

The database is built from the current migrations, then the documents go in through the
app's own bulk import (`services.imports.import_documents`, what `manage.py
import_documents` and `POST imports/` run: every column, the queue's state and the search
index kept as the app keeps them, whatever later migrations add) in imports of 100,000;
the work on them (drafts, submissions, skips, gold, deletions, comment threads) with direct
SQL, then the queue recounted as the app recounts it. The import rate is reported.

Other benchmarks (bench/bench_scale.py) call `run(base_url, token, project_slug)` on a
running server: it needs an owner's or reviewer's token and returns the timings as a dict.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import sys
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CORPUS, bench_projects, fresh_django, machine

if TYPE_CHECKING:
    from annotator.formats import Record

ARABIC = " قالت مصادر محلية إن الغارات على حلب أوقعت قتلى"
FRENCH = " L'armée a frappé Alep, selon un communiqué publié à Genève"
IMPORT_STEP = 100_000
DOCUMENT_STATUSES = ("unassigned", "in_progress", "done", "gold")


def leads() -> list[str]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"][:1000] for line in lines]


def document_records(start: int, stop: int, texts: list[str], prefix: str) -> Iterator[Record]:
    """Documents start..stop-1: a FA-KES lead and words of known frequency (`ref{i}`,
    `bucket{i % 100}`, `rare{i % 100000}`), Arabic in every 50th, French in every 70th."""
    from annotator.formats import Record

    for i in range(start, stop):
        text = f"{texts[i % len(texts)]} ref{i} bucket{i % 100} rare{i % 100_000}"
        if i % 50 == 0:
            text += ARABIC
        if i % 70 == 0:
            text += FRENCH
        yield Record(text=text, id=f"{prefix}-{i}")


def import_documents(project: Any, start: int, stop: int, texts: list[str], prefix: str) -> None:
    """Through the app's bulk import, IMPORT_STEP documents an import (each all or nothing,
    its own transaction)."""
    from annotator.services.imports import import_documents as store

    for first in range(start, stop, IMPORT_STEP):
        last = min(stop, first + IMPORT_STEP)
        report = store(project=project, records=document_records(first, last, texts, prefix))
        if report.created != last - first:
            raise RuntimeError(f"import {first}..{last}: {report.created} documents created")


def stage_work(project_id: int, alice: int, bob: int, rita: int) -> dict[str, int]:
    """Annotations, gold and deletions spread over the id range: every 100th document a
    draft (in progress), every 200th two submissions (done), every 500th also gold, every
    300th skipped (unassigned again), every 1000th deleted."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM annotator_document WHERE project_id = %s ORDER BY id", [project_id])
        ids = [row[0] for row in cursor.fetchall()]
    now = datetime.now(UTC)
    annotations, gold, deleted = [], [], []
    for n, pk in enumerate(ids):
        if n % 200 == 0:
            annotations += [(pk, alice, "submitted", now), (pk, bob, "submitted", now)]
            if n % 500 == 0:
                gold.append((pk, rita, now, now))
        elif n % 100 == 0:
            annotations.append((pk, alice, "draft", now))
        elif n % 300 == 0:
            annotations.append((pk, bob, "skipped", now))
        if n % 1000 == 999:
            deleted.append((now, pk))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO annotator_annotation (document_id, annotator_id, status, version, time_spent, "
            "rejected_suggestions, created_at, updated_at) VALUES (%s, %s, %s, 1, 0, '[]', %s, %s)",
            [(pk, user, status, at, at) for pk, user, status, at in annotations],
        )
        cursor.executemany(
            "INSERT INTO annotator_gold (document_id, adjudicator_id, source_versions, origin, version, "
            "created_at, updated_at) VALUES (%s, %s, '{}', 'adjudicated', 1, %s, %s)",
            gold,
        )
        cursor.executemany("UPDATE annotator_document SET deleted_at = %s WHERE id = %s", deleted)
    return {"annotations": len(annotations), "gold": len(gold), "deleted": len(deleted), "first_id": ids[0]}


def stage_comments(project_id: int, rita: int) -> int:
    """A thread with one reply on every 250th live document, every other thread resolved:
    what `commented=` reads."""
    from django.db import connection, transaction

    now = datetime.now(UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM annotator_document WHERE project_id = %s AND deleted_at IS NULL ORDER BY id",
            [project_id],
        )
        ids = [row[0] for row in cursor.fetchall()][::250]
        cursor.executemany(
            "INSERT INTO annotator_comment (document_id, parent_id, author_id, annotator_id, body, resolved_at, "
            "resolved_by_id, created_at) VALUES (%s, NULL, %s, NULL, %s, %s, %s, %s)",
            [
                (pk, rita, "Est-ce un décompte ? حلب", now if n % 2 else None, rita if n % 2 else None, now)
                for n, pk in enumerate(ids)
            ],
        )
        cursor.execute(
            "INSERT INTO annotator_comment (document_id, parent_id, author_id, body, created_at) "
            "SELECT c.document_id, c.id, c.author_id, 'Oui.', c.created_at FROM annotator_comment c "
            "JOIN annotator_document d ON d.id = c.document_id WHERE c.parent_id IS NULL AND d.project_id = %s",
            [project_id],
        )
    return len(ids)


def seed(documents: int) -> dict:
    """Fill the migrated database; returns the tokens, the project's slug and the seeding figures."""
    from django.db import connection, transaction

    from annotator.services.queue import refresh_project
    from annotator.services.tokens import issue_token

    project, other, users = bench_projects()
    texts = leads()
    started = time.perf_counter()
    import_documents(project, 0, documents, texts, "doc")
    imported = time.perf_counter() - started
    staged = stage_work(project.pk, users["alice"].pk, users["bob"].pk, users["rita"].pk)
    staged["threads"] = stage_comments(project.pk, users["rita"].pk)
    with transaction.atomic():  # the queue's state after the direct writes (it locks the rows)
        refresh_project(project)
    import_documents(other, 0, 1000, texts, "other")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "token": issue_token(user=users["olivia"])[1],
        "alice_token": issue_token(user=users["alice"])[1],
        "slug": "bench",
        "import_per_s": round(documents / imported),
        **staged,
    }


def existing(folder: str, database_url: str | None) -> dict:
    """Django on the database an earlier run left (SQLite in `folder` unless `database_url`)."""
    os.environ["ANNOTATOR_VAR_DIR"] = folder
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User

    from annotator.models import Document
    from annotator.services.tokens import issue_token

    first = Document.objects.filter(project__slug="bench").order_by("pk").values_list("pk", flat=True).first()
    return {"token": issue_token(user=User.objects.get(username="olivia"))[1], "slug": "bench", "first_id": first}


def _get(conn: http.client.HTTPConnection, path: str, token: str) -> tuple[float, dict]:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Token {token}"})
    response = conn.getresponse()
    body = response.read()
    took = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status} {body[:300]!r}")
    return took, json.loads(body)


def run(base_url: str, token: str, project_slug: str, *, documents: int, first_id: int = 1, repeats: int = 15) -> dict:
    """Time search and list pages of `project_slug` on the server at `base_url` with an
    owner's or reviewer's `token`: the p50 and p95 in ms of each named request (repeated
    `repeats` times, after one untimed warm-up), and `search_p95_ms` over 100 searches for
    words of every frequency. `documents`: about how many the project holds, `first_id` the
    first one's id (deep pages start half way)."""
    url = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    listing = f"/api/projects/{project_slug}/documents/"
    figures: dict = {}
    for name, query in requests(documents, first_id).items():
        path = query if query.startswith("/") else listing + query
        try:
            _get(conn, path, token)
            times = sorted(_get(conn, path, token)[0] for _ in range(repeats))
        except (RuntimeError, OSError) as error:  # e.g. past gunicorn's 30 s: a figure too
            figures[name] = {"p50_ms": "failed", "p95_ms": str(error)[:80]}
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
            continue
        figures[name] = {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(_p95(times), 1)}
    times = sorted(
        _get(conn, f"{listing}?cursor=0&q={urllib.parse.quote(SEARCH_WORDS[n % len(SEARCH_WORDS)])}", token)[0]
        for n in range(100)
    )
    figures["search_p95_ms"] = round(_p95(times), 1)
    return figures


SEARCH_WORDS = ["the", "syria", "attack", "killed", "حلب", "armee", "zzqx", "bucket1*"]
SEARCH_WORDS += [f"bucket{n}" for n in range(0, 100, 7)] + [f"rare{n}" for n in range(0, 100_000, 1313)]


def requests(documents: int, first_id: int) -> dict[str, str]:
    """The named requests: a path, or a query string of the documents list."""
    middle_id, middle_page = first_id + documents // 2, max(1, documents // 100)
    return {
        "floor: who am I (no documents read)": "/api/auth/me/",
        "keyset first page": "?cursor=0",
        "keyset page half way": f"?cursor={middle_id}",
        "numbered page 1 (with count)": "?page=1",
        "numbered page half way (offset)": f"?page={middle_page}",
        **{f"status={s}": f"?status={s}&cursor=0" for s in ("unassigned", "in_progress", "done", "gold")},
        **{f"status={s}, half way": f"?status={s}&cursor={middle_id}" for s in ("in_progress", "gold")},
        "assignee=alice": "?assignee=alice&cursor=0",
        "annotator=alice": "?annotator=alice&cursor=0",
        "has_gold=true": "?has_gold=true&cursor=0",
        "has_gold=false": "?has_gold=false&cursor=0",
        "commented=true": "?commented=true&cursor=0",
        "commented=false": "?commented=false&cursor=0",
        "ordering=-id": "?ordering=-id&cursor=0",
        "ordering=-created": "?ordering=-created&cursor=0",
        "label=LOCATION": "?label=LOCATION&cursor=0",
        "q=the (most documents)": "?q=the&cursor=0",
        "q=bucket7 (1 %)": "?q=bucket7&cursor=0",
        "q=rare4242 (10 documents)": "?q=rare4242&cursor=0",
        "q=zzqx (none)": "?q=zzqx&cursor=0",
        "q=bucket7 syria (two words)": "?q=bucket7+syria&cursor=0",
        "q=bucket7* (prefix, 1 %)": "?q=bucket7*&cursor=0",
        "q=syri* (prefix)": "?q=syri*&cursor=0",
        "q=حلب (Arabic, 2 %)": "?q=" + urllib.parse.quote("حلب") + "&cursor=0",
        "q=armee (accent folded, 1.4 %)": "?q=armee&cursor=0",
        'q=rare4242 AND ("x" -': "?q=" + urllib.parse.quote('rare4242 AND ("x" -') + "&cursor=0",
        "q=bucket7 & status=done": "?q=bucket7&status=done&cursor=0",
        "q=the, numbered page 1 (with count)": "?q=the&page=1",
        # The numbered path (what the review page asks) with each filter: its count stops at
        # DOCUMENT_COUNT_LIMIT (count_capped), so these read about as much as a keyset page.
        "q=bucket7, numbered page 1": "?q=bucket7&page=1",
        "q=حلب, numbered page 1": "?q=" + urllib.parse.quote("حلب") + "&page=1",
        "q=zzqx, numbered page 1": "?q=zzqx&page=1",
        **{f"status={s}, numbered page 1": f"?status={s}&page=1" for s in DOCUMENT_STATUSES},
        "assignee=alice, numbered page 1": "?assignee=alice&page=1",
        "q=bucket7 & status=done, numbered page 1": "?q=bucket7&status=done&page=1",
    }


def database_times(slug: str, documents: int, first_id: int, repeats: int = 15) -> dict[str, float]:
    """The p95 of each named list request's database time (its queries' summed time, in ms),
    made in this process as the owner: the part that grows with the project, and what the
    machine's load inflates least."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(User.objects.get(username="olivia"))
    found: dict[str, float] = {}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for name, query in requests(documents, first_id).items():
            if query.startswith("/"):
                continue
            times = []
            for _ in range(repeats + 1):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(f"/api/projects/{slug}/documents/{query}")
                    assert response.status_code == 200, (query, response.content[:200])
                times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            found[name] = round(_p95(sorted(times[1:])), 1)
    return found


def _p95(times: list[float]) -> float:
    return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--again", metavar="FOLDER", help="time again the database an earlier run left in FOLDER (no seeding)"
    )
    args = parser.parse_args()
    if args.again:
        seeded = existing(args.again, args.database_url)
    else:
        folder = fresh_django(args.database_url)
        print(f"database and logs in {folder}", flush=True)
        started = time.perf_counter()
        seeded = seed(args.documents)
        seeded["seed_s"] = round(time.perf_counter() - started)
        print(json.dumps({k: v for k, v in seeded.items() if "token" not in k}), flush=True)
    from bench.bench_api import free_port, server_env, start_server

    port = free_port()
    # A generous worker timeout: the first request imports the app, slow on a loaded machine.
    server = start_server(port, 2, server_env(), extra=("--timeout", "120"))
    try:
        base = f"http://127.0.0.1:{port}"
        figures = run(base, seeded["token"], seeded["slug"], documents=args.documents, first_id=seeded["first_id"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
    database = database_times(seeded["slug"], args.documents, seeded["first_id"])
    vendor = "PostgreSQL" if args.database_url else "SQLite"
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(f"\n{vendor}, {args.documents:,} documents, {machine()}, {when}, load {os.getloadavg()}\n")
    print("| request | p50 ms | p95 ms | database p95 ms |\n|---|---|---|---|")
    for name, value in figures.items():
        if isinstance(value, dict):
            print(f"| {name} | {value['p50_ms']} | {value['p95_ms']} | {database.get(name, '')} |")
    print(f"\nsearch p95 over 100 searches: {figures['search_p95_ms']} ms")


if __name__ == "__main__":
    main()
