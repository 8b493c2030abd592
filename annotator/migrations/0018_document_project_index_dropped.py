# The documents' own index on project_id goes (issue 17: import speed). Every other index of
# the table starts with project_id (the unique (project, external_id) first), so it serves
# no query alone, and each row an import writes paid for it: ~5% of the import's time.
#
# Only the index is dropped, by name: on SQLite an AlterField remakes the whole table (a
# copy of every document, and the FTS triggers and raw indexes of 0007-0009 lost with it).

import django.db.models.deletion
from django.db import migrations, models

INDEX = "annotator_document_project_id_a1c17f99"  # the name Django gave it in 0001


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0017_document_browser_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="document",
                    name="project",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents",
                        to="annotator.project",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f'CREATE INDEX {INDEX} ON "annotator_document" ("project_id")',
                ),
            ],
        ),
    ]
