from __future__ import annotations

from typing import Any

from annotator.management.commands._base import ContractCommand
from annotator.services.deletion import purge_deleted


class Command(ContractCommand):
    help = "Remove for good the projects and documents deleted longer ago than the undo window."

    def handle(self, *args: Any, **options: Any) -> None:
        gone = purge_deleted()
        self.stdout.write(f"purged projects {gone['projects'] or 'none'}; {gone['documents_rows']} document rows")
