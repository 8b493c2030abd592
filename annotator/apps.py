from django.apps import AppConfig


class AnnotatorConfig(AppConfig):
    name = "annotator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Make sure the Celery app (and so the broker settings) is loaded in every process
        # that can queue a task: web workers, management commands, tests.
        # Any password change (the admin, changepassword, a service) revokes the user's API
        # tokens; a signal, because Django's own code paths change passwords too.
        from django.contrib.auth.models import User
        from django.db.models.signals import post_save

        from annotator import celery, checks  # noqa: F401  (checks: registers annotator.W001)
        from annotator.services.tokens import revoke_tokens_on_password_change

        post_save.connect(revoke_tokens_on_password_change, sender=User, dispatch_uid="revoke-tokens-on-password")
