"""The current model's suggestions as the web serves them, the refresh after a promotion, and
predictions asked of the worker. The web side: nothing here loads the tagger (scikit-learn,
numpy); predicting runs in the worker (`services.predictor`, through Celery tasks).

A document carries the model version whose suggestions it has (`Document.suggested_by`).
After a promotion the worker refreshes them in batches, the queue's first documents first
(`predictor.refresh_suggestions`); a document served before its batch came is asked of the
worker at once, ahead of the batches, and the request waits `SUGGESTIONS_WAIT_SECONDS` for
it; if it is not there by then, the answer says the suggestions are pending.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from annotator import sql
from annotator.exceptions import Conflict
from annotator.jobs import broker
from annotator.jobs.records import create_job
from annotator.models import Document, Job, ModelVersion, Project, Suggestion

log = logging.getLogger(__name__)

SUGGEST_TASK = "annotator.tasks.suggest_documents"
PREDICT_TASK = "annotator.tasks.predict_text"


def current_model(*, project: Project) -> ModelVersion | None:
    return ModelVersion.objects.current_for(project)


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


def queue_refresh(*, project: Project, version_id: int) -> Job:
    """Queue the refresh of a newly promoted version's suggestions (its first job predicts
    the queue's first documents, then queues the batches of the rest)."""
    job = create_job(kind=Job.Kind.SUGGESTIONS, project=project, params={"model_version": version_id})
    broker.enqueue(job)
    return job


def suggestions_to_serve(*, document: Document) -> tuple[ModelVersion | None, list[Suggestion], bool]:
    """The model version whose suggestions `document` is served with, those suggestions,
    and whether the current model's are still pending. A document without the current
    model's suggestions is asked of the worker (ahead of the background batches) and waited
    for up to `SUGGESTIONS_WAIT_SECONDS`; if they do not come in time, the suggestions of
    the model the document had (an older version) are served meanwhile, if any."""
    version, suggestions = current_suggestions_for(document=document)
    if version is None:
        return None, [], False
    had = _suggested_by(document)
    if had == version.pk:
        return version, suggestions, False
    if broker.ask(SUGGEST_TASK, [version.pk, [document.pk]], wait=settings.SUGGESTIONS_WAIT_SECONDS) is not None:
        version, suggestions = current_suggestions_for(document=document)
        if version is not None and _suggested_by(document) == version.pk:
            return version, suggestions, False
    older = ModelVersion.objects.defer("artifact").filter(pk=had).first() if had is not None else None
    if older is None:
        return version, suggestions, True
    return older, sql.instances(Suggestion, _SUGGESTIONS_SQL, [document.pk, older.pk]), True


def _suggested_by(document: Document) -> int | None:
    return Document.objects.filter(pk=document.pk).values_list("suggested_by_id", flat=True).first()


def predict_text(*, project: Project, text: str) -> dict[str, Any] | None:
    """The current model's spans for `text`, computed by a worker (`predict/`): the model
    version, spans with their text and the uncertainty; None if no worker answered within
    `PREDICT_WAIT_SECONDS`. 409 `Conflict` without a usable model."""
    answer = broker.ask(PREDICT_TASK, [project.pk, text], wait=settings.PREDICT_WAIT_SECONDS)
    if isinstance(answer, dict) and "conflict" in answer:
        raise Conflict(answer["conflict"])
    return answer


_JOBS_UNDER_WAY_SQL = """
SELECT 1 FROM annotator_job WHERE project_id = %s AND kind IN (%s, %s) AND status IN (%s, %s) LIMIT 1
"""


def suggestions_stale(*, project: Project) -> bool:
    """Whether a newer model is on its way: a training or a refresh of suggestions is waiting
    or running (while Redis is down, such jobs wait on their row until it is back)."""
    kinds = [Job.Kind.TRAINING.value, Job.Kind.SUGGESTIONS.value]
    states = [Job.Status.QUEUED.value, Job.Status.RUNNING.value]
    return sql.first_row(_JOBS_UNDER_WAY_SQL, [project.pk, *kinds, *states]) is not None
