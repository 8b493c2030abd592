"""Redis stopped while annotators work: saves and submits still succeed, the training they
trigger waits (and the page says suggestions are being refreshed), and it goes to the queue
once Redis is back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from annotator.jobs.broker import resend_stranded_jobs
from annotator.models import Job


@pytest.mark.worker  # not eager: tasks must go through the (stopped) broker
def test_annotators_keep_working_while_redis_is_down(transactional_db, project, alice, own_broker) -> None:
    project.retrain_every = 1
    project.save()
    client = APIClient()
    client.force_authenticate(alice)
    served = client.get("/api/projects/aleppo/next/").json()
    doc = served["document"]
    start = doc["text"].index("Aleppo")
    spans = [{"start": start, "end": start + 6, "label": "LOCATION"}]
    url = f"/api/documents/{doc['id']}/annotations/mine/"
    draft = client.put(
        url, {"spans": spans, "status": "draft", "version": served["annotation"]["version"]}, format="json"
    )
    assert draft.status_code == 200
    submitted = client.put(
        url, {"spans": spans, "status": "submitted", "version": draft.json()["version"]}, format="json"
    )
    assert submitted.status_code == 200, submitted.content

    training = Job.objects.get(project=project, kind="training")
    assert training.status == "queued" and "Redis unreachable" in training.message
    assert client.get("/api/projects/aleppo/next/").json()["suggestions_stale"] is True

    own_broker()  # Redis is back
    assert resend_stranded_jobs(older_than=timedelta(0)) == 1
    training.refresh_from_db()
    assert training.celery_task_id and training.message == ""
