"""Binomial bounds against statsmodels and scipy, including k = 0, k = n and n = 1."""

from __future__ import annotations

import itertools

import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from redline.stats import interval, lower_bound, samples_to_certify, upper_bound

CASES = [(0, 1), (1, 1), (0, 10), (1, 10), (5, 10), (10, 10), (0, 50), (3, 50), (49, 50),
         (0, 299), (7, 336), (336, 336), (12, 1000)]
CONFIDENCES = [0.8, 0.9, 0.95, 0.99]
SM_NAME = {"clopper-pearson": "beta", "wilson": "wilson", "jeffreys": "jeffreys"}


@pytest.mark.parametrize(("k", "n"), CASES)
@pytest.mark.parametrize("confidence", CONFIDENCES)
@pytest.mark.parametrize("method", ["clopper-pearson", "wilson", "jeffreys"])
def test_one_sided_bounds_match_statsmodels(k: int, n: int, confidence: float,
                                            method: str) -> None:
    # A two-sided interval at alpha = 2 * (1 - confidence) has each one-sided bound.
    lo, hi = proportion_confint(k, n, alpha=2 * (1 - confidence), method=SM_NAME[method])
    if method == "jeffreys":
        # Brown-Cai-DasGupta: the lower bound is 0 at k = 0, the upper 1 at k = n.
        lo = 0.0 if k == 0 else lo
        hi = 1.0 if k == n else hi
    assert upper_bound(k, n, confidence, method) == pytest.approx(hi, abs=1e-12)  # type: ignore[arg-type]
    assert lower_bound(k, n, confidence, method) == pytest.approx(lo, abs=1e-12)  # type: ignore[arg-type]


@pytest.mark.parametrize(("k", "n"), CASES)
def test_clopper_pearson_matches_statsmodels_one_sided_api_and_beta_quantiles(k: int,
                                                                               n: int) -> None:
    _, hi = proportion_confint(k, n, alpha=0.05, method="beta", alternative="larger")
    lo, _ = proportion_confint(k, n, alpha=0.05, method="beta", alternative="smaller")
    assert upper_bound(k, n, 0.95) == pytest.approx(hi, abs=1e-12)
    assert lower_bound(k, n, 0.95) == pytest.approx(lo, abs=1e-12)
    if k < n:  # the defining property: P(X <= k | upper) = alpha
        assert stats.binom.cdf(k, n, upper_bound(k, n, 0.95)) == pytest.approx(0.05, rel=1e-8)


def test_edges_hold_for_every_method() -> None:
    for method in ("clopper-pearson", "wilson", "jeffreys"):
        assert upper_bound(0, 0, 0.95, method) == 1.0  # type: ignore[arg-type]
        assert lower_bound(0, 0, 0.95, method) == 0.0  # type: ignore[arg-type]
        assert upper_bound(1, 1, 0.95, method) == 1.0  # type: ignore[arg-type]
        assert lower_bound(0, 1, 0.95, method) == 0.0  # type: ignore[arg-type]
    # n = 1, k = 0 with Clopper-Pearson: 1 - alpha.
    assert upper_bound(0, 1, 0.95) == pytest.approx(0.95)
    assert lower_bound(1, 1, 0.95) == pytest.approx(0.05)


@pytest.mark.parametrize(("k", "n"), CASES)
@pytest.mark.parametrize("method", ["clopper-pearson", "wilson"])
def test_two_sided_interval_matches_statsmodels(k: int, n: int, method: str) -> None:
    lo, hi = proportion_confint(k, n, alpha=0.05, method=SM_NAME[method])
    ci = interval(k, n, 0.95, method)  # type: ignore[arg-type]
    assert (ci.lower, ci.upper) == (pytest.approx(lo, abs=1e-12), pytest.approx(hi, abs=1e-12))
    assert ci.approximate is (method == "wilson")


def test_samples_to_certify_zero_failures() -> None:
    assert samples_to_certify(0.01, 0.95) == 299
    for t, conf, method in itertools.product([0.005, 0.01, 0.02, 0.05, 0.1, 0.3],
                                             [0.9, 0.95, 0.99],
                                             ["clopper-pearson", "wilson", "jeffreys"]):
        n = samples_to_certify(t, conf, method)  # type: ignore[arg-type]
        assert upper_bound(0, n, conf, method) <= t < upper_bound(0, n - 1, conf, method)  # type: ignore[arg-type]
    # Clopper-Pearson: (1 - t) ** n <= alpha.
    assert samples_to_certify(0.05, 0.95) == 59
    assert samples_to_certify(0.02, 0.99) == 228


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        upper_bound(3, 2)
    with pytest.raises(ValueError):
        lower_bound(-1, 2)
    with pytest.raises(ValueError):
        upper_bound(1, 2, 1.0)
    with pytest.raises(ValueError):
        samples_to_certify(0.0)
    with pytest.raises(ValueError):
        upper_bound(1, 2, 0.95, "wald")  # type: ignore[arg-type]
