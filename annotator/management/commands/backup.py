from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from annotator.management.commands._base import ContractCommand
from annotator.services.backup import backup


class Command(ContractCommand):
    help = "Back up the database and media files into one .tar.gz."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="default: var/backups/annotator-<time>.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        target = options["path"]
        if target is None:
            folder = Path(settings.VAR_DIR) / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"annotator-{time.strftime('%Y%m%d-%H%M%S')}.tar.gz"
        self.stdout.write(f"backup written to {backup(target=target)}")
