# Issue 18: the control share (documents served without suggestions, Document.control,
# Project.control_share) and the record of promotions and roll backs (Promotion).

import hashlib

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def decide_control(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Documents nobody has an annotation of follow the default share (services.control's
    rule, copied here as it stands); the others keep being served as they were."""
    Document = apps.get_model("annotator", "Document")
    Annotation = apps.get_model("annotator", "Annotation")
    Project = apps.get_model("annotator", "Project")
    started = Annotation.objects.values("document_id")
    for project in Project.objects.only("pk", "control_share"):
        ids = []
        for pk, external_id in (
            Document.objects.filter(project=project).exclude(pk__in=started).values_list("pk", "external_id")
        ):
            digest = hashlib.sha256(f"control:{external_id}".encode()).digest()
            if int.from_bytes(digest[:8], "big") / 2**64 < project.control_share:
                ids.append(pk)
        for start in range(0, len(ids), 500):
            Document.objects.filter(pk__in=ids[start : start + 500]).update(control=True)


def add_control_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE annotator_document ADD COLUMN control boolean NOT NULL DEFAULT false")
    if schema_editor.connection.vendor == "postgresql":  # as Django leaves a column: no default in the table
        schema_editor.execute("ALTER TABLE annotator_document ALTER COLUMN control DROP DEFAULT")


def drop_control_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE annotator_document DROP COLUMN control")


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0014_document_comments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Promotion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("automatic", "Automatic"), ("promote", "Promote"), ("rollback", "Rollback")],
                        max_length=16,
                    ),
                ),
                ("at", models.DateTimeField()),
            ],
            options={
                "ordering": ["project", "-at", "-id"],
            },
        ),
        # Added in place: on SQLite Django's AddField of a NOT NULL column remakes the whole
        # table, which copies every document and drops the search triggers of 0009.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="document",
                    name="control",
                    field=models.BooleanField(default=False, editable=False),
                ),
            ],
            database_operations=[migrations.RunPython(add_control_column, drop_control_column)],
        ),
        migrations.AddField(
            model_name="project",
            name="control_share",
            field=models.FloatField(
                default=0.1,
                help_text="Share of documents (0 to 0.5) served to everyone without suggestions.",
                validators=[
                    django.core.validators.MinValueValidator(0.0),
                    django.core.validators.MaxValueValidator(0.5),
                ],
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(("control_share__gte", 0.0), ("control_share__lte", 0.5)),
                name="project_control_share_range",
            ),
        ),
        migrations.AddField(
            model_name="promotion",
            name="by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="promotion",
            name="from_version",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="annotator.modelversion",
            ),
        ),
        migrations.AddField(
            model_name="promotion",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="promotions", to="annotator.project"
            ),
        ),
        migrations.AddField(
            model_name="promotion",
            name="to_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="promotions", to="annotator.modelversion"
            ),
        ),
        migrations.AddIndex(
            model_name="promotion",
            index=models.Index(fields=["project", "-at"], name="promotion_project_idx"),
        ),
        migrations.RunPython(decide_control, migrations.RunPython.noop),
    ]
