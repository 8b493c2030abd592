import annotator.models.projects
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0005_project_invitations"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="tagger_label_weights",
            field=models.JSONField(
                blank=True,
                default=annotator.models.projects.default_tagger_label_weights,
                help_text="Class weight of each label's tags when the tagger trains (a label not named: 1).",
            ),
        ),
    ]
