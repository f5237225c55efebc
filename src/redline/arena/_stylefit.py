"""Style-controlled ratings: Bradley-Terry with answer-style covariates.

Each battle gets, per feature, the normalised difference ``(a - b) / (a + b)``
(0 when both are 0), standardised across battles; the logit of ``a`` winning
is ``theta_a - theta_b + beta . features``. The ratings are then what is left
of each model's strength once length and markdown are accounted for, as in
Chatbot Arena's style control. Battles are collapsed to unique rows of
(pair, outcome, features), and the bootstrap resamples those rows'
counts multinomially.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from redline.arena._battle import STRONG_WEIGHT, Battle, battle_weight
from redline.arena._bt import RIDGE, cap, newton_maximize, sigmoid
from redline.arena._counts import BattleCounts, counts_from_outcomes
from redline.arena._ratings import Leaderboard, build_leaderboard
from redline.arena._style import FEATURES

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_SCORE = {"model_a": 1.0, "model_b": 0.0, "tie": 0.5, "tie (bothbad)": 0.5}
_DENSE_LIMIT = 30_000_000
_CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class StyleData:
    """Unique battle rows with style covariates; ``skipped`` battles had no style features."""

    counts: BattleCounts
    a: IntArray
    b: IntArray
    n: FloatArray
    s: FloatArray
    features: FloatArray
    skipped: int


def _diff(style: Mapping[str, Any]) -> list[float]:
    out = []
    for f in FEATURES:
        x, y = float(style["a"].get(f, 0)), float(style["b"].get(f, 0))
        out.append((x - y) / (x + y) if x + y > 0 else 0.0)
    return out


def style_data(battles: Iterable[Battle], strong_weight: int = STRONG_WEIGHT) -> StyleData:
    """Collect the battles that carry style features (``meta["style"]``)."""
    names: dict[str, int] = {}
    a: list[int] = []
    b: list[int] = []
    y: list[float] = []
    w: list[int] = []
    feats: list[list[float]] = []
    skipped = 0
    for bt in battles:
        style = bt.meta.get("style")
        if not isinstance(style, Mapping) or not {"a", "b"} <= set(style) or \
                bt.model_a == bt.model_b:
            skipped += 1
            continue
        a.append(names.setdefault(bt.model_a, len(names)))
        b.append(names.setdefault(bt.model_b, len(names)))
        y.append(_SCORE[bt.winner.value])
        w.append(battle_weight(bt.winner, bt.verdict, strong_weight))
        feats.append(_diff(style))
    if not a:
        raise ValueError("no battles with style features to fit style control on")
    order = sorted(names)
    pos = {name: k for k, name in enumerate(order)}
    remap = np.array([pos[name] for name in names], dtype=np.int64)
    return _collapse(order, remap[np.array(a)], remap[np.array(b)], np.array(y),
                     np.array(w, dtype=np.int64), np.array(feats), skipped)


def _collapse(models: list[str], a: IntArray, b: IntArray, y: FloatArray, w: IntArray,
              f: FloatArray, skipped: int) -> StyleData:
    std = f.std(axis=0)
    f = (f - f.mean(axis=0)) / np.where(std > 0, std, 1.0)
    outcome = np.where(y == 1.0, 0, np.where(y == 0.0, 2, 1)).astype(np.int64)
    counts = counts_from_outcomes(models, a, b, outcome, weight=w)
    key = np.column_stack([a, b, y, f])
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    n = np.bincount(inverse, weights=w.astype(np.float64), minlength=len(uniq)).astype(np.float64)
    s = np.bincount(inverse, weights=w * y, minlength=len(uniq)).astype(np.float64)
    return StyleData(counts=counts, a=uniq[:, 0].astype(np.int64), b=uniq[:, 1].astype(np.int64),
                     n=n, s=s, features=uniq[:, 3:], skipped=skipped)


def _design(data: StyleData) -> FloatArray:
    m, rows = data.counts.n_models, len(data.a)
    inc = np.zeros((rows, m))
    inc[np.arange(rows), data.a] = 1.0
    inc[np.arange(rows), data.b] = -1.0
    return np.hstack([inc, data.features])


def fit_logistic(x: FloatArray, n: FloatArray, s: FloatArray, ridge: float = RIDGE
                 ) -> FloatArray:
    """Weighted logistic regression, no intercept, for each row of ``n`` and ``s`` (R x rows)."""
    rows, p = x.shape
    xx = (x[:, :, None] * x[:, None, :]).reshape(rows, p * p) if rows * p * p <= _DENSE_LIMIT \
        else None
    diag = np.arange(p)

    def step(beta: FloatArray, idx: IntArray) -> FloatArray:
        nn, ss = n[idx], s[idx]
        prob = sigmoid(beta @ x.T)
        grad = (ss - nn * prob) @ x - ridge * beta
        w = nn * prob * (1.0 - prob)
        if xx is not None:
            hess = (w @ xx).reshape(len(idx), p, p)
        else:
            hess = np.stack([(x.T * wr) @ x for wr in w])
        hess[:, diag, diag] += ridge
        return cap(np.asarray(np.linalg.solve(hess, grad[..., None])[..., 0], dtype=np.float64))

    def loglik(beta: FloatArray, idx: IntArray) -> FloatArray:
        eta = beta @ x.T
        ll = -(s[idx] * np.logaddexp(0.0, -eta) + (n[idx] - s[idx]) * np.logaddexp(0.0, eta))
        return np.asarray(ll.sum(axis=1) - 0.5 * ridge * (beta * beta).sum(axis=1),
                          dtype=np.float64)

    return newton_maximize(np.zeros((len(n), p)), step, loglik)


def rate_with_style(data: StyleData, *, rounds: int = 1000, seed: int = 0,
                    confidence: float = 0.95, anchor: tuple[str, float] | None = None,
                    baseline: str | None = None) -> Leaderboard:
    """Style-controlled ratings with bootstrap intervals; coefficients in ``Leaderboard.style``."""
    x = _design(data)
    m = data.counts.n_models
    point = fit_logistic(x, data.n[None, :], data.s[None, :])[0]
    boot = np.zeros((0, m))
    total = int(np.rint(data.n.sum()))
    if rounds > 0:
        rng = np.random.default_rng(seed)
        chunk = max(1, _CHUNK_CELLS // max(len(data.n), 1))
        parts = []
        frac = data.s / np.maximum(data.n, 1e-300)
        for start in range(0, rounds, chunk):
            size = min(chunk, rounds - start)
            n = rng.multinomial(total, data.n / total, size=size).astype(np.float64)
            parts.append(fit_logistic(x, n, n * frac)[:, :m])
        boot = np.concatenate(parts)
    centre = point[:m] - point[:m].mean()
    boot = boot - boot.mean(axis=1, keepdims=True) if len(boot) else boot
    coefs = {f: round(float(c), 4) for f, c in zip(FEATURES, point[m:], strict=True)}
    return build_leaderboard(data.counts, centre, boot, rounds=rounds, seed=seed,
                             confidence=confidence, anchor=anchor, baseline=baseline,
                             style=coefs)
