"""Bootstrap confidence intervals over documents.

Method: the percentile bootstrap with documents as the resampled unit (annotations of one
document are not independent of each other, documents are). Each of `resamples` resamples
draws as many documents as there are, with replacement, from a seeded generator
(`numpy.random.default_rng(seed)`), so the same data give the same interval. Every measure
is computed from per-document sums, so a resample is a weighted sum (the weights are how
often each document was drawn) and 1000 resamples cost a few matrix products. A measure
uses only the documents it stands on (pairs: documents both submitted; Fleiss and alpha_u:
documents everyone submitted), with the weights those documents got in the shared draw.
The interval is the 2.5th and 97.5th percentile of the resamples where the measure is
defined; it is null when the measure stands on fewer than two documents or no resample
defines it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annotator.agreement.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from annotator.agreement.figures import FloatArray, Interval

__all__ = ["CONFIDENCE", "DEFAULT_RESAMPLES", "DEFAULT_SEED", "Bootstrap", "percentile_interval", "resample_weights"]
CONFIDENCE = 0.95


def resample_weights(documents: int, *, resamples: int, seed: int) -> FloatArray:
    """resamples x documents: how often each document is drawn in each resample."""
    if documents == 0 or resamples == 0:
        return np.zeros((resamples, documents))
    rng = np.random.default_rng(seed)
    weights: FloatArray = rng.multinomial(documents, np.full(documents, 1 / documents), size=resamples).astype(float)
    return weights


def percentile_interval(values: FloatArray, *, used_documents: int) -> list[float] | None:
    """The central 95% of the defined resample values, or None."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if used_documents < 2 or len(values) == 0:
        return None
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return [float(low), float(high)]


@dataclass(frozen=True)
class Bootstrap:
    """One draw shared by every measure of a report: `weights` is resamples x documents, how
    often each document was drawn in each resample."""

    weights: FloatArray

    @classmethod
    def draw(cls, documents: int, *, resamples: int, seed: int) -> Bootstrap:
        return cls(resample_weights(documents, resamples=resamples, seed=seed))

    @property
    def resamples(self) -> int:
        return int(self.weights.shape[0])

    def interval(self, values: FloatArray, *, documents: int, value: float | None) -> Interval:
        """The 95% interval (full precision) of a measure's resample `values`; None when the measure
        itself is undefined, nothing was resampled or it stands on fewer than two documents."""
        if value is None or self.resamples == 0:
            return None
        interval = percentile_interval(values, used_documents=documents)
        return [interval[0], interval[1]] if interval else None
