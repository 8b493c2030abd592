"""Export benchmark: 10,000 annotated documents in every format, memory growth of a
streamed export, and one export through the API on a live gunicorn.

The documents are the 40 hand-annotated FA-KES articles of fixtures/gold/dev.jsonl (662
spans) repeated, each copy's text made unique, imported as gold through
services.imports into a fresh SQLite database.

Targets (issue 6): 10,000 documents to JSONL under 3 s with memory flat (streamed, not
built in memory); 1,000 documents of which 200 annotated under 0.25 s end to end through
the API.
Usage: .venv/bin/python bench/bench_export.py [--documents 10000] [--skip-api]

`--scale`: N plain documents of about 600 characters (bench_import's), a tenth of them
with gold, each format exported by the `export` command in a fresh process, with its
wall and CPU time and peak RSS (issue 17: constant memory at a million documents).
Usage: .venv/bin/python bench/bench_export.py --scale --documents 1000000 [--formats jsonl,csv]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from common import ROOT, fresh_django, machine

GOLD = ROOT / "fixtures" / "gold" / "dev.jsonl"
LABELS = ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]


def gold_copies(count: int):  # type: ignore[no-untyped-def]
    from annotator.formats.registry import read_path

    base = read_path(GOLD)
    for n in range(count):
        record = base[n % len(base)]
        yield type(record)(
            text=f"{record.text} [copy {n}]",
            id=f"{record.id}~{n}",
            meta=record.meta,
            spans=record.spans,
            line=n + 1,
        )


def consume(chunks) -> int:  # type: ignore[no-untyped-def]
    size = 0
    for chunk in chunks:
        size += len(chunk)
    return size


def rss_child(slug: str, fmt: str, limit: int) -> None:
    """Run in a subprocess: peak RSS growth of one export over the process's state after
    Django is set up and one record has been exported (so imports and caches are warm)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    import django

    django.setup()
    from annotator.models import Project
    from annotator.services.exports import export

    project = Project.objects.get(slug=slug)
    consume(export(project=project, source="gold", fmt=fmt, limit=1))
    before = _peak_rss_kib()
    size = consume(export(project=project, source="gold", fmt=fmt, limit=limit))
    after = _peak_rss_kib()
    print(json.dumps({"before_kib": before, "after_kib": after, "bytes": size}))


def _peak_rss_kib() -> int:
    """VmHWM: this process's peak resident set (ru_maxrss would carry the parent's peak
    over fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rss_growth(slug: str, fmt: str, limit: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--rss-child", slug, fmt, str(limit)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    if out.returncode != 0:
        raise RuntimeError(f"the RSS measuring process failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def traced_peak(project, fmt: str, limit: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from annotator.services.exports import export

    tracemalloc.start()
    size = consume(export(project=project, source="gold", fmt=fmt, limit=limit))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api_figures(documents: int, annotated: int) -> dict:
    """GET /api/projects/{slug}/export/?format=jsonl&source=gold on a live gunicorn."""
    from django.contrib.auth.models import User

    from annotator.formats import Record
    from annotator.services.imports import import_documents
    from annotator.services.projects import create_project
    from annotator.services.tokens import issue_token

    owner = User.objects.create_user(username="exporter", password=None)
    project = create_project(slug="api-export", labels=LABELS, owner=owner)
    copies = list(gold_copies(documents))
    import_documents(project=project, records=[Record(text=r.text, id=r.id, meta=r.meta) for r in copies])
    import_documents(project=project, records=copies[:annotated], as_gold=True)
    token = issue_token(user=owner)[1]
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "annotator.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=dict(
            os.environ,
            DEBUG="0",
            SECRET_KEY="bench-export-secret-key-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; production sits behind a TLS proxy
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/api/schema/")
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 30 s") from None
                time.sleep(0.2)
        figures = {}
        for fmt in ("jsonl", "conll", "labelstudio", "csv"):
            times = []
            for _ in range(7):
                started = time.perf_counter()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request(
                    "GET",
                    f"/api/projects/{project.slug}/export/?format={fmt}&source=gold",
                    headers={"Authorization": f"Token {token}"},
                )
                response = conn.getresponse()
                body = response.read()
                times.append(time.perf_counter() - started)
                if response.status != 200:
                    raise RuntimeError(f"{fmt}: HTTP {response.status}: {body[:300]!r}")
            times.sort()
            figures[fmt] = {"best": times[0], "median": times[len(times) // 2], "bytes": len(body)}
        return figures
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)


def export_child(slug: str, path: str, fmt: str, source: str) -> None:
    """In a fresh process: the export command, its wall and CPU time, and peak RSS before
    and after it (JSON)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from annotator.formats.registry import EXPORT_FORMATS  # noqa: F401  (every writer imported)

    before = _peak_rss_kib()
    started, cpu = time.perf_counter(), time.process_time()
    call_command("export", slug, path, format=fmt, source=source, stdout=open(os.devnull, "w"))  # noqa: SIM115
    figures = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "before_mb": before / 1024,
        "peak_rss_mb": _peak_rss_kib() / 1024,
        "bytes": Path(path).stat().st_size,
    }
    print(json.dumps(figures))


def scale(args: argparse.Namespace) -> None:
    from bench_import import build_plain_file, run_child

    folder = fresh_django()
    from annotator.services.projects import create_project

    create_project(slug="scale", labels=LABELS)
    path = folder / "docs.jsonl"
    build_plain_file(path, args.documents, "d")
    loaded = run_child("scale", path)
    gold = folder / "gold.jsonl"
    with path.open(encoding="utf-8") as source, gold.open("w", encoding="utf-8") as out:
        for n, line in enumerate(source):
            if n % 10:
                continue
            doc = json.loads(line)
            at = doc["text"].find("Aleppo")
            doc["spans"] = [] if at < 0 else [{"start": at, "end": at + 6, "label": "LOCATION"}]
            out.write(json.dumps(doc) + "\n")
    run_child("scale", gold, as_gold=True)
    path.unlink()
    gold.unlink()
    print(
        f"{args.documents} plain documents ({loaded['seconds']:.0f} s to import), a tenth with gold; "
        f"{machine()}; {time.strftime('%Y-%m-%d')}"
    )
    formats = args.formats.split(",") if args.formats else ["jsonl", "csv", "conll", "labelstudio", "txt", "spacy"]
    print("export command in a fresh process: wall, CPU, peak RSS (after Django set-up -> at the end)")
    for source, count in (("documents", args.documents), ("gold", (args.documents + 9) // 10)):
        for fmt in formats if source == "documents" else ["jsonl", "conll", "casualty-csv"]:
            target = folder / f"out-{source}.{fmt}"
            done = subprocess.run(
                [sys.executable, __file__, "--export-child", "scale", str(target), fmt, source],
                capture_output=True,
                text=True,
                env=dict(os.environ),
            )
            if done.returncode:
                print(f"  {source:9s} {fmt:13s} failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            target.unlink()
            print(
                f"  {source:9s} {fmt:13s} {count:8d} records {figures['seconds']:7.1f} s wall "
                f"{figures['cpu_seconds']:7.1f} s CPU {figures['bytes'] / 1e6:7.0f} MB out  peak RSS "
                f"{figures['before_mb']:4.0f} -> {figures['peak_rss_mb']:5.0f} MB  (load {os.getloadavg()[0]:.1f})"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--formats", help="comma-separated formats to time (default: all)")
    parser.add_argument("--rss-child", nargs=3, metavar=("SLUG", "FORMAT", "LIMIT"), help=argparse.SUPPRESS)
    parser.add_argument("--scale", action="store_true", help="plain documents, export command in a child process")
    parser.add_argument("--export-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        export_child(*args.export_child)
        return
    if args.scale:
        scale(args)
        return
    if args.rss_child:
        slug, fmt, limit = args.rss_child
        rss_child(slug, fmt, int(limit))
        return
    fresh_django()

    from annotator.formats.registry import EXPORT_FORMATS
    from annotator.models import GoldSpan
    from annotator.services.exports import export
    from annotator.services.imports import import_documents
    from annotator.services.projects import create_project

    project = create_project(slug="bench", labels=LABELS)
    started = time.perf_counter()
    import_documents(project=project, records=list(gold_copies(args.documents)), as_gold=True)
    spans = GoldSpan.objects.filter(gold__document__project=project).count()
    print(
        f"built {args.documents} gold documents ({spans} spans) in {time.perf_counter() - started:.1f} s; "
        f"{machine()}; {time.strftime('%Y-%m-%d')}"
    )

    print(f"\nexport of {args.documents} documents, source=gold (jsonl best of 3, the others once):")
    for fmt in args.formats.split(",") if args.formats else EXPORT_FORMATS:
        repeats = 3 if fmt == "jsonl" else 1
        best_wall = best_cpu = float("inf")
        size = 0
        try:
            for _ in range(repeats):
                wall, cpu = time.perf_counter(), time.process_time()
                size = consume(export(project=project, source="gold", fmt=fmt))
                best_wall = min(best_wall, time.perf_counter() - wall)
                best_cpu = min(best_cpu, time.process_time() - cpu)
        except Exception as error:  # spaCy missing: say so and go on
            print(f"  {fmt:13s} skipped: {error}")
            continue
        print(
            f"  {fmt:13s} {best_wall:6.2f} s wall {best_cpu:6.2f} s CPU  {size / 1e6:6.1f} MB  "
            f"{args.documents / best_wall:7,.0f} documents/s  (load average {os.getloadavg()[0]:.1f})"
        )

    print("\nmemory of a streamed JSONL export (tracemalloc peak; a fresh process's peak RSS before and after):")
    for limit in (1_000, args.documents):
        peak, size = traced_peak(project, "jsonl", limit)
        rss = rss_growth(project.slug, "jsonl", limit)
        print(
            f"  {limit:6d} documents: output {size / 1e6:6.1f} MB, traced peak {peak / 1e6:5.1f} MB, "
            f"peak RSS {rss['before_kib'] / 1024:5.1f} MB before, {rss['after_kib'] / 1024:5.1f} MB after"
        )
    try:
        for limit in (100, 1_000):
            peak, size = traced_peak(project, "spacy", limit)
            print(f"  spacy (a DocBin is built whole): {limit:6d} documents, traced peak {peak / 1e6:5.1f} MB")
    except Exception as error:  # spaCy missing
        print(f"  spacy skipped: {error}")

    if not args.skip_api:
        figures = api_figures(1_000, 200)
        print("\nAPI, live gunicorn (2 sync workers) on loopback, 1,000 documents of which 200 with gold,")
        print("GET /api/projects/api-export/export/?format=F&source=gold, request to last byte, 7 runs:")
        for fmt, figure in figures.items():
            print(
                f"  {fmt:13s} best {figure['best'] * 1000:6.1f} ms, median {figure['median'] * 1000:6.1f} ms, "
                f"{figure['bytes'] / 1e6:.2f} MB"
            )


if __name__ == "__main__":
    main()
