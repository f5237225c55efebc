"""Paired comparisons of a candidate with a baseline on the same probes.

Each probe is judged for both models, so the data are a paired 2x2 table.
Only discordant probes carry information about a difference:

- ``b``: probes that fail for the candidate but not for the baseline (new failures);
- ``c``: probes that fail for the baseline but not for the candidate (fixed).

:func:`mcnemar` is the exact McNemar test (a binomial test of b against
b + c at 1/2). :func:`paired_difference_bound` is Tango's (1998) score bound
for the difference of the two failure rates, ``(b - c) / n``, and
:func:`non_inferiority` uses it to decide whether the candidate fails more
often than the baseline by at most a margin.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from scipy import optimize, stats

Alternative = Literal["two-sided", "greater", "less"]


@dataclass(frozen=True, slots=True)
class McNemarResult:
    """``b`` new failures, ``c`` fixed, and the exact p-value for ``alternative``."""

    b: int
    c: int
    p_value: float
    alternative: str


def mcnemar(b: int, c: int, alternative: Alternative = "two-sided") -> McNemarResult:
    """Exact McNemar test; ``greater`` tests whether new failures outnumber fixes."""
    if b < 0 or c < 0:
        raise ValueError(f"counts must be >= 0, got b={b}, c={c}")
    m = b + c
    if m == 0:
        p = 1.0
    elif alternative == "greater":
        p = float(stats.binom.sf(b - 1, m, 0.5))
    elif alternative == "less":
        p = float(stats.binom.cdf(b, m, 0.5))
    elif alternative == "two-sided":
        p = min(1.0, 2.0 * float(stats.binom.cdf(min(b, c), m, 0.5)))
    else:
        raise ValueError(f"unknown alternative '{alternative}'")
    return McNemarResult(b, c, p, alternative)


def tango_statistic(b: int, c: int, n: int, delta: float) -> float:
    """Tango's score statistic for H0: (failure rate of candidate - baseline) = delta."""
    p21 = _restricted_mle(b, c, n, delta)
    var = n * (2.0 * p21 + delta * (1.0 - delta))
    if var <= 0.0:
        diff = b - c - n * delta
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)
    return (b - c - n * delta) / math.sqrt(var)


def _restricted_mle(b: int, c: int, n: int, delta: float) -> float:
    """Maximum-likelihood p21 (baseline fails, candidate passes) under the null delta."""
    qa = 2.0 * n
    qb = -b - c + (2.0 * n - b + c) * delta
    qc = -c * delta * (1.0 - delta)
    return (math.sqrt(max(qb * qb - 4.0 * qa * qc, 0.0)) - qb) / (2.0 * qa)


def paired_difference_bound(b: int, c: int, n: int, confidence: float = 0.95,
                            side: Literal["upper", "lower"] = "upper") -> float:
    """One-sided Tango score bound for the difference of paired failure rates."""
    if n <= 0 or b < 0 or c < 0 or b + c > n:
        raise ValueError(f"need b, c >= 0 and b + c <= n > 0, got b={b}, c={c}, n={n}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    z = float(stats.norm.ppf(confidence))
    estimate = (b - c) / n
    if side == "upper":
        if estimate >= 1.0:
            return 1.0
        return _solve(lambda d: tango_statistic(b, c, n, d) + z, estimate, 1.0)
    if estimate <= -1.0:
        return -1.0
    return _solve(lambda d: tango_statistic(b, c, n, d) - z, -1.0, estimate)


def _solve(f: Callable[[float], float], lo: float, hi: float) -> float:
    """The root of ``f`` (decreasing in delta) in [lo, hi], or the end nearer to it."""
    eps = 1e-12
    a, z = max(lo, -1.0 + eps), min(hi, 1.0 - eps)
    fa, fz = f(a), f(z)
    if fa * fz > 0:
        return z if abs(fz) < abs(fa) else a
    return float(optimize.brentq(f, a, z, xtol=1e-12))


@dataclass(frozen=True, slots=True)
class NonInferiority:
    """Paired non-inferiority of the candidate's failure rate: upper(diff) <= margin."""

    n: int
    b: int
    c: int
    difference: float
    upper: float
    margin: float
    confidence: float

    @property
    def non_inferior(self) -> bool:
        return self.upper <= self.margin


def non_inferiority(b: int, c: int, n: int, margin: float,
                    confidence: float = 0.95) -> NonInferiority:
    """Is the candidate's failure rate at most ``margin`` above the baseline's?"""
    if not 0.0 < margin < 1.0:
        raise ValueError(f"margin must be in (0, 1), got {margin}")
    upper = paired_difference_bound(b, c, n, confidence, "upper")
    return NonInferiority(n, b, c, (b - c) / n, upper, margin, confidence)


def pairs_to_show_non_inferiority(margin: float, confidence: float = 0.95) -> int:
    """The fewest pairs that can show non-inferiority, when no probe is discordant."""
    n = 1
    while paired_difference_bound(0, 0, n, confidence) > margin:
        n *= 2
    lo, hi = n // 2, n
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if paired_difference_bound(0, 0, mid, confidence) <= margin:
            hi = mid
        else:
            lo = mid
    return max(hi, 1)
