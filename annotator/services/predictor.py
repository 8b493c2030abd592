"""Running the current model: loading it, predicting, storing its suggestions. The worker's
side (Celery tasks, `manage.py predict`, the demo's seeding): it imports the tagger, hence
scikit-learn and numpy, which web processes never load (pyproject's import-linter contract
and tests/ops/test_web_imports.py check it). The web asks for all of this through
`services.suggestions`, which queues it here.

A model is loaded from its ModelVersion row (artifact bytes in the database, so any machine
can) and kept in a small per-process cache keyed by the row and its checksum: a stored
model never changes, so the cache needs no invalidation. A model that cannot be loaded
(another scikit-learn, another feature version, a damaged artifact) is logged and treated as
absent: the project keeps working, without suggestions, and `predict` says why.

After a promotion or an import (see `services.suggestions.queue_refresh`), the first refresh job
predicts the documents `next/` serves first (the queue's order: most uncertain under the
previous model, then import order), then splits the other unfinished documents into id
ranges of `settings.SUGGESTIONS_BATCH` and queues one job each, so a project of a million
documents never holds one job (or one worker) for hours and several workers share the work.

Every document is predicted by the version `services.suggestions.serving_version` allows it
(never one that trained on an annotation of it): a batch of the current version hands the
documents that version saw to an older version that did not, or to none.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from annotator.exceptions import Conflict
from annotator.formats import Record
from annotator.jobs import broker
from annotator.jobs.records import create_job, report_progress, run_job
from annotator.models import Document, Job, ModelVersion, Project, RelationSuggestion, RelationType, Suggestion
from annotator.services.suggestions import current_model, seen_by, serving_version, unfinished_documents
from annotator.spans import Span
from annotator.tagger import ModelLoadError, Prediction, SpanTagger, load_relations, load_tagger
from annotator.tagger.relations import RelationClassifier

log = logging.getLogger(__name__)

CHUNK = 50  # documents predicted and stored per transaction
_PAGE = 500  # ids checked against the trained-on rule at a time (under SQLite's 999 parameters)
_CACHE: OrderedDict[tuple[int, str], SpanTagger] = OrderedDict()
_CACHE_SIZE = 4
_RELATIONS_CACHE: OrderedDict[tuple[int, str], RelationClassifier | None] = OrderedDict()


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


def relations_for(*, version: ModelVersion) -> RelationClassifier | None:
    """The loaded relation classifier of `version` (cached); None if it trained none, or if
    it cannot be loaded (logged: the span suggestions go on without relations)."""
    key = (version.pk, version.relation_artifact_sha256)
    if key in _RELATIONS_CACHE:
        _RELATIONS_CACHE.move_to_end(key)
        return _RELATIONS_CACHE[key]
    classifier = None
    if version.relation_artifact_sha256:
        artifact = ModelVersion.objects.filter(pk=version.pk).values_list("relation_artifact", flat=True).first()
        try:
            classifier = load_relations(artifact, expected_sha256=version.relation_artifact_sha256)
        except ModelLoadError as error:
            log.warning("the relation model of v%s cannot be loaded: %s", version.version, error)
    _RELATIONS_CACHE[key] = classifier
    while len(_RELATIONS_CACHE) > _CACHE_SIZE:
        _RELATIONS_CACHE.popitem(last=False)
    return classifier


def _relation_rows(
    version: ModelVersion,
    document: Document,
    suggested: list[Suggestion],
    classifier: RelationClassifier,
    types: set[str],
) -> list[RelationSuggestion]:
    """The relations `classifier` finds between a document's span suggestions (rows just
    stored), of the project's relation `types` (one removed since the training is left out)."""
    if not suggested:
        return []
    spans = [Span(s.start, s.end, s.label) for s in suggested]
    return [
        RelationSuggestion(
            document=document,
            model_version=version,
            source=suggested[item.relation.source],
            target=suggested[item.relation.target],
            type=item.relation.type,
            score=round(item.score, 4),
        )
        for item in classifier.predict(document.text, spans)
        if item.relation.type in types
    ]


def store_suggestions(
    *,
    version: ModelVersion,
    documents: list[Document],
    predictions: list[Prediction],
    relations: RelationClassifier | None = None,
) -> int:
    """Replace `version`'s suggestions for `documents` (with the relations `relations` finds
    between them), their uncertainty and the mark that they have them, in one transaction."""
    with transaction.atomic():
        Suggestion.objects.filter(model_version=version, document__in=documents).delete()  # and their relations
        per_document = [
            [
                Suggestion(
                    document=document,
                    model_version=version,
                    start=span.start,
                    end=span.end,
                    label=span.label,
                    attrs={},
                    score=round(span.score, 4),
                )
                for span in prediction.spans
            ]
            for document, prediction in zip(documents, predictions, strict=True)
        ]
        rows = [row for suggested in per_document for row in suggested]
        Suggestion.objects.bulk_create(rows)  # ids set (RETURNING), which the relations point at
        if relations is not None:
            types = set(RelationType.objects.filter(project_id=version.project_id).values_list("name", flat=True))
            RelationSuggestion.objects.bulk_create(
                [
                    link
                    for document, suggested in zip(documents, per_document, strict=True)
                    for link in _relation_rows(version, document, suggested, relations, types)
                ]
            )
        for document, prediction in zip(documents, predictions, strict=True):
            Document.objects.filter(pk=document.pk).update(
                model_uncertainty=round(prediction.uncertainty, 6), suggested_by=version
            )
    return len(rows)


def _predict_and_store(version: ModelVersion, tagger: SpanTagger, ids: list[int]) -> tuple[int, int]:
    """Predict the documents `ids` (in chunks) and store their suggestions: (documents,
    suggestions). Those `version` trained on go to the version allowed to serve them."""
    seen = seen_by(version, ids)
    by_rule = _suggest_by_rule(sorted(seen)) if seen else (0, 0)
    clean = _predict_clean(version, tagger, [pk for pk in ids if pk not in seen])
    return by_rule[0] + clean[0], by_rule[1] + clean[1]


def _still_to_suggest(version: ModelVersion) -> Any:
    """The project's unfinished documents without this version's suggestions yet."""
    return unfinished_documents(project=version.project).exclude(suggested_by=version)


def _version_of(job: Job) -> ModelVersion | None:
    """The job's model version while it is current (a newer one's refresh does the work)."""
    version = ModelVersion.objects.defer("artifact").filter(pk=job.params.get("model_version")).first()
    return version if version is not None and version.status == ModelVersion.Status.CURRENT else None


def _usable(version: ModelVersion) -> SpanTagger:
    try:
        return tagger_for(version=version)
    except ModelLoadError as error:
        raise Conflict(f"model v{version.version} cannot be loaded: {error}") from None


def refresh_suggestions(*, job: Job, inline: bool = False) -> dict[str, Any]:
    """A refresh job of the version named by the job. With `"batch": [first, last]` in its
    params: the unfinished documents of that id range still without the version's
    suggestions. Otherwise the first job after a promotion: the `SUGGESTIONS_BATCH`
    documents the queue serves first, then a batch job queued for each id range of the rest
    (`inline`, for the demo without a worker: the rest done here too)."""
    version = _version_of(job)
    if version is None:
        return {"skipped": "the model version is no longer current", "documents": 0, "suggestions": 0}
    tagger = _usable(version)
    size = settings.SUGGESTIONS_BATCH
    label = f"suggesting with model v{version.version}"
    if "batch" in job.params:
        first, last = job.params["batch"]
        ids = list(_still_to_suggest(version).filter(pk__gte=first, pk__lte=last).values_list("pk", flat=True))
        report_progress(job, 0, len(ids), label)
        done, stored = _predict_and_store(version, tagger, ids)
        report_progress(job, done, len(ids), label)
        return {"model_version": version.version, "documents": done, "suggestions": stored, "batch": [first, last]}
    # The queue's order (services.active_learning): the least certain first, then import order.
    ahead = _still_to_suggest(version).order_by(F("model_uncertainty").desc(nulls_last=True), "pk")
    ids = _wanting(version, list(ahead.values_list("pk", flat=True)[: size if not inline else None]))
    report_progress(job, 0, len(ids), label)
    done, stored = _predict_and_store(version, tagger, ids)
    report_progress(job, done, len(ids), label)
    batches = [] if inline else queue_batches(version=version, size=size)
    return {"model_version": version.version, "documents": done, "suggestions": stored, "batches": len(batches)}


def id_ranges(ids: Iterable[int], size: int) -> list[tuple[int, int]]:
    """Consecutive ranges [first, last] of `size` ids each (the last may be shorter), of ids
    given in ascending order."""
    ranges: list[tuple[int, int]] = []
    first = last = None
    count = 0
    for pk in ids:
        if first is None:
            first = pk
        last = pk
        count += 1
        if count == size:
            ranges.append((first, last))
            first, count = None, 0
    if first is not None and last is not None:
        ranges.append((first, last))
    return ranges


def queue_batches(*, version: ModelVersion, size: int) -> list[Job]:
    """One refresh job (queue `prediction`, behind on-demand requests) per id range of
    `size` documents still without `version`'s suggestions; the ids are read in pages, so
    a million documents cost a scan, not a list in memory."""
    ids = _still_to_suggest(version).order_by("pk").values_list("pk", flat=True).iterator(chunk_size=10_000)
    pages = (pk for page in iter(lambda: list(islice(ids, _PAGE)), []) for pk in _wanting(version, page))
    jobs = []
    with transaction.atomic():
        for first, last in id_ranges(pages, size):
            job = create_job(
                kind=Job.Kind.SUGGESTIONS,
                project=version.project,
                params={"model_version": version.pk, "batch": [first, last]},
            )
            broker.enqueue(job, priority=broker.BACKGROUND_PRIORITY)
            jobs.append(job)
    return jobs


def refresh_now(*, project: Project) -> int:
    """Refresh the current model's suggestions in this process (the demo): a suggestions Job
    run by the workers' runner, in the foreground; returns how many were stored."""
    version = current_model(project=project)
    if version is None:
        return 0
    job = create_job(kind=Job.Kind.SUGGESTIONS, project=project, params={"model_version": version.pk})
    job = run_job(job.pk, lambda job: refresh_suggestions(job=job, inline=True), raise_errors=True)
    return int(job.result.get("suggestions", 0))


def _serving_plan(document_ids: list[int]) -> dict[int, tuple[ModelVersion, list[int]]]:
    """{version id: (version, documents)}: the documents of `document_ids` that lack the
    suggestions of the version `serving_version` allows them, grouped by that version (a
    document no version may serve is in none)."""
    rows = [
        row
        for start in range(0, len(document_ids), _PAGE)
        for row in Document.objects.filter(pk__in=document_ids[start : start + _PAGE]).values_list(
            "pk", "project_id", "suggested_by_id"
        )
    ]
    currents: dict[int, ModelVersion | None] = {}
    plan: dict[int, tuple[ModelVersion, list[int]]] = {}
    for pk, project_id, had in rows:
        if project_id not in currents:
            currents[project_id] = ModelVersion.objects.defer("artifact").current_for(project_id)
        chosen = serving_version(document_id=pk, project_id=project_id, current=currents[project_id])
        if chosen is not None and chosen.pk != had:
            plan.setdefault(chosen.pk, (chosen, []))[1].append(pk)
    return plan


def _suggest_by_rule(document_ids: list[int]) -> tuple[int, int]:
    """Each document's suggestions from the version `serving_version` allows it, where it
    lacks them; a document no version may serve is left without. (documents, suggestions)."""
    done = stored = 0
    for version, ids in _serving_plan(document_ids).values():
        try:
            tagger = tagger_for(version=version)
        except ModelLoadError as error:
            log.warning("model v%s cannot be loaded: %s", version.version, error)
            continue
        with_version = _predict_clean(version, tagger, ids)
        done, stored = done + with_version[0], stored + with_version[1]
    return done, stored


def _wanting(version: ModelVersion, ids: list[int]) -> list[int]:
    """Those of `ids` (documents without `version`'s suggestions) that want some: the ones
    `version` did not train on, and those it did whose allowed older version has not given
    them its suggestions yet. A document no version may serve drops out, so it is not
    queued again at every refresh."""
    seen = seen_by(version, ids)
    if not seen:
        return ids
    planned = {pk for _, documents in _serving_plan(sorted(seen)).values() for pk in documents}
    return [pk for pk in ids if pk not in seen or pk in planned]


def _predict_clean(version: ModelVersion, tagger: SpanTagger, ids: list[int]) -> tuple[int, int]:
    """`_predict_and_store` for ids `version` is known not to have trained on."""
    done = stored = 0
    for start in range(0, len(ids), CHUNK):
        documents = list(Document.objects.filter(pk__in=ids[start : start + CHUNK]).only("pk", "text").order_by("pk"))
        stored += store_suggestions(
            version=version,
            documents=documents,
            predictions=tagger.predict_documents([d.text for d in documents]),
            relations=relations_for(version=version),
        )
        done += len(documents)
    return done, stored


def suggest_documents(*, version_id: int, document_ids: list[int]) -> int:
    """On demand (a document served before its batch): for each of `document_ids`, the
    suggestions of the version `serving_version` allows it (`version_id`, the one the web
    chose, is decided again here: a training may have promoted another since), where it
    lacks them. Returns how many documents were predicted."""
    return _suggest_by_rule(list(document_ids))[0]


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


def _tagger_for_text(project: Project, text: str) -> tuple[ModelVersion, SpanTagger]:
    """The model `predict/` runs on `text`: the current one, unless `text` is one of the
    project's documents, which gets the version `serving_version` allows it (so pasting a
    document into `predict/` shows no model that learned from an annotation of it; a text
    edited by a character is another text, and gets the current model)."""
    version, tagger = _usable_tagger(project)
    document = Document.objects.with_text(project, text).live().values_list("pk", flat=True)
    for pk in document[:1]:
        chosen = serving_version(document_id=pk, project_id=project.pk, current=version)
        if chosen is None:
            raise Conflict(
                "this text is a document of the project that every promoted model trained on an annotation of; "
                "no model's suggestions are shown for it"
            )
        if chosen.pk != version.pk:
            return chosen, _usable(chosen)
    return version, tagger


def predict_text_data(*, project: Project, text: str) -> dict[str, Any]:
    """What `predict/` answers for `text`, as plain JSON data (the worker hands it back to the
    web through Redis): the model version, its spans with their text, the uncertainty."""
    version, tagger = _tagger_for_text(project, text)
    (prediction,) = tagger.predict_documents([text])
    spans = [{**s.as_dict(), "text": text[s.start : s.end]} for s in prediction.spans]
    return {"model_version": version.version, "spans": spans, "uncertainty": round(prediction.uncertainty, 4)}


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
