"""Full-text search over documents on an index, and an index the keyset list pages read.

PostgreSQL: a GIN expression index on `to_tsvector('annotator_search', external_id || ' ' ||
left(text, 200000))`. `annotator_search` is the `simple` configuration (lower case, no
stemming, no stop words: the texts mix Arabic, French and English, and any one language's
stemmer would mangle the other two) with `unaccent` in front of it for words, so `armee`
finds `armée`, as SQLite's FTS5 does. `unaccent` is a trusted extension (PostgreSQL 13+: a
database owner may create it); where it cannot be created the configuration is plain
`simple` and search is accent-sensitive there. `left(text, 200000)` because a tsvector holds at
most 1 MB of distinct words: 200,000 characters are at most 800 kB, so no document (the API
takes up to 1,000,000 characters) can fail to be stored because of the index; words past that
point are not searchable on PostgreSQL. An expression index rather than a stored column: no
second copy of every text, and the model needs no field. A partial (project_id, id) index on
live documents gives the list its order without a sort and its count without reading the
table's rows (both databases), and (label, parent) indexes on spans and gold spans let the
label filter start from the spans of that label rather than probe every document.

SQLite: an external-content FTS5 table over annotator_document (no second copy of the text),
tokenizer unicode61 with remove_diacritics 2, kept in step by triggers on insert, delete and
an update of the text or external id (not of deleted_at or the uncertainty, which change
often and do not touch the words).
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SEARCH_EXPRESSION = "to_tsvector('annotator_search'::regconfig, external_id || ' ' || left(text, 200000))"

# The label filter starts from the spans of that label (span_label_idx, goldspan_label_idx).
LABEL_INDEXES = [
    "CREATE INDEX span_label_idx ON annotator_span (label, annotation_id)",
    "CREATE INDEX goldspan_label_idx ON annotator_goldspan (label, gold_id)",
]
LIVE_ORDER_INDEX = (
    "CREATE INDEX document_live_order_idx ON annotator_document (project_id, id) WHERE deleted_at IS NULL"
)
POSTGRES_CONFIGURATION = "CREATE TEXT SEARCH CONFIGURATION annotator_search (COPY = pg_catalog.simple)"
# After the configuration is final: the index's entries are made with it.
POSTGRES_FORWARD = [
    f"CREATE INDEX document_search_idx ON annotator_document USING gin (({SEARCH_EXPRESSION}))",
    # A page of a search is read either from the index (a rare word: every match, then sorted)
    # or in id order until the page is full (a common one); the planner picks by the word's
    # estimated frequency. With the default statistics a word it does not track is guessed
    # at 0.5 % of the documents, and a word in 10 of a million was read in id order through
    # them all (30 s). 1,000 tracks ten times more words, so the guess for the rest is small.
    "ALTER INDEX document_search_idx ALTER COLUMN 1 SET STATISTICS 1000",
    LIVE_ORDER_INDEX,
    *LABEL_INDEXES,
]
POSTGRES_UNACCENT = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "ALTER TEXT SEARCH CONFIGURATION annotator_search ALTER MAPPING FOR word, hword, hword_part, numword, "
    "numhword WITH unaccent, simple",
]
# The extension stays: another schema object may have come to use it.
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS span_label_idx",
    "DROP INDEX IF EXISTS goldspan_label_idx",
    "DROP INDEX IF EXISTS document_live_order_idx",
    "DROP INDEX IF EXISTS document_search_idx",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS annotator_search",
]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE annotator_document_fts USING fts5(external_id, text, content='annotator_document', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    # While an import holds a row here (inside its transaction) it indexes each batch with
    # one INSERT ... SELECT, a third of the CPU of this trigger's row-by-row inserts.
    "CREATE TABLE annotator_document_fts_deferred (since INTEGER NOT NULL)",
    "CREATE TRIGGER annotator_document_fts_insert AFTER INSERT ON annotator_document "
    "WHEN NOT EXISTS (SELECT 1 FROM annotator_document_fts_deferred) BEGIN "
    "INSERT INTO annotator_document_fts(rowid, external_id, text) VALUES (new.id, new.external_id, new.text); END",
    "CREATE TRIGGER annotator_document_fts_delete AFTER DELETE ON annotator_document BEGIN "
    "INSERT INTO annotator_document_fts(annotator_document_fts, rowid, external_id, text) "
    "VALUES ('delete', old.id, old.external_id, old.text); END",
    "CREATE TRIGGER annotator_document_fts_update AFTER UPDATE OF external_id, text ON annotator_document BEGIN "
    "INSERT INTO annotator_document_fts(annotator_document_fts, rowid, external_id, text) "
    "VALUES ('delete', old.id, old.external_id, old.text); "
    "INSERT INTO annotator_document_fts(rowid, external_id, text) VALUES (new.id, new.external_id, new.text); END",
    # Documents stored before this migration.
    "INSERT INTO annotator_document_fts(annotator_document_fts) VALUES ('rebuild')",
    LIVE_ORDER_INDEX,
    *LABEL_INDEXES,
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS span_label_idx",
    "DROP INDEX IF EXISTS goldspan_label_idx",
    "DROP INDEX IF EXISTS document_live_order_idx",
    "DROP TRIGGER IF EXISTS annotator_document_fts_update",
    "DROP TRIGGER IF EXISTS annotator_document_fts_delete",
    "DROP TRIGGER IF EXISTS annotator_document_fts_insert",
    "DROP TABLE IF EXISTS annotator_document_fts",
    "DROP TABLE IF EXISTS annotator_document_fts_deferred",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        from django.db import DatabaseError, transaction

        _run(schema_editor, [POSTGRES_CONFIGURATION])
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                _run(schema_editor, POSTGRES_UNACCENT)
        except DatabaseError:
            pass  # no unaccent here: accent-sensitive search (see the module docstring)
        _run(schema_editor, POSTGRES_FORWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    # Other databases: the list searches with a scan (services.document_queries).


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0008_training_trigger_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
