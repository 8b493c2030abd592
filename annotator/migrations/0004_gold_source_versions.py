"""Gold remembers the version of each annotation it was adjudicated from, so a later edit
of a source shows the gold as stale. Existing golds cite their sources' current versions
(what they were made from is not known any more; nothing is taken for stale)."""

from django.db import migrations, models


def cite_current_versions(apps, schema_editor):  # type: ignore[no-untyped-def]
    Gold = apps.get_model("annotator", "Gold")
    for gold in Gold.objects.prefetch_related("source_annotations").iterator(chunk_size=500):
        versions = {str(a.pk): a.version for a in gold.source_annotations.all()}
        if versions:
            gold.source_versions = versions
            gold.save(update_fields=["source_versions"])


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0003_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="gold",
            name="source_versions",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(cite_current_versions, migrations.RunPython.noop),
    ]
