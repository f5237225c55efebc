"""How often does a rate gate pass a model whose true rate sits just above its threshold?

For each threshold and number of scored probes, the exact false-pass
probability at a true rate equal to the threshold (the worst case over rates
above it: the probability falls as the rate rises), for Clopper-Pearson,
Wilson and Jeffreys at a fixed n; then the worst case over n from 20 to 1000;
then a seeded simulation of the beta-binomial confidence sequence checked
after every sample (early stopping), and of Clopper-Pearson checked after every
sample (what must not be done). Nominal alpha = 0.05. Run:

    .venv/bin/python bench/false_pass.py
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from redline.stats import RateRule

ALPHA = 0.05
METHODS = ("clopper-pearson", "wilson", "jeffreys")


def exact(method: str, t: float, n: int) -> float:
    kmax = RateRule(t, 1 - ALPHA, method).max_passing(n)  # type: ignore[arg-type]
    return float(stats.binom.cdf(kmax, n, t)) if kmax >= 0 else 0.0


def worst_over_n(method: str, t: float) -> tuple[float, int]:
    rule = RateRule(t, 1 - ALPHA, method)  # type: ignore[arg-type]
    ns = np.arange(20, 1001)
    kmax = np.array([rule.max_passing(int(n)) for n in ns])
    p = np.where(kmax >= 0, stats.binom.cdf(kmax, ns, t), 0.0)
    i = int(np.argmax(p))
    return float(p[i]), int(ns[i])


def monitored(method: str, t: float, n_max: int = 1000, sims: int = 20_000) -> float:
    """Share of runs at true rate t that pass at some point when checked after every sample."""
    rule = RateRule(t, 1 - ALPHA, method)  # type: ignore[arg-type]
    kmax = np.array([rule.max_passing(n) for n in range(1, n_max + 1)])
    rng = np.random.default_rng(20261128)
    hits = 0
    for chunk in range(0, sims, 2000):
        k = np.cumsum(rng.random((min(2000, sims - chunk), n_max)) < t, axis=1)
        hits += int((k <= kmax).any(axis=1).sum())
    return hits / sims


def main() -> None:
    print(f"false-pass rate at a true rate equal to the threshold, nominal alpha {ALPHA}")
    print(f"{'threshold':>9} {'n':>5} " + " ".join(f"{m:>15}" for m in METHODS))
    for t in (0.01, 0.02, 0.05, 0.1):
        for n in (100, 300, 1000):
            print(f"{t:>9} {n:>5} " + " ".join(f"{exact(m, t, n):>15.4f}" for m in METHODS))
    print("\nworst case over n = 20..1000")
    for t in (0.01, 0.02, 0.05, 0.1):
        cells = [worst_over_n(m, t) for m in METHODS]
        print(f"{t:>9}       " + " ".join(f"{p:>8.4f} (n={n:>4})" for p, n in cells))
    print("\nchecked after every sample up to n = 1000 (seeded simulation, 20,000 runs)")
    for t in (0.02, 0.05, 0.1):
        cs = monitored("confidence-sequence", t)
        cp = monitored("clopper-pearson", t)
        print(f"{t:>9}  confidence-sequence {cs:.4f}   clopper-pearson (peeking) {cp:.4f}")


if __name__ == "__main__":
    main()
