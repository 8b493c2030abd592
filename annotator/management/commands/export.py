from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from annotator.management.commands._base import ContractCommand, project_for
from annotator.services.exports import export


class Command(ContractCommand):
    help = "Export a project's documents with the spans of one source."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("project")
        parser.add_argument("path", help="The file to write, or - for standard output")
        parser.add_argument("--format", default="jsonl")
        parser.add_argument(
            "--source", default="gold", help="gold | all | model | annotator:USER | documents (texts only)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_for(options["project"])
        chunks = export(project=project, source=options["source"], fmt=options["format"])
        if options["path"] == "-":
            for chunk in chunks:
                sys.stdout.write(chunk)
            return
        target = Path(options["path"])
        partial = target.with_name(f".{target.name}.partial")
        # Write beside the target and rename, so a failed export never leaves half a file.
        count = 0
        with partial.open("w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
                count += 1
        os.replace(partial, target)
        self.stdout.write(f"{project.slug}: wrote {count} records to {target}")
