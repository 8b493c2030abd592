"""Training the project's tagger. Stub until issue 4 lands: the seam the other services call."""

from __future__ import annotations

from annotator.models import Job, Project


def maybe_start_training(*, project: Project) -> Job | None:
    """Called (on commit) after a document is submitted or adjudicated: starts a training
    once `project.retrain_every` new documents have come in. Stub: never trains yet."""
    del project
    return None
