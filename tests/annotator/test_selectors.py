"""The hot path's reads of a project or document together with the caller's role."""

from __future__ import annotations

import pytest
from django.utils import timezone

from annotator.models import Document, Project, Role
from annotator.selectors import live_document, live_document_with_role, live_project_with_role

pytestmark = pytest.mark.django_db


def test_a_project_comes_with_the_callers_role_or_none_for_an_outsider(project, reviewer, outsider):
    assert live_project_with_role(slug="aleppo", user_id=reviewer.pk).my_role == Role.REVIEWER
    assert live_project_with_role(slug="aleppo", user_id=outsider.pk).my_role is None
    assert live_project_with_role(slug="nowhere", user_id=reviewer.pk) is None


def test_a_document_comes_with_its_project_and_the_callers_role(project, alice):
    document = Document.objects.filter(project=project).first()
    found = live_document_with_role(pk=document.pk, user_id=alice.pk)
    assert (found, found.project, found.my_role) == (document, project, Role.ANNOTATOR)


def test_deleted_documents_and_those_of_deleted_projects_are_not_found(project, alice):
    first, second = Document.objects.filter(project=project).order_by("pk")[:2]
    Document.objects.filter(pk=first.pk).update(deleted_at=timezone.now())
    assert live_document_with_role(pk=first.pk, user_id=alice.pk) is None
    assert live_document(pk=first.pk) is None
    assert live_document(pk=second.pk) == second
    Project.objects.filter(pk=project.pk).update(deleted_at=timezone.now())
    assert live_project_with_role(slug="aleppo", user_id=alice.pk) is None
    assert live_document_with_role(pk=second.pk, user_id=alice.pk) is None
    assert live_document(pk=second.pk) is None
