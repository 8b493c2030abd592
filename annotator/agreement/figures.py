"""What every figure of the report shares: how pair values are averaged, what "undefined"
is, and the JSON shapes (docs/agreement.md describes them). Figures are full-precision
floats (the contract): rounding is for display only (the web page, the command's table)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TypedDict

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

Interval = list[float] | None  # [low, high] of the 95% bootstrap interval


class LabelValue(TypedDict):
    value: float | None
    items: int


class PairValue(TypedDict):
    value: float | None
    items: int
    documents: int


class SpanF1PairValue(TypedDict):
    value: float | None
    macro: float | None
    items: int
    documents: int


class Figure(TypedDict):
    """Fleiss' kappa and Krippendorff's alpha."""

    value: float | None
    items: int
    documents: int
    ci95: Interval
    per_label: dict[str, LabelValue]


class CohenFigure(Figure):
    per_pair: dict[str, PairValue]


class SpanF1Figure(TypedDict):
    value: float | None
    macro: float | None
    items: int
    documents: int
    ci95: Interval
    per_label: dict[str, LabelValue]
    per_pair: dict[str, SpanF1PairValue]


class UnitizingLabelValue(TypedDict):
    value: float | None
    items: int
    observed: float | None
    expected: float | None


class AlphaUFigure(TypedDict):
    value: float | None
    items: int
    documents: int
    ci95: Interval
    per_label: dict[str, UnitizingLabelValue]


def defined(value: float | np.floating | FloatArray | None) -> float | None:
    """The value as a float, or None where it is undefined (0/0 comes out as NaN or inf)."""
    if value is None:
        return None
    number = float(value)
    return number if np.isfinite(number) else None


def mean(values: Sequence[float | None]) -> float | None:
    """The unweighted mean of the defined values (the pairwise measures' summary)."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def nanmean_rows(values: FloatArray) -> FloatArray:
    """Mean over the last axis ignoring NaN; NaN where all are NaN."""
    if not values.shape[-1]:
        return np.full(values.shape[:-1], np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result: FloatArray = np.nanmean(values, axis=-1)
    return result
