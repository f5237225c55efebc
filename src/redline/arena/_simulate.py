"""Battles simulated from known ratings: for tests, the benchmark and sampling studies.

Outcomes follow Bradley-Terry on the Elo scale. Ties, when asked for, are
drawn so that the expected score is unchanged (a tie counting as half a
win), so a correct fit recovers the true ratings with or without ties.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from redline.arena._counts import BattleCounts, counts_from_outcomes
from redline.arena._ratings import win_probability

IntArray = NDArray[np.int64]


def simulate_outcomes(ratings: Sequence[float], a: IntArray, b: IntArray,
                      rng: np.random.Generator, *, tie_rate: float = 0.0) -> IntArray:
    """One outcome per battle (0 = a won, 1 = tie, 2 = b won) for model indices ``a``, ``b``."""
    r = np.asarray(ratings, dtype=np.float64)
    p = win_probability(r[a], r[b])
    tie = tie_rate * 2.0 * np.minimum(p, 1.0 - p)
    u = rng.random(len(a))
    out = np.full(len(a), 2, dtype=np.int64)
    out[u < p + tie / 2] = 1
    out[u < p - tie / 2] = 0
    return out


def random_pairs(n_models: int, n: int, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """``n`` battles between uniformly chosen distinct models."""
    a = rng.integers(0, n_models, size=n)
    b = (a + rng.integers(1, n_models, size=n)) % n_models
    return a.astype(np.int64), b.astype(np.int64)


def simulate_counts(ratings: Sequence[float], n: int, *, seed: int = 0, tie_rate: float = 0.0,
                    names: Sequence[str] | None = None) -> BattleCounts:
    """``n`` battles among models with these true ratings, uniformly paired."""
    rng = np.random.default_rng(seed)
    models = list(names) if names is not None else [f"m{k:03d}" for k in range(len(ratings))]
    a, b = random_pairs(len(ratings), n, rng)
    outcome = simulate_outcomes(ratings, a, b, rng, tie_rate=tie_rate)
    return counts_from_outcomes(models, a, b, outcome)
