"""The queue's stored state on each document (slots taken, open, a random key), the
per-project count of open documents, and the partial indexes `next/` reads; backfilled
from the annotations and gold already there (see annotator.services.queue)."""

import django.db.models.deletion
from django.db import migrations, models

import annotator.models.documents

# Portable SQL (SQLite and PostgreSQL): recount every document, then every project.
_BACKFILL = [
    """
    UPDATE annotator_document SET slots_taken = (
        SELECT COUNT(*) FROM annotator_annotation a
        WHERE a.document_id = annotator_document.id AND a.status IN ('draft', 'submitted'))
    """,
    """
    UPDATE annotator_document SET queue_open = (
        deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM annotator_gold g WHERE g.document_id = annotator_document.id)
        AND slots_taken < (SELECT p.annotators_per_document FROM annotator_project p
                           WHERE p.id = annotator_document.project_id))
    """,
    """
    INSERT INTO annotator_queuecount (project_id, open_documents)
    SELECT p.id, (SELECT COUNT(*) FROM annotator_document d WHERE d.project_id = p.id AND d.queue_open)
    FROM annotator_project p
    """,
]
# AddField draws the callable default once for all existing rows: draw a key per row.
_RANDOM_KEYS = {
    "sqlite": "UPDATE annotator_document SET queue_key = abs(random() % 2147483648)",
    "postgresql": "UPDATE annotator_document SET queue_key = floor(random() * 2147483648)::integer",
}


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        for statement in [_RANDOM_KEYS[schema_editor.connection.vendor], *_BACKFILL]:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0006_project_tagger_label_weights"),
    ]

    operations = [
        migrations.CreateModel(
            name="QueueCount",
            fields=[
                (
                    "project",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="annotator.project",
                    ),
                ),
                ("open_documents", models.IntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="document",
            name="queue_key",
            field=models.IntegerField(default=annotator.models.documents.random_queue_key, editable=False),
        ),
        migrations.AddField(
            model_name="document",
            name="queue_open",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddField(
            model_name="document",
            name="slots_taken",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(("queue_open", True)),
                fields=["project", "-model_uncertainty", "id"],
                name="document_queue_doubt_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(("queue_open", True)), fields=["project", "id"], name="document_queue_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(("queue_open", True)), fields=["project", "queue_key"], name="document_queue_random_idx"
            ),
        ),
    ]
