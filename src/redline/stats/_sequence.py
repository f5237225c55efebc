"""Anytime-valid confidence sequences for a rate: the beta-binomial mixture.

For Bernoulli observations and a Beta(a, b) mixing distribution, the mixture
likelihood ratio against a fixed rate p,

    M_n(p) = B(a + k, b + n - k) / B(a, b) / (p^k (1 - p)^(n - k)),

is a non-negative martingale with M_0 = 1 when p is the true rate. By
Ville's inequality it ever reaches 1/alpha with probability at most alpha, so

    C_n = {p : M_n(p) < 1/alpha}

covers the true rate at every n simultaneously with probability at least
1 - alpha. A gate may look after every sample and stop as soon as C_n lies
wholly on one side of its threshold; a fixed-n interval checked repeatedly
would not keep its error rate. The log-likelihood is concave in p, so C_n is
an interval around k/n and its ends are found by one-dimensional root finding.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from redline.stats._binomial import check_counts

Prior = tuple[float, float]
DEFAULT_PRIOR: Prior = (1.0, 1.0)


def prior_for(threshold: float) -> Prior:
    """A Beta(1/2, b) mixing distribution with mean half the threshold.

    Chosen before any data is seen, it puts weight where a model that clearly
    meets the threshold lives, which is where the sequence must be tight.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    return 0.5, max(0.5, 1.0 / threshold - 0.5)


def log_mixture(k: npt.ArrayLike, n: npt.ArrayLike, prior: Prior) -> npt.NDArray[np.float64]:
    """log of B(a + k, b + n - k) / B(a, b): the mixture's probability of the data."""
    a, b = prior
    kk, nn = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    return np.asarray(special.betaln(a + kk, b + nn - kk) - special.betaln(a, b))


def log_likelihood(p: npt.ArrayLike, k: npt.ArrayLike,
                   n: npt.ArrayLike) -> npt.NDArray[np.float64]:
    kk, nn, pp = np.asarray(k, dtype=float), np.asarray(n, dtype=float), np.asarray(p, float)
    return np.asarray(special.xlogy(kk, pp) + special.xlog1py(nn - kk, -pp))


def excluded(p: npt.ArrayLike, k: npt.ArrayLike, n: npt.ArrayLike, confidence: float,
             prior: Prior) -> npt.NDArray[np.bool_]:
    """Whether rate ``p`` lies outside the confidence sequence after k events in n."""
    log_alpha = math.log1p(-confidence)
    return np.asarray(log_likelihood(p, k, n) <= log_mixture(k, n, prior) + log_alpha)


def cs_upper_bound(k: int, n: int, confidence: float = 0.95,
                   prior: Prior = DEFAULT_PRIOR) -> float:
    """Upper end of the confidence sequence: valid at every n at once."""
    check_counts(k, n, confidence)
    if n == 0 or k == n:
        return 1.0
    return _root(k, n, confidence, prior, k / n, 1.0)


def cs_lower_bound(k: int, n: int, confidence: float = 0.95,
                   prior: Prior = DEFAULT_PRIOR) -> float:
    """Lower end of the confidence sequence: valid at every n at once."""
    check_counts(k, n, confidence)
    if n == 0 or k == 0:
        return 0.0
    return _root(k, n, confidence, prior, k / n, 0.0)


def _root(k: int, n: int, confidence: float, prior: Prior, inside: float,
          edge: float) -> float:
    level = float(log_mixture(k, n, prior)) + math.log1p(-confidence)

    def gap(p: float) -> float:
        return float(log_likelihood(p, k, n)) - level

    # Step back from the edge of [0, 1], where the log-likelihood is -inf.
    outside = edge + (1e-300 if edge == 0.0 else -1e-16)
    if gap(outside) > 0:
        return edge
    return float(optimize.brentq(gap, min(inside, outside), max(inside, outside),
                                 xtol=1e-14, rtol=4 * np.finfo(float).eps))
