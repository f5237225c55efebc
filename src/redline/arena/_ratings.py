"""Ratings with bootstrap intervals, interval-separated ranks and win rates vs a baseline.

Ratings are on the Elo scale (base 10, scale 400), centred on a mean of 1000,
or shifted so that an anchor model has a fixed rating (then the anchor's own
interval has zero width, and the others' intervals are relative to it).
Intervals come from resampling the battle counts multinomially and refitting,
``rounds`` times from a seeded generator. When the battles are separated
(a model won or lost every battle, so the maximum-likelihood ratings do not
exist and only the weak ridge keeps them finite) every resample would be
separated too and the intervals would collapse to points; then the resampling
probabilities add half a pseudo-battle (:data:`PSEUDO`) to each outcome of
every pair that met, as the Jeffreys interval does for a proportion, so that
16 wins in 16 still see the occasional upset and the interval says how little
16 battles prove. The interval always includes the estimate itself. A model is ranked below another
only when their intervals separate: ``rank = 1 + #{models whose lower bound
is above this model's upper bound}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from redline.arena._bt import BASE, ELO_PER_NAT, INIT_RATING, RIDGE, SCALE, fit_bt
from redline.arena._counts import I_WINS, TIE, BattleCounts

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Work on this many array cells per chunk of bootstrap rounds (bounds memory).
_CHUNK_CELLS = 12_000_000
#: Pseudo-count per (pair, outcome) cell in the bootstrap's resampling probabilities.
PSEUDO = 0.5


@dataclass(frozen=True, slots=True)
class RatingRow:
    """One leaderboard line. ``win_rate*`` are set when a baseline was given."""

    model: str
    rating: float
    lower: float
    upper: float
    rank: int
    battles: int
    win_rate: float | None = None
    win_rate_lower: float | None = None
    win_rate_upper: float | None = None

    def as_dict(self) -> dict[str, float | int | str | None]:
        d: dict[str, float | int | str | None] = {
            "model": self.model, "rating": round(self.rating, 2), "lower": round(self.lower, 2),
            "upper": round(self.upper, 2), "rank": self.rank, "battles": self.battles}
        if self.win_rate is not None:
            d["win_rate"] = round(self.win_rate, 4)
            d["win_rate_lower"] = round(self.win_rate_lower or 0.0, 4)
            d["win_rate_upper"] = round(self.win_rate_upper or 0.0, 4)
        return d


@dataclass(frozen=True)
class Leaderboard:
    """Ratings of ``models`` (array order), their bootstrap draws and what they rest on."""

    models: tuple[str, ...]
    rating: FloatArray
    lower: FloatArray
    upper: FloatArray
    rank: IntArray
    battles: IntArray
    boot: FloatArray = field(repr=False)
    rounds: int
    seed: int
    confidence: float
    n_battles: int
    digest: str
    anchor: tuple[str, float] | None = None
    baseline: str | None = None
    win_rate: FloatArray | None = None
    win_lower: FloatArray | None = None
    win_upper: FloatArray | None = None
    #: Style-control coefficients (logit per standardised feature), when fitted with style.
    style: dict[str, float] | None = None

    def index(self, model: str) -> int:
        try:
            return self.models.index(model)
        except ValueError:
            raise KeyError(model) from None

    def row(self, model: str) -> RatingRow:
        k = self.index(model)
        row = RatingRow(model=model, rating=float(self.rating[k]), lower=float(self.lower[k]),
                        upper=float(self.upper[k]), rank=int(self.rank[k]),
                        battles=int(self.battles[k]))
        if self.win_rate is None or self.win_lower is None or self.win_upper is None:
            return row
        return replace(row, win_rate=float(self.win_rate[k]),
                       win_rate_lower=float(self.win_lower[k]),
                       win_rate_upper=float(self.win_upper[k]))

    def rows(self) -> list[RatingRow]:
        """Best first."""
        order = sorted(range(len(self.models)), key=lambda k: (-self.rating[k], self.models[k]))
        return [self.row(self.models[k]) for k in order]

    def with_baseline(self, baseline: str) -> Leaderboard:
        """The same board with every model's expected win rate against ``baseline``."""
        k = self.index(baseline)
        wr = win_probability(self.rating, self.rating[k])
        if len(self.boot):
            alpha = (1.0 - self.confidence) / 2
            wb = win_probability(self.boot, self.boot[:, [k]])
            lo, hi = np.quantile(wb, [alpha, 1.0 - alpha], axis=0)
        else:
            lo, hi = wr.copy(), wr.copy()
        return replace(self, baseline=baseline, win_rate=wr, win_lower=lo, win_upper=hi)

    @property
    def separability(self) -> float:
        """Share of model pairs whose intervals do not overlap."""
        m = len(self.models)
        if m < 2:
            return 0.0
        apart = (self.lower[:, None] > self.upper[None, :]).sum()
        return float(apart) / (m * (m - 1) / 2)


def win_probability(rating: FloatArray | float, other: FloatArray | float) -> FloatArray:
    """Expected score against ``other`` on the Elo scale."""
    diff = np.asarray(other, dtype=np.float64) - np.asarray(rating, dtype=np.float64)
    return np.asarray(1.0 / (1.0 + np.power(BASE, diff / SCALE)), dtype=np.float64)


def pair_scores(counts: IntArray) -> tuple[FloatArray, FloatArray]:
    """(battles, score of i) per pair from ``(..., P, 3)`` counts; a tie is half a win."""
    c = counts.astype(np.float64)
    return c.sum(axis=-1), c[..., I_WINS] + 0.5 * c[..., TIE]


def bootstrap_strengths(counts: BattleCounts, rounds: int, seed: int,
                        ridge: float = RIDGE) -> FloatArray:
    """``(rounds, M)`` strengths refitted on multinomial resamples of the counts."""
    m, flat = counts.n_models, counts.counts.ravel()
    total = int(flat.sum())
    if rounds <= 0 or total == 0:
        return np.zeros((0, m))
    rng = np.random.default_rng(seed)
    smooth = flat + PSEUDO if counts.separated else flat.astype(np.float64)
    pvals = smooth / smooth.sum()
    chunk = max(1, _CHUNK_CELLS // max(m * m + flat.size, 1))
    parts = []
    for start in range(0, rounds, chunk):
        size = min(chunk, rounds - start)
        draws = rng.multinomial(total, pvals, size=size).reshape(size, -1, 3)
        n, s = pair_scores(draws)
        parts.append(fit_bt(counts.i, counts.j, n, s, m, ridge=ridge))
    return np.concatenate(parts)


def to_elo(theta: FloatArray, models: Sequence[str],
           anchor: tuple[str, float] | None = None) -> FloatArray:
    """Strengths (nats) to Elo-scale ratings: mean 1000, or the anchor's fixed rating."""
    elo = np.atleast_2d(theta) * ELO_PER_NAT
    if anchor is None:
        elo = elo - elo.mean(axis=1, keepdims=True) + INIT_RATING
    else:
        k = list(models).index(anchor[0])
        elo = elo - elo[:, [k]] + anchor[1]
    return np.asarray(elo, dtype=np.float64)


def rate(counts: BattleCounts, *, rounds: int = 1000, seed: int = 0, confidence: float = 0.95,
         anchor: tuple[str, float] | None = None, baseline: str | None = None) -> Leaderboard:
    """Bradley-Terry ratings with bootstrap intervals from collapsed battle counts."""
    _check(counts, anchor, baseline, confidence)
    n, s = pair_scores(counts.counts)
    point = fit_bt(counts.i, counts.j, n[None, :], s[None, :], counts.n_models)
    boot = bootstrap_strengths(counts, rounds, seed)
    return build_leaderboard(counts, point[0], boot, rounds=rounds, seed=seed,
                             confidence=confidence, anchor=anchor, baseline=baseline)


def _check(counts: BattleCounts, anchor: tuple[str, float] | None, baseline: str | None,
           confidence: float) -> None:
    if counts.total == 0:
        raise ValueError("no battles to rate")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    for name, what in ((anchor[0] if anchor else None, "anchor"), (baseline, "baseline")):
        if name is not None and name not in counts.models:
            raise KeyError(f"{what} model '{name}' has no battles; models: "
                           f"{', '.join(counts.models)}")


def build_leaderboard(counts: BattleCounts, theta: FloatArray, boot_theta: FloatArray, *,
                      rounds: int, seed: int, confidence: float,
                      anchor: tuple[str, float] | None, baseline: str | None,
                      style: dict[str, float] | None = None) -> Leaderboard:
    """Scale, interval, rank and compare with the baseline; shared by plain and style fits."""
    models = counts.models
    rating = to_elo(theta, models, anchor)[0]
    boot = to_elo(boot_theta, models, anchor) if len(boot_theta) else np.zeros((0, len(models)))
    alpha = (1.0 - confidence) / 2
    if len(boot):
        lower, upper = np.quantile(boot, [alpha, 1.0 - alpha], axis=0)
        # A perfect record puts the estimate at the edge of what resamples reach:
        # the interval always includes the estimate itself.
        lower, upper = np.minimum(lower, rating), np.maximum(upper, rating)
    else:
        lower, upper = rating.copy(), rating.copy()
    rank = 1 + (lower[None, :] > upper[:, None]).sum(axis=1)
    board = Leaderboard(models=models, rating=rating, lower=lower, upper=upper,
                        rank=rank.astype(np.int64), battles=counts.battles, boot=boot,
                        rounds=rounds, seed=seed, confidence=confidence,
                        n_battles=counts.n_battles, digest=counts.digest(), anchor=anchor,
                        style=style)
    return board if baseline is None else board.with_baseline(baseline)
