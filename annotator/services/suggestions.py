"""The current model's suggestions. Stub until issue 4 lands: the seam `next/` calls."""

from __future__ import annotations

from annotator.models import Document, ModelVersion, Suggestion


def current_suggestions_for(*, document: Document) -> tuple[ModelVersion | None, list[Suggestion]]:
    """The project's current model version and its suggestions for `document` (none yet)."""
    current = ModelVersion.objects.filter(project_id=document.project_id, status=ModelVersion.Status.CURRENT).first()
    if current is None:
        return None, []
    return current, list(Suggestion.objects.filter(document=document, model_version=current))
