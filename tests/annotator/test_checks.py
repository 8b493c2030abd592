"""annotator.W001: `manage.py check --database default` warns when a project holds more live
documents than SQLite serves well (LARGE_PROJECT_SQLITE_DOCUMENTS); the aleppo project holds
the five seed articles, so the tests lower the threshold around it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from annotator.services.deletion import delete_document
from annotator.services.large_projects import large_projects

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the warning is SQLite's")


def checked(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("check", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_a_project_at_the_threshold_is_named_with_the_way_out(project, settings) -> None:
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 5

    said = checked("--database", "default")

    assert "annotator.W001" in said
    assert "project 'aleppo' holds 5 documents or more on SQLite" in said
    assert "PostgreSQL" in said and "LARGE_PROJECT_SQLITE_DOCUMENTS=5" in said


def test_a_project_below_it_is_not(project, settings) -> None:
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 6

    assert "annotator.W001" not in checked("--database", "default")


def test_deleted_documents_do_not_count(project, settings) -> None:
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 5
    delete_document(document=project.documents.order_by("pk").first())

    assert "annotator.W001" not in checked("--database", "default")


def test_a_deleted_project_is_not_named(project, settings) -> None:
    from annotator.services.deletion import delete_project

    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 5
    delete_project(project=project)

    assert "annotator.W001" not in checked("--database", "default")


def test_the_check_without_a_database_reads_none(project, settings) -> None:
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 5

    assert "annotator.W001" not in checked()


def test_zero_turns_it_off(project, settings) -> None:
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 0

    assert "annotator.W001" not in checked("--database", "default")


def test_migrate_says_it_too(project, settings) -> None:
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 5
    out, err = StringIO(), StringIO()

    call_command("migrate", verbosity=0, skip_checks=False, stdout=out, stderr=err)  # as manage.py runs it

    assert "annotator.W001" in err.getvalue()


def test_the_count_stops_at_the_threshold(project) -> None:
    # Counted up to the threshold, never further: at a million documents the check reads
    # 100,000 index entries, not a million rows.
    assert [(p.slug, p.documents_at_least) for p in large_projects(threshold=2)] == [("aleppo", 2)]
    assert large_projects(threshold=6) == []
