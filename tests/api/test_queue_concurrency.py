"""Annotators asking for work at the same moment never push a document past its quota.

Real concurrency needs a database with row locks and several connections: these run on
PostgreSQL (threads, each with its own connection, released together by a barrier). The
SQLite variant runs the same race through its IMMEDIATE transactions.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Q

from annotator.formats import Record
from annotator.models import Annotation, Document, Role
from annotator.services.assignment import next_for
from annotator.services.imports import import_documents
from annotator.services.projects import add_member, create_project

THREADS = 12


def race(project, users, rounds: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Every user asks for (and submits) `rounds` documents, all threads starting at once."""
    barrier = threading.Barrier(len(users))
    errors: list[str] = []

    def work(user: User) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(rounds):
                result = next_for(project=project, user=user)
                if result.annotation is None:
                    return
                Annotation.objects.filter(pk=result.annotation.pk).update(status=Annotation.Status.SUBMITTED)
        except Exception as error:
            errors.append(f"{user.username}: {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def setup_project(k: int, documents: int, annotators: int):  # type: ignore[no-untyped-def]
    project = create_project(slug="race", labels=["LOCATION"], annotators_per_document=k)
    import_documents(
        project=project,
        records=[Record(text=f"Shelling hit district {i} today.", id=f"d{i}") for i in range(documents)],
    )
    users = [User.objects.create_user(username=f"racer{n}") for n in range(annotators)]
    for user in users:
        add_member(project=project, user=user, role=Role.ANNOTATOR)
    return project, users


def over_quota(k: int) -> int:
    held = Q(annotations__status__in=[Annotation.Status.DRAFT, Annotation.Status.SUBMITTED])
    return Document.objects.annotate(n=Count("annotations", filter=held)).filter(n__gt=k).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_never_exceed_the_quota_on_postgresql():
    project, users = setup_project(k=2, documents=10, annotators=THREADS)
    errors = race(project, users, rounds=10)
    assert not errors, errors
    assert over_quota(2) == 0
    # Each document went to exactly two different annotators: 10 documents, 20 slots.
    assert Annotation.objects.count() == 20
    per_doc = Annotation.objects.values("document").annotate(n=Count("annotator", distinct=True))
    assert sorted(row["n"] for row in per_doc) == [2] * 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_document_wanted_by_everyone_goes_to_exactly_k_annotators_on_postgresql():
    project, users = setup_project(k=3, documents=1, annotators=THREADS)
    errors = race(project, users, rounds=1)
    assert not errors, errors
    assert Annotation.objects.count() == 3
    assert over_quota(3) == 0


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_never_exceed_the_quota():
    """The same race on whatever database the suite runs on (SQLite: IMMEDIATE transactions)."""
    project, users = setup_project(k=2, documents=6, annotators=6)
    errors = race(project, users, rounds=6)
    assert not errors, errors
    assert over_quota(2) == 0
    assert Annotation.objects.count() == 12
