"""The full agreement report for 1,000 documents x 3 annotators, made by perturbing the
development gold set (drop a span, shift a boundary to a neighbouring token, relabel, add a
span at random; fixed seed). Times the pure module and, with --db, the service reading the
annotations from a fresh SQLite database (seeded with plain bulk inserts), the report
computed and stored as the agreement job does, and the stored report served again.

    .venv/bin/python bench/bench_agreement.py [--documents 1000] [--annotators 3] [--db]
    .venv/bin/python bench/bench_agreement.py --documents 10000 --db   # issue #17's size
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from annotator.agreement.report import AnnotatedDocument, agreement_report, document_table  # noqa: E402
from annotator.spans import Span, span_problems  # noqa: E402
from annotator.tokenize import tokenize  # noqa: E402

LABELS = ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]


def perturb(text: str, spans: list[Span], rng: random.Random) -> list[Span]:
    """One annotator's version of the gold: each span is kept (70%), dropped (8%), has a
    boundary moved by a token (12%) or is relabelled (10%); then a span or two may be added."""
    tokens = tokenize(text)
    out: list[Span] = []
    for span in spans:
        roll = rng.random()
        if roll < 0.08:
            continue
        if roll < 0.20:
            inside = [t for t in tokens if span.start <= t.start and t.end <= span.end]
            after = [t for t in tokens if t.start >= span.end][:1]
            if len(inside) > 1 and rng.random() < 0.5:
                span = Span(inside[1].start, span.end, span.label, span.attrs)
            elif after:
                span = Span(span.start, after[0].end, span.label, span.attrs)
        elif roll < 0.30:
            span = Span(span.start, span.end, rng.choice([x for x in LABELS if x != span.label]), span.attrs)
        out.append(span)
    for _ in range(rng.choice([0, 0, 1, 2])):
        first = rng.randrange(len(tokens))
        last = min(len(tokens) - 1, first + rng.randrange(3))
        out.append(Span(tokens[first].start, tokens[last].end, rng.choice(LABELS)))
    # Keep the annotation valid (no same-label overlap), as the app would have.
    valid: list[Span] = []
    for span in sorted(out):
        if not span_problems(text, [s.as_dict() for s in [*valid, span]], LABELS):
            valid.append(span)
    return valid


def make_documents(count: int, annotators: int, seed: int = 7) -> list[AnnotatedDocument]:
    gold = [json.loads(line) for line in (ROOT / "fixtures/gold/dev.jsonl").open(encoding="utf-8")]
    rng = random.Random(seed)
    documents = []
    for n in range(count):
        record = gold[n % len(gold)]
        spans = [Span(s["start"], s["end"], s["label"], s.get("attrs") or {}) for s in record["spans"]]
        names = [f"annotator{k + 1}" for k in range(annotators)]
        documents.append(
            AnnotatedDocument(
                f"{record['id']}-{n}", record["text"], {name: perturb(record["text"], spans, rng) for name in names}
            )
        )
    return documents


def timed(work: Callable[[], Any]) -> tuple[Any, str]:
    """The result and "wall s (CPU s)": the machine is shared, so CPU time is the steadier figure."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, f"{time.perf_counter() - wall:.2f} s wall ({time.process_time() - cpu:.2f} s CPU)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--db", action="store_true", help="also time the service reading from a SQLite database")
    args = parser.parse_args()
    documents = make_documents(args.documents, args.annotators)
    spans = sum(len(s) for d in documents for s in d.annotations.values())
    print(f"{len(documents)} documents x {args.annotators} annotators, {spans} spans")
    attributes = {"CASUALTY_COUNT": ["value", "status", "victims", "qualifier"]}
    report, report_seconds = timed(
        lambda: agreement_report(documents, labels=LABELS, attributes=attributes, resamples=args.resamples)
    )
    _, table_seconds = timed(lambda: document_table(documents, labels=LABELS))
    for key in ("span_f1_exact", "span_f1_overlap", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "alpha_u"):
        figure = report[key]
        print(f"  {key:20} {figure['value']!s:8} ci95={figure['ci95']} items={figure['items']}")
    print(f"report (pure module, {args.resamples} resamples): {report_seconds}")
    print(f"per-document table (pure module): {table_seconds}")
    if args.db:
        time_service(documents, resamples=args.resamples)


def seed_database(documents: list[AnnotatedDocument], *, slug: str = "bench") -> Any:
    """Store the documents and every annotator's submitted annotation in the (fresh) database
    with plain bulk inserts, one `executemany` a table: the ORM's bulk_create takes minutes
    for half a million spans. Returns the project."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone

    from annotator.models import Annotation, Document
    from annotator.models import Span as SpanRow
    from annotator.services.projects import create_project

    project = create_project(slug=slug, labels=LABELS, annotators_per_document=3)
    names = sorted({a for d in documents for a in d.annotations})
    users = {name: User.objects.create(username=name).pk for name in names}
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        first = (Document.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        cursor.executemany(
            f"INSERT INTO {Document._meta.db_table} (id, project_id, external_id, text, meta, content_hash, "
            "created_at, model_uncertainty) VALUES (%s, %s, %s, %s, %s, %s, %s, NULL)",
            [(first + i, project.pk, d.id, d.text, "{}", str(i), now) for i, d in enumerate(documents)],
        )
        annotation_rows, span_rows = [], []
        annotation_id = (Annotation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for i, d in enumerate(documents):
            for name in sorted(d.annotations):
                annotation_rows.append(
                    (annotation_id, first + i, users[name], "submitted", 1, 0.0, "[]", now, now, now)
                )
                span_rows += [
                    (annotation_id, s.start, s.end, s.label, json.dumps(dict(s.attrs)), "manual")
                    for s in d.annotations[name]
                ]
                annotation_id += 1
        cursor.executemany(
            f"INSERT INTO {Annotation._meta.db_table} (id, document_id, annotator_id, status, version, time_spent, "
            "rejected_suggestions, created_at, updated_at, submitted_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            annotation_rows,
        )
        cursor.executemany(
            f'INSERT INTO {SpanRow._meta.db_table} (annotation_id, start, "end", label, attrs, origin) '
            "VALUES (%s, %s, %s, %s, %s, %s)",
            span_rows,
        )
    return project


def time_service(documents: list[AnnotatedDocument], *, resamples: int) -> None:
    """Store the documents and annotations in a fresh SQLite database, then time the service
    (loading from the database plus the report, plus the scores against gold)."""
    from bench.common import fresh_django

    fresh_django()
    from annotator.services.agreement import agreement_report as service_report
    from annotator.services.agreement import documents_table

    project, seconds = timed(lambda: seed_database(documents))
    print(f"seeded the database (plain bulk inserts): {seconds}")
    report, seconds = timed(lambda: service_report(project=project, resamples=resamples))
    print(f"report through the service from SQLite ({report['documents']} documents): {seconds}")
    _, seconds = timed(lambda: documents_table(project=project))
    print(f"per-document table through the service: {seconds}")
    from annotator.services.agreement import compute_and_store, request_report

    _, seconds = timed(lambda: compute_and_store(project=project, resamples=resamples))
    print(f"report computed and stored, as the agreement job does: {seconds}")
    state, seconds = timed(lambda: request_report(project=project, user=None, resamples=resamples))
    assert state.fresh, "the stored report should be fresh"
    print(f"the stored report served again while fresh (the API's 200): {seconds}")


if __name__ == "__main__":
    main()
