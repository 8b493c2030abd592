"""Krippendorff's unitizing alpha (alpha_u) on characters, written by hand (no maintained
Python package provides it).

Definitions (Krippendorff 1995, "On the reliability of unitizing continuous data",
Sociological Methodology 25; 2004, Content Analysis, 2nd ed., pp. 251-256). For one label c,
each of the m coders divides a continuum of length L into sections: the units (spans of c)
and the gaps between them. Two sections g (coder i) and h (coder j) differ by

- (b_g - b_h)^2 + (e_g - e_h)^2 when both are units that share a character;
- l_g^2 when g is a unit lying inside the gap h (and l_h^2 the other way round);
- 0 otherwise (two gaps; a unit and a gap that only partly cover each other).

  D_o(c) = sum over ordered coder pairs i != j and their sections of the differences / (m (m - 1) L^2)
  D_e(c) = (2 / L) * sum over units u of [ (N_c - 1) / 3 * (2 l^3 - 3 l^2 + l)
                                           + l^2 * sum over gaps g with l_g >= l of (l_g - l + 1) ]
           / [ m L (m L - 1) - sum over units of l (l - 1) ]
  alpha_u(c) = 1 - D_o(c) / D_e(c);  overall alpha_u = 1 - sum_c D_o(c) / sum_c D_e(c)

where N_c is the number of units of c all coders marked and the gaps are every coder's.
Overall is not the mean of the per-label values. Both are None when D_e = 0 (nobody marked
anything: 0/0).

Several documents are laid end to end as one continuum (L is their total length) whose
sections are cut at document borders: a unit never crosses one, and a gap ends at one. For a
single document this is exactly the published measure. The measure has no form for missing
data, so it is computed on documents every coder submitted.

The tests reproduce the worked examples of Krippendorff (2004, p. 254) and (1995, p. 57).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Segment = tuple[int, int]  # start, end (exclusive)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Numbers = float | FloatArray  # a sum, or one per resample


def gaps_of(units: Sequence[Segment], length: int) -> list[int]:
    """The lengths of the gaps a coder's (sorted, non-overlapping) units leave in [0, length)."""
    gaps: list[int] = []
    position = 0
    for start, end in units:
        if start > position:
            gaps.append(start - position)
        position = max(position, end)
    if length > position:
        gaps.append(length - position)
    return gaps


def pair_difference(first: Sequence[Segment], second: Sequence[Segment]) -> int:
    """The sum of the section differences between two coders' units of one label (one order
    of the pair; the other order gives the same sum)."""
    total = 0
    hit_second = [False] * len(second)
    j0 = 0
    for start, end in first:
        hit = False
        while j0 < len(second) and second[j0][1] <= start:
            j0 += 1
        j = j0
        while j < len(second) and second[j][0] < end:
            other_start, other_end = second[j]
            total += (start - other_start) ** 2 + (end - other_end) ** 2
            hit = True
            hit_second[j] = True
            j += 1
        if not hit:  # the unit lies inside one of the other coder's gaps
            total += (end - start) ** 2
    total += sum((e - s) ** 2 for (s, e), hit in zip(second, hit_second, strict=True) if not hit)
    return total


@dataclass
class LabelContinuum:
    """The sums alpha_u needs for one label, kept per document: the point estimate adds them
    up, the bootstrap weighs them by how often each document was drawn."""

    observed: list[float] = field(default_factory=list)  # per document: sum over ordered coder pairs
    lengths: list[int] = field(default_factory=list)  # per document
    units: list[int] = field(default_factory=list)  # lengths of every coder's units
    unit_document: list[int] = field(default_factory=list)  # the document of each unit
    gaps: list[int] = field(default_factory=list)  # lengths of every coder's gaps
    gap_document: list[int] = field(default_factory=list)

    def add_document(self, units_by_coder: Sequence[Sequence[Segment]], length: int) -> None:
        document = len(self.lengths)
        coders = [sorted(units) for units in units_by_coder]
        observed = 0.0
        for i in range(len(coders)):
            for j in range(i + 1, len(coders)):
                observed += 2 * pair_difference(coders[i], coders[j])
            gaps = gaps_of(coders[i], length)
            self.units.extend(end - start for start, end in coders[i])
            self.unit_document.extend([document] * len(coders[i]))
            self.gaps.extend(gaps)
            self.gap_document.extend([document] * len(gaps))
        self.observed.append(observed)
        self.lengths.append(length)

    def document_sums(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """Per document: (observed, length, N_c, sum of l (l - 1), sum of 2 l^3 - 3 l^2 + l)."""
        documents = len(self.lengths)
        units = np.asarray(self.units, dtype=float)
        unit_document = np.asarray(self.unit_document, dtype=np.int64)
        return (
            np.asarray(self.observed, dtype=float),
            np.asarray(self.lengths, dtype=float),
            np.bincount(unit_document, minlength=documents).astype(np.float64),
            np.bincount(unit_document, weights=units * (units - 1), minlength=documents).astype(np.float64),
            np.bincount(unit_document, weights=2 * units**3 - 3 * units**2 + units, minlength=documents).astype(
                np.float64
            ),
        )


def cross_term(units: FloatArray, gaps: FloatArray) -> float:
    """sum over units u of l_u^2 * sum over gaps g with l_g >= l_u of (l_g - l_u + 1)."""
    if len(units) == 0 or len(gaps) == 0:
        return 0.0
    gaps = np.sort(np.asarray(gaps, dtype=float))
    suffix = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
    units = np.asarray(units, dtype=float)
    index = np.searchsorted(gaps, units, side="left")
    count = len(gaps) - index
    return float((units**2 * (suffix[index] - (units - 1) * count)).sum())


def resampled_cross_term(
    weights: FloatArray, units: FloatArray, unit_document: IntArray, gaps: FloatArray, gap_document: IntArray
) -> FloatArray:
    """`cross_term` for every resample (weights: resamples x documents). With the k-th
    distinct unit length l_k, X[b,k] = weighted sum of l_k^2 over units of that length and
    Y[b,k] = weighted sum over gaps g of max(0, g - l_k + 1); the term is sum_k X[b,k] Y[b,k]."""
    if len(units) == 0 or len(gaps) == 0:
        return np.zeros(len(weights))
    documents = weights.shape[1]
    distinct, inverse = np.unique(units, return_inverse=True)
    u2 = np.zeros((documents, len(distinct)))
    np.add.at(u2, (unit_document, inverse), units**2)
    g = np.zeros((documents, len(distinct)))
    np.add.at(g, gap_document, np.maximum(gaps[:, None] - distinct[None, :] + 1, 0))
    cross: FloatArray = ((weights @ u2) * (weights @ g)).sum(axis=1)
    return cross


def disagreements(
    *,
    observed: Numbers,
    length: Numbers,
    coders: int,
    units: Numbers,
    unit_ll1: Numbers,
    unit_cubic: Numbers,
    cross: Numbers,
) -> tuple[FloatArray, FloatArray]:
    """(D_o, D_e) from the sums: `units` is N_c, `unit_ll1` the sum of l (l - 1), `unit_cubic`
    the sum of 2 l^3 - 3 l^2 + l, `cross` the `cross_term`. Elementwise over arrays (the
    bootstrap's resamples); NaN where the length is 0."""
    m = coders
    total = np.asarray(length, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_o = np.asarray(observed / (m * (m - 1) * total**2), dtype=float)
        numerator = (np.asarray(units, dtype=float) - 1) / 3 * unit_cubic + cross
        d_e = np.asarray((2 / total) * numerator / (m * total * (m * total - 1) - unit_ll1), dtype=float)
    return d_o, d_e


def label_disagreements(continuum: LabelContinuum, coders: int) -> tuple[float, float]:
    """(D_o, D_e) of one label over the continuum's documents laid end to end; (0, 0) when it
    holds no document."""
    if not continuum.lengths:
        return 0.0, 0.0
    units = np.asarray(continuum.units, dtype=float)
    d_o, d_e = disagreements(
        observed=float(sum(continuum.observed)),
        length=float(sum(continuum.lengths)),
        coders=coders,
        units=float(len(units)),
        unit_ll1=float((units * (units - 1)).sum()),
        unit_cubic=float((2 * units**3 - 3 * units**2 + units).sum()),
        cross=cross_term(units, np.asarray(continuum.gaps, dtype=float)),
    )
    return float(d_o), float(d_e)


def resampled_disagreements(
    continuum: LabelContinuum, coders: int, weights: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(D_o, D_e) of one label for every resample; `weights` is resamples x the continuum's
    documents (how often each was drawn)."""
    observed, lengths, units, ll1, cubic = continuum.document_sums()
    cross = resampled_cross_term(
        weights,
        np.asarray(continuum.units, dtype=float),
        np.asarray(continuum.unit_document, dtype=np.int64),
        np.asarray(continuum.gaps, dtype=float),
        np.asarray(continuum.gap_document, dtype=np.int64),
    )
    return disagreements(
        observed=weights @ observed,
        length=weights @ lengths,
        coders=coders,
        units=weights @ units,
        unit_ll1=weights @ ll1,
        unit_cubic=weights @ cubic,
        cross=cross,
    )


def alpha_from(d_o: float, d_e: float) -> float | None:
    """1 - D_o / D_e, None when D_e is 0 or not finite."""
    if not d_e or not np.isfinite(d_e):
        return None
    return float(1 - d_o / d_e)


def unitizing_alpha(
    by_label: Mapping[str, Sequence[tuple[int, Sequence[Sequence[Segment]]]]], *, coders: int
) -> dict[str, object]:
    """alpha_u per label and overall. `by_label` maps a label to its documents, each as
    (document length, one list of (start, end) units per coder). Returns {"value", "per_label":
    {label: {"value", "observed", "expected"}}}."""
    per_label: dict[str, dict[str, float | None]] = {}
    total_o = total_e = 0.0
    for label, documents in by_label.items():
        continuum = LabelContinuum()
        for length, units_by_coder in documents:
            continuum.add_document(units_by_coder, length)
        d_o, d_e = label_disagreements(continuum, coders)
        per_label[label] = {"value": alpha_from(d_o, d_e), "observed": d_o, "expected": d_e}
        total_o += d_o
        total_e += d_e
    return {"value": alpha_from(total_o, total_e), "per_label": per_label}
