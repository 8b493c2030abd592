# Which documents each model version trained on (issue 18: no document is shown suggestions
# from a version that learned from an annotation of it). Versions trained before have no row:
# services.suggestions treats them as having seen every labelled document.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0018_document_project_index_dropped"),
    ]

    operations = [
        migrations.CreateModel(
            name="TrainedDocuments",
            fields=[
                (
                    "model_version",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="trained_documents",
                        serialize=False,
                        to="annotator.modelversion",
                    ),
                ),
                ("count", models.PositiveIntegerField(default=0)),
                ("ids", models.BinaryField()),
            ],
        ),
    ]
