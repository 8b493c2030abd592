"""After a promotion the queue's first documents are predicted first and the rest in batches
of their own, so a large project never holds one job for hours (issue 17)."""

from __future__ import annotations

import pytest

from annotator.formats import Record
from annotator.jobs.records import create_job, run_job
from annotator.models import Document, Job, ModelVersion
from annotator.services.imports import import_documents
from annotator.services.predictor import id_ranges, refresh_suggestions
from annotator.services.suggestions import unfinished_documents
from annotator.services.trainer import train_now
from tests.annotator.services.tagger_data import add_gold, texts


@pytest.fixture
def promoted(project, settings):  # type: ignore[no-untyped-def]
    """A project with a current model whose suggestions are not computed yet, in batches of 4."""
    settings.SUGGESTIONS_BATCH = 4
    add_gold(project, 10)
    more = [Record(text=text, id=f"more-{n}") for n, text in enumerate(texts(12, skip=12))]
    import_documents(project=project, records=more)
    train_now(project=project)
    return project


def refresh_job(project, **params) -> Job:  # type: ignore[no-untyped-def]
    version = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)
    return create_job(kind=Job.Kind.SUGGESTIONS, project=project, params={"model_version": version.pk, **params})


def suggested(project) -> list[int]:  # type: ignore[no-untyped-def]
    version = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)
    return sorted(Document.objects.filter(project=project, suggested_by=version).values_list("pk", flat=True))


def test_the_first_refresh_predicts_the_documents_the_queue_serves_first(promoted) -> None:
    open_ids = list(unfinished_documents(project=promoted).values_list("pk", flat=True))
    assert len(open_ids) > 8
    # The previous model found the last two documents the hardest: next/ serves them first.
    Document.objects.filter(pk=open_ids[-1]).update(model_uncertainty=0.9)
    Document.objects.filter(pk=open_ids[-2]).update(model_uncertainty=0.5)

    job = run_job(refresh_job(promoted).pk, lambda job: refresh_suggestions(job=job), raise_errors=True)

    assert job.result["documents"] == 4
    assert suggested(promoted) == sorted([open_ids[-1], open_ids[-2], open_ids[0], open_ids[1]])


def test_the_rest_is_queued_as_batches_of_consecutive_ids(promoted) -> None:
    open_ids = list(unfinished_documents(project=promoted).values_list("pk", flat=True))
    first = run_job(refresh_job(promoted).pk, lambda job: refresh_suggestions(job=job), raise_errors=True)

    batches = list(Job.objects.filter(kind=Job.Kind.SUGGESTIONS).exclude(pk=first.pk).order_by("pk"))
    rest = open_ids[4:]
    assert first.result["batches"] == len(batches) == len(id_ranges(rest, 4))
    assert [job.params["batch"] for job in batches] == [list(r) for r in id_ranges(rest, 4)]
    assert all(job.status == Job.Status.QUEUED for job in batches)

    for batch in batches:
        done = run_job(batch.pk, lambda job: refresh_suggestions(job=job), raise_errors=True)
        assert 0 < done.result["documents"] <= 4
    assert suggested(promoted) == open_ids


def test_a_batch_of_a_model_no_longer_current_does_nothing(promoted) -> None:
    batch = refresh_job(promoted, batch=[0, 10**9])
    ModelVersion.objects.filter(project=promoted).update(status=ModelVersion.Status.RETIRED)
    done = run_job(batch.pk, lambda job: refresh_suggestions(job=job), raise_errors=True)
    assert done.result["documents"] == 0 and "no longer current" in done.result["skipped"]


def test_id_ranges_split_ascending_ids_into_consecutive_runs() -> None:
    assert id_ranges([1, 2, 5, 9, 10], 2) == [(1, 2), (5, 9), (10, 10)]
    assert id_ranges([], 3) == []
