"""The numbers an ``arena`` policy gate decides on.

Two gates the policy can state with these numbers::

    # rating upper bound within 30 points of the best competitor
    m.upper >= m.competitor_rating - 30          (m.gap_to_best <= 30)
    # win rate vs the baseline at least 0.45 at the lower bound
    m.win_rate_lower >= 0.45

Ratings are fitted on the whole arena (every model in it), so the model and
its competitors are on one scale; intervals are seeded bootstrap intervals,
so the same battles give the same numbers. ``digest`` identifies the battle
counts the numbers rest on, for binding evidence to a sign-off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from redline.arena._ratings import Leaderboard, rate
from redline.arena._store import battle_counts, iter_battles
from redline.arena._stylefit import rate_with_style, style_data
from redline.errors import NotFoundError
from redline.store import Store


@dataclass(frozen=True, slots=True)
class ArenaGateMetrics:
    """One model's standing in an arena against its competitors and a baseline."""

    arena: str
    model: str
    rating: float
    lower: float
    upper: float
    rank: int
    battles: int
    best_competitor: str
    competitor_rating: float
    competitor_lower: float
    competitor_upper: float
    baseline: str
    win_rate: float
    win_rate_lower: float
    win_rate_upper: float
    confidence: float
    rounds: int
    seed: int
    n_battles: int
    style_control: bool
    digest: str

    @property
    def gap_to_best(self) -> float:
        """Best competitor's rating minus this model's upper bound (<= 0: within reach)."""
        return self.competitor_rating - self.upper

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "gap_to_best": self.gap_to_best}


def leaderboard(store: Store, arena: str, *, rounds: int = 1000, seed: int = 0,
                confidence: float = 0.95, anchor: tuple[str, float] | None = None,
                baseline: str | None = None, style: bool = False,
                sources: Sequence[str] | None = None) -> Leaderboard:
    """Rate an arena's battles; ``KeyError`` for an unknown anchor or baseline model."""
    if style:
        data = style_data(iter_battles(store, arena, sources=sources))
        return rate_with_style(data, rounds=rounds, seed=seed, confidence=confidence,
                               anchor=anchor, baseline=baseline)
    counts = battle_counts(store, arena, sources=sources)
    return rate(counts, rounds=rounds, seed=seed, confidence=confidence, anchor=anchor,
                baseline=baseline)


def gate_metrics(store: Store, arena: str, model: str,
                 competitors: Sequence[str] | None = None, *, baseline: str | None = None,
                 rounds: int = 1000, seed: int = 0, confidence: float = 0.95,
                 style: bool = False, sources: Sequence[str] | None = None
                 ) -> ArenaGateMetrics:
    """``model``'s rating and interval, its best competitor's, and its win rate vs ``baseline``.

    ``competitors`` defaults to every other model in the arena; the best is
    the one with the highest rating. ``baseline`` defaults to the best
    competitor. ``sources`` (``judge``, ``human``, ``import``) limits the
    battles used. Raises :class:`NotFoundError` when the arena, the model or a
    competitor has no battles.
    """
    board = leaderboard(store, arena, rounds=rounds, seed=seed, confidence=confidence,
                        style=style, sources=sources)
    names = set(board.models)
    rivals = [m for m in (competitors or board.models) if m != model]
    missing = [m for m in [model, *rivals, *([baseline] if baseline else [])] if m not in names]
    if missing:
        raise NotFoundError(f"arena '{arena}' has no battles for {', '.join(missing)}; "
                            f"models: {', '.join(board.models)}")
    if not rivals:
        raise NotFoundError(f"arena '{arena}' has no competitor for '{model}'")
    best = max(rivals, key=lambda m: float(board.rating[board.index(m)]))
    base = baseline or best
    board = board.with_baseline(base)
    me, top = board.row(model), board.row(best)
    assert me.win_rate is not None and me.win_rate_lower is not None
    assert me.win_rate_upper is not None
    return ArenaGateMetrics(
        arena=arena, model=model, rating=me.rating, lower=me.lower, upper=me.upper,
        rank=me.rank, battles=me.battles, best_competitor=best, competitor_rating=top.rating,
        competitor_lower=top.lower, competitor_upper=top.upper, baseline=base,
        win_rate=me.win_rate, win_rate_lower=me.win_rate_lower,
        win_rate_upper=me.win_rate_upper, confidence=confidence, rounds=rounds, seed=seed,
        n_battles=board.n_battles, style_control=style, digest=board.digest)
