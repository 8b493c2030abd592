"""What a training reads (selection only, no writes): the labelled documents it learns
from, the unlabelled ones it self-trains on, and how many came in since the last training.
Kept apart from the `annotator.selectors` module so the two can move independently."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from annotator import sql
from annotator.evaluation import LabelledDocument
from annotator.models import Annotation, Document, Gold, GoldRelation, Job, Project, Relation
from annotator.spans import Span

# Run after every submission (on commit), so in plain SQL (see annotator.sql): the
# documents submitted or adjudicated since the last training request, and whether a
# training is running (only then can one be stale).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Driven by the ranges of annotation_submitted_idx and gold_updated_idx after the last
# request (never requested: after the epoch), so its cost follows what came in since, not
# the project's size (`+d.project_id`: SQLite would rather walk the project's documents).
_NEW_DOCUMENTS_SQL = sql.statement("""
WITH last AS (SELECT COALESCE(MAX(created_at), %s) AS at FROM annotator_job WHERE project_id = %s AND kind = %s)
SELECT
  (SELECT COUNT(*) FROM (
     SELECT a.document_id FROM annotator_annotation a JOIN annotator_document d ON d.id = a.document_id
     WHERE a.status = %s AND a.submitted_at > (SELECT at FROM last) AND d.project_id = %s AND {live:d}
     UNION
     SELECT g.document_id FROM annotator_gold g JOIN annotator_document d ON d.id = g.document_id
     WHERE g.updated_at > (SELECT at FROM last) AND +d.project_id = %s AND {live:d}
  ) AS new_documents),
  EXISTS (SELECT 1 FROM annotator_job WHERE project_id = %s AND kind = %s AND status = %s)
""")


def new_documents_and_running(*, project: Project) -> tuple[int, bool]:
    """(documents submitted or adjudicated since the last training was requested, whether a
    training of the project is running)."""
    training = Job.Kind.TRAINING.value
    submitted = Annotation.Status.SUBMITTED.value
    epoch = sql.to_db_datetime(_EPOCH)
    params = [
        epoch,
        project.pk,
        training,
        submitted,
        project.pk,
        project.pk,
        project.pk,
        training,
        Job.Status.RUNNING.value,
    ]
    new_documents, running = sql.first_row(_NEW_DOCUMENTS_SQL, params) or (0, False)  # always one row
    return new_documents, bool(running)


def _with_relations(documents: dict[int, LabelledDocument], owners: dict[int, int], rows: Any) -> None:
    """Give each document the relations of the gold or annotation (`owners`: its id → the
    document's) it was read from: `rows` are (owner id, source's start, end, label, target's
    start, end, label, type), mapped onto indices into the document's spans."""
    places: dict[int, dict[tuple[int, int, str], int]] = {}
    for owner, a, b, c, d, e, f, kind in rows:
        document = documents[owners[owner]]
        if document.document_id not in places:
            places[document.document_id] = {}
            for index, span in enumerate(document.spans):
                places[document.document_id].setdefault(span.key, index)
        place = places[document.document_id]
        if (a, b, c) in place and (d, e, f) in place:
            document.relations.append((place[(a, b, c)], place[(d, e, f)], kind))


_ENDS = ("source__start", "source__end", "source__label", "target__start", "target__end", "target__label", "type")


def training_documents(*, project: Project) -> list[LabelledDocument]:
    """Each labelled document once: its gold, else its latest submitted annotation (with
    several annotators and no gold yet, the most recent submission stands for the document —
    the adjudicator's gold replaces it later), with that gold's or annotation's relations."""
    documents = Document.objects.live().filter(project=project)
    result: dict[int, LabelledDocument] = {}
    golds = Gold.objects.filter(document__in=documents).select_related("document").prefetch_related("spans")
    for gold in golds:
        spans = [Span(s.start, s.end, s.label) for s in gold.spans.all()]
        result[gold.document_id] = LabelledDocument(gold.document_id, gold.document.text, spans)
    golds_of = dict(Gold.objects.filter(document__in=documents).values_list("pk", "document_id"))
    links = GoldRelation.objects.filter(gold__document__in=documents).values_list("gold_id", *_ENDS)
    _with_relations(result, golds_of, links)
    submitted = (
        Annotation.objects.filter(document__in=documents, status=Annotation.Status.SUBMITTED)
        .exclude(document_id__in=list(result))
        .select_related("document")
        .prefetch_related("spans")
        .order_by("document_id", "-submitted_at", "-pk")
    )
    annotations_of: dict[int, int] = {}
    for annotation in submitted:
        if annotation.document_id in result:
            continue  # an older submission of a document already taken
        spans = [Span(s.start, s.end, s.label) for s in annotation.spans.all()]
        result[annotation.document_id] = LabelledDocument(annotation.document_id, annotation.document.text, spans)
        annotations_of[annotation.pk] = annotation.document_id
    taken = list(annotations_of)
    for start in range(0, len(taken), 500):  # under SQLite's 999 parameters
        chunk = taken[start : start + 500]
        made = Relation.objects.filter(annotation_id__in=chunk).values_list("annotation_id", *_ENDS)
        _with_relations(result, annotations_of, made)
    return [result[k] for k in sorted(result)]


def unlabelled_texts(*, project: Project, limit: int) -> list[str]:
    """The self-training pool: at most `limit` texts of the project's documents that have
    neither gold nor a submitted annotation, a sample seeded by the project (so retraining
    on unchanged data sees the same pool), in document order. Held-out documents are
    labelled, so never among them."""
    if limit <= 0:
        return []
    candidates = list(
        Document.objects.live()
        .filter(project=project, gold__isnull=True)
        .exclude(annotations__status=Annotation.Status.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(candidates) > limit:
        candidates = sorted(random.Random(project.pk).sample(candidates, limit))
    texts = dict(Document.objects.filter(pk__in=candidates).values_list("pk", "text"))
    return [texts[pk] for pk in candidates]
