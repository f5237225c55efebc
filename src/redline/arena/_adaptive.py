"""Adaptive pair sampling: spend battles where they separate overlapping intervals.

A model's interval is wide when the battles it took part in say little about
it, and the Bradley-Terry Fisher information says exactly how much each
battle adds: a battle between ``i`` and ``j`` adds ``p (1 - p)`` along
``e_i - e_j`` (``p`` the predicted win probability), so close matches teach
most. The rating variances are the diagonal of the pseudo-inverse ``V`` of
that information matrix (a weighted graph Laplacian).

Each round, every model gets a need: the number of other models whose
intervals its interval still overlaps, a small floor once it is separated
from all. The battles of
the round are then chosen greedily, one at a time, each going to the pair
that most reduces the need-weighted sum of rating variances; ``V`` is updated
after each choice by Sherman-Morrison, so repeats of one pair show
diminishing returns. Uniform sampling spends most of its battles on pairs
whose outcome is all but certain, or on models already separated; this
spends them on the open questions (a simulation in the tests shows it
separates the ranking with fewer battles).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from redline.arena._counts import BattleCounts
from redline.arena._ratings import Leaderboard, win_probability

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Need of a model whose interval no longer overlaps any other.
NEED_FLOOR = 0.05


def information(board: Leaderboard, counts: BattleCounts) -> FloatArray:
    """The Fisher information matrix of the strengths (``M x M``, a weighted Laplacian)."""
    m = len(board.models)
    p = win_probability(board.rating[counts.i], board.rating[counts.j])
    w = counts.counts.sum(axis=1) * p * (1.0 - p)
    info = np.zeros((m, m))
    np.add.at(info, (counts.i, counts.j), -w)
    np.add.at(info, (counts.j, counts.i), -w)
    info[np.arange(m), np.arange(m)] = -info.sum(axis=1)
    return info


def model_need(board: Leaderboard) -> FloatArray:
    """How many other models' intervals overlap this one's; :data:`NEED_FLOOR` if none."""
    overlap = (board.lower[:, None] <= board.upper[None, :]) & \
              (board.lower[None, :] <= board.upper[:, None])
    return np.asarray(np.maximum(overlap.sum(axis=1) - 1.0, NEED_FLOOR), dtype=np.float64)


def plan_battles(board: Leaderboard, counts: BattleCounts, i: IntArray, j: IntArray,
                 available: IntArray, k: int) -> IntArray:
    """How many of the next ``k`` battles each candidate pair ``(i[c], j[c])`` gets.

    ``board`` and ``counts`` index the same models; a pair never gets more than
    ``available[c]`` battles.
    """
    if board.models != counts.models:
        raise ValueError("board and counts must list the same models in the same order")
    m = len(board.models)
    var = np.linalg.pinv(information(board, counts) + 1e-6 * np.eye(m))
    need = model_need(board)
    p = win_probability(board.rating[i], board.rating[j])
    w = p * (1.0 - p)
    cols = np.arange(len(i))
    alloc = np.zeros(len(i), dtype=np.int64)
    left = np.asarray(available, dtype=np.int64).copy()
    for _ in range(k):
        if not (left > 0).any():
            break
        u = var[:, i] - var[:, j]
        quad = u[i, cols] - u[j, cols]
        gain = w * (need[:, None] * u * u).sum(axis=0) / (1.0 + w * quad)
        gain[left <= 0] = -np.inf
        best = int(np.argmax(gain))
        alloc[best] += 1
        left[best] -= 1
        ub = u[:, best]
        var -= w[best] * np.outer(ub, ub) / (1.0 + w[best] * quad[best])
    return alloc
