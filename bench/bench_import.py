"""Import benchmark: 10,000 documents built from the FA-KES corpus, through the same path as
`manage.py import_documents` (read the file, check every line, store in one transaction).

Target (issue 2): under 3 s on the project's 2-core machine.
Usage: .venv/bin/python bench/bench_import.py [--documents 10000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import time

from common import CORPUS, best_of, fresh_django, machine


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--postgres", help="a DATABASE_URL for PostgreSQL (its tables are flushed)")
    args = parser.parse_args()
    folder = fresh_django(args.postgres)

    from annotator.formats.registry import read_path
    from annotator.models import Document, Project
    from annotator.services.imports import import_documents
    from annotator.services.projects import create_project

    path = folder / "docs.jsonl"
    build_file(path, args.documents)
    project = create_project(slug="bench", labels=["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"])

    def reset() -> None:
        Document.objects.filter(project=project).delete()

    def work() -> None:
        report = import_documents(project=Project.objects.get(pk=project.pk), records=read_path(path))
        assert report.created == args.documents, report.summary()

    seconds = best_of(3, work, reset)
    stored = Document.objects.filter(project=project).count()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    size_mb = path.stat().st_size / 1e6
    print(f"import {args.documents} documents ({size_mb:.1f} MB JSONL) on {engine}: {seconds:.2f} s best of 3")
    print(f"  {args.documents / seconds:,.0f} documents/s; {stored} stored; {machine()}; {time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()
