# Where each gold relation came from (#21): the annotators who had it, or "reviewer".
# Relations stored before (imported gold) keep an empty list.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0019_trained_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="goldrelation",
            name="provenance",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Where it came from: the usernames of the source annotators who had the same link, or "
                '["reviewer"] when the reviewer added it by hand; empty for an imported gold.',
            ),
        ),
    ]
