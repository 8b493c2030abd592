from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from annotator.management.commands._base import ContractCommand, project_for
from annotator.models import Project
from annotator.services.queue import check_queue_state


class Command(ContractCommand):
    help = (
        "Compare each project's stored queue state (slots taken, open documents, the open count) "
        "with a recount from scratch; --repair stores the recount. Exits 1 if anything differed "
        "and was not repaired."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="projects to check (default: all live projects)")
        parser.add_argument("--repair", action="store_true", help="store the recount where it differs")

    def handle(self, *args: Any, **options: Any) -> None:
        projects = [project_for(slug) for slug in options["slugs"]] or list(Project.objects.live().order_by("slug"))
        unrepaired = 0
        for project in projects:
            problems = check_queue_state(project=project, repair=options["repair"])
            for problem in problems:
                self.stdout.write(f"{project.slug}: {problem}")
            verdict = "repaired" if problems and options["repair"] else "differs" if problems else "right"
            self.stdout.write(f"{project.slug}: queue state {verdict}")
            unrepaired += 0 if options["repair"] else len(problems)
        if unrepaired:
            raise SystemExit(1)
