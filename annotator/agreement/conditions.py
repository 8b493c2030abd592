"""Annotation with and without the model's suggestions, compared (issue 18: pre-annotation
sways annotators towards the model, and a project that publishes agreement needs to know by
how much). Plain data in, no database.

Each document is one `DocumentFigures`: what its submitted annotations give, under the one
condition it was served in. Four figures per condition, each a ratio of sums over the
documents it stands on (so a document with more annotations or spans weighs more, as in
the micro span F1 everywhere else):
- `agreement`: span F1 (exact) between annotators of the same document, pooled over every
  pair of submitted annotations: 2 x matched / (spans of one + spans of the other);
  documents with at least one pair;
- `gold`: span F1 (exact) of each submitted annotation against the document's gold,
  pooled: 2 x matched / (annotation's spans + gold's spans); documents with a gold;
- `seconds`: active seconds per submitted annotation (idle pauses left out); documents
  with a submitted annotation;
- `accept_rate`: suggestions that ended up in a submitted annotation (as they were or
  edited) / suggestions shown; documents where suggestions were shown (so none under the
  control condition: null there).
Each figure carries `value`, `ci95` (percentile bootstrap over its documents with
`annotator.agreement.bootstrap`'s seeded draw; null under two documents) and `documents`.
`difference` is with-suggestions minus without, its interval from the two groups' draws
taken independently. A figure with nothing to stand on (0/0) is null, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.agreement.bootstrap import percentile_interval, resample_weights
from annotator.agreement.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED

CONDITIONS = ("with_suggestions", "without_suggestions")


@dataclass(frozen=True)
class DocumentFigures:
    """One document's sums (see the module's docstring)."""

    control: bool
    pairs: int = 0
    pair_matched: int = 0
    pair_spans: int = 0
    gold_compared: int = 0
    gold_matched: int = 0
    gold_spans: int = 0
    annotations: int = 0
    seconds: float = 0.0
    accepted: int = 0
    shown: int = 0


# figure -> (whether a document stands on it, numerator, denominator)
_MEASURES: dict[str, tuple[str, Any, Any]] = {
    "agreement": ("pairs", lambda d: 2 * d.pair_matched, lambda d: d.pair_spans),
    "gold": ("gold_compared", lambda d: 2 * d.gold_matched, lambda d: d.gold_spans),
    "seconds": ("annotations", lambda d: d.seconds, lambda d: d.annotations),
    "accept_rate": ("shown", lambda d: d.accepted, lambda d: d.shown),
}


def compare_conditions(
    documents: list[DocumentFigures], *, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """{figure: {"with_suggestions": {value, ci95, documents}, "without_suggestions": {...},
    "difference": {value, ci95}}} for the four figures, plus the documents per condition."""
    groups = {
        "with_suggestions": [d for d in documents if not d.control],
        "without_suggestions": [d for d in documents if d.control],
    }
    result: dict[str, Any] = {"documents": {name: len(group) for name, group in groups.items()}}
    for index, (name, (stands, numerator, denominator)) in enumerate(_MEASURES.items()):
        figures: dict[str, Any] = {}
        draws: dict[str, np.ndarray | None] = {}
        for offset, (condition, group) in enumerate(groups.items()):
            used = [d for d in group if getattr(d, stands) > 0]
            top = np.array([numerator(d) for d in used], dtype=float)
            bottom = np.array([denominator(d) for d in used], dtype=float)
            value = float(top.sum() / bottom.sum()) if bottom.sum() > 0 else None
            # A seed per figure and condition: the same data always give the same interval.
            weights = resample_weights(len(used), resamples=resamples, seed=seed + 2 * index + offset)
            with np.errstate(invalid="ignore", divide="ignore"):
                resampled = (weights @ top) / (weights @ bottom) if used else np.array([])
            draws[condition] = resampled if value is not None and len(used) >= 2 else None
            interval = percentile_interval(resampled, used_documents=len(used)) if value is not None else None
            figures[condition] = {"value": value, "ci95": interval, "documents": len(used)}
        figures["difference"] = _difference(figures, draws)
        result[name] = figures
    return result


def _difference(figures: dict[str, Any], draws: dict[str, np.ndarray | None]) -> dict[str, Any]:
    helped, plain = figures["with_suggestions"], figures["without_suggestions"]
    if helped["value"] is None or plain["value"] is None:
        return {"value": None, "ci95": None}
    first, second = draws["with_suggestions"], draws["without_suggestions"]
    interval = None
    if first is not None and second is not None:
        fewest = min(helped["documents"], plain["documents"])
        interval = percentile_interval(first - second, used_documents=fewest)
    return {"value": helped["value"] - plain["value"], "ci95": interval}
