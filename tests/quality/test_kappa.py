"""QA_4: chance-corrected agreement against published examples and the `krippendorff`
reference implementation."""
from __future__ import annotations

import math
import random

import krippendorff
import pytest

from webapp.quality.kappa import cohen_kappa, fleiss_kappa, krippendorff_alpha_nominal

# Fleiss (1971) as worked on Wikipedia ("Fleiss' kappa"): 10 subjects, 14 raters, 5
# categories; P̄ = 0.378, P_e = 0.213, κ = 0.210.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def _units(table):
    return [[c for c, n in enumerate(row) for _ in range(n)] for row in table]


def test_QA_4_fleiss_published_example():
    assert fleiss_kappa(_units(FLEISS_TABLE)) == pytest.approx(0.210, abs=5e-4)


def test_QA_4_cohen_published_example():
    # Wikipedia ("Cohen's kappa"): 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → p_o 0.7,
    # p_e 0.5, κ 0.4.
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_QA_4_kappa_edges():
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "a")] * 3) is None  # one category: chance is already perfect
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0  # identical
    assert cohen_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)  # systematic disagreement
    assert fleiss_kappa([]) is None
    assert fleiss_kappa([["a"]]) is None  # one rating is no agreement data
    assert fleiss_kappa([["a", "a"], ["b", "b"]]) == 1.0
    assert krippendorff_alpha_nominal([]) is None
    assert krippendorff_alpha_nominal([["a", "a"], ["a", "a"]]) is None
    assert krippendorff_alpha_nominal([["a", "a"], ["b", "b"]]) == 1.0


def test_QA_4_fleiss_equals_cohen_style_hand_value_for_two_raters():
    # Two raters, 4 units: agree on 2 → P̄ = 0.5; category shares 0.5/0.5 → P_e 0.5 → κ 0.
    assert fleiss_kappa([["a", "a"], ["b", "b"], ["a", "b"], ["b", "a"]]) == pytest.approx(0.0)


def _reference_alpha(units, categories):
    raters = max(len(u) for u in units)
    matrix = [[math.nan] * len(units) for _ in range(raters)]
    for j, unit in enumerate(units):
        for i, value in enumerate(unit):
            matrix[i][j] = categories.index(value)
    return krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")


def test_QA_4_krippendorff_alpha_matches_reference_package():
    rng = random.Random(7)
    categories = ["A", "B", "C", "D"]
    for _ in range(25):
        units = []
        for _ in range(rng.randint(3, 30)):
            truth = rng.choice(categories)
            units.append([truth if rng.random() < 0.6 else rng.choice(categories)
                          for _ in range(rng.randint(1, 5))])  # missing data: 1..5 raters
        units.append(["A", "B"])  # at least two categories, so alpha is defined
        assert krippendorff_alpha_nominal(units) == pytest.approx(_reference_alpha(units, categories))


def test_QA_4_krippendorff_published_example():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", nominal example:
    # 4 observers, 12 units with missing values; α = 0.743.
    data = [
        [1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
        [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1],
        [None, None, 3, None],
    ]
    units = [[v for v in unit if v is not None] for unit in data]
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=5e-4)
