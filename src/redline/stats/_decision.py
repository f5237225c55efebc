"""Deciding a one-sided rate gate, and knowing early when the decision is certain.

A :class:`RateRule` says "the upper confidence bound of the rate must be at
most ``threshold``". For k events in n scored units it decides:

- ``pass`` when the upper bound is at most the threshold;
- ``insufficient-evidence`` when n is below :attr:`RateRule.n_needed` (even
  zero events could not bring the bound under the threshold) and the rate is
  not already shown to exceed it;
- ``fail`` otherwise: the evidence was enough and did not certify the rate, or
  the lower bound already lies above the threshold.

:meth:`RateRule.certain` is deterministic curtailment: given the units still
to come, it returns the outcome when no way they could turn out changes it,
so a run can stop early and still report exactly what the whole run would
have. Units still to come may each become an event, a non-event, or
unscorable (dropping out of the denominator). For the anytime-valid
``confidence-sequence`` method the rule may also stop as soon as the sequence
lies wholly on one side of the threshold.

Decisions are read from tables, computed once, of the largest passing k and
the smallest certainly-failing k for each n. The look-ahead relies on these
tables being non-decreasing in n with steps of at most one, which holds for
every method here (the tests check it).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
from scipy import stats

from redline.stats._binomial import lower_bound, samples_to_certify, upper_bound
from redline.stats._sequence import Prior, cs_lower_bound, cs_upper_bound, excluded, prior_for

RuleMethod = Literal["clopper-pearson", "wilson", "jeffreys", "confidence-sequence"]
RULE_METHODS: tuple[str, ...] = get_args(RuleMethod)

_IntArray = npt.NDArray[np.int64]
_Pred = Callable[[_IntArray, _IntArray], npt.NDArray[np.bool_]]


class Outcome(StrEnum):
    """A gate's outcome."""

    PASS = "pass"
    FAIL = "fail"
    INSUFFICIENT = "insufficient-evidence"


class RateRule:
    """``upper(rate, confidence) <= threshold`` decided by ``method``."""

    def __init__(self, threshold: float, confidence: float = 0.95,
                 method: RuleMethod = "clopper-pearson", prior: Prior | None = None) -> None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {threshold}")
        if not 0.0 < confidence < 1.0:
            raise ValueError(f"confidence must be in (0, 1), got {confidence}")
        if method not in RULE_METHODS:
            raise ValueError(f"unknown method '{method}'; expected one of {RULE_METHODS}")
        self.threshold, self.confidence, self.method = threshold, confidence, method
        self.anytime = method == "confidence-sequence"
        self.prior = prior or prior_for(threshold)
        self._pass, self._fail = self._predicates()
        self.n_needed = self._n_needed()
        self._kmax: _IntArray = np.zeros(0, dtype=np.int64)
        self._klo: _IntArray = np.zeros(0, dtype=np.int64)

    # -- bounds -----------------------------------------------------------
    def upper(self, k: int, n: int) -> float:
        if self.anytime:
            return cs_upper_bound(k, n, self.confidence, self.prior)
        return upper_bound(k, n, self.confidence, self.method)  # type: ignore[arg-type]

    def lower(self, k: int, n: int) -> float:
        if self.anytime:
            return cs_lower_bound(k, n, self.confidence, self.prior)
        return lower_bound(k, n, self.confidence, self.method)  # type: ignore[arg-type]

    # -- decisions --------------------------------------------------------
    def max_passing(self, n: int) -> int:
        """The most events that still pass with n scored units (-1: none passes)."""
        self._ensure(n)
        return int(self._kmax[n])

    def min_failing(self, n: int) -> int:
        """The fewest events that show the rate above the threshold (n + 1: none)."""
        self._ensure(n)
        return int(self._klo[n])

    def decide(self, k: int, n: int) -> Outcome:
        if not 0 <= k <= n:
            raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
        self._ensure(n)
        if n >= self.n_needed:
            return Outcome.PASS if k <= self._kmax[n] else Outcome.FAIL
        return Outcome.FAIL if k >= self._klo[n] else Outcome.INSUFFICIENT

    def certain(self, k: int, n: int, remaining: int) -> Outcome | None:
        """The outcome if it no longer depends on the ``remaining`` units, else None."""
        if remaining < 0:
            raise ValueError("remaining must be >= 0")
        top = n + remaining
        self._ensure(top)
        now = self.decide(k, n)
        if self.anytime and (now is Outcome.PASS or k >= self._klo[n]):
            return now
        if n >= self.n_needed and k <= self._kmax[top] - remaining:
            return Outcome.PASS
        if self.certainly_fails(k, n, remaining):
            return Outcome.FAIL
        if top < self.n_needed and k < self._klo[top] - remaining:
            return Outcome.INSUFFICIENT
        return None

    def certainly_fails(self, k: int, n: int, remaining: int, scored_at_least: int = 0) -> bool:
        """Whether every way the remaining units can turn out fails the gate.

        ``scored_at_least`` restricts that to outcomes in which at least so many
        of them are scored (not unscorable): when more unscorable units would
        fail another gate anyway, only these outcomes can pass the release.
        """
        top = n + remaining
        lo = n + min(max(scored_at_least, 0), remaining)
        self._ensure(top)
        need = self.n_needed
        if self.anytime and k >= self._klo[n]:
            return True
        cannot_pass = top < need or k > self._kmax[top]
        shown_bad = lo >= need or k >= self._klo[min(top, need - 1)]
        return bool(cannot_pass and shown_bad)

    # -- tables -----------------------------------------------------------
    def _ensure(self, n: int) -> None:
        size = len(self._kmax)
        if n < size:
            return
        new = max(64, 2 * size, n + 1)
        ns = np.arange(new, dtype=np.int64)
        self._kmax = _largest(self._pass, ns)
        self._klo = _smallest(self._fail, ns)

    def _n_needed(self) -> int:
        if not self.anytime:
            return samples_to_certify(self.threshold, self.confidence,
                                      self.method)  # type: ignore[arg-type]
        zero = np.zeros(1, dtype=np.int64)
        n = 1
        while not self._pass(zero, np.array([n], dtype=np.int64))[0]:
            n *= 2
        lo, hi = n // 2, n
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._pass(zero, np.array([mid], dtype=np.int64))[0]:
                hi = mid
            else:
                lo = mid
        return hi

    def _predicates(self) -> tuple[_Pred, _Pred]:
        t, alpha, conf = self.threshold, 1.0 - self.confidence, self.confidence
        if self.method == "clopper-pearson":
            return (lambda k, n: np.asarray(stats.binom.cdf(k, n, t) <= alpha),
                    lambda k, n: np.asarray(stats.binom.sf(k - 1, n, t) < alpha))
        if self.method == "jeffreys":
            return (lambda k, n: (k < n) & np.asarray(
                        stats.beta.cdf(t, k + 0.5, np.maximum(n - k, 0) + 0.5) >= conf),
                    lambda k, n: (k > 0) & np.asarray(
                        stats.beta.cdf(t, k + 0.5, np.maximum(n - k, 0) + 0.5) < alpha))
        if self.method == "wilson":
            return (lambda k, n: _wilson(k, n, alpha, +1) <= t,
                    lambda k, n: _wilson(k, n, alpha, -1) > t)
        prior = self.prior
        return (lambda k, n: (n > 0) & (k < n) & (t * n >= k) & excluded(t, k, n, conf, prior),
                lambda k, n: (k > 0) & (t * n < k) & excluded(t, k, n, conf, prior))


def _wilson(k: _IntArray, n: _IntArray, alpha: float, sign: int) -> npt.NDArray[np.float64]:
    z = float(stats.norm.isf(alpha))
    nn = np.maximum(n, 1).astype(float)
    p = k / nn
    centre = p + z * z / (2 * nn)
    spread = z * np.sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn))
    bound = (centre + sign * spread) / (1 + z * z / nn)
    empty = 1.0 if sign > 0 else 0.0
    return np.asarray(np.where(n == 0, empty, np.clip(bound, 0.0, 1.0)))


def _largest(pred: _Pred, ns: _IntArray) -> _IntArray:
    """For each n, the largest k in [-1, n] with pred(k, n), pred being true up to a point."""
    lo = np.full_like(ns, -1)
    hi = ns + 1
    while True:
        active = hi - lo > 1
        if not active.any():
            return lo
        mid = (lo + hi) // 2
        ok = np.zeros_like(active)
        ok[active] = pred(mid[active], ns[active])
        lo = np.where(active & ok, mid, lo)
        hi = np.where(active & ~ok, mid, hi)


def _smallest(pred: _Pred, ns: _IntArray) -> _IntArray:
    """For each n, the smallest k in [0, n + 1] with pred(k, n), pred true from a point on."""
    return _largest(lambda k, n: ~pred(k, n), ns) + 1
