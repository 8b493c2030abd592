"""The current model's suggestions, their refresh after a promotion, and predictions on
arbitrary texts.

A model is loaded from its ModelVersion row (artifact bytes in the database, so any machine
can) and kept in a small per-process cache keyed by the row and its checksum: a stored
model never changes, so the cache needs no invalidation. A model that cannot be loaded
(another scikit-learn, another feature version, a damaged artifact) is logged and treated as
absent: the project keeps working, without suggestions, and `predict` says why.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction

from annotator import sql
from annotator.exceptions import Conflict
from annotator.formats import Record
from annotator.jobs.records import create_job, report_progress, run_job
from annotator.models import Document, Job, ModelVersion, Project, Suggestion
from annotator.tagger import ModelLoadError, Prediction, SpanTagger, load_tagger

log = logging.getLogger(__name__)

BATCH = 50
_CACHE: OrderedDict[tuple[int, str], SpanTagger] = OrderedDict()
_CACHE_SIZE = 4


def current_model(*, project: Project) -> ModelVersion | None:
    return ModelVersion.objects.current_for(project)


def tagger_for(*, version: ModelVersion) -> SpanTagger:
    """The loaded tagger of `version` (cached); `ModelLoadError` if it cannot be loaded."""
    key = (version.pk, version.artifact_sha256)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    artifact = ModelVersion.objects.filter(pk=version.pk).values_list("artifact", flat=True).first()
    tagger = load_tagger(artifact, expected_sha256=version.artifact_sha256 or None)
    _CACHE[key] = tagger
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return tagger


# Asked on every `next/` and document view, so in plain SQL (see annotator.sql), and
# without the model's artifact, which can be megabytes.
_CURRENT_MODEL_SQL = sql.statement("""
SELECT id, project_id, version, status FROM annotator_modelversion WHERE project_id = %s AND status IN {current_model}
""")
_SUGGESTIONS_SQL = """
SELECT * FROM annotator_suggestion WHERE document_id = %s AND model_version_id = %s ORDER BY start, "end", id
"""


def current_suggestions_for(*, document: Document) -> tuple[ModelVersion | None, list[Suggestion]]:
    """The project's current model version (its artifact not loaded) and its suggestions for `document`."""
    current = sql.instance(ModelVersion, _CURRENT_MODEL_SQL, [document.project_id])
    if current is None:
        return None, []
    return current, sql.instances(Suggestion, _SUGGESTIONS_SQL, [document.pk, current.pk])


def unfinished_documents(*, project: Project) -> Any:
    """Documents nobody has finished: no gold, fewer submissions than the project asks for."""
    return Document.objects.unfinished(project)


def store_suggestions(*, version: ModelVersion, documents: list[Document], predictions: list[Prediction]) -> int:
    """Replace `version`'s suggestions for `documents` and their uncertainty, in one transaction."""
    with transaction.atomic():
        Suggestion.objects.filter(model_version=version, document__in=documents).delete()
        rows = [
            Suggestion(
                document=document,
                model_version=version,
                start=span.start,
                end=span.end,
                label=span.label,
                attrs={},
                score=round(span.score, 4),
            )
            for document, prediction in zip(documents, predictions, strict=True)
            for span in prediction.spans
        ]
        Suggestion.objects.bulk_create(rows)
        for document, prediction in zip(documents, predictions, strict=True):
            Document.objects.filter(pk=document.pk).update(model_uncertainty=round(prediction.uncertainty, 6))
    return len(rows)


def refresh_suggestions(*, job: Job) -> dict[str, Any]:
    """Suggestions of the model version named by the job for every unfinished document, in
    batches, with progress on the job. Skipped if that version is no longer current (the
    newer one's own refresh does the work)."""
    version = ModelVersion.objects.filter(pk=job.params.get("model_version")).first()
    if version is None or version.status != ModelVersion.Status.CURRENT:
        return {"skipped": "the model version is no longer current", "documents": 0, "suggestions": 0}
    try:
        tagger = tagger_for(version=version)
    except ModelLoadError as error:
        raise Conflict(f"model v{version.version} cannot be loaded: {error}") from None
    ids = list(unfinished_documents(project=version.project).values_list("pk", flat=True))
    done = stored = 0
    report_progress(job, 0, len(ids), f"suggesting with model v{version.version}")
    for start in range(0, len(ids), BATCH):
        documents = list(Document.objects.filter(pk__in=ids[start : start + BATCH]).order_by("pk"))
        predictions = tagger.predict_documents([d.text for d in documents])
        stored += store_suggestions(version=version, documents=documents, predictions=predictions)
        done += len(documents)
        report_progress(job, done, len(ids), f"suggesting with model v{version.version}")
    return {"model_version": version.version, "documents": done, "suggestions": stored}


def refresh_now(*, project: Project) -> int:
    """Refresh the current model's suggestions in this process (the demo): a suggestions Job
    run by the workers' runner, in the foreground; returns how many were stored."""
    version = current_model(project=project)
    if version is None:
        return 0
    job = create_job(kind=Job.Kind.SUGGESTIONS, project=project, params={"model_version": version.pk})
    job = run_job(job.pk, lambda job: refresh_suggestions(job=job), raise_errors=True)
    return int(job.result.get("suggestions", 0))


def _usable_tagger(project: Project) -> tuple[ModelVersion, SpanTagger]:
    version = current_model(project=project)
    if version is None:
        raise Conflict(f"project {project.slug} has no trained model yet; train one first")
    try:
        return version, tagger_for(version=version)
    except ModelLoadError as error:
        raise Conflict(f"model v{version.version} of project {project.slug} cannot be used: {error}") from None


def predict_texts(*, project: Project, texts: list[str]) -> tuple[ModelVersion, list[Prediction]]:
    """The current model's scored spans for each text (409 `Conflict` without a usable model)."""
    version, tagger = _usable_tagger(project)
    return version, tagger.predict_documents(texts)


def predict_records(*, project: Project, records: Iterable[Record]) -> Iterator[Record]:
    """Each input record with the current model's spans (`"annotator": "model"`, a score per
    span), for `manage.py predict`. Checks for a usable model before the first record."""
    version, tagger = _usable_tagger(project)

    def generate() -> Iterator[Record]:
        for record in records:
            (prediction,) = tagger.predict_documents([record.text])
            yield Record(
                text=record.text,
                id=record.id,
                meta=record.meta,
                spans=[{**s.as_dict(), "attrs": {}} for s in prediction.spans],
                annotator="model",
                model_version=str(version.version),
            )

    return generate()


_JOBS_UNDER_WAY_SQL = """
SELECT 1 FROM annotator_job WHERE project_id = %s AND kind IN (%s, %s) AND status IN (%s, %s) LIMIT 1
"""


def suggestions_stale(*, project: Project) -> bool:
    """Whether a newer model is on its way: a training or a refresh of suggestions is waiting
    or running (while Redis is down, such jobs wait on their row until it is back)."""
    kinds = [Job.Kind.TRAINING.value, Job.Kind.SUGGESTIONS.value]
    states = [Job.Status.QUEUED.value, Job.Status.RUNNING.value]
    return sql.first_row(_JOBS_UNDER_WAY_SQL, [project.pk, *kinds, *states]) is not None
