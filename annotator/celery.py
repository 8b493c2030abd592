"""The Celery app: Redis broker, settings from Django's CELERY_*, tasks found by
autodiscovery (annotator/tasks.py). It imports nothing of the annotator: the job sweep's
worker signals live in `annotator.jobs.liveness`, which the worker imports by name at start
(`include`)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")

app = Celery("annotator", include=["annotator.jobs.liveness"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["annotator"])
