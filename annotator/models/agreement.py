from __future__ import annotations

from django.db import models

from annotator.models.projects import Project


class AgreementReport(models.Model):
    """The agreement report last computed for a project with given bootstrap settings, and
    the fingerprint of the data it was computed from: while the project's fingerprint is the
    same the report is served as it is (services.agreement)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="agreement_reports")
    resamples = models.PositiveIntegerField()
    seed = models.PositiveBigIntegerField()
    fingerprint = models.CharField(max_length=200)
    report = models.JSONField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0.0, help_text="How long the computation took.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "resamples", "seed"], name="agreement_report_unique"),
        ]

    def __str__(self) -> str:
        return f"agreement report of {self.project} ({self.resamples} resamples, seed {self.seed})"
