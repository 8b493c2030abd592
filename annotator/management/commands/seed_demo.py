from __future__ import annotations

from typing import Any

from annotator.management.commands._base import ContractCommand
from annotator.services.demo import DEMO_ACCOUNTS, seed_demo


class Command(ContractCommand):
    help = "Build the demo project 'aleppo' from seeds/ with demo accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo()
        state = "created" if result.created else "already there"
        self.stdout.write(
            f"demo project {result.project.slug} {state}: {result.project.documents.count()} documents "
            f"({result.report.created} new)"
        )
        self.stdout.write("demo logins (local demo only):")
        for username, password, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<10} {password:<20} {role}")
