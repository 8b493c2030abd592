"""WSGI entry point (gunicorn annotator.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
application = get_wsgi_application()

from annotator.celery import app as celery_app  # noqa: E402  (tasks queue from web requests)

__all__ = ["application", "celery_app"]
