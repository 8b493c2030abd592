# The documents' hash index holds the first 16 characters of the hash instead of all 64
# (issue 17: import speed). Every import inserts into it at random places; at a million
# documents the full hash's index was 85 MB, more than the import's page cache, and the
# largest of the indexes an import writes at random. A lookup by hash asks for the prefix
# (the index) and the full hash (the row): `DocumentQuerySet.with_text`, `imports._known`.
#
# Only indexes change (CREATE/DROP INDEX): on SQLite nothing here remakes the table, which
# would drop the FTS triggers of 0009.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0022_project_labelled_since_training"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                models.F("project"),
                django.db.models.functions.text.Substr("content_hash", 1, 16),
                name="document_hash_prefix_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="document",
            name="document_hash_idx",
        ),
    ]
