"""Soft delete with an undo window: a deleted project or document is gone from view at once,
an owner restores it as it was, and once the window has passed it is purged for good."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.models import Annotation, Document, Project


def client_of(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_deleted_project_vanishes_and_its_owner_restores_it_whole(project, owner, alice) -> None:
    client = client_of(owner)
    documents = project.documents.count()
    response = client.delete("/api/projects/aleppo/")
    assert response.status_code == 200 and response.json()["deleted"] == "aleppo"
    assert "undo_until" in response.json()
    assert client.get("/api/projects/aleppo/").status_code == 404
    listed = client.get("/api/projects/").json()
    assert "aleppo" not in [p["slug"] for p in (listed["results"] if isinstance(listed, dict) else listed)]
    assert client_of(alice).get("/api/projects/aleppo/next/").status_code == 404

    assert client_of(alice).post("/api/projects/aleppo/restore/").status_code == 403  # owners only
    assert client.post("/api/projects/aleppo/restore/").status_code == 200
    assert client.get("/api/projects/aleppo/").status_code == 200
    assert Project.objects.get(slug="aleppo").documents.count() == documents


def test_only_owners_delete_and_outsiders_see_nothing(project, alice, reviewer, outsider) -> None:
    assert client_of(alice).delete("/api/projects/aleppo/").status_code == 403
    assert client_of(reviewer).delete("/api/projects/aleppo/").status_code == 403
    assert client_of(outsider).delete("/api/projects/aleppo/").status_code == 404
    assert APIClient().delete("/api/projects/aleppo/").status_code in (401, 403)
    assert Project.objects.get(slug="aleppo").deleted_at is None


def test_a_deleted_document_leaves_the_queue_and_exports_until_restored(project, owner, alice) -> None:
    client = client_of(owner)
    doc = project.documents.order_by("id").first()
    assert client.delete(f"/api/documents/{doc.pk}/").status_code == 200
    assert client.get(f"/api/documents/{doc.pk}/").status_code == 404
    listed = client.get("/api/projects/aleppo/documents/").json()
    assert doc.pk not in [d["id"] for d in listed["results"]]
    exported = client.get("/api/projects/aleppo/export/?format=jsonl&source=documents")
    assert doc.external_id not in b"".join(exported.streaming_content).decode()
    for _ in range(5):
        served = client_of(alice).get("/api/projects/aleppo/next/").json()
        if served["document"] is None:
            break
        assert served["document"]["id"] != doc.pk
        Annotation.objects.filter(document_id=served["document"]["id"], annotator=alice).update(status="submitted")

    assert client.post(f"/api/documents/{doc.pk}/restore/").status_code == 200
    assert client.get(f"/api/documents/{doc.pk}/").status_code == 200


def test_after_the_undo_window_restoring_is_refused_and_purge_removes_it(project, owner, settings) -> None:
    settings.UNDO_WINDOW_DAYS = 14
    client = client_of(owner)
    doc = project.documents.order_by("id").first()
    client.delete(f"/api/documents/{doc.pk}/")
    Document.objects.filter(pk=doc.pk).update(deleted_at=timezone.now() - timedelta(days=15))
    response = client.post(f"/api/documents/{doc.pk}/restore/")
    assert response.status_code == 409
    assert "more than 14 days ago" in response.json()["error"]["message"]
    call_command("purge_deleted")
    assert not Document.objects.filter(pk=doc.pk).exists()
    assert Project.objects.filter(slug="aleppo").exists()  # only what was deleted goes
