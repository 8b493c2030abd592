from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.management.commands._base import ContractCommand
from annotator.services.backup import restore


class Command(ContractCommand):
    help = "Restore the database and media files from a backup made by `backup` (replaces them)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        restore(source=options["path"])
        self.stdout.write(f"restored from {options['path']}")
