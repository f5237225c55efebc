"""Confidence bounds for a binomial proportion: Clopper-Pearson, Wilson, Jeffreys.

A release gate asks one-sided questions ("is the attack success rate below
2 %?"), so the primary functions return one-sided bounds at a given
confidence: ``upper_bound(k, n, 0.95)`` is exceeded by the true rate with
probability at most 5 %. Clopper-Pearson is exact (its coverage is at least the
nominal level for every true rate); Wilson and Jeffreys are shorter on average
but can undercover, so reports mark them approximate.

Conventions at the edges: with ``n = 0`` nothing is known and the bounds are
``[0, 1]``; the lower bound at ``k = 0`` is 0 and the upper bound at ``k = n``
is 1 for every method (for Jeffreys this is the Brown-Cai-DasGupta boundary
modification).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

from scipy import stats

Method = Literal["clopper-pearson", "wilson", "jeffreys"]
METHODS: tuple[str, ...] = get_args(Method)
#: Methods whose coverage can fall below the nominal level.
APPROXIMATE: frozenset[str] = frozenset({"wilson", "jeffreys"})


@dataclass(frozen=True, slots=True)
class Interval:
    """A two-sided interval ``[lower, upper]`` with its coverage and method."""

    lower: float
    upper: float
    confidence: float
    method: str

    @property
    def approximate(self) -> bool:
        return self.method in APPROXIMATE


def check_counts(k: int, n: int, confidence: float) -> None:
    if n < 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def upper_bound(k: int, n: int, confidence: float = 0.95,
                method: Method = "clopper-pearson") -> float:
    """One-sided upper confidence bound for the rate behind ``k`` events in ``n`` trials."""
    check_counts(k, n, confidence)
    if n == 0 or k == n:
        return 1.0
    alpha = 1.0 - confidence
    if method == "clopper-pearson":
        return float(stats.beta.isf(alpha, k + 1, n - k))
    if method == "jeffreys":
        return float(stats.beta.isf(alpha, k + 0.5, n - k + 0.5))
    if method == "wilson":
        return _wilson(k, n, alpha, +1)
    raise ValueError(f"unknown interval method '{method}'")


def lower_bound(k: int, n: int, confidence: float = 0.95,
                method: Method = "clopper-pearson") -> float:
    """One-sided lower confidence bound (``1 - upper_bound(n - k, n)`` by symmetry)."""
    check_counts(k, n, confidence)
    if n == 0 or k == 0:
        return 0.0
    alpha = 1.0 - confidence
    if method == "clopper-pearson":
        return float(stats.beta.ppf(alpha, k, n - k + 1))
    if method == "jeffreys":
        return float(stats.beta.ppf(alpha, k + 0.5, n - k + 0.5))
    if method == "wilson":
        return _wilson(k, n, alpha, -1)
    raise ValueError(f"unknown interval method '{method}'")


def interval(k: int, n: int, confidence: float = 0.95,
             method: Method = "clopper-pearson") -> Interval:
    """Two-sided (equal-tailed) interval with coverage ``confidence``."""
    check_counts(k, n, confidence)
    one_sided = 1.0 - (1.0 - confidence) / 2.0
    return Interval(lower_bound(k, n, one_sided, method), upper_bound(k, n, one_sided, method),
                    confidence, method)


def _wilson(k: int, n: int, alpha: float, sign: int) -> float:
    z = float(stats.norm.isf(alpha))
    p = k / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return min(1.0, max(0.0, (centre + sign * spread) / (1 + z2 / n)))


def samples_to_certify(threshold: float, confidence: float = 0.95,
                       method: Method = "clopper-pearson") -> int:
    """The smallest n whose upper bound with zero events is at most ``threshold``.

    For example 299 clean probes certify a rate below 1 % at 95 % with
    Clopper-Pearson (``(1 - 0.01) ** n <= 0.05``).
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    check_counts(0, 0, confidence)
    if method == "clopper-pearson":
        guess = max(1, math.ceil(math.log(1 - confidence) / math.log1p(-threshold)))
    elif method == "wilson":
        z = float(stats.norm.isf(1 - confidence))
        guess = max(1, math.ceil(z * z * (1 - threshold) / threshold))
    else:
        guess = 1
    lo = max(1, guess - 2)
    while lo > 1 and upper_bound(0, lo - 1, confidence, method) <= threshold:
        lo -= 1
    return _first_n(lambda n: upper_bound(0, n, confidence, method) <= threshold, lo)


def _first_n(ok: Callable[[int], bool], start: int) -> int:
    """Smallest n >= start with ok(n), for a predicate that stays true once true."""
    if ok(start):
        return start
    lo, hi = start, start * 2
    while not ok(hi):
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi
