"""Multiplicity control across several tests: Holm and Benjamini-Hochberg.

Both return adjusted p-values in the input order; a test is rejected at
level alpha when its adjusted p-value is at most alpha. Holm controls the
family-wise error rate (any false alarm), Benjamini-Hochberg the false
discovery rate (the expected share of false alarms among the alarms).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

Correction = Literal["holm", "bh", "none"]
CORRECTIONS: tuple[str, ...] = get_args(Correction)


def _check(pvalues: Sequence[float]) -> list[float]:
    ps = [float(p) for p in pvalues]
    if any(not 0.0 <= p <= 1.0 for p in ps):
        raise ValueError("p-values must lie in [0, 1]")
    return ps


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values."""
    ps = _check(pvalues)
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        adjusted[i] = running
    return adjusted


def benjamini_hochberg(pvalues: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg step-up adjusted p-values (q-values)."""
    ps = _check(pvalues)
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i], reverse=True)
    adjusted = [0.0] * m
    running = 1.0
    for pos, i in enumerate(order):
        rank = m - pos
        running = min(running, ps[i] * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted


def adjust(pvalues: Sequence[float], correction: Correction) -> list[float]:
    """Adjusted p-values under ``correction`` (``none`` leaves them as they are)."""
    if correction == "holm":
        return holm(pvalues)
    if correction == "bh":
        return benjamini_hochberg(pvalues)
    if correction == "none":
        return _check(pvalues)
    raise ValueError(f"unknown correction '{correction}'; expected one of {CORRECTIONS}")
