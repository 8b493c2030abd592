"""Import benchmark: 10,000 documents built from the FA-KES corpus, through the same path as
`manage.py import_documents` (read the file as it comes, check every line, store in one
transaction).

Target (issue 2): under 3 s on the project's 2-core machine.
Usage: .venv/bin/python bench/bench_import.py [--documents 10000] [--postgres URL]

`--scale`: plain-text JSONL documents of about 600 characters, imported by the
`import_documents` command in a fresh process (time, CPU time and peak RSS of that
process), into an empty project and, with `--existing N`, into one already holding N
documents (issue 17 target: 15,000 documents/s on SQLite, memory independent of the
file's size).
Usage: .venv/bin/python bench/bench_import.py --scale --documents 100000 [--existing 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from common import CORPUS, ROOT, best_of, fresh_django, machine

WORDS = [
    "the",
    "a",
    "of",
    "in",
    "and",
    "to",
    "Aleppo",
    "Idlib",
    "Homs",
    "Douma",
    "killed",
    "wounded",
    "airstrike",
    "civilians",
    "reported",
    "government",
    "forces",
    "rebels",
    "village",
    "hospital",
    "market",
    "children",
    "shelling",
    "barrel",
    "bombs",
    "regime",
    "opposition",
    "activists",
]


def build_file(path, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` distinct documents: the corpus repeated, each copy's text made unique."""
    base = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            doc = dict(base[n % len(base)])
            copy = n // len(base)
            doc["id"] = f"{doc['id']}~{copy}"
            doc["text"] = f"{doc['text']} [copy {n}]"
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")


def build_plain_file(path: Path, count: int, prefix: str) -> None:
    """`count` distinct plain-text documents of about 600 characters (id and text only)."""
    rnd = random.Random(prefix)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            words, size = [], 0
            while size < 590:
                word = rnd.choice(WORDS)
                words.append(word)
                size += len(word) + 1
            out.write(json.dumps({"id": f"{prefix}{n}", "text": " ".join(words) + f" ({prefix}{n})."}) + "\n")


def import_child(slug: str, path: str, as_gold: bool = False) -> None:
    """In a fresh process (the environment names the database): the import command, then
    its wall and CPU time and this process's peak RSS as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    import django
    from django.core.management import call_command

    django.setup()
    started, cpu = time.perf_counter(), time.process_time()
    call_command("import_documents", slug, path, as_gold=as_gold, stdout=open(os.devnull, "w"))  # noqa: SIM115
    figures = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(figures))


def run_child(slug: str, path: Path, *, as_gold: bool = False) -> dict:
    env = {**os.environ, "MAX_IMPORT_ROWS": str(10**8)}
    done = subprocess.run(
        [sys.executable, __file__, "--import-child", slug, str(path), *(["--child-gold"] if as_gold else [])],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def scale(args: argparse.Namespace) -> None:
    folder = fresh_django(args.postgres)
    from annotator.models import Document
    from annotator.services.projects import create_project

    create_project(slug="scale", labels=["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"])
    engine = "PostgreSQL" if args.postgres else "SQLite"
    if args.existing:
        existing = folder / "existing.jsonl"
        build_plain_file(existing, args.existing, "e")
        figures = run_child("scale", existing)
        existing.unlink()
        print(
            f"loaded {args.existing} documents first: {figures['seconds']:.1f} s "
            f"(CPU {figures['cpu_seconds']:.1f} s), peak RSS {figures['peak_rss_mb']:.0f} MB"
        )
    path = folder / "docs.jsonl"
    build_plain_file(path, args.documents, "d")
    size_mb = path.stat().st_size / 1e6
    figures = run_child("scale", path)
    stored = Document.objects.filter(project__slug="scale").count()
    assert stored == args.documents + args.existing, stored
    print(
        f"import {args.documents} plain documents ({size_mb:.0f} MB JSONL) into a project of {args.existing} on "
        f"{engine}: {figures['seconds']:.1f} s ({args.documents / figures['seconds']:,.0f} documents/s; CPU "
        f"{figures['cpu_seconds']:.1f} s = {args.documents / figures['cpu_seconds']:,.0f} documents/CPU-s), "
        f"peak RSS {figures['peak_rss_mb']:.0f} MB"
    )
    print(f"  {machine()}; load average {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d')}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--postgres", help="a DATABASE_URL for PostgreSQL (its tables are flushed)")
    parser.add_argument("--scale", action="store_true", help="plain 600-character documents, in a child process")
    parser.add_argument("--existing", type=int, default=0, help="with --scale: documents in the project first")
    parser.add_argument("--import-child", nargs=2, metavar=("SLUG", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--child-gold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_child:
        import_child(*args.import_child, as_gold=args.child_gold)
        return
    if args.scale:
        scale(args)
        return
    folder = fresh_django(args.postgres)

    from annotator.formats.registry import iter_path
    from annotator.models import Document, Project
    from annotator.services.imports import import_documents
    from annotator.services.projects import create_project

    path = folder / "docs.jsonl"
    build_file(path, args.documents)
    project = create_project(slug="bench", labels=["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"])

    def reset() -> None:
        Document.objects.filter(project=project).delete()

    def work() -> None:
        report = import_documents(project=Project.objects.get(pk=project.pk), records=iter_path(path))
        assert report.created == args.documents, report.summary()

    seconds = best_of(3, work, reset)
    stored = Document.objects.filter(project=project).count()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    size_mb = path.stat().st_size / 1e6
    print(f"import {args.documents} documents ({size_mb:.1f} MB JSONL) on {engine}: {seconds:.2f} s best of 3")
    print(f"  {args.documents / seconds:,.0f} documents/s; {stored} stored; {machine()}; {time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()
