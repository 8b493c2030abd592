"""The models' vocabulary: what "live", "unfinished", "holds a slot" and "the current model"
mean, asked of the models themselves, and the same words in the hot path's SQL."""

from __future__ import annotations

import pytest
from django.utils import timezone

from annotator import sql
from annotator.models import HOLDS_SLOT, Annotation, Document, Gold, ModelVersion, Project
from annotator.services.assignment import next_for

pytestmark = pytest.mark.django_db


def test_a_deleted_document_or_project_is_not_live(project):
    first, second = Document.objects.filter(project=project).order_by("pk")[:2]
    Document.objects.filter(pk=first.pk).update(deleted_at=timezone.now())
    live = Document.objects.live()
    assert first not in live and second in live
    assert project in Project.objects.live()
    Project.objects.filter(pk=project.pk).update(deleted_at=timezone.now())
    assert project not in Project.objects.live()


def test_a_document_is_unfinished_until_it_has_gold_or_enough_submissions(project, alice, bob):
    document = next_for(project=project, user=alice).annotation.document
    next_for(project=project, user=bob)  # bob gets the same document: two annotators a document
    assert document in Document.objects.unfinished(project)
    Annotation.objects.filter(document=document, annotator=alice).update(status=Annotation.Status.SUBMITTED)
    Annotation.objects.filter(document=document, annotator=bob).update(status=Annotation.Status.SKIPPED)
    assert document in Document.objects.unfinished(project), "a skip does not finish a document"
    Annotation.objects.filter(document=document, annotator=bob).update(status=Annotation.Status.SUBMITTED)
    assert document not in Document.objects.unfinished(project)
    other = Document.objects.unfinished(project).first()
    Gold.objects.create(document=other)
    assert other not in Document.objects.unfinished(project)


def test_deleted_documents_are_never_unfinished(project):
    document = Document.objects.filter(project=project).first()
    Document.objects.filter(pk=document.pk).update(deleted_at=timezone.now())
    assert document not in Document.objects.unfinished(project)


def test_the_current_model_is_the_one_with_status_current(project):
    assert ModelVersion.objects.current_for(project) is None
    ModelVersion.objects.create(project=project, version=1, status=ModelVersion.Status.RETIRED)
    current = ModelVersion.objects.create(project=project, version=2, status=ModelVersion.Status.CURRENT)
    ModelVersion.objects.create(project=project, version=3, status=ModelVersion.Status.TRAINING)
    assert ModelVersion.objects.current_for(project) == current


def test_a_draft_and_a_submission_hold_a_slot_and_a_skip_does_not():
    assert set(HOLDS_SLOT) == {Annotation.Status.DRAFT, Annotation.Status.SUBMITTED}


def test_the_hot_paths_sql_counts_slots_and_live_documents_as_the_orm_does(project, alice, bob):
    annotation = next_for(project=project, user=alice).annotation
    next_for(project=project, user=bob)
    Annotation.objects.filter(annotator=bob).update(status=Annotation.Status.SKIPPED)
    last = Document.objects.filter(project=project).exclude(pk=annotation.document_id).last()
    Document.objects.filter(pk=last.pk).update(deleted_at=timezone.now())
    counted = sql.statement(
        "SELECT d.id, (SELECT COUNT(*) FROM annotator_annotation a WHERE a.document_id = d.id"
        " AND a.status IN {holds_slot}) FROM annotator_document d WHERE d.project_id = %s AND {live:d}"
    )
    by_sql = dict(sql.rows(counted, [project.pk]))
    by_orm = {
        d.pk: Annotation.objects.filter(document=d, status__in=HOLDS_SLOT).count()
        for d in Document.objects.live().filter(project=project)
    }
    assert by_sql == by_orm
    assert by_sql[annotation.document_id] == 1 and last.pk not in by_sql


def test_a_statement_names_only_the_vocabulary():
    assert sql.statement("SELECT 1 FROM annotator_project p WHERE {live:p}") == (
        "SELECT 1 FROM annotator_project p WHERE p.deleted_at IS NULL"
    )
    with pytest.raises(KeyError):
        sql.statement("SELECT {anything_else}")
