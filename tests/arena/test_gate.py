"""The gate hook and the store access functions, on SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest

from redline.arena import (
    Battle,
    PairVerdict,
    Source,
    Winner,
    add_battles,
    battle_counts,
    gate_metrics,
    iter_battles,
    list_arenas,
    simulate_outcomes,
)
from redline.arena._simulate import random_pairs
from redline.errors import NotFoundError
from redline.store import Store

NAMES = ["flagship", "rival-a", "rival-b", "old"]
TRUE = [1100.0, 1120.0, 1000.0, 900.0]
WINNERS = [Winner.MODEL_A, Winner.TIE, Winner.MODEL_B]


def simulated_battles(n: int, seed: int = 0) -> list[Battle]:
    rng = np.random.default_rng(seed)
    a, b = random_pairs(len(NAMES), n, rng)
    out = simulate_outcomes(TRUE, a, b, rng, tie_rate=0.2)
    return [Battle(NAMES[x], NAMES[y], WINNERS[o], source=Source.HUMAN, voter=f"v{k % 7}")
            for k, (x, y, o) in enumerate(zip(a, b, out, strict=True))]


def test_store_round_trip_and_grouped_counts(store: Store) -> None:
    battles = simulated_battles(300)
    battles.append(Battle("flagship", "old", Winner.MODEL_A, PairVerdict.A_MUCH_BETTER,
                          Source.JUDGE, prompt_id="p1", judge="mock:script"))
    assert add_battles(store, "main", battles) == 301
    add_battles(store, "other", battles[:5])
    back = list(iter_battles(store, "main", batch=64))
    assert back == battles
    counts = battle_counts(store, "main")
    assert counts.models == tuple(sorted(NAMES)) and counts.n_battles == 301
    assert counts.total == 303  # the strong verdict counts three times
    assert battle_counts(store, "main", sources=["judge"]).total == 3
    assert battle_counts(store, "main", models=["old", "rival-b"]).models == ("old", "rival-b")
    infos = {a.name: a for a in list_arenas(store)}
    assert (infos["main"].battles, infos["main"].models) == (301, 4)
    assert infos["main"].sources == ("human", "judge") and infos["other"].battles == 5
    with pytest.raises(NotFoundError, match="no arena named 'nope'"):
        battle_counts(store, "nope")


def test_gate_metrics_against_the_best_competitor(store: Store) -> None:
    add_battles(store, "main", simulated_battles(4000, seed=1))
    m = gate_metrics(store, "main", "flagship", rounds=300)
    assert m.best_competitor == "rival-a" and m.baseline == "rival-a"
    assert m.lower < m.rating < m.upper and m.competitor_lower < m.competitor_rating
    assert m.win_rate_lower < m.win_rate < m.win_rate_upper and 0.3 < m.win_rate < 0.6
    assert m.gap_to_best == pytest.approx(m.competitor_rating - m.upper)
    # "rating upper bound within 30 points of the best competitor"
    assert m.gap_to_best <= 30
    assert m.n_battles == 4000 and m.digest.startswith("sha256:") and m.battles > 1500
    again = gate_metrics(store, "main", "flagship", rounds=300)
    assert again == m  # seeded: the same evidence gives the same numbers
    assert gate_metrics(store, "main", "flagship", rounds=300, sources=["human"]) == m
    with pytest.raises(NotFoundError):
        gate_metrics(store, "main", "flagship", rounds=10, sources=["judge"])

    vs_old = gate_metrics(store, "main", "flagship", ["rival-b", "old"], baseline="old",
                          rounds=300)
    assert vs_old.best_competitor == "rival-b" and vs_old.baseline == "old"
    # "win rate vs baseline >= 0.45 at the lower bound"
    assert vs_old.win_rate_lower >= 0.45
    assert set(vs_old.as_dict()) >= {"rating", "lower", "upper", "win_rate_lower", "gap_to_best"}


def test_gate_metrics_refuses_unknown_models(store: Store) -> None:
    add_battles(store, "main", simulated_battles(200))
    with pytest.raises(NotFoundError, match="no battles for ghost"):
        gate_metrics(store, "main", "ghost", rounds=10)
    with pytest.raises(NotFoundError, match="no battles for phantom"):
        gate_metrics(store, "main", "flagship", ["phantom"], rounds=10)
    with pytest.raises(NotFoundError, match="no arena named"):
        gate_metrics(store, "elsewhere", "flagship", rounds=10)
