"""The order in which `next/` offers an annotator's candidate documents (active learning).

Without a current model: import order. With one: the documents the model is least sure of
first — by `Document.model_uncertainty`, the mean entropy (bits) of the document's ten most
uncertain tokens under the current model, written with its suggestions (see
`annotator.tagger.model`). Entropy of the hardest tokens rather than span scores, because a
span the model missed entirely has no score, yet its tokens are uncertain. Documents not yet
scored follow, in import order.

Every `RANDOM_EVERY`-th place (the 5th, 10th, ...) goes to a document drawn at random from
the rest instead, so a fixed share of what gets annotated (and later held out for
evaluation) is an unbiased sample, not only the model's hard cases. The draw is seeded by
the candidate set, so the same state gives the same order (repeatable, testable) while any
submission changes it.
"""

from __future__ import annotations

import hashlib
import random

from annotator import sql
from annotator.models import Document, ModelVersion, Project

RANDOM_EVERY = 5

# Asked on every `next/` (plain SQL, see annotator.sql).
_HAS_MODEL_SQL = "SELECT 1 FROM annotator_modelversion WHERE project_id = %s AND status = %s LIMIT 1"


def rank_candidates(*, project: Project, candidate_ids: list[int]) -> list[int]:
    """`candidate_ids` (documents the caller may be given) in the order to offer them."""
    ordered = sorted(candidate_ids)
    if not ordered or sql.first_row(_HAS_MODEL_SQL, [project.pk, ModelVersion.Status.CURRENT.value]) is None:
        return ordered
    scores = dict(
        Document.objects.filter(pk__in=ordered, model_uncertainty__isnull=False).values_list("pk", "model_uncertainty")
    )
    by_doubt = sorted(ordered, key=lambda pk: (pk not in scores, -scores.get(pk, 0.0), pk))
    seed = hashlib.sha256(",".join(map(str, ordered)).encode()).digest()
    rng = random.Random(seed)
    remaining = list(by_doubt)
    result: list[int] = []
    while remaining:
        if (len(result) + 1) % RANDOM_EVERY == 0:
            result.append(remaining.pop(rng.randrange(len(remaining))))
        else:
            result.append(remaining.pop(0))
    return result
