"""The order in which `next/` offers an annotator's candidate documents (active learning).

Without a current model: import order. With one: the documents the model is least sure of
first — by `Document.model_uncertainty`, the mean entropy (bits) of the document's ten most
uncertain tokens under the current model, written with its suggestions (see
`annotator.tagger.model`). Entropy of the hardest tokens rather than span scores, because a
span the model missed entirely has no score, yet its tokens are uncertain. Documents not yet
scored follow, in import order.

Every `RANDOM_EVERY`-th place (the 5th, 10th, ...) goes to a document drawn at random from
the rest instead, so a fixed share of what gets annotated (and later held out for
evaluation) is an unbiased sample, not only the model's hard cases.

`next/` does not rank its candidates per request: the order lives in partial indexes over
the open documents (see annotator.services.queue and assignment), and `pick_order` says
which of them serves the caller's next pick: every RANDOM_EVERY-th pick of an annotator
(their 5th, 10th, ... document in the project) is the open document at a random
`Document.queue_key`, which is uniform over the open documents whatever their uncertainty.
`rank_candidates` is the same order over an explicit set of candidates, drawn with a seed
from the set (repeatable, testable): the reference for the queue's order.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from typing import Literal

from annotator import sql
from annotator.models import Project

RANDOM_EVERY = 5

# Asked on every `next/` (plain SQL, see annotator.sql).
_HAS_MODEL_SQL = sql.statement(
    "SELECT 1 FROM annotator_modelversion WHERE project_id = %s AND status IN {current_model} LIMIT 1"
)


PickOrder = Literal["import", "doubt", "random"]


def pick_order(*, project: Project, pick_number: int) -> PickOrder:
    """Which order serves an annotator's `pick_number`-th document of `project` (1: their
    first): import order without a current model; with one, the least certain first, and
    every RANDOM_EVERY-th pick at random. One indexed read."""
    if sql.first_row(_HAS_MODEL_SQL, [project.pk]) is None:
        return "import"
    return "random" if pick_number % RANDOM_EVERY == 0 else "doubt"


def rank_candidates(*, project: Project, candidates: Mapping[int, float | None], limit: int | None = None) -> list[int]:
    """The `limit` first (default: all) of `candidates` — documents the caller may be given,
    each with the current model's uncertainty about it (None: not scored) — in the order to
    offer them. Linear in the candidates, so a project of 100,000 documents is no slower
    per request than it must be."""
    ordered = sorted(candidates)
    count = len(ordered) if limit is None else min(limit, len(ordered))
    if not ordered or sql.first_row(_HAS_MODEL_SQL, [project.pk]) is None:
        return ordered[:count]
    by_doubt = sorted(ordered, key=lambda pk: (candidates[pk] is None, -(candidates[pk] or 0.0), pk))
    rng = random.Random(hashlib.sha256(",".join(map(str, ordered)).encode()).digest())
    taken: set[int] = set()
    head = 0  # every place before it is taken
    result: list[int] = []
    while len(result) < count:
        while head in taken:
            head += 1
        index = head
        if (len(result) + 1) % RANDOM_EVERY == 0:  # a draw from all that is left
            index = rng.randrange(head, len(by_doubt))
            while index in taken:
                index = rng.randrange(head, len(by_doubt))
        taken.add(index)
        result.append(by_doubt[index])
    return result
