"""Project templates: settings a new project can start from. One for now, the
conflict-casualty set the demo project uses (its labels and attributes from
`projects.KNOWN_LABELS`, its relation types BY and AT, its guidelines from seeds/guidelines.md)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from django.conf import settings

from annotator.relations import DEFAULT_RELATION_TYPES
from annotator.services.projects import KNOWN_LABELS

CONFLICT_CASUALTY = "conflict-casualty"
GUIDELINES = Path(settings.BASE_DIR) / "seeds" / "guidelines.md"


def conflict_casualty_template() -> dict[str, Any]:
    """The default project's settings: three labels (a casualty count with its value,
    qualifier, status and victims), the guidelines, two annotators a document."""
    return {
        "key": CONFLICT_CASUALTY,
        "name": "Conflict casualties",
        "description": "Casualty counts with value, qualifier, status and victims; perpetrators; locations. "
        "The demo project's label set and guidelines.",
        "labels": [{"name": name, **copy.deepcopy(spec)} for name, spec in KNOWN_LABELS.items()],
        "relation_types": [dict(kind) for kind in DEFAULT_RELATION_TYPES],
        "guidelines": GUIDELINES.read_text(encoding="utf-8"),
        "annotators_per_document": 2,
        "retrain_every": 5,
    }


def project_templates() -> list[dict[str, Any]]:
    return [conflict_casualty_template()]
