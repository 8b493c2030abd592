"""The Celery app: Redis broker, settings from Django's CELERY_*, tasks found by
autodiscovery (annotator/tasks.py). It imports nothing of the annotator: the job sweep's
worker signals live in `annotator.jobs.liveness`, which the worker imports by name at start
(`include`)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
# Celery's Django fixup runs Django's system checks when a process loads the task modules (a
# worker at start, a web process at its first task). They load the URL conf and with it every
# view, which a worker never serves; `manage.py migrate` and the web run them already.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = Celery("annotator", include=["annotator.jobs.liveness"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["annotator"])
