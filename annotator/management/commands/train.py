from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import CommandError

from annotator.management.commands._base import ContractCommand, project_for
from annotator.models import Job, ModelVersion
from annotator.services.training import start_training


class Command(ContractCommand):
    help = "Queue a training of the project's tagger on Celery (the `training` queue); --wait blocks for its metrics."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("project")
        parser.add_argument("--wait", action="store_true", help="Wait for the training and print its metrics")
        parser.add_argument("--timeout", type=float, default=1800, help="Seconds --wait waits at most (default 1800)")

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_for(options["project"])
        job = start_training(project=project, reason="command")
        self.stdout.write(f"{project.slug}: training job {job.pk} queued")
        if not options["wait"]:
            return
        deadline = time.monotonic() + options["timeout"]
        while True:
            job.refresh_from_db()
            if job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED):
                break
            if time.monotonic() > deadline:
                raise CommandError(f"training job {job.pk} still {job.status} after {options['timeout']:.0f} s")
            time.sleep(0.5)
        if job.status == Job.Status.FAILED:
            raise CommandError(f"training job {job.pk} failed: {job.error}")
        result = job.result
        version = ModelVersion.objects.filter(pk=result.get("model_version_id")).defer("artifact").first()
        metrics = version.metrics if version else {}
        verdict = "promoted to current" if result.get("promoted") else "not promoted (worse than the current model)"
        self.stdout.write(
            f"model v{result.get('model_version')}: {verdict}; trained on {result.get('training_documents')} documents "
            f"in {result.get('duration_seconds')} s; micro span F1 {_fmt(metrics.get('value'))} "
            f"on {metrics.get('held_out_documents', 0)} held-out documents"
        )
        for label, figures in (metrics.get("per_label") or {}).items():
            self.stdout.write(
                f"  {label}: F1 {_fmt(figures.get('value'))}, precision {_fmt(figures.get('precision'))}, "
                f"recall {_fmt(figures.get('recall'))}"
            )
        self.stdout.write(json.dumps({"job": job.pk, **result, "metrics": metrics}))


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
