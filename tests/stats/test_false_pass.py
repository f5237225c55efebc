"""Seeded simulation: how often does a gate pass a model whose true rate is above its threshold?

Clopper-Pearson must stay at or below alpha, with and without early stopping.
Early stopping by curtailment reports exactly what the full run would have, so
its false-pass rate is the fixed-n rate; the confidence sequence may stop at
any sample and still keeps alpha. (Wilson and Jeffreys are reported, not
bounded: `bench/false_pass.py` prints the table in the README.)
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from redline.stats import Outcome, RateRule

ALPHA, THRESHOLD, N = 0.05, 0.05, 300
JUST_ABOVE = [THRESHOLD, THRESHOLD + 0.002, THRESHOLD + 0.01, THRESHOLD + 0.02]


@pytest.mark.parametrize("p", JUST_ABOVE)
def test_clopper_pearson_false_pass_at_most_alpha(p: float) -> None:
    rule = RateRule(THRESHOLD, 1 - ALPHA)
    kmax = rule.max_passing(N)
    rng = np.random.default_rng(1234)
    simulated = (rng.binomial(N, p, size=200_000) <= kmax).mean()
    exact = stats.binom.cdf(kmax, N, p)
    assert simulated <= ALPHA and exact <= ALPHA


def test_curtailed_runs_decide_exactly_as_full_runs() -> None:
    """Stop at the first sample where the outcome is certain; compare with the whole run."""
    rule = RateRule(THRESHOLD, 1 - ALPHA)
    rng = np.random.default_rng(99)
    sims, p, p_unscorable = 3000, THRESHOLD + 0.002, 0.03
    draws = rng.random((sims, N))
    adverse = draws < p * (1 - p_unscorable)
    unknown = draws > 1 - p_unscorable
    false_passes = saved = 0
    for i in range(sims):
        k = n = 0
        early: Outcome | None = None
        for j in range(N):
            if adverse[i, j]:
                k, n = k + 1, n + 1
            elif not unknown[i, j]:
                n += 1
            early = rule.certain(k, n, N - j - 1)
            if early is not None:
                saved += N - j - 1
                break
        full_k = int(adverse[i].sum())
        full_n = int((~unknown[i]).sum())
        assert early is None or early is rule.decide(full_k, full_n)
        false_passes += rule.decide(full_k, full_n) is Outcome.PASS
    assert false_passes / sims <= ALPHA
    assert saved > 0  # certain failures stop early


@pytest.mark.parametrize("p", JUST_ABOVE)
def test_confidence_sequence_with_early_stopping_keeps_alpha(p: float) -> None:
    """Checking after every sample and stopping at the first pass."""
    rule = RateRule(THRESHOLD, 1 - ALPHA, "confidence-sequence")
    n_max, sims = 1000, 4000
    rng = np.random.default_rng(7)
    k = np.cumsum(rng.random((sims, n_max)) < p, axis=1)
    kmax = np.array([rule.max_passing(n) for n in range(1, n_max + 1)])
    assert (k <= kmax).any(axis=1).mean() <= ALPHA


def test_fixed_n_interval_checked_repeatedly_would_not_keep_alpha() -> None:
    """Why early stopping needs curtailment or a sequence: peeking inflates the error."""
    rule = RateRule(THRESHOLD, 1 - ALPHA)
    n_max, sims = 1000, 4000
    rng = np.random.default_rng(7)
    k = np.cumsum(rng.random((sims, n_max)) < THRESHOLD, axis=1)
    kmax = np.array([rule.max_passing(n) for n in range(1, n_max + 1)])
    assert (k <= kmax).any(axis=1).mean() > 2 * ALPHA


def test_wilson_and_jeffreys_are_reported_not_bounded() -> None:
    """The same simulation for the approximate methods, at their worst n (README table)."""
    rng = np.random.default_rng(5)
    p = THRESHOLD + 1e-9
    rates = {}
    for method, n in (("wilson", 52), ("jeffreys", 38), ("clopper-pearson", 52),
                      ("clopper-pearson", 38)):
        kmax = RateRule(THRESHOLD, 1 - ALPHA, method).max_passing(n)  # type: ignore[arg-type]
        rates[method, n] = (rng.binomial(n, p, size=200_000) <= kmax).mean()
    assert rates["wilson", 52] > ALPHA and rates["jeffreys", 38] > 2 * ALPHA
    assert rates["clopper-pearson", 52] <= ALPHA and rates["clopper-pearson", 38] <= ALPHA
