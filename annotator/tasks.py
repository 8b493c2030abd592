"""Celery tasks: thin wrappers that take a Job id and run one service through
`jobs.records.run_job` (which records status, progress and errors on the Job). They return
nothing a single machine alone could read. Services never import this module: they enqueue
by the job's kind (`jobs.broker.TASKS` names these tasks).

The services that train and predict (`services.trainer`, `services.predictor`) are imported
inside the tasks: they load scikit-learn and numpy, which a worker that only imports and
exports never needs, and which web processes (that import this module to send tasks) must
not load."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from annotator.exceptions import Conflict
from annotator.jobs import broker
from annotator.jobs.records import mark_failed, run_job
from annotator.models import Job, Project
from annotator.services import agreement, training, uploads


@shared_task(name="annotator.tasks.run_import_job")
def run_import_job(job_id: int) -> None:
    """Import an uploaded file (all or nothing) for the Job; its progress and outcome go on the row."""
    run_job(job_id, lambda job: uploads.run_import(job=job))


@shared_task(name="annotator.tasks.run_export_job")
def run_export_job(job_id: int) -> None:
    """Write an export to a file in shared storage and link it from the Job."""
    run_job(job_id, lambda job: uploads.run_export(job=job))


@shared_task(bind=True, name="annotator.tasks.run_training_job", max_retries=None)
def run_training_job(self: Task, job_id: int) -> None:
    """Train the project's tagger for the Job (queue `training`). Waits its turn (retrying)
    while another training of the project runs; a Job no longer queued (failed as lost,
    already done) is left alone, so a redelivered message never trains twice."""
    from annotator.services import trainer

    job = Job.objects.select_related("project").filter(pk=job_id).first()
    if job is None or job.status != Job.Status.QUEUED:
        return
    try:
        claimed = training.claim_training(job=job)
    except training.TrainingBusy as busy:
        if self.request.is_eager:  # run in-process (tests, CELERY_TASK_ALWAYS_EAGER): no waiting turn
            mark_failed(job, f"not run: {busy}")
            return
        raise self.retry(countdown=2) from None
    if claimed:
        run_job(job_id, lambda job: trainer.run_training(job=job), claimed=True)


@shared_task(name="annotator.tasks.refresh_suggestions_job")
def refresh_suggestions_job(job_id: int) -> None:
    """Refresh the current model's suggestions (queue `prediction`): the queue's first
    documents and the batches of the rest, or one batch (see `services.predictor`)."""
    from annotator.services import predictor

    run_job(job_id, lambda job: predictor.refresh_suggestions(job=job))


@shared_task(name="annotator.tasks.suggest_documents")
def suggest_documents(version_id: int, document_ids: list[int], reply_to: str | None = None) -> Any:
    """On demand, ahead of the batches (queue `prediction`, default priority): suggestions
    for documents served before their batch; tells the waiting request when they are stored."""
    from annotator.services import predictor

    done = predictor.suggest_documents(version_id=version_id, document_ids=document_ids)
    return broker.reply(reply_to, {"documents": done})


@shared_task(name="annotator.tasks.predict_text")
def predict_text(project_id: int, text: str, reply_to: str | None = None) -> Any:
    """`predict/`'s work (queue `prediction`): the current model's spans for `text`, handed
    back to the waiting request (or why there are none: no usable model)."""
    from annotator.services import predictor

    project = Project.objects.get(pk=project_id)
    try:
        data: dict[str, Any] = predictor.predict_text_data(project=project, text=text)
    except Conflict as conflict:
        data = {"conflict": conflict.message}
    return broker.reply(reply_to, data)


@shared_task(name="annotator.tasks.run_agreement_job")
def run_agreement_job(job_id: int) -> None:
    """Compute and store the project's agreement report for the Job (NumPy lives here, in the worker)."""
    run_job(job_id, lambda job: agreement.run_agreement_job(job=job))
