"""What every command of the contract shares: domain errors become one line and exit 1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from annotator.exceptions import AnnotatorError
from annotator.models import Project


class ContractCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except AnnotatorError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(
                f"{getattr(error, 'filename', '') or ''}: {error.strerror or error}".lstrip(": ")
            ) from None


def project_for(slug: str) -> Project:
    project = Project.objects.live().filter(slug=slug).first()
    if project is None:
        raise CommandError(f"no project {slug!r}")
    return project
