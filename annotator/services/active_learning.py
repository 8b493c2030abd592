"""The order in which `next/` offers an annotator's candidate documents.

Stub until the tagger lands (issue 4): documents in import order. The tagger's version
serves the documents the current model is least sure of first, with a fixed share of
random ones.
"""

from __future__ import annotations

from annotator.models import Project


def rank_candidates(*, project: Project, candidate_ids: list[int]) -> list[int]:
    """`candidate_ids` (documents the caller may be given) in the order to offer them."""
    del project
    return sorted(candidate_ids)
