"""WSGI entry point (gunicorn annotator.wsgi).

The URL conf (every view, serializer and service the web uses) is loaded here rather than on
each worker's first request: under `gunicorn --preload` (scripts/run.sh) the master imports
it once and the forked workers share those pages. `gc.freeze()` keeps the collector from
writing to every object of the master's heap in each worker, which would copy those pages.
Nothing here opens a database connection before the fork (Django opens them per request)."""

import gc
import os

# No collection while the app is imported: it makes hundreds of thousands of long-lived
# objects and few cycles, and the collector's passes over them were a sixth of the import's
# CPU (0.57-0.62 s with, 0.47-0.50 s without). Python's advice for a process that forks:
# disable early, freeze before the fork, enable again (below).
gc.disable()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import get_resolver  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  (loads the URL conf now; see above)

from annotator.celery import app as celery_app  # noqa: E402  (tasks queue from web requests)

gc.freeze()
gc.enable()

__all__ = ["application", "celery_app"]
