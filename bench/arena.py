#!/usr/bin/env python3
"""Arena ratings: Bradley-Terry fit plus 1,000 bootstrap rounds, 100k and 1M battles, 50 models.

Battles are simulated from known ratings (not timed). Timed, as `redline arena
show` does it: collapsing the battles to counts per (pair, outcome), the
maximum-likelihood fit, and 1,000 bootstrap rounds (multinomial resampling of
the counts, each refitted). Target (issue 6): under 10 s for 1M battles on
this 2-core machine.

Side by side, on 100k battles: the textbook battle-level approach (one design
row per battle, resample battles, refit) for a few rounds, extrapolated to
1,000, and printed as a ratio. Also printed: the largest error against the
true ratings, how often the 95% intervals cover the truth, and max RSS.
`--store` also times a store round trip (insert, then the grouped query
`arena show` runs) on SQLite.

    .venv/bin/python bench/arena.py [--n 100000 1000000] [--models 50] [--rounds 1000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from redline.arena import Battle, Winner, add_battles, battle_counts, counts_from_outcomes, rate
from redline.arena._simulate import random_pairs, simulate_outcomes
from redline.arena._stylefit import fit_logistic


def simulate(n: int, true: np.ndarray, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    a, b = random_pairs(len(true), n, rng)
    return a, b, simulate_outcomes(true, a, b, rng, tie_rate=0.2)


def time_rating(names: list[str], arrays: tuple[np.ndarray, ...], rounds: int,
                true: np.ndarray) -> dict[str, float]:
    t0 = time.perf_counter()
    counts = counts_from_outcomes(names, *arrays)
    t1 = time.perf_counter()
    board = rate(counts, rounds=rounds, seed=0)
    t2 = time.perf_counter()
    truth = true - true.mean() + 1000.0
    return {"collapse_s": t1 - t0, "fit_boot_s": t2 - t1, "total_s": t2 - t0,
            "cells": float(counts.counts.size),
            "max_err": float(np.abs(board.rating - truth).max()),
            "coverage": float(((board.lower <= truth) & (truth <= board.upper)).mean()),
            "separability": board.separability}


def battle_level_seconds(arrays: tuple[np.ndarray, ...], m: int, rounds: int) -> float:
    """Seconds per bootstrap round when every battle is its own design row."""
    a, b, out = arrays
    x = np.zeros((len(a), m))
    x[np.arange(len(a)), a] = 1.0
    x[np.arange(len(a)), b] = -1.0
    y = np.where(out == 0, 1.0, np.where(out == 1, 0.5, 0.0))
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for _ in range(rounds):
        w = rng.multinomial(len(a), np.full(len(a), 1.0 / len(a))).astype(np.float64)
        fit_logistic(x, w[None, :], (w * y)[None, :])
    return (time.perf_counter() - t0) / rounds


def store_round_trip(names: list[str], arrays: tuple[np.ndarray, ...]) -> tuple[float, float]:
    from redline.store import Store

    winners = [Winner.MODEL_A, Winner.TIE, Winner.MODEL_B]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'bench.db'}")
        battles = (Battle(names[x], names[y], winners[o])
                   for x, y, o in zip(*(arr.tolist() for arr in arrays), strict=True))
        t0 = time.perf_counter()
        add_battles(store, "bench", battles)
        t1 = time.perf_counter()
        battle_counts(store, "bench")
        t2 = time.perf_counter()
        store.close()
    return t1 - t0, t2 - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--models", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=1000)
    ap.add_argument("--baseline-rounds", type=int, default=2)
    ap.add_argument("--store", action="store_true", help="also time a SQLite round trip")
    args = ap.parse_args()
    true = np.random.default_rng(42).normal(1000.0, 120.0, args.models)
    names = [f"model-{k:02d}" for k in range(args.models)]
    print(f"{args.models} models, {args.rounds} bootstrap rounds, numpy {np.__version__}")
    print(f"{'battles':>10} {'collapse':>9} {'fit+boot':>9} {'total':>8} {'cells':>6} "
          f"{'max err':>8} {'coverage':>9} {'separable':>9}")
    for n in args.n:
        arrays = simulate(n, true, seed=n)
        r = time_rating(names, arrays, args.rounds, true)
        print(f"{n:>10,} {r['collapse_s']:>8.2f}s {r['fit_boot_s']:>8.2f}s {r['total_s']:>7.2f}s "
              f"{r['cells']:>6.0f} {r['max_err']:>8.1f} {r['coverage']:>9.2f} "
              f"{r['separability']:>9.2f}")
        if n == args.n[-1]:
            verdict = "meets" if r["total_s"] < 10 else "MISSES"
            print(f"target: {n:,} battles under 10 s -> {r['total_s']:.2f} s ({verdict})")
    small = min(args.n)
    arrays = simulate(small, true, seed=small)
    per_round = battle_level_seconds(arrays, args.models, args.baseline_rounds)
    ours = time_rating(names, arrays, args.rounds, true)["total_s"]
    print(f"battle-level bootstrap on {small:,} battles: {per_round:.2f} s per round, "
          f"~{per_round * args.rounds:.0f} s for {args.rounds} rounds (extrapolated from "
          f"{args.baseline_rounds}); counts-based: {ours:.2f} s; ratio "
          f"{per_round * args.rounds / ours:.0f}x")
    if args.store:
        write_s, query_s = store_round_trip(names, arrays)
        print(f"SQLite: insert {small:,} battles {write_s:.1f} s; grouped query for the "
              f"leaderboard {query_s:.2f} s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
