"""The hot path's plain-SQL loading gives the same objects the ORM gives (on SQLite and,
in make test's second pass, PostgreSQL)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from annotator import sql
from annotator.models import Annotation, Document, Span
from annotator.services.annotations import save_my_annotation
from annotator.services.assignment import next_for

pytestmark = pytest.mark.django_db


def _fields(instance: object) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.fixture
def saved(project, alice):  # type: ignore[no-untyped-def]
    """Alice's submitted annotation of a seed article, with attributes and time spent."""
    annotation = next_for(project=project, user=alice).annotation
    text = annotation.document.text
    start = text.index("killed")
    save_my_annotation(
        document=annotation.document,
        user=alice,
        spans=[{"start": start, "end": start + len("killed"), "label": "LOCATION"}],
        status="submitted",
        expected_version=1,
        time_spent=12.5,
    )
    return Annotation.objects.get(pk=annotation.pk)


def test_instances_equal_what_the_orm_loads(saved: Annotation) -> None:
    for model, pk in ((Annotation, saved.pk), (Document, saved.document_id), (User, saved.annotator_id)):
        table = model._meta.db_table
        loaded = sql.instance(model, f"SELECT * FROM {table} WHERE id = %s", [pk])
        assert _fields(loaded) == _fields(model.objects.get(pk=pk))
    span = Span.objects.get(annotation=saved)
    assert _fields(sql.instance(Span, "SELECT * FROM annotator_span WHERE id = %s", [span.pk])) == _fields(span)


def test_extra_columns_become_attributes_and_missing_ones_load_on_access(saved: Annotation) -> None:
    loaded = sql.instance(
        Annotation, "SELECT id, status, 41 + 1 AS answer FROM annotator_annotation WHERE id = %s", [saved.pk]
    )
    assert (loaded.status, loaded.answer) == ("submitted", 42)
    assert loaded.get_deferred_fields() >= {"time_spent", "submitted_at"}
    assert loaded.time_spent == 12.5  # read when first used, like the ORM's .only()


def test_no_row_gives_none_and_an_empty_list(db) -> None:  # type: ignore[no-untyped-def]
    assert sql.instance(Annotation, "SELECT * FROM annotator_annotation WHERE id = %s", [-1]) is None
    assert sql.instances(Annotation, "SELECT * FROM annotator_annotation WHERE id = %s", [-1]) == []


def test_database_errors_are_djangos(saved: Annotation) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        sql.execute("UPDATE annotator_annotation SET version = %s WHERE id = %s", [-1, saved.pk])


def test_a_cached_queryset_answers_without_the_database(saved: Annotation, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    spans = list(Span.objects.filter(annotation=saved))
    cached = sql.cached_queryset(Span, spans)
    with django_assert_num_queries(0):
        assert list(cached) == spans
        assert list(sql.cached_queryset(Span, [])) == []
