"""Searching a project's documents on the full-text index (migration 0008): mixed
languages, accents, emoji and any punctuation; only the project's live documents."""

from __future__ import annotations

import pytest
from django.db import connection

from annotator.formats import Record
from annotator.models import Document
from annotator.services.deletion import delete_document
from annotator.services.document_queries import document_list
from annotator.services.imports import import_documents
from annotator.services.projects import create_project
from annotator.services.uploads import create_document

TEXTS = {
    "arabic": "قالت مصادر محلية إن الغارات على حلب أوقعت قتلى",
    "french": "L'ARMÉE a frappé Alep, selon un communiqué publié à Genève",
    "emoji": "Breaking🔥war reported near Idlib 👍peace talks stalled",
    "english": "Airstrikes killed twelve civilians in Aleppo on Tuesday",
}


@pytest.fixture
def project(db):  # type: ignore[no-untyped-def]
    """A project of its own: the seed articles would match these words too."""
    return create_project(slug="search", labels=["LOCATION"])


@pytest.fixture
def texts(project) -> dict[str, Document]:  # type: ignore[no-untyped-def]
    return {name: create_document(project=project, text=text, external_id=name) for name, text in TEXTS.items()}


def found(project, owner, q: str, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    documents = document_list(project=project, user=owner, sees_all=True, q=q, **filters)
    return list(documents.values_list("external_id", flat=True))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("حلب", ["arabic"]),
        ("الغارات قتلى", ["arabic"]),
        ("armée", ["french"]),
        ("armee", ["french"]),  # typed without the accent
        ("ARMEE GENEVE", ["french"]),
        ("l'armée", ["french"]),
        ("war", ["emoji"]),  # a word with an emoji stuck to it
        ("peace", ["emoji"]),
        ("aleppo civilians", ["english"]),
        ("civil*", ["english"]),
        ("civil", []),  # whole words unless a prefix is asked for
    ],
)
def test_search_finds_words_in_any_of_the_languages(project, owner, texts, q, expected) -> None:  # type: ignore[no-untyped-def]
    assert found(project, owner, q) == expected


def test_search_looks_at_the_external_id_too(project, owner, texts) -> None:  # type: ignore[no-untyped-def]
    assert found(project, owner, "emoji") == ["emoji"]


@pytest.mark.parametrize(
    "q", ['"', "(", ")", "AND", "*", "-", "aleppo AND", '"aleppo', "aleppo)", "NOT aleppo", "\\", "'", "'aleppo"]
)
def test_query_syntax_typed_by_a_user_is_searched_never_an_error(project, owner, texts, q) -> None:  # type: ignore[no-untyped-def]
    result = found(project, owner, q)
    assert result in ([], ["english"])


def test_deleted_documents_and_other_projects_never_match(project, owner, texts) -> None:  # type: ignore[no-untyped-def]
    other = create_project(slug="elsewhere", labels=["LOCATION"])
    create_document(project=other, text="Aleppo airstrikes again", external_id="theirs")
    delete_document(document=texts["english"])
    assert found(project, owner, "aleppo") == []
    assert found(other, owner, "aleppo") == ["theirs"]


def test_a_document_gone_or_rewritten_is_searched_as_it_is_now(project, owner, texts) -> None:  # type: ignore[no-untyped-def]
    texts["arabic"].delete()
    texts["english"].text = "Shelling reported in Homs"
    texts["english"].save()
    assert found(project, owner, "حلب") == []
    assert found(project, owner, "aleppo") == []
    assert found(project, owner, "homs") == ["english"]


def test_search_combines_with_the_status_filter_and_the_keyset(project, owner, texts) -> None:  # type: ignore[no-untyped-def]
    assert found(project, owner, "aleppo", status="unassigned") == ["english"]
    assert found(project, owner, "aleppo", status="gold") == []
    assert found(project, owner, "aleppo", after=texts["english"].pk) == []


def test_an_import_indexes_its_documents_by_batch_and_single_documents_are_indexed_after_it(project, owner) -> None:  # type: ignore[no-untyped-def]
    """On SQLite an import indexes each batch in one statement while the insert trigger stands
    down; afterwards the trigger indexes single documents again, and the index is whole."""
    records = [Record(text=f"Barrel bombs on Daraya, report number {i}.", id=f"b{i}") for i in range(7)]
    import_documents(project=project, records=records, batch_size=3)
    create_document(project=project, text="Une frappe aérienne sur Maaret al-Numan.", external_id="single")
    assert found(project, owner, "Daraya") == [f"b{i}" for i in range(7)]
    assert found(project, owner, "aerienne") == ["single"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM annotator_document_fts_deferred")
            assert cursor.fetchone()[0] == 0
            cursor.execute("INSERT INTO annotator_document_fts(annotator_document_fts) VALUES ('integrity-check')")


@pytest.mark.django_db
def test_the_migrations_leave_the_search_triggers_in_place() -> None:
    # Django remakes a SQLite table for many field changes, copying the rows and dropping
    # the triggers that keep the search index in step (0015 once did): every migration
    # touching annotator_document must keep them.
    if connection.vendor != "sqlite":
        pytest.skip("the triggers are SQLite's FTS5 index; PostgreSQL searches an expression index")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'annotator_document'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers == {
        "annotator_document_fts_insert",
        "annotator_document_fts_delete",
        "annotator_document_fts_update",
    }


def test_a_document_added_alone_is_found(project, owner) -> None:  # type: ignore[no-untyped-def]
    document = create_document(project=project, text="Zoé a fui حلب 👨‍👩‍👧 by the Orontes.")
    found = document_list(project=project, user=owner, sees_all=True, q="orontes")
    assert list(found.values_list("pk", flat=True)) == [document.pk]
