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

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

Segment = tuple[int, int]  # start, end (exclusive)


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
    """The sums alpha_u needs for one label, over documents that can be added together."""

    observed: float = 0.0  # sum over ordered coder pairs of the section differences
    length: int = 0
    units: list[int] = field(default_factory=list)  # lengths of every coder's units
    gaps: list[int] = field(default_factory=list)  # lengths of every coder's gaps

    def add_document(self, units_by_coder: Sequence[Sequence[Segment]], length: int) -> None:
        coders = [sorted(units) for units in units_by_coder]
        for i in range(len(coders)):
            for j in range(i + 1, len(coders)):
                self.observed += 2 * pair_difference(coders[i], coders[j])
            self.units.extend(end - start for start, end in coders[i])
            self.gaps.extend(gaps_of(coders[i], length))
        self.length += length


def cross_term(units: np.ndarray, gaps: np.ndarray) -> float:
    """sum over units u of l_u^2 * sum over gaps g with l_g >= l_u of (l_g - l_u + 1)."""
    if len(units) == 0 or len(gaps) == 0:
        return 0.0
    gaps = np.sort(np.asarray(gaps, dtype=float))
    suffix = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
    units = np.asarray(units, dtype=float)
    index = np.searchsorted(gaps, units, side="left")
    count = len(gaps) - index
    return float((units**2 * (suffix[index] - (units - 1) * count)).sum())


def disagreements(
    *, observed: float, length: float, coders: int, units: float, unit_ll1: float, unit_cubic: float, cross: float
) -> tuple[float, float]:
    """(D_o, D_e) from the sums: `units` is N_c, `unit_ll1` the sum of l (l - 1), `unit_cubic`
    the sum of 2 l^3 - 3 l^2 + l, `cross` the `cross_term`. Works on arrays too."""
    m = coders
    with np.errstate(divide="ignore", invalid="ignore"):
        d_o = observed / (m * (m - 1) * np.asarray(length, dtype=float) ** 2)
        numerator = (units - 1) / 3 * unit_cubic + cross
        d_e = (2 / np.asarray(length, dtype=float)) * numerator / (m * length * (m * length - 1) - unit_ll1)
    return d_o, d_e


def label_disagreements(continuum: LabelContinuum, coders: int) -> tuple[float, float]:
    units = np.asarray(continuum.units, dtype=float)
    if continuum.length == 0:
        return 0.0, 0.0
    return disagreements(
        observed=continuum.observed,
        length=continuum.length,
        coders=coders,
        units=len(units),
        unit_ll1=float((units * (units - 1)).sum()),
        unit_cubic=float((2 * units**3 - 3 * units**2 + units).sum()),
        cross=cross_term(units, np.asarray(continuum.gaps)),
    )


def alpha_from(d_o: float, d_e: float) -> float | None:
    """1 - D_o / D_e, None when D_e is 0."""
    if not d_e or not np.isfinite(d_e):
        return None
    return float(1 - d_o / d_e)


def unitizing_alpha(
    by_label: dict[str, Sequence[tuple[int, Sequence[Sequence[Segment]]]]], *, coders: int
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
        per_label[label] = {"value": alpha_from(d_o, d_e), "observed": float(d_o), "expected": float(d_e)}
        total_o += float(d_o)
        total_e += float(d_e)
    return {"value": alpha_from(total_o, total_e), "per_label": per_label}
