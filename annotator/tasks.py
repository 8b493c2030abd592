"""Celery tasks: thin wrappers that take a Job id, call one service through
`services.jobs.run_job` (which records status, progress and errors on the Job) and return
nothing a single machine alone could read. Several issues add tasks here: add yours as its
own functions, never rewrite the file."""

from __future__ import annotations

from celery import shared_task

# --- API: imports and exports by file (issue 3) ----------------------------------------------


@shared_task(name="annotator.tasks.run_import_job")
def run_import_job(job_id: int) -> None:
    """Import an uploaded file (all or nothing) for the Job; its progress and outcome go on the row."""
    from annotator.services import uploads
    from annotator.services.jobs import run_job

    run_job(job_id, lambda job: uploads.run_import(job=job))


@shared_task(name="annotator.tasks.run_export_job")
def run_export_job(job_id: int) -> None:
    """Write an export to a file in shared storage and link it from the Job."""
    from annotator.services import uploads
    from annotator.services.jobs import run_job

    run_job(job_id, lambda job: uploads.run_export(job=job))
