from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.formats.registry import iter_path
from annotator.management.commands._base import ContractCommand, project_for
from annotator.services.imports import import_documents


class Command(ContractCommand):
    help = "Import documents (and annotators' or gold annotations of them): all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("project")
        parser.add_argument("path", type=Path, help="A file, or a folder of .txt files")
        parser.add_argument(
            "--format",
            choices=["jsonl", "doccano", "txt", "csv", "conll", "conll-meta", "labelstudio", "spacy"],
            help="Default: from the file's extension (see docs/formats.md); txt reads a file, a folder or a zip",
        )
        who = parser.add_mutually_exclusive_group()
        who.add_argument("--as-annotator", metavar="USER", help="Each line is USER's submitted annotation")
        who.add_argument("--as-gold", action="store_true", help="Each line is the document's gold annotation")

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_for(options["project"])
        records = iter_path(options["path"], options["format"])
        # Whoever runs the server may bring in annotators from elsewhere: missing users are
        # created (no usable password) and join the project. The API never does this.
        report = import_documents(
            project=project,
            records=records,
            as_annotator=options["as_annotator"],
            as_gold=options["as_gold"],
            create_annotators=True,
        )
        for skipped in report.skipped[:20]:
            self.stdout.write(f"skipped {skipped}")
        if report.skipped_count > 20:
            self.stdout.write(f"... and {report.skipped_count - 20} more skipped")
        self.stdout.write(f"{project.slug}: {report.summary()}")
