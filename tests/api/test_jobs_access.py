"""A job is read with the caller's role in its project now: leaving the project, losing the
reviewer role or the project's deletion closes its jobs and their downloads (404)."""

from __future__ import annotations

import pytest

from annotator.models import Job
from tests.api.conftest import assign, save


@pytest.fixture
def export_job(project, client_for, reviewer, alice, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """An export of everyone's submitted work, started by the reviewer, finished."""
    doc = assign(client_for(alice))["document"]
    save(client_for(alice), doc["id"], spans=[], status="submitted", version=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).get("/api/projects/aleppo/export/?source=all&async=1")
    assert response.status_code == 202, response.content
    job = client_for(reviewer).get(f"/api/jobs/{response.json()['id']}/").json()
    assert job["status"] == "succeeded" and job["download_url"], job
    return job


def reads(client, job: dict) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The status codes of the job's page and of its download."""
    return client.get(f"/api/jobs/{job['id']}/").status_code, client.get(job["download_url"]).status_code


def test_the_reviewer_reads_and_downloads_their_export(export_job, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    assert reads(client_for(reviewer), export_job) == (200, 200)


def test_a_removed_reviewer_can_no_longer_read_or_download_their_export(
    export_job, client_for, owner, reviewer
) -> None:  # type: ignore[no-untyped-def]
    assert client_for(owner).delete("/api/projects/aleppo/members/rita/").status_code == 204
    assert reads(client_for(reviewer), export_job) == (404, 404)


def test_a_reviewer_made_annotator_can_no_longer_download_everyones_work(
    export_job, client_for, owner, reviewer
) -> None:  # type: ignore[no-untyped-def]
    changed = client_for(owner).patch("/api/projects/aleppo/members/rita/", {"role": "annotator"}, format="json")
    assert changed.status_code == 200
    assert reads(client_for(reviewer), export_job) == (404, 404)


def test_a_deleted_projects_jobs_are_gone_for_everyone(export_job, client_for, owner, reviewer) -> None:  # type: ignore[no-untyped-def]
    assert client_for(owner).delete("/api/projects/aleppo/").status_code == 200
    assert reads(client_for(reviewer), export_job) == (404, 404)
    assert reads(client_for(owner), export_job) == (404, 404)


def test_an_annotator_reads_their_own_export_only_while_a_member(
    project, client_for, owner, alice, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).get("/api/projects/aleppo/export/?source=annotator:alice&async=1")
    job = client_for(alice).get(f"/api/jobs/{response.json()['id']}/").json()
    assert reads(client_for(alice), job) == (200, 200)
    assert client_for(owner).delete("/api/projects/aleppo/members/alice/").status_code == 204
    assert reads(client_for(alice), job) == (404, 404)


def test_a_download_whose_file_this_server_cannot_see_is_a_404_that_says_so(export_job, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    """On several machines without shared MEDIA_ROOT the worker's file is elsewhere: a clear
    404, not a server error."""
    job = Job.objects.get(pk=export_job["id"])
    job.output_file.storage.delete(job.output_file.name)
    response = client_for(reviewer).get(export_job["download_url"])
    assert response.status_code == 404
    assert "not in this server's MEDIA_ROOT" in response.json()["detail"]
