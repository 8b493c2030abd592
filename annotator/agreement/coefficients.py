"""Chance-corrected coefficients on categories: Cohen's kappa, Fleiss' kappa, Krippendorff's
alpha (nominal).

Each comes in two forms. The point estimate the report prints calls the well-kept library
where one exists (scikit-learn's `cohen_kappa_score`, the `krippendorff` package); Fleiss'
kappa, which neither provides, is written here (the tests compare it with statsmodels'
`fleiss_kappa`). The bootstrap needs the same figures thousands of times from summed
per-document statistics, so each coefficient also has a vectorised form over a leading
"resample" axis (`*_from_*`), which the tests hold equal to the library figure.

Every function returns None (or NaN in the vectorised forms) where the coefficient is 0/0:
e.g. kappa when both annotators used one category only, never 0 or 1.
"""

from __future__ import annotations

import warnings
from typing import Any

import krippendorff
import numpy as np
import numpy.typing as npt
from sklearn.metrics import cohen_kappa_score

from annotator.agreement.figures import FloatArray, IntArray, defined

_EPS = 1e-12


# --- Cohen's kappa --------------------------------------------------------------------------


def cohen_kappa(confusion: npt.NDArray[Any]) -> float | None:
    """Cohen's kappa of a two-annotator confusion matrix (rows: the first annotator's
    category, columns: the second's), computed by scikit-learn's `cohen_kappa_score` on the
    matrix's cells weighted by their counts (the same as on the token lists themselves)."""
    rows, cols = np.nonzero(confusion)
    if len(rows) == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns where kappa is undefined; that is None here
        value = cohen_kappa_score(
            rows,
            cols,
            labels=np.arange(confusion.shape[0]),
            sample_weight=confusion[rows, cols].astype(float),
            replace_undefined_by=np.nan,
        )
    return defined(value)


def kappa_from_confusion(confusion: npt.NDArray[Any]) -> FloatArray:
    """Cohen's kappa of confusion matrices stacked on leading axes (..., C, C); NaN where
    undefined."""
    confusion = np.asarray(confusion, dtype=float)
    total = confusion.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = np.trace(confusion, axis1=-2, axis2=-1) / total
        expected = (confusion.sum(axis=-1) * confusion.sum(axis=-2)).sum(axis=-1) / total**2
        kappa = (observed - expected) / (1 - expected)
    return np.where((total > 0) & (1 - expected > _EPS), kappa, np.nan)


# --- Fleiss' kappa --------------------------------------------------------------------------


def fleiss_stats(counts: npt.NDArray[Any]) -> tuple[float, float, FloatArray]:
    """The sums Fleiss' kappa needs from an items x categories count table in which every
    item has the same number of ratings: (items, sum of squared counts, category totals)."""
    counts = np.asarray(counts, dtype=float)
    return float(counts.shape[0]), float((counts**2).sum()), counts.sum(axis=0)


def fleiss_from_stats(
    items: npt.NDArray[Any], squares: npt.NDArray[Any], totals: npt.NDArray[Any], raters: int
) -> FloatArray:
    """Fleiss' kappa (Fleiss 1971) from summed `fleiss_stats`, vectorised over leading axes:
    P-bar = (sum n_ij^2 - N n) / (N n (n - 1)), p_j = total_j / (N n), P_e = sum p_j^2,
    kappa = (P-bar - P_e) / (1 - P_e). NaN where N = 0 or P_e = 1."""
    items = np.asarray(items, dtype=float)
    n = float(raters)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_bar = (squares - items * n) / (items * n * (n - 1))
        shares = totals / (items * n)[..., None]
        p_e = (shares**2).sum(axis=-1)
        kappa = (p_bar - p_e) / (1 - p_e)
    return np.where((items > 0) & (1 - p_e > _EPS), kappa, np.nan)


def fleiss_kappa(counts: npt.NDArray[Any]) -> float | None:
    """Fleiss' kappa of an items x categories table of rating counts (each row sums to the
    number of raters, at least 2). None when undefined."""
    counts = np.asarray(counts)
    if counts.size == 0:
        return None
    raters = int(counts[0].sum())
    if raters < 2 or not (counts.sum(axis=1) == raters).all():
        raise ValueError("Fleiss' kappa needs the same number (>= 2) of ratings for every item")
    items, squares, totals = fleiss_stats(counts)
    return defined(float(fleiss_from_stats(np.array(items), np.array(squares), totals, raters)))


# --- Per label: "has this label / has not" ---------------------------------------------------


def binary_counts(table: IntArray, indicator: IntArray) -> IntArray:
    """items x 2 (has not, has the label) from an items x categories count table; `indicator`
    is 1 for the categories that contain the label."""
    has = table @ indicator
    counts: IntArray = np.stack([table.sum(axis=1) - has, has], axis=1)
    return counts


# --- Krippendorff's alpha (nominal) ---------------------------------------------------------


def coincidences(value_counts: npt.NDArray[Any]) -> FloatArray:
    """Krippendorff's coincidence matrix of units x categories value counts: each unit with
    m >= 2 values adds (n n^T - diag(n)) / (m - 1); units with fewer values are not pairable."""
    value_counts = np.asarray(value_counts, dtype=float)
    m = value_counts.sum(axis=1)
    pairable = value_counts[m >= 2]
    weights = 1.0 / (pairable.sum(axis=1) - 1)
    matrix: FloatArray = (pairable * weights[:, None]).T @ pairable
    matrix -= np.diag((pairable * weights[:, None]).sum(axis=0))
    return matrix


def alpha_from_coincidences(matrix: npt.NDArray[Any]) -> FloatArray:
    """Nominal alpha = 1 - (n - 1) (n - sum_c o_cc) / (n^2 - sum_c n_c^2), vectorised over
    leading axes; NaN where the denominator is 0 (one category only, or nothing pairable)."""
    matrix = np.asarray(matrix, dtype=float)
    n_c = matrix.sum(axis=-1)
    n = n_c.sum(axis=-1)
    disagree = n - np.trace(matrix, axis1=-2, axis2=-1)
    spread = n**2 - (n_c**2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n - 1) * disagree / spread
    return np.where((n > 1) & (spread > _EPS), alpha, np.nan)


def compress_value_counts(value_counts: npt.NDArray[Any]) -> IntArray:
    """The same coincidence matrix from far fewer rows: a unit on which all its m coders gave
    category c adds exactly m to o_cc, which is linear in m, so all such units of one category
    can be one row holding their summed counts. Units with a disagreement stay as they are."""
    value_counts = np.asarray(value_counts)
    m = value_counts.sum(axis=1)
    value_counts = value_counts[m >= 2]
    unanimous = value_counts.max(axis=1) == value_counts.sum(axis=1)
    rest = value_counts[~unanimous]
    merged = value_counts[unanimous].sum(axis=0)
    rows = [np.where(np.arange(len(merged)) == c, merged[c], 0) for c in np.nonzero(merged)[0]]
    return np.vstack([rest, *rows]) if rows else rest


def krippendorff_alpha(value_counts: npt.NDArray[Any]) -> float | None:
    """Krippendorff's alpha (nominal) of a units x categories table of value counts (missing
    values are simply not counted), computed by the `krippendorff` package on the compressed
    table. None where undefined."""
    table = compress_value_counts(value_counts)
    if table.shape[1] < 2 or len(table) == 0:
        return None
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            value = krippendorff.alpha(value_counts=table, level_of_measurement="nominal")
        except ValueError:  # no pairable unit
            return None
    return defined(value)
