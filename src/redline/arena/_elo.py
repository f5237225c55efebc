"""Online Elo: the classic sequential update, kept only as a secondary view.

Unlike Bradley-Terry it depends on the order of the battles and forgets early
evidence, so its numbers drift; the leaderboard and the gate use
Bradley-Terry. A strong verdict counts as several battles (several updates).
"""

from __future__ import annotations

from collections.abc import Iterable

from redline.arena._battle import STRONG_WEIGHT, Battle, battle_weight
from redline.arena._bt import BASE, INIT_RATING, SCALE

DEFAULT_K = 4.0
_SCORE = {"model_a": 1.0, "model_b": 0.0, "tie": 0.5, "tie (bothbad)": 0.5}


def online_elo(battles: Iterable[Battle], *, k: float = DEFAULT_K, init: float = INIT_RATING,
               strong_weight: int = STRONG_WEIGHT) -> dict[str, float]:
    """Elo ratings after playing ``battles`` in order (base 10, scale 400)."""
    if k <= 0:
        raise ValueError("K must be positive")
    ratings: dict[str, float] = {}
    for b in battles:
        if b.model_a == b.model_b:
            continue
        score = _SCORE[b.winner.value]
        for _ in range(battle_weight(b.winner, b.verdict, strong_weight)):
            ra = ratings.get(b.model_a, init)
            rb = ratings.get(b.model_b, init)
            expected = 1.0 / (1.0 + BASE ** ((rb - ra) / SCALE))
            ratings[b.model_a] = ra + k * (score - expected)
            ratings[b.model_b] = rb - k * (score - expected)
    return ratings
