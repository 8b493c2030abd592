# Which model version's suggestions a document has, so the ones still to come are known
# (issue 17: suggestions refreshed in batches, a document served before its batch is
# predicted on demand).

import django.db.models.deletion
from django.db import migrations, models


def mark_suggested(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Documents that have suggestions of their project's current model got them from it; the
    others (no span found, or not predicted) are predicted again when next served."""
    ModelVersion = apps.get_model("annotator", "ModelVersion")
    Document = apps.get_model("annotator", "Document")
    Suggestion = apps.get_model("annotator", "Suggestion")
    for version in ModelVersion.objects.filter(status="current").only("pk"):
        suggested = Suggestion.objects.filter(model_version=version).values("document_id")
        Document.objects.filter(pk__in=suggested).update(suggested_by=version)


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0010_project_data_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="suggested_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="annotator.modelversion",
            ),
        ),
        migrations.RunPython(mark_suggested, migrations.RunPython.noop),
    ]
