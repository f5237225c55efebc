"""Exact McNemar against statsmodels and scipy; Tango's score bound against a scipy optimiser."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from redline.stats import (
    mcnemar,
    non_inferiority,
    paired_difference_bound,
    pairs_to_show_non_inferiority,
    tango_statistic,
)

DISCORDANT = [(0, 0), (1, 0), (0, 1), (1, 1), (5, 0), (0, 5), (3, 9), (12, 4), (40, 20), (1, 30)]


@pytest.mark.parametrize(("b", "c"), DISCORDANT)
def test_mcnemar_two_sided_matches_statsmodels(b: int, c: int) -> None:
    table = [[10, b], [c, 7]]
    expected = sm_mcnemar(table, exact=True).pvalue
    assert mcnemar(b, c).p_value == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("b", "c"), [d for d in DISCORDANT if sum(d) > 0])
def test_mcnemar_one_sided_matches_scipy_binomtest(b: int, c: int) -> None:
    for alt in ("greater", "less"):
        expected = stats.binomtest(b, b + c, 0.5, alternative=alt).pvalue
        assert mcnemar(b, c, alt).p_value == pytest.approx(expected, abs=1e-12)  # type: ignore[arg-type]
    assert mcnemar(0, 0, "greater").p_value == 1.0


def _restricted_mle_numeric(b: int, c: int, n: int, delta: float) -> float:
    """p21 maximising the multinomial likelihood subject to p12 - p21 = delta (scipy)."""
    a = n - b - c  # concordant pairs

    def nll(p21: float) -> float:
        p12 = p21 + delta
        p_same = 1.0 - p12 - p21
        terms = [(b, p12), (c, p21), (a, p_same)]
        return -sum(x * math.log(p) for x, p in terms if x > 0)

    hi = (1.0 - delta) / 2.0
    lo = max(0.0, -delta)
    res = optimize.minimize_scalar(nll, bounds=(lo + 1e-12, hi - 1e-12), method="bounded",
                                   options={"xatol": 1e-12})
    return float(res.x)


@pytest.mark.parametrize(("b", "c", "n"), [(40, 20, 160), (1, 7, 21), (6, 16, 161),
                                            (3, 0, 50), (0, 4, 50), (10, 10, 300)])
@pytest.mark.parametrize("delta", [-0.2, -0.05, 0.0, 0.03, 0.1])
def test_tango_statistic_uses_the_restricted_mle(b: int, c: int, n: int, delta: float) -> None:
    p21 = _restricted_mle_numeric(b, c, n, delta)
    expected = (b - c - n * delta) / math.sqrt(n * (2 * p21 + delta * (1 - delta)))
    assert tango_statistic(b, c, n, delta) == pytest.approx(expected, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize(("b", "c", "n"), [(40, 20, 160), (1, 7, 21), (6, 16, 161), (0, 0, 30),
                                            (30, 0, 30), (0, 30, 30), (1, 0, 1)])
def test_tango_bounds_solve_the_score_equation(b: int, c: int, n: int) -> None:
    z = stats.norm.ppf(0.95)
    hi = paired_difference_bound(b, c, n, 0.95, "upper")
    lo = paired_difference_bound(b, c, n, 0.95, "lower")
    assert lo <= (b - c) / n <= hi
    if hi < 1.0 - 1e-9:
        assert tango_statistic(b, c, n, hi) == pytest.approx(-z, abs=1e-6)
    if lo > -1.0 + 1e-9:
        assert tango_statistic(b, c, n, lo) == pytest.approx(z, abs=1e-6)


def test_no_discordant_pairs_has_the_closed_form() -> None:
    z = stats.norm.ppf(0.95)
    for n in (1, 10, 52, 300):
        assert paired_difference_bound(0, 0, n) == pytest.approx(z * z / (n + z * z), abs=1e-9)
    assert pairs_to_show_non_inferiority(0.05) == 52


def test_tango_upper_bound_covers_in_simulation() -> None:
    rng = np.random.default_rng(11)
    n, p12, p21, z_hits = 200, 0.06, 0.03, 0
    delta = p12 - p21
    draws = rng.multinomial(n, [p12, p21, 1 - p12 - p21], size=2000)
    for b, c, _ in draws:
        z_hits += paired_difference_bound(int(b), int(c), n, 0.95) < delta
    assert z_hits / len(draws) <= 0.05 + 0.015


def test_non_inferiority_decides_on_the_upper_bound() -> None:
    ok = non_inferiority(2, 3, 300, margin=0.03)
    assert ok.non_inferior and ok.upper <= 0.03 and ok.difference == pytest.approx(-1 / 300)
    bad = non_inferiority(20, 2, 300, margin=0.03)
    assert not bad.non_inferior
    with pytest.raises(ValueError):
        non_inferiority(1, 1, 10, margin=0.0)
    with pytest.raises(ValueError):
        paired_difference_bound(6, 6, 10)
