"""Adaptive pair sampling separates the ranking with fewer battles than uniform sampling."""

from __future__ import annotations

import numpy as np

from redline.arena import BattleCounts, counts_from_outcomes, plan_battles, rate
from redline.arena._simulate import random_pairs, simulate_outcomes


def simulate(true: np.ndarray, budget: int, adaptive: bool, seed: int) -> float:
    """Separability after ``budget`` battles in ten rounds, uniform or adaptive."""
    m = len(true)
    names = [f"m{k:02d}" for k in range(m)]
    i, j = (x.astype(np.int64) for x in np.triu_indices(m, 1))
    rng = np.random.default_rng(seed)
    step = budget // 10
    a, b = random_pairs(m, step, rng)
    parts = [(a, b, simulate_outcomes(true, a, b, rng))]

    def counts() -> BattleCounts:
        cat = [np.concatenate(x) for x in zip(*parts, strict=True)]
        return counts_from_outcomes(names, *cat)

    while sum(len(p[0]) for p in parts) < budget:
        if adaptive:
            c = counts()
            alloc = plan_battles(rate(c, rounds=200, seed=seed), c, i, j,
                                 np.full(len(i), 10**6), step)
            a, b = np.repeat(i, alloc), np.repeat(j, alloc)
        else:
            a, b = random_pairs(m, step, rng)
        parts.append((a, b, simulate_outcomes(true, a, b, rng)))
    return rate(counts(), rounds=500, seed=1).separability


def test_adaptive_needs_fewer_battles_than_uniform() -> None:
    evenly = np.arange(12) * 100.0
    uniform = np.mean([simulate(evenly, 2000, False, s) for s in range(8)])
    adaptive = np.mean([simulate(evenly, 1500, True, s) for s in range(8)])
    assert adaptive > uniform, (adaptive, uniform)  # a quarter fewer battles, more separation
    gappy = np.array([0, 200, 400, 600, 650, 800, 1000, 1200.0])
    uniform = np.mean([simulate(gappy, 1500, False, s) for s in range(8)])
    adaptive = np.mean([simulate(gappy, 1500, True, s) for s in range(8)])
    assert adaptive > uniform, (adaptive, uniform)


def test_battles_go_to_open_questions_and_respect_what_is_available() -> None:
    names = ["a", "b", "c", "d"]
    rng = np.random.default_rng(0)
    true = [0.0, 20.0, 500.0, 900.0]  # a and b are close; d is far from everything
    a, b = random_pairs(4, 600, rng)
    c = counts_from_outcomes(names, a, b, simulate_outcomes(true, a, b, rng))
    board = rate(c, rounds=200, seed=0)
    i, j = (x.astype(np.int64) for x in np.triu_indices(4, 1))
    alloc = plan_battles(board, c, i, j, np.full(6, 1000), 60)
    by_pair = {(names[x], names[y]): int(n) for x, y, n in zip(i, j, alloc, strict=True)}
    assert sum(by_pair.values()) == 60
    # Only a and b still overlap: nearly every battle involves one of them.
    assert sum(n for pair, n in by_pair.items() if {"a", "b"} & set(pair)) >= 54
    assert by_pair[("a", "b")] > 0 and by_pair[("c", "d")] <= 3
    capped = plan_battles(board, c, i, j, np.array([2, 0, 0, 0, 0, 0]), 60)
    assert capped.tolist() == [2, 0, 0, 0, 0, 0]
