from django.apps import AppConfig


class AnnotatorConfig(AppConfig):
    name = "annotator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Make sure the Celery app (and so the broker settings) is loaded in every process
        # that can queue a task: web workers, management commands, tests.
        from annotator import celery  # noqa: F401
