from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

from annotator.formats.registry import EXPORT_FORMATS, export_format
from annotator.management.commands._base import ContractCommand, project_for
from annotator.services.exports import export


class Command(ContractCommand):
    help = "Export a project's documents with the spans of one source."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("project")
        parser.add_argument("path", help="The file to write, or - for standard output")
        parser.add_argument("--format", default="jsonl", choices=list(EXPORT_FORMATS), help="See docs/formats.md")
        parser.add_argument(
            "--source", default="gold", help="gold | all | model | annotator:USER | documents (texts only)"
        )
        parser.add_argument(
            "--status", help="With all or annotator:USER: submitted (default), draft, skipped, or a comma list"
        )
        for name in ("submitted-since", "submitted-until", "updated-since", "updated-until"):
            parser.add_argument(f"--{name}", metavar="DATE", help="YYYY-MM-DD or ISO date-time (since inclusive)")
        parser.add_argument("--limit", type=int, help="At most this many records")

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_for(options["project"])
        losses: list[str] = []
        chunks = export(
            project=project,
            source=options["source"],
            fmt=options["format"],
            on_loss=losses.append,
            status=options["status"],
            submitted_since=options["submitted_since"],
            submitted_until=options["submitted_until"],
            updated_since=options["updated_since"],
            updated_until=options["updated_until"],
            limit=options["limit"],
        )
        binary = export_format(options["format"]).binary
        if options["path"] == "-":
            out: IO[Any] = sys.stdout.buffer if binary else sys.stdout
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            self._report_losses(losses)
            return
        target = Path(options["path"])
        partial = target.with_name(f".{target.name}.partial")
        # Write beside the target and rename, so a failed export never leaves half a file.
        count = 0
        try:
            with _open(partial, binary) as sink:
                for chunk in chunks:
                    sink.write(chunk)
                    count += 1
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, target)
        self._report_losses(losses)
        self.stdout.write(f"{project.slug}: wrote {count} chunks ({options['format']}) to {target}")

    def _report_losses(self, losses: list[str]) -> None:
        for loss in losses[:20]:
            self.stderr.write(f"warning: {loss}")
        if len(losses) > 20:
            self.stderr.write(f"warning: ... and {len(losses) - 20} more documents lost spans")


def _open(path: Path, binary: bool) -> IO[Any]:
    # The format decides: bytes for binary ones, UTF-8 text (CSV's own newlines) for the rest.
    return path.open("wb") if binary else path.open("w", encoding="utf-8", newline="")
