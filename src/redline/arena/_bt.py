"""Bradley-Terry maximum likelihood for many data sets at once (one per bootstrap round).

Model strengths ``theta`` are natural log-odds: ``P(i beats j) = sigmoid(theta_i -
theta_j)``; a tie counts as half a win for each side. The fit is Newton's method
on the pair counts, vectorised across rounds: each step builds the ``M x M``
Hessian from the ``P`` pairs directly (no battle-level design matrix) and
solves all rounds' systems in one LAPACK call. A backtracking line search
keeps every step an ascent step; a weak ridge (``RIDGE``) keeps strengths
finite and identified when a model won every battle or the comparison graph
is disconnected.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

BASE, SCALE, INIT_RATING = 10.0, 400.0, 1000.0
#: Elo points per natural-log-odds unit: 400 / ln 10.
ELO_PER_NAT = SCALE / math.log(BASE)
#: Ridge on the strengths: a N(0, 10^2) prior in nats (sd about 1,700 Elo points).
#: Against any real evidence it is negligible (one battle adds up to 0.25); it keeps
#: ratings finite when a model won or lost every battle.
RIDGE = 0.01
MAX_STEP = 2.0


def sigmoid(x: FloatArray) -> FloatArray:
    """1 / (1 + e^-x) without overflow."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


def _loglik(theta: FloatArray, i: IntArray, j: IntArray, n: FloatArray, s: FloatArray,
            ridge: float) -> FloatArray:
    d = theta[:, i] - theta[:, j]
    ll = -(s * np.logaddexp(0.0, -d) + (n - s) * np.logaddexp(0.0, d)).sum(axis=1)
    return np.asarray(ll - 0.5 * ridge * (theta * theta).sum(axis=1), dtype=np.float64)


def _newton_step(theta: FloatArray, i: IntArray, j: IntArray, n: FloatArray, s: FloatArray,
                 inc: FloatArray, ridge: float) -> FloatArray:
    r, m = theta.shape
    p = sigmoid(theta[:, i] - theta[:, j])
    grad = (s - n * p) @ inc - ridge * theta
    w = n * p * (1.0 - p)
    hess = np.zeros((r, m, m))
    hess[:, i, j] = -w
    hess[:, j, i] = -w
    diag = np.arange(m)
    hess[:, diag, diag] = w @ np.abs(inc) + ridge
    return cap(np.asarray(np.linalg.solve(hess, grad[..., None])[..., 0], dtype=np.float64))


StepFn = Callable[[FloatArray, IntArray], FloatArray]
LoglikFn = Callable[[FloatArray, IntArray], FloatArray]


def newton_maximize(x0: FloatArray, step: StepFn, loglik: LoglikFn, *, tol: float = 1e-7,
                    max_iter: int = 200) -> FloatArray:
    """Maximise a concave objective for every row of ``x0`` at once.

    ``step(x, rows)`` returns the Newton steps and ``loglik(x, rows)`` the
    objective for the rows ``rows`` of the problem; a row stops when its step
    is below ``tol``. Steps that lower the objective are halved (backtracking).
    """
    x = x0.copy()
    active = np.arange(len(x))
    for _ in range(max_iter):
        cur = x[active]
        delta = step(cur, active)
        before = loglik(cur, active)
        slack = 1e-12 + 1e-13 * np.abs(before)
        scale = np.ones(len(active))
        for _ in range(30):
            worse = loglik(cur + delta * scale[:, None], active) < before - slack
            if not worse.any():
                break
            scale[worse] *= 0.5
        delta *= scale[:, None]
        x[active] = cur + delta
        active = active[np.abs(delta).max(axis=1, initial=0.0) > tol]
        if len(active) == 0:
            break
    return x


def cap(step: FloatArray) -> FloatArray:
    """Shrink each row's step so no coordinate moves more than ``MAX_STEP``."""
    big = np.abs(step).max(axis=1, initial=0.0)
    return np.asarray(step * np.minimum(1.0, MAX_STEP / np.maximum(big, 1e-300))[:, None],
                      dtype=np.float64)


def fit_bt(i: IntArray, j: IntArray, n: FloatArray, s: FloatArray, n_models: int, *,
           ridge: float = RIDGE, tol: float = 1e-7, max_iter: int = 200) -> FloatArray:
    """Maximum-likelihood strengths for each row of ``n`` / ``s``.

    ``i``, ``j`` (``(P,)``) are the pairs; ``n`` (``(R, P)``) the battles per
    pair and ``s`` the score of ``i`` (wins plus half the ties). Returns
    ``(R, n_models)`` strengths in nats, summing to about zero per row.
    """
    n = np.atleast_2d(np.asarray(n, dtype=np.float64))
    s = np.atleast_2d(np.asarray(s, dtype=np.float64))
    r, p_count = n.shape
    inc = np.zeros((p_count, n_models))
    inc[np.arange(p_count), i] = 1.0
    inc[np.arange(p_count), j] = -1.0

    def step(th: FloatArray, rows: IntArray) -> FloatArray:
        return _newton_step(th, i, j, n[rows], s[rows], inc, ridge)

    def loglik(th: FloatArray, rows: IntArray) -> FloatArray:
        return _loglik(th, i, j, n[rows], s[rows], ridge)

    theta = newton_maximize(np.zeros((r, n_models)), step, loglik, tol=tol, max_iter=max_iter)
    return np.asarray(theta - theta.mean(axis=1, keepdims=True), dtype=np.float64)
