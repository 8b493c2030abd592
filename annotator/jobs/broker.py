"""The task queue: enqueue a job by its kind, send again what the broker never got or lost,
and ask the broker and the workers what they hold. Tasks are named from `TASKS`, never
imported, so services that enqueue need not know the task module."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from annotator.celery import app
from annotator.models import Job

log = logging.getLogger(__name__)
# Errors that mean "the broker (Redis) cannot be reached": the job waits, the request goes on.
BROKER_DOWN = (BrokerError, ConnectionError, TimeoutError)

# Redis serves a queue's priority 0 (the default) first; background work (the batches of a
# suggestions refresh) goes behind, so a request that waits for the worker overtakes it.
BACKGROUND_PRIORITY = 9
# How long a worker's reply to a waiting web request is kept (the request gave up by then).
REPLY_TTL_SECONDS = 60

# The task that runs each kind of job (their queues: CELERY_TASK_ROUTES in settings).
TASKS: dict[str, str] = {
    Job.Kind.IMPORT: "annotator.tasks.run_import_job",
    Job.Kind.EXPORT: "annotator.tasks.run_export_job",
    Job.Kind.TRAINING: "annotator.tasks.run_training_job",
    Job.Kind.SUGGESTIONS: "annotator.tasks.refresh_suggestions_job",
    Job.Kind.AGREEMENT: "annotator.tasks.run_agreement_job",
}


def enqueue(job: Job, *args: Any, **options: Any) -> None:
    """Queue the task of the job's kind, `task(job.pk, *args)`, once the surrounding
    transaction commits, so the worker never looks for a Job row that is not there yet.

    If Redis cannot be reached, the job stays queued with a message saying so, and the
    request that asked for it still succeeds; `resend_stranded_jobs` sends it once Redis is
    back (every later `enqueue` calls it first)."""
    name = TASKS[job.kind]
    job.params = {**job.params, "task": name, "task_args": list(args)}
    Job.objects.filter(pk=job.pk).update(params=job.params)

    def send() -> None:
        resend_stranded_jobs(exclude=job.pk)
        _send(job.pk, name, [job.pk, *args], options)

    transaction.on_commit(send)


# Celery's autodiscovery returns at once, having found nothing, in a thread that asks while
# another thread of the process is discovering (celery.loaders.base._RACE_PROTECTION): two
# gunicorn threads serving their first `next/` after a model became current got
# NotRegistered (500) in the two-node benchmark. One discovery at a time, the others wait.
_DISCOVERY = threading.Lock()


def _task(name: str) -> Any:
    """The registered task `name`. A process that is not a worker has not imported the task
    modules yet: autodiscovery runs then, as it does when a worker starts."""
    if name not in app.tasks:
        with _DISCOVERY:
            if name not in app.tasks:
                app.loader.import_default_modules()
    return app.tasks[name]


def _send(job_id: int, task_name: str, args: list[Any], options: dict[str, Any] | None = None) -> bool:
    try:
        # Through the registered task, so tests' eager mode and the queue routes both apply.
        result = _task(task_name).apply_async(args=args, **(options or {}))
    except BROKER_DOWN as error:
        log.warning("job %s waits: the task queue is unreachable (%s)", job_id, error)
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            message="waiting for the task queue (Redis unreachable); it is sent again when Redis is back"
        )
        return False
    # Only a job still queued: a fast worker may have claimed it (and written its own task id) already.
    Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(celery_task_id=result.id or "", message="")
    return True


def ask(task_name: str, args: list[Any], *, wait: float) -> Any:
    """Run the task `task_name(*args, reply_to=KEY)` on a worker and wait up to `wait`
    seconds for what it hands back with `reply` (JSON data); None if nothing came in time
    (at once with `wait` 0: sent, not waited for) or the broker cannot be reached. For the
    web's short questions to the worker (a prediction), which have no Job row. Tests' eager
    mode runs the task here and now."""
    eager = bool(app.conf.task_always_eager)
    key = None if eager else f"annotator:reply:{uuid.uuid4().hex}"
    try:
        result = _task(task_name).apply_async(args=args, kwargs={"reply_to": key})
        if eager:
            return result.get()
        if wait <= 0:
            return None
        with app.connection_for_write() as connection:
            answer = connection.default_channel.client.blpop([key], timeout=wait)
    except BROKER_DOWN as error:
        log.warning("could not ask the workers (%s): %s", task_name, error)
        return None
    return json.loads(answer[1]) if answer else None


def reply(key: str | None, data: Any) -> Any:
    """Hand `data` (JSON) back to the request waiting in `ask` (a task's last step); returns
    `data`, which eager mode hands back directly."""
    if key:
        with app.connection_for_write() as connection:
            client = connection.default_channel.client
            client.rpush(key, json.dumps(data))
            client.expire(key, REPLY_TTL_SECONDS)
    return data


def _send_again(job: Job) -> bool:
    name = job.params.get("task")
    return bool(name) and _send(job.pk, name, [job.pk, *job.params.get("task_args", [])])


def resend_stranded_jobs(*, exclude: int | None = None, older_than: timedelta = timedelta(seconds=2)) -> int:
    """Send again the queued jobs that never reached the broker. Returns how many went."""
    stranded = Job.objects.filter(
        status=Job.Status.QUEUED, celery_task_id="", created_at__lt=timezone.now() - older_than
    ).exclude(pk=exclude or 0)
    return sum(_send_again(job) for job in stranded.only("pk", "params")[:100])


def check_broker() -> None:
    """Raise (kombu's OperationalError) at once if the broker cannot be reached: asking
    workers or reading queues would otherwise retry for seconds first."""
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)


def ask_workers(task_ids: list[str]) -> dict[str, dict[str, str]] | None:
    """Which of the tasks each answering Celery worker holds, with its state there
    ("active", "reserved", or "scheduled": a countdown): {worker: {task_id: state}}, empty
    when no worker answered within a second. None when the broker cannot be reached."""
    transport = app.connection_for_write()  # not connected: for the transport's own error types
    try:
        check_broker()
        replies = app.control.inspect(timeout=1.0).query_task(*task_ids) or {}
    except (*BROKER_DOWN, OSError, *transport.connection_errors, *transport.channel_errors):
        return None
    return {worker: {task_id: info[0] for task_id, info in (tasks or {}).items()} for worker, tasks in replies.items()}


def _queue_names() -> list[str]:
    routes = app.conf.task_routes or {}
    routed = [route.get("queue") for route in routes.values()] if isinstance(routes, dict) else []
    return sorted({app.conf.task_default_queue, *filter(None, routed)})


def tasks_in_queues(task_ids: list[str]) -> set[str] | None:
    """Which of the tasks still wait in the broker's queues, or None when it could not be
    told (Redis unreachable, or a broker that is not Redis). A message taken by a worker is
    not in the queues any more; `ask_workers` finds those.

    Redis keeps a queue as lists: the queue's name, and for its other priorities the name
    followed by a separator and the priority. Every list whose key starts with a queue's
    name is read (through the channel's public Redis client): a list of another queue with
    a longer name is read too, which can only make a message look present, never absent."""
    wanted = {task_id.encode() for task_id in task_ids}
    found: set[bytes] = set()
    try:
        check_broker()
        with app.connection_for_read() as connection:
            client = connection.default_channel.client
            for queue in _queue_names():
                for key in client.scan_iter(match=_glob_escape(queue) + "*", count=1000):
                    if client.type(key) not in (b"list", "list"):
                        continue
                    for start in range(0, client.llen(key), 1000):
                        for message in client.lrange(key, start, start + 999):
                            # A task id (a UUID) appears verbatim in its message's headers.
                            found.update(task_id for task_id in wanted - found if task_id in message)
                        if found == wanted:
                            return {task_id.decode() for task_id in found}
    except Exception as error:  # any doubt means "cannot tell", and then nothing is sent
        log.warning("could not look into the task queues: %s: %s", type(error).__name__, error)
        return None
    return {task_id.decode() for task_id in found}


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]\\" else c for c in name)


def resend_lost_jobs(*, older_than: timedelta) -> int:
    """Send again the jobs queued longer than `older_than` whose message is gone: in no
    queue of the broker (Redis restarted without its data, a queue purged) and held by no
    worker. When either cannot be told, nothing is sent. Returns how many went.

    A job that was only slow to be picked is harmless to send twice: `records.claim_job`
    lets one delivery run it and the other does nothing."""
    waiting = list(
        Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=timezone.now() - older_than)
        .exclude(celery_task_id="")
        .only("pk", "params", "celery_task_id")[:100]
    )
    if not waiting:
        return 0
    ids = [job.celery_task_id for job in waiting]
    # The queues first, then the workers: a message moves from the first to the second, so
    # looked at in this order it is seen in one of them.
    queued = tasks_in_queues(ids)
    if queued is None:
        return 0
    held: set[str] = set()
    if rest := [task_id for task_id in ids if task_id not in queued]:
        replies = ask_workers(rest)
        if not replies:  # no worker answered: whether one holds the tasks cannot be told
            return 0
        held = {task_id for tasks in replies.values() for task_id in tasks}
    sent = 0
    for job in waiting:
        if job.celery_task_id in queued or job.celery_task_id in held or not job.params.get("task"):
            continue
        if not Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).exists():
            continue  # picked and run since the list was read
        log.warning("job %s: its task %s is in no queue and at no worker; sent again", job.pk, job.celery_task_id)
        sent += _send_again(job)
    return sent


def take_turn(key: str, *, holder: str, every: float) -> bool | None:
    """Whether this process takes the turn named `key` for the next `every` seconds (a Redis
    key set with NX and an expiry, shared by every worker on every machine); None when Redis
    cannot be reached."""
    try:
        with app.connection_for_write() as connection:
            return bool(connection.default_channel.client.set(key, holder, nx=True, px=max(int(every * 900), 100)))
    except Exception as error:
        log.warning("could not take the turn %s: %s: %s", key, type(error).__name__, error)
        return None
