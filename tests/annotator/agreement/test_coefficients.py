"""The hand-written coefficients against independent implementations."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from annotator.agreement.coefficients import (
    alpha_from_coincidences,
    cohen_kappa,
    coincidences,
    compress_value_counts,
    fleiss_kappa,
    kappa_from_confusion,
    krippendorff_alpha,
)


def random_counts(rng: np.random.Generator, items: int, categories: int, raters: int) -> np.ndarray:
    table = np.zeros((items, categories), dtype=int)
    for _ in range(raters):
        table[np.arange(items), rng.integers(0, categories, items)] += 1
    return table


@pytest.mark.parametrize("seed", range(20))
def test_fleiss_kappa_equals_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = random_counts(rng, int(rng.integers(5, 60)), int(rng.integers(2, 6)), int(rng.integers(2, 6)))
    assert fleiss_kappa(table) == pytest.approx(statsmodels_fleiss(table, method="fleiss"))


def test_fleiss_kappa_of_fleiss_1971_worked_example() -> None:
    # Fleiss (1971), as reproduced on Wikipedia's "Fleiss' kappa" page: 10 subjects, 14 raters, kappa 0.210.
    table = np.array(
        [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ]
    )
    assert fleiss_kappa(table) == pytest.approx(0.2099, abs=1e-4)


def test_fleiss_kappa_of_one_category_only_is_undefined() -> None:
    assert fleiss_kappa(np.array([[3, 0], [3, 0]])) is None


def test_fleiss_kappa_of_complete_disagreement_between_two_raters_is_minus_one() -> None:
    assert fleiss_kappa(np.array([[1, 1]] * 10)) == pytest.approx(-1.0)


@pytest.mark.parametrize("seed", range(10))
def test_cohen_kappa_from_a_confusion_matrix_equals_sklearn_on_the_raw_labels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    first = rng.integers(0, 4, 200)
    second = np.where(rng.random(200) < 0.6, first, rng.integers(0, 4, 200))
    confusion = np.zeros((4, 4))
    np.add.at(confusion, (first, second), 1)
    expected = cohen_kappa_score(first, second)
    assert cohen_kappa(confusion) == pytest.approx(expected)
    assert float(kappa_from_confusion(confusion)) == pytest.approx(expected)


def test_cohen_kappa_of_one_category_only_is_undefined() -> None:
    assert cohen_kappa(np.array([[5.0, 0.0], [0.0, 0.0]])) is None
    assert np.isnan(kappa_from_confusion(np.array([[5.0, 0.0], [0.0, 0.0]])))


@pytest.mark.parametrize("seed", range(10))
def test_krippendorff_alpha_with_missing_values_equals_the_package_on_reliability_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 3, (4, 80)).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    table = np.stack([(data == v).sum(axis=0) for v in range(3)], axis=1)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=[0, 1, 2])
    assert krippendorff_alpha(table) == pytest.approx(expected)
    assert float(alpha_from_coincidences(coincidences(table))) == pytest.approx(expected)


def test_krippendorff_alpha_of_the_wikipedia_example() -> None:
    # The computational example of Wikipedia's "Krippendorff's alpha" (Krippendorff 2011): 0.691 nominal.
    nan = np.nan
    data = [
        [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
        [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
        [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
    ]
    array = np.array(data)
    table = np.stack([(array == v).sum(axis=0) for v in (1, 2, 3, 4)], axis=1)
    assert krippendorff_alpha(table) == pytest.approx(0.691, abs=5e-4)


def test_compressing_unanimous_units_keeps_the_coincidence_matrix() -> None:
    rng = np.random.default_rng(3)
    table = random_counts(rng, 300, 3, 3)
    table[:200] = [3, 0, 0]
    compressed = compress_value_counts(table)
    assert len(compressed) < len(table)
    assert np.allclose(coincidences(compressed), coincidences(table))


def test_krippendorff_alpha_minimum_for_complete_disagreement_is_minus_one_plus_one_over_n() -> None:
    units = 10
    table = np.array([[1, 1]] * units)
    assert krippendorff_alpha(table) == pytest.approx(-1 + 1 / units)
