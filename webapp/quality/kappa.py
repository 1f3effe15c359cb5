"""Chance-corrected agreement over a dataset, nominal categories (dashboard, API).

Each returns None where the statistic is undefined (too few units, or a single category
so that chance agreement is already perfect). Categories are any hashable values.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of two raters over units rated by both: (p_o − p_e) / (1 − p_e)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(units: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa; each unit lists the categories its raters chose.

    Units with fewer than two ratings are dropped. With the same number of raters per
    unit this is Fleiss (1971); with varying numbers each unit's P_i uses its own n_i.
    """
    units = [u for u in units if len(u) >= 2]
    if not units:
        return None
    totals: Counter = Counter()
    p_bar = 0.0
    for unit in units:
        counts, n_i = Counter(unit), len(unit)
        totals.update(counts)
        p_bar += (sum(c * c for c in counts.values()) - n_i) / (n_i * (n_i - 1))
    p_bar /= len(units)
    n_ratings = sum(totals.values())
    p_e = sum((c / n_ratings) ** 2 for c in totals.values())
    if p_e == 1:
        return None
    return (p_bar - p_e) / (1 - p_e)


def krippendorff_alpha_nominal(units: Sequence[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha, nominal metric, via the coincidence matrix: each unit with m
    ratings adds 1/(m−1) per ordered pair of its ratings; α = 1 − (n−1)·D_o/D_e."""
    coincide: Counter = Counter()
    for unit in units:
        m = len(unit)
        if m < 2:
            continue  # a lone rating is unpairable (missing data)
        for i, c in enumerate(unit):
            for j, k in enumerate(unit):
                if i != j:
                    coincide[(c, k)] += 1 / (m - 1)
    n = sum(coincide.values())
    if n == 0:
        return None
    n_c: Counter = Counter()
    for (c, _), value in coincide.items():
        n_c[c] += value
    disagree_observed = n - sum(v for (c, k), v in coincide.items() if c == k)
    disagree_expected = n * n - sum(v * v for v in n_c.values())
    if disagree_expected == 0:
        return None
    return 1 - (n - 1) * disagree_observed / disagree_expected
