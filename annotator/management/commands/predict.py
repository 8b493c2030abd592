from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from annotator.formats.jsonl import write_jsonl
from annotator.formats.registry import read_path
from annotator.management.commands._base import ContractCommand, project_for
from annotator.services.predictor import predict_records


class Command(ContractCommand):
    help = (
        "Label each text of IN.jsonl with the project's current model; "
        'OUT.jsonl gets spans with scores and "annotator": "model".'
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("project")
        parser.add_argument("input", type=Path, help="Span JSONL (only id, text and meta are read)")
        parser.add_argument("output", type=Path, help="Span JSONL to write")

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_for(options["project"])
        records = read_path(options["input"], "jsonl")
        predicted = predict_records(project=project, records=records)
        target: Path = options["output"]
        partial = target.with_name(f".{target.name}.partial")
        count = spans = 0
        # Write beside the target and rename, so a failure never leaves half a file.
        with partial.open("w", encoding="utf-8") as out:
            for record in predicted:
                count += 1
                spans += len(record.spans or [])
                for chunk in write_jsonl([record]):
                    out.write(chunk)
        os.replace(partial, target)
        self.stdout.write(f"{project.slug}: labelled {count} texts ({spans} spans) into {target}")
