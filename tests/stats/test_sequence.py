"""The beta-binomial confidence sequence: its defining equation (scipy) and anytime validity."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from redline.stats import RateRule, cs_lower_bound, cs_upper_bound, prior_for, upper_bound

CASES = [(0, 1), (1, 1), (0, 20), (3, 20), (20, 20), (0, 300), (7, 336), (150, 300)]


@pytest.mark.parametrize(("k", "n"), CASES)
@pytest.mark.parametrize("prior", [(1.0, 1.0), (0.5, 19.5)])
def test_bounds_are_where_the_mixture_ratio_reaches_one_over_alpha(
        k: int, n: int, prior: tuple[float, float]) -> None:
    a, b = prior
    mixture = stats.betabinom.pmf(k, n, a, b)  # the binomial coefficient cancels below
    hi, lo = cs_upper_bound(k, n, 0.95, prior), cs_lower_bound(k, n, 0.95, prior)
    assert lo <= k / n <= hi
    if hi < 1.0:
        assert mixture / stats.binom.pmf(k, n, hi) == pytest.approx(20.0, rel=1e-6)
    if lo > 0.0:
        assert mixture / stats.binom.pmf(k, n, lo) == pytest.approx(20.0, rel=1e-6)


def test_edges_and_price_of_anytime_validity() -> None:
    assert cs_upper_bound(0, 0) == 1.0 and cs_lower_bound(0, 0) == 0.0
    assert cs_upper_bound(5, 5) == 1.0 and cs_lower_bound(0, 5) == 0.0
    # Uniform prior, k = 0: the bound solves (1 - p)^n = alpha / (n + 1).
    assert cs_upper_bound(0, 99) == pytest.approx(1 - (0.05 / 100) ** (1 / 99), rel=1e-9)
    for k, n in CASES:
        if 0 < k < n:
            assert cs_upper_bound(k, n) >= upper_bound(k, n)  # wider than a fixed-n interval
    assert prior_for(0.05) == (0.5, 19.5)


@pytest.mark.parametrize("p", [0.02, 0.1])
def test_covers_the_true_rate_at_every_n_at_once(p: float) -> None:
    """Watching after every sample, the sequence ever excludes the true rate <= alpha."""
    rng = np.random.default_rng(2024)
    n_max, sims = 1000, 4000
    k = np.cumsum(rng.random((sims, n_max)) < p, axis=1)
    ns = np.arange(1, n_max + 1)
    # The truth is excluded from above when a gate at threshold p would pass, and
    # from below when it would certainly fail.
    rule = RateRule(p, 0.95, "confidence-sequence", prior=(1.0, 1.0))
    kmax = np.array([rule.max_passing(n) for n in ns])
    klo = np.array([rule.min_failing(n) for n in ns])
    missed = ((k <= kmax) | (k >= klo)).any(axis=1).mean()
    assert missed <= 0.05
