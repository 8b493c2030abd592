from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from annotator import jsoncheck
from annotator.management.commands._base import ContractCommand
from annotator.services.projects import create_project


class Command(ContractCommand):
    help = "Create a project with its label set."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("--labels", help="Comma-separated label names, e.g. CASUALTY_COUNT,PERPETRATOR,LOCATION")
        parser.add_argument("--name")
        parser.add_argument("--guidelines", type=Path, help="A Markdown file")
        parser.add_argument("--annotators-per-document", type=int, default=None)
        parser.add_argument("--retrain-every", type=int, default=None)
        parser.add_argument("--from", dest="from_file", type=Path, help="A project JSON (the API's project fields)")

    def handle(self, *args: Any, **options: Any) -> None:
        spec: dict[str, Any] = {}
        if options["from_file"]:
            try:
                spec = jsoncheck.loads(options["from_file"].read_text(encoding="utf-8"))
            except jsoncheck.BadJson as error:  # broken, or text that cannot be stored (annotator.jsoncheck)
                where = f" at line {error.line}" if error.line else ""
                raise CommandError(f"{options['from_file']}{where}: {error}") from None
            if not isinstance(spec, dict):
                raise CommandError(f"{options['from_file']}: a project JSON is an object")
        labels: list[Any] = spec.get("labels", [])
        if options["labels"]:
            labels = [name.strip() for name in options["labels"].split(",") if name.strip()]
        if not labels:
            raise CommandError("give --labels (or a --from file with labels)")
        guidelines = spec.get("guidelines", "")
        if options["guidelines"]:
            guidelines = options["guidelines"].read_text(encoding="utf-8")
        project = create_project(
            slug=options["slug"],
            labels=labels,
            name=options["name"] or spec.get("name"),
            guidelines=guidelines,
            annotators_per_document=options["annotators_per_document"] or spec.get("annotators_per_document", 1),
            retrain_every=options["retrain_every"] or spec.get("retrain_every", 10),
        )
        names = ", ".join(label.name for label in project.labels.all())
        self.stdout.write(f"created project {project.slug} with labels {names}")
