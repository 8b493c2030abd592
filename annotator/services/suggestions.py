"""The current model's suggestions as the web serves them, the refresh after a promotion, and
predictions asked of the worker. The web side: nothing here loads the tagger (scikit-learn,
numpy); predicting runs in the worker (`services.predictor`, through Celery tasks).

A document carries the model version whose suggestions it has (`Document.suggested_by`).
After a promotion, and after an import, the worker computes them in batches, the queue's
first documents first (`predictor.refresh_suggestions`); a document served before its batch
came is asked of the worker at once, ahead of the batches, and the request waits
`SUGGESTIONS_WAIT_SECONDS` for it; if it is not there by then, the answer says the
suggestions are pending.

No leak between annotators (issue 18). A model version records the documents it trained on
(`TrainedDocuments`); a document is only ever shown suggestions from a version that did not
learn from an annotation of it: `serving_version` picks the current model if it did not see
the document, else *the newest version that was promoted before it and did not see it*,
else none (state `excluded_trained_on_it`). Every path that shows a model's output for a
project's document goes through that rule: `next/` and the document view
(`suggestions_to_serve`), the worker's batches and on-demand predictions
(`predictor.suggest_documents`, `predictor.refresh_suggestions`) and `predict/` for a text
that is one of the project's documents.

Why that rule rather than cross-fitted fold models (K models, each trained without one fold
and serving it): cross-fitting multiplies every training's cost by K (or adds K trainings),
on a loop that retrains every `retrain_every` submissions and whose small trainings are
already too slow (issue 18, item 4); each fold model learns from less data and is never
judged by the promotion rule, while the newest unseen version is a model that was evaluated
and promoted. The price: the second annotator of a document the current model trained on
gets an older model's suggestions, or none when every promoted version saw it — which is
what blind double annotation asks for. Documents held out for evaluation (one in five) and
documents nobody has annotated yet are never trained on, so they always get the current
model. The walk back is bounded (`_OLDER_VERSIONS_CHECKED`): past it the document gets none.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from annotator import idsets, sql
from annotator.exceptions import Conflict
from annotator.jobs import broker
from annotator.jobs.records import create_job
from annotator.models import (
    Annotation,
    Document,
    Gold,
    Job,
    ModelVersion,
    Project,
    RelationSuggestion,
    Suggestion,
    TrainedDocuments,
)

log = logging.getLogger(__name__)

SUGGEST_TASK = "annotator.tasks.suggest_documents"
PREDICT_TASK = "annotator.tasks.predict_text"


def current_model(*, project: Project) -> ModelVersion | None:
    return ModelVersion.objects.current_for(project)


# Asked on every `next/` and document view, so in plain SQL (see annotator.sql), and
# without the model's artifact, which can be megabytes.
_CURRENT_MODEL_SQL = sql.statement("""
SELECT id, project_id, version, status, created_at FROM annotator_modelversion
WHERE project_id = %s AND status IN {current_model}
""")
_SUGGESTIONS_SQL = """
SELECT * FROM annotator_suggestion WHERE document_id = %s AND model_version_id = %s ORDER BY start, "end", id
"""
_RELATION_SUGGESTIONS_SQL = """
SELECT * FROM annotator_relationsuggestion WHERE document_id = %s AND model_version_id = %s ORDER BY id
"""


# Why a document shows the suggestions it shows (or none): the API's `suggestions_state`.
READY = "ready"  # the serving version's suggestions are here (an empty list: it found nothing)
PENDING = "pending"  # queued or being computed by the worker: load the document again
NO_MODEL = "no_model"  # the project has no current model yet
EXCLUDED = "excluded_trained_on_it"  # every version that could serve it trained on an annotation of it
CONTROL = "control"  # a control document: served without suggestions (services.control)
STATES = (READY, PENDING, NO_MODEL, EXCLUDED, CONTROL)

# Older promoted versions examined for a document the current model saw, newest first.
_OLDER_VERSIONS_CHECKED = 50
# Keyed by the version's id and creation time: a stored version never changes, and the time
# tells apart a row id used again (SQLite reuses the ids of rolled-back rows).
_TRAINED_CACHE: OrderedDict[tuple[int, Any], idsets.IdSet | None] = OrderedDict()
_TRAINED_CACHE_SIZE = 256


def trained_on(version: ModelVersion) -> idsets.IdSet | None:
    """The documents `version` trained on (cached); None for a version trained before they
    were recorded."""
    key = (version.pk, version.created_at)
    if key in _TRAINED_CACHE:
        _TRAINED_CACHE.move_to_end(key)
        return _TRAINED_CACHE[key]
    data = TrainedDocuments.objects.filter(model_version_id=version.pk).values_list("ids", flat=True).first()
    found = idsets.unpack(data) if data is not None else None
    _TRAINED_CACHE[key] = found
    while len(_TRAINED_CACHE) > _TRAINED_CACHE_SIZE:
        _TRAINED_CACHE.popitem(last=False)
    return found


def _labelled(document_ids: Iterable[int]) -> set[int]:
    """Those of `document_ids` with gold or a submitted annotation (what a training reads)."""
    ids = list(document_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 500):  # under SQLite's 999 parameters
        chunk = ids[start : start + 500]
        found.update(Gold.objects.filter(document_id__in=chunk).values_list("document_id", flat=True))
        found.update(
            Annotation.objects.filter(document_id__in=chunk, status=Annotation.Status.SUBMITTED).values_list(
                "document_id", flat=True
            )
        )
    return found


def seen_by(version: ModelVersion, document_ids: Iterable[int]) -> set[int]:
    """Those of `document_ids` that `version` trained on. A version from before the record
    was kept is taken to have seen every document labelled now (the safe side)."""
    ids = list(document_ids)
    trained = trained_on(version)
    if trained is None:
        return _labelled(ids)
    return {pk for pk in ids if pk in trained}


def serving_version(*, document_id: int, project_id: int, current: ModelVersion | None) -> ModelVersion | None:
    """The version whose suggestions the document may be shown (see the module's docstring):
    `current` if it did not train on the document, else the newest version promoted before
    it that did not, else None. Versions come without their artifact."""
    if current is None:
        return None
    if document_id not in seen_by(current, [document_id]):
        return current
    # Versions that were current once (a rolled-back newer one is not among them).
    older = (
        ModelVersion.objects.filter(
            project_id=project_id,
            status=ModelVersion.Status.RETIRED,
            promoted_at__isnull=False,
            version__lt=current.version,
        )
        .only("id", "project_id", "version", "status", "created_at")
        .order_by("-version")[:_OLDER_VERSIONS_CHECKED]
    )
    for version in older:
        if document_id not in seen_by(version, [document_id]):
            return version
    return None


def current_suggestions_for(*, document: Document) -> tuple[ModelVersion | None, list[Suggestion]]:
    """The project's current model version (its artifact not loaded) and its suggestions for `document`."""
    current = sql.instance(ModelVersion, _CURRENT_MODEL_SQL, [document.project_id])
    if current is None:
        return None, []
    return current, sql.instances(Suggestion, _SUGGESTIONS_SQL, [document.pk, current.pk])


def unfinished_documents(*, project: Project) -> Any:
    """Documents nobody has finished: no gold, fewer submissions than the project asks for."""
    return Document.objects.unfinished(project)


def queue_refresh(*, project: Project, version_id: int, reason: str = "promotion") -> Job:
    """Queue the refresh of a newly promoted version's suggestions (its first job predicts
    the queue's first documents, then queues the batches of the rest)."""
    job = create_job(kind=Job.Kind.SUGGESTIONS, project=project, params={"model_version": version_id, "reason": reason})
    broker.enqueue(job)
    return job


def queue_suggestions_for_new_documents(*, project: Project) -> Job | None:
    """After an import: the current model's suggestions for the documents that lack them
    (the new ones), in queue order and batches, as after a promotion. None without a model."""
    version = sql.instance(ModelVersion, _CURRENT_MODEL_SQL, [project.pk])
    if version is None:
        return None
    return queue_refresh(project=project, version_id=version.pk, reason="import")


@dataclass(frozen=True)
class Served:
    """What a document is shown: the model version whose suggestions they are (None: none),
    the suggestions, and why (`state`, one of STATES)."""

    version: ModelVersion | None
    suggestions: list[Suggestion] = field(default_factory=list)
    state: str = READY

    @property
    def pending(self) -> bool:
        return self.state == PENDING


def _stored(document: Document, version: ModelVersion) -> list[Suggestion]:
    return sql.instances(Suggestion, _SUGGESTIONS_SQL, [document.pk, version.pk])


def suggestions_to_serve(*, document: Document) -> Served:
    """The suggestions `document` is shown, from the version `serving_version` allows. A
    document without that version's suggestions is asked of the worker (ahead of the
    background batches) and waited for up to `SUGGESTIONS_WAIT_SECONDS`; if they do not come
    in time, the state is pending, and the suggestions the document had from an earlier
    version are shown meanwhile, if that version never trained on it either."""
    current = sql.instance(ModelVersion, _CURRENT_MODEL_SQL, [document.project_id])
    if current is None:
        return Served(None, [], NO_MODEL)
    chosen = serving_version(document_id=document.pk, project_id=document.project_id, current=current)
    if chosen is None:
        return Served(None, [], EXCLUDED)
    had = _suggested_by(document)
    if had == chosen.pk:
        return Served(chosen, _stored(document, chosen), READY)
    answered = broker.ask(SUGGEST_TASK, [chosen.pk, [document.pk]], wait=settings.SUGGESTIONS_WAIT_SECONDS)
    if answered is not None and _suggested_by(document) == chosen.pk:
        return Served(chosen, _stored(document, chosen), READY)
    older = None if had is None else ModelVersion.objects.defer("artifact").filter(pk=had).first()
    if older is not None and older.project_id == document.project_id and not seen_by(older, [document.pk]):
        return Served(older, _stored(document, older), PENDING)
    return Served(chosen, _stored(document, chosen), PENDING)  # whatever of them is stored already


def relation_suggestions_served(*, document: Document, served: Served) -> list[RelationSuggestion]:
    """The relations suggested between the span suggestions `served` shows (the decision of
    `suggestions_to_serve`, taken once: the same version, nothing when it shows none)."""
    if served.version is None or not served.suggestions:
        return []
    shown = {s.pk for s in served.suggestions}
    rows = sql.instances(RelationSuggestion, _RELATION_SUGGESTIONS_SQL, [document.pk, served.version.pk])
    return [r for r in rows if r.source_id in shown and r.target_id in shown]


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
