"""The agreement report is computed once by a job and served as stored until the project's
annotations or gold change; meanwhile the API answers 202 with the job and the stale report."""

from __future__ import annotations

import time

import pytest

from annotator.models import Document, Job
from tests.helpers import annotate

URL = "/api/projects/aleppo/agreement/?resamples=20"


def agreement_jobs() -> int:
    return Job.objects.filter(kind=Job.Kind.AGREEMENT).count()


@pytest.fixture
def annotated(project, alice, bob):  # type: ignore[no-untyped-def]
    documents = list(Document.objects.filter(project=project).order_by("id"))
    annotate(documents[0], alice, [("Aleppo", "LOCATION")])
    annotate(documents[0], bob, [("Aleppo", "LOCATION")])
    return documents


def bob_now_disagrees(bob_client, document: Document) -> None:  # type: ignore[no-untyped-def]
    """Bob resubmits the first document with "Syrian" as a PERPETRATOR instead of Aleppo."""
    syrian = document.text.index("Syrian")
    body = {
        "spans": [{"start": syrian, "end": syrian + 6, "label": "PERPETRATOR"}],
        "status": "submitted",
        "version": 1,
    }
    saved = bob_client.put(f"/api/documents/{document.pk}/annotations/mine/", body, format="json")
    assert saved.status_code == 200, saved.content


def test_a_fresh_report_is_served_again_without_computing_it_again(  # type: ignore[no-untyped-def]
    annotated, client_for, reviewer, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = client_for(reviewer).get(URL)
    assert first.status_code == 202 and first.json()["report"] is None
    assert agreement_jobs() == 1 and Job.objects.get().status == "succeeded"
    for client in (client_for(reviewer), client_for(owner), client_for(reviewer)):
        again = client.get(URL)
        assert again.status_code == 200 and again.json()["span_f1_exact"]["value"] == 1.0
    assert agreement_jobs() == 1  # three answers, one computation


def test_asking_twice_while_it_computes_queues_one_job(annotated, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    # Without the commit hooks run, the job stays queued: a second request finds it.
    first = client_for(reviewer).get(URL).json()
    second = client_for(reviewer).get(URL).json()
    assert first["job"]["id"] == second["job"]["id"] and agreement_jobs() == 1


def test_a_submitted_save_makes_the_report_stale_until_the_new_one_is_computed(  # type: ignore[no-untyped-def]
    annotated, client_for, reviewer, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(reviewer).get(URL)
    assert client_for(reviewer).get(URL).json()["span_f1_exact"]["value"] == 1.0
    bob_now_disagrees(client_for(bob), annotated[0])
    with django_capture_on_commit_callbacks(execute=True):
        stale = client_for(reviewer).get(URL)
    assert stale.status_code == 202
    assert stale.json()["stale"] is True and stale.json()["report"]["span_f1_exact"]["value"] == 1.0
    fresh = client_for(reviewer).get(URL)
    assert fresh.status_code == 200 and fresh.json()["span_f1_exact"]["value"] == 0.0
    assert agreement_jobs() == 2


def test_a_gold_save_makes_the_report_stale(  # type: ignore[no-untyped-def]
    annotated, client_for, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(reviewer).get(URL)
    document = annotated[0]
    aleppo = document.text.index("Aleppo")
    ids = [a.pk for a in document.annotations.all()]
    body = {"spans": [{"start": aleppo, "end": aleppo + 6, "label": "LOCATION"}], "source_annotation_ids": ids}
    saved = client_for(reviewer).put(f"/api/documents/{document.pk}/gold/", {**body, "version": 0}, format="json")
    assert saved.status_code in (200, 201), saved.content
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(reviewer).get(URL).status_code == 202
    report = client_for(reviewer).get(URL).json()
    assert report["vs_gold"]["documents"] == 1 and report["vs_gold"]["per_annotator"]["alice"]["value"] == 1.0


def _wait_for_job(client, job_id: int) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}/").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"agreement job {job_id} did not finish")


@pytest.mark.worker
def test_a_real_worker_computes_the_report_once_and_again_after_a_submit(  # type: ignore[no-untyped-def]
    annotated, client_for, reviewer, bob, celery_worker
):
    client = client_for(reviewer)
    pending = client.get(URL)
    assert pending.status_code == 202 and pending.json()["job"]["status"] in ("queued", "running", "succeeded")
    job = _wait_for_job(client, pending.json()["job"]["id"])
    assert job["status"] == "succeeded" and job["result"]["documents"] == 1 and job["progress"]["fraction"] == 1.0
    assert client.get(URL).status_code == 200 and client.get(URL).status_code == 200
    assert agreement_jobs() == 1

    bob_now_disagrees(client_for(bob), annotated[0])
    stale = client.get(URL)
    assert stale.status_code == 202 and stale.json()["report"]["span_f1_exact"]["value"] == 1.0
    assert _wait_for_job(client, stale.json()["job"]["id"])["status"] == "succeeded"
    fresh = client.get(URL)
    assert fresh.status_code == 200 and fresh.json()["span_f1_exact"]["value"] == 0.0
    assert agreement_jobs() == 2
