"""alpha_u against Krippendorff's published worked examples and a brute-force D_o."""

from __future__ import annotations

import random

import pytest

from annotator.agreement.unitizing import LabelContinuum, label_disagreements, unitizing_alpha


def krippendorff_2004() -> dict[str, list[tuple[int, list[list[tuple[int, int]]]]]]:
    """Content Analysis (2004), p. 254: two coders, continuum 150..450, categories c and k.
    Units are given as (begin, length) in the book; here as offsets from 150."""

    def unit(begin: int, length: int) -> tuple[int, int]:
        return (begin - 150, begin - 150 + length)

    c = [[unit(225, 70), unit(370, 30)], [unit(220, 80), unit(355, 20), unit(400, 20)]]
    k = [[unit(180, 60), unit(300, 50)], [unit(180, 60), unit(300, 50)]]
    return {"c": [(300, c)], "k": [(300, k)]}


def test_krippendorff_2004_worked_example() -> None:
    result = unitizing_alpha(krippendorff_2004(), coders=2)
    c, k = result["per_label"]["c"], result["per_label"]["k"]
    assert c["observed"] == pytest.approx(0.0144, abs=1e-4)
    assert c["expected"] == pytest.approx(0.0532, abs=1e-4)
    assert c["value"] == pytest.approx(0.7286, abs=1e-4)
    assert k["observed"] == 0 and k["expected"] == pytest.approx(0.0490, abs=1e-4) and k["value"] == 1.0
    # The overall figure pools the disagreements (1 - sum D_o / sum D_e): 0.859 in the book.
    assert result["value"] == pytest.approx(0.859, abs=1e-3)
    assert result["value"] != pytest.approx((c["value"] + k["value"]) / 2, abs=1e-3)


def krippendorff_1995(stretch: int) -> dict[str, list[tuple[int, list[list[tuple[int, int]]]]]]:
    """Sociological Methodology 25 (1995), p. 57: four pairs of coders on a 24-unit continuum
    (given as (begin, length)); stretched so that D_e approaches the continuous form."""
    data = {
        "A": [[(2, 8), (14, 6)], [(4, 4), (15, 2)]],
        "B": [[(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]],
        "C": [[(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]],
        "D": [[(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)], [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]],
    }
    return {
        label: [(24 * stretch, [[(b * stretch, (b + n) * stretch) for b, n in coder] for coder in coders])]
        for label, coders in data.items()
    }


def test_krippendorff_1995_observed_disagreements_are_exact() -> None:
    per_label = unitizing_alpha(krippendorff_1995(1), coders=2)["per_label"]
    observed = {label: figure["observed"] for label, figure in per_label.items()}
    assert observed == pytest.approx({"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}, abs=1e-5)


def test_krippendorff_1995_alphas_on_a_fine_continuum() -> None:
    # The paper's D_e (and so alpha) is for a continuous scale; a fine grid approaches it. Its
    # published D_e for C carries a small arithmetic slip (also noted by DKPro Statistics,
    # whose tests use the same tolerances), hence the tolerance of 0.02 on alpha.
    per_label = unitizing_alpha(krippendorff_1995(50_000), coders=2)["per_label"]
    expected = {"A": (0.06990, 0.553), "B": (1.17731, -0.926), "C": (0.08642, 0.679), "D": (0.41445, 0.066)}
    for label, (d_e, alpha) in expected.items():
        assert per_label[label]["expected"] == pytest.approx(d_e, abs=5e-3)
        assert per_label[label]["value"] == pytest.approx(alpha, abs=0.02)


def brute_force_observed(coders: list[list[tuple[int, int]]], length: int) -> float:
    """D_o straight from the definition: every pair of sections of every ordered pair of coders."""

    def sections(units: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
        out, position = [], 0
        for start, end in sorted(units):
            if start > position:
                out.append((position, start, False))
            out.append((start, end, True))
            position = end
        if position < length:
            out.append((position, length, False))
        return out

    total = 0.0
    for i, first in enumerate(coders):
        for j, second in enumerate(coders):
            if i == j:
                continue
            for bg, eg, unit_g in sections(first):
                for bh, eh, unit_h in sections(second):
                    if unit_g and unit_h and bg < eh and bh < eg:
                        total += (bg - bh) ** 2 + (eg - eh) ** 2
                    elif unit_g and not unit_h and bh <= bg and eg <= eh:
                        total += (eg - bg) ** 2
                    elif not unit_g and unit_h and bg <= bh and eh <= eg:
                        total += (eh - bh) ** 2
    m = len(coders)
    return total / (m * (m - 1) * length**2)


def random_units(rng: random.Random, length: int) -> list[tuple[int, int]]:
    units, position = [], 0
    while position < length - 1:
        start = position + rng.randrange(0, 6)
        end = start + rng.randrange(1, 6)
        if end > length:
            break
        units.append((start, end))
        position = end
    return units


@pytest.mark.parametrize("seed", range(30))
def test_observed_disagreement_equals_the_brute_force_definition(seed: int) -> None:
    rng = random.Random(seed)
    length = rng.randrange(10, 40)
    coders = [random_units(rng, length) for _ in range(rng.randrange(2, 5))]
    continuum = LabelContinuum()
    continuum.add_document(coders, length)
    d_o, _ = label_disagreements(continuum, len(coders))
    assert d_o == pytest.approx(brute_force_observed(coders, length))


def test_identical_coders_give_one_and_nobody_marking_anything_is_undefined() -> None:
    same = [[(2, 5), (9, 12)], [(2, 5), (9, 12)], [(2, 5), (9, 12)]]
    assert unitizing_alpha({"X": [(20, same)]}, coders=3)["value"] == 1.0
    assert unitizing_alpha({"X": [(20, [[], []])]}, coders=2)["value"] is None


def test_documents_are_laid_end_to_end_with_gaps_cut_at_their_borders() -> None:
    # Two documents: the pooled observed disagreement is the sum over documents over the total length squared.
    first = [[(0, 3)], [(1, 3)]]
    second = [[(5, 8)], []]
    pooled = LabelContinuum()
    pooled.add_document(first, 10)
    pooled.add_document(second, 10)
    d_o, _ = label_disagreements(pooled, 2)
    expected = (brute_force_observed(first, 10) * 100 + brute_force_observed(second, 10) * 100) / 400
    assert d_o == pytest.approx(expected)
    assert sorted(pooled.gaps) == sorted([7, 1, 7, 5, 2, 10])
