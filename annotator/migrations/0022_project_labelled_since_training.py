# The training trigger's gate (#17): a per-project count of labelling events since the last
# training request, so the exact count of new documents runs only when it could reach the
# threshold. A column of annotator_project only (annotator_document and its search triggers
# are untouched). Existing projects start at their retrain_every: their next trigger runs
# the exact count as before, so no training comes later than it would have.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0021_relation_suggestions"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="labelled_since_training",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(
            "UPDATE annotator_project SET labelled_since_training = retrain_every",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
