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


# --- Tagger: training and suggestions (issue 4) ----------------------------------------------


@shared_task(bind=True, name="annotator.tasks.run_training_job", max_retries=None)
def run_training_job(self, job_id: int) -> None:  # type: ignore[no-untyped-def]
    """Train the project's tagger for the Job (queue `training`). Waits its turn (retrying)
    while another training of the project runs; a Job no longer queued (failed as lost,
    already done) is left alone, so a redelivered message never trains twice."""
    from annotator.models import Job
    from annotator.services import training
    from annotator.services.jobs import run_job

    job = Job.objects.select_related("project").filter(pk=job_id).first()
    if job is None or job.status != Job.Status.QUEUED:
        return
    try:
        claimed = training.claim_training(job=job)
    except training.TrainingBusy as busy:
        if self.request.is_eager:  # run in-process (tests, CELERY_TASK_ALWAYS_EAGER): no waiting turn
            from annotator.services.jobs import mark_failed

            mark_failed(job, f"not run: {busy}")
            return
        raise self.retry(countdown=2) from None
    if claimed:
        run_job(job_id, lambda job: training.run_training(job=job), claimed=True)


@shared_task(name="annotator.tasks.refresh_suggestions_job")
def refresh_suggestions_job(job_id: int) -> None:
    """Refresh the current model's suggestions for every unfinished document (queue `prediction`)."""
    from annotator.services import suggestions
    from annotator.services.jobs import run_job

    run_job(job_id, lambda job: suggestions.refresh_suggestions(job=job))
