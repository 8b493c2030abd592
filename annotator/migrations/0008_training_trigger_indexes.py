"""Indexes that let the training trigger after each submission read only what came in
since the last training request (annotator.training_data.new_documents_and_running)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0007_document_queue_state"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(fields=["status", "submitted_at"], name="annotation_submitted_idx"),
        ),
        migrations.AddIndex(
            model_name="gold",
            index=models.Index(fields=["updated_at"], name="gold_updated_idx"),
        ),
    ]
