"""The one settings module, driven by the environment.

The defaults serve the local demo (`make run`): SQLite under var/, Redis on localhost,
DEBUG on. Production sets DEBUG=0, SECRET_KEY and ALLOWED_HOSTS (and usually DATABASE_URL
and REDIS_URL); with those, `manage.py check --deploy` is clean behind a TLS proxy.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value in (None, "") else float(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return default if value is None else [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
_DEMO_SECRET = "demo-only-secret-key-never-use-in-production-0123456789abcdefghijkl"
SECRET_KEY = env_str("SECRET_KEY", _DEMO_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

VAR_DIR = Path(env_str("ANNOTATOR_VAR_DIR", str(BASE_DIR / "var")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "annotator",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "annotator.middleware.ContentSecurityPolicyMiddleware",
    # Inside the header middlewares, so its JSON answers get their headers too.
    "api.middleware.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "annotator.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "annotator.urls"
WSGI_APPLICATION = "annotator.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "annotator" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and one writer work at once; IMMEDIATE transactions take the write
    # lock up front, so concurrent writers wait (busy timeout) instead of failing with
    # "database is locked" half-way through a transaction.
    # A file, not memory, for the test database: the tests' Celery worker and web server
    # run in other processes and must see the same rows.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "/admin/login/"

# --- Celery ----------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None  # results live on Job rows, readable from any machine
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "annotator.tasks.run_training_job": {"queue": "training"},
    "annotator.tasks.refresh_suggestions_job": {"queue": "prediction"},
    "annotator.tasks.suggest_documents": {"queue": "prediction"},
    "annotator.tasks.predict_text": {"queue": "prediction"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
# With Redis down, a request that queues a task gives up quickly (the Job waits, see
# jobs.broker.enqueue) instead of hanging the annotator's save.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

# --- Cache: the login limits' counters, shared by every process and machine -----------------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "annotator"),
        # Redis down must not hang a login: give up fast (services/login_limits falls back).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
    # This process's memory: where login failures are counted while Redis does not answer.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "login-limits"},
}

# The document list's numbered pages count matches up to this many and then say "more"
# (`count_capped`): an exact count of a million rows is seconds, a page is milliseconds.
DOCUMENT_COUNT_LIMIT = env_int("DOCUMENT_COUNT_LIMIT", 10_000)
# `manage.py check --database default` (and every `migrate`) warns when a project holds this
# many live documents on SQLite (annotator/services/large_projects.py says why 100,000; 0: off).
LARGE_PROJECT_SQLITE_DOCUMENTS = env_int("LARGE_PROJECT_SQLITE_DOCUMENTS", 100_000)

# --- Logins (annotator/services/login_limits.py; docs/operations.md) -------------------------
# Failed logins allowed per client address and per user name in each window; then every
# attempt, even with the right password, gets 429 until the window ends.
LOGIN_FAILURES_PER_CLIENT = env_int("LOGIN_FAILURES_PER_CLIENT", 20)
LOGIN_FAILURES_PER_USERNAME = env_int("LOGIN_FAILURES_PER_USERNAME", 10)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
# How many proxies in front of the app append to X-Forwarded-For (0: the header is ignored
# and the client is REMOTE_ADDR). Set it to the number of your own proxies, never more.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# An API token asked for without an expiry lives this many days (0: until revoked).
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 0)
# The most live API tokens one user may hold (409 beyond: revoke some or reuse a name).
API_TOKENS_PER_USER = env_int("API_TOKENS_PER_USER", 100)

# --- Accounts (annotator/services/accounts.py) ---------------------------------------------
# A join link (an admin's invitation to make an account) works this many days.
JOIN_LINK_DAYS = env_int("JOIN_LINK_DAYS", 7)
# Mail is optional: with EMAIL_HOST set, a join link made for an e-mail address is also sent
# there; without it the admin copies the link from the page.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "annotator@localhost")

# --- Jobs ----------------------------------------------------------------------------------
# A running Job (import, export, training, suggestions) writes a heartbeat this often; one
# silent for JOB_STALE_AFTER_SECONDS, and run by no worker, is taken for a lost worker
# (killed, machine gone) and failed. The TAGGER_* names are read too: they came first.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", env_int("TAGGER_HEARTBEAT_SECONDS", 5))
JOB_STALE_AFTER_SECONDS = env_int("JOB_STALE_AFTER_SECONDS", env_int("TAGGER_STALE_AFTER_SECONDS", 60))
# Every worker runs the job sweep (jobs.liveness.sweep_jobs) this often, one at a time across
# machines; 0 turns it off. A queued job whose message is in no queue and at no worker for
# JOB_LOST_AFTER_SECONDS is sent again.
JOB_SWEEP_SECONDS = env_int("JOB_SWEEP_SECONDS", 30)
JOB_LOST_AFTER_SECONDS = env_int("JOB_LOST_AFTER_SECONDS", 120)
# Test hook only: an export job sleeps this long after its first chunk, so a test can kill
# the worker mid-export. Always 0 in production.
EXPORT_PAUSE_SECONDS = env_int("EXPORT_PAUSE_SECONDS", 0)

# --- Access -------------------------------------------------------------------------------
# Who may create projects through the API: "staff" (is_staff or superuser accounts, the
# default) or "all" (any logged-in user). The command line's create_project is not limited.
PROJECT_CREATORS = env_str("PROJECT_CREATORS", "staff").strip().lower()
if PROJECT_CREATORS not in ("staff", "all"):
    raise ImproperlyConfigured(f"PROJECT_CREATORS must be 'staff' or 'all', not {PROJECT_CREATORS!r}")

# --- Tagger (issue 4) ----------------------------------------------------------------------
# Test hook only: a training sleeps this long after loading its data, so a test can kill
# the worker mid-training. Always 0 in production.
TAGGER_TRAINING_PAUSE_SECONDS = env_int("TAGGER_TRAINING_PAUSE_SECONDS", 0)

# --- Suggestions (issue 17) ---------------------------------------------------------------
# After a promotion the worker predicts the unfinished documents in jobs of this many (the
# queue's first ones first). A document served before its batch is asked of the worker at
# once and waited for this long (0: asked, not waited for; the next load has them).
SUGGESTIONS_BATCH = env_int("SUGGESTIONS_BATCH", 500)
SUGGESTIONS_WAIT_SECONDS = env_float("SUGGESTIONS_WAIT_SECONDS", 1.5)
# `predict/` runs on a worker (web processes never load scikit-learn); it answers 503 when
# no worker answered within this long.
PREDICT_WAIT_SECONDS = env_float("PREDICT_WAIT_SECONDS", 10.0)

# --- REST framework --------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies only (uploads say multipart themselves), checked by annotator.jsoncheck's
    # rules (lone surrogates, NUL, depth, numbers); the schema then promises no form bodies.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.CheckedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AnnotatorAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Logins are limited by annotator/services/login_limits.py; any DRF throttle added later
    # counts clients the same way.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Annotator API",
    "DESCRIPTION": "Span annotation with a tagger in the loop, agreement and gold.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request and response shapes apart: a request field that may not be blank says so
    # (minLength), and read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH that needs a field (a member's role) says so; optional fields stay optional.
    "COMPONENT_SPLIT_PATCH": False,
    # Swagger UI from our own static files (no CDN, and a CSP without inline scripts).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several shapes share a `status` field with different choices; name each enum.
    "ENUM_NAME_OVERRIDES": {
        "AnnotationStatusEnum": "annotator.models.annotations.Annotation.Status",
        "JobStatusEnum": "annotator.models.jobs.Job.Status",
        "DocumentStatusEnum": "annotator.services.document_queries.DOCUMENT_STATUSES",
    },
}

# --- The app ----------------------------------------------------------------------------
# A deleted project or document can be restored for this many days, then it is purged.
UNDO_WINDOW_DAYS = env_int("UNDO_WINDOW_DAYS", 14)
# One import stores at most this many documents (a bigger file is split by the user). Imports
# stream in batches, so memory does not grow with it; an upload through the API is bounded by
# MAX_UPLOAD_BYTES first.
MAX_IMPORT_ROWS = env_int("MAX_IMPORT_ROWS", 5_000_000)
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Exports of projects with more documents than this run as a job with a download link
# instead of streaming in the request.
EXPORT_STREAM_MAX_DOCUMENTS = env_int("EXPORT_STREAM_MAX_DOCUMENTS", 5000)

# --- Production hardening (all on whenever DEBUG is off) -----------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# No inline or foreign script anywhere; styles may be inline (Vue binds style attributes).
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
