from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

from annotator.jobs.liveness import sweep_jobs
from annotator.management.commands._base import ContractCommand


class Command(ContractCommand):
    help = (
        "Put right the jobs the queue lost track of, once (the workers also do it every JOB_SWEEP_SECONDS): "
        "send jobs that never reached Redis, fail running jobs whose worker is gone, send again jobs whose "
        "message Redis lost."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--lost-after",
            type=float,
            default=settings.JOB_LOST_AFTER_SECONDS,
            help="seconds a job may wait queued before its message counts as lost (default JOB_LOST_AFTER_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = sweep_jobs(lost_after=timedelta(seconds=options["lost_after"]))
        self.stdout.write(
            f"sent {report['stranded_sent']} stranded job(s); failed {report['stale_failed']} job(s) whose worker "
            f"is gone; sent again {report['lost_sent']} lost job(s)"
        )
