"""Use cases, one function each: keyword-only, typed, in a transaction where they write
several rows. Interfaces (API views, Celery tasks, management commands) call these."""
