"""Bradley-Terry ratings from simulated battles with known strengths."""

from __future__ import annotations

import numpy as np
import pytest

from redline.arena import (
    BattleCounts,
    counts_from_outcomes,
    fit_bt,
    rate,
    simulate_counts,
    win_probability,
)
from redline.arena._counts import counts_from_rows
from redline.arena._ratings import pair_scores

TRUE = np.array([820.0, 900.0, 960.0, 1000.0, 1040.0, 1100.0, 1180.0, 1250.0])


def centred(r: np.ndarray) -> np.ndarray:
    return r - r.mean() + 1000.0


def test_recovers_the_true_ordering_and_ratings() -> None:
    counts = simulate_counts(TRUE, 12_000, seed=3, tie_rate=0.3)
    board = rate(counts, rounds=300, seed=0)
    order = [board.models[k] for k in np.argsort(-board.rating)]
    assert order == [f"m{k:03d}" for k in reversed(range(len(TRUE)))]
    assert np.abs(board.rating - centred(TRUE)).max() < 25
    assert abs(board.rating.mean() - 1000.0) < 1e-6
    assert list(board.rank) == list(range(len(TRUE), 0, -1))  # every interval separates
    assert board.separability == 1.0


def test_intervals_cover_the_truth_at_about_the_nominal_rate() -> None:
    truth = centred(TRUE)
    hits = total = 0
    for sim in range(60):
        board = rate(simulate_counts(TRUE, 1500, seed=100 + sim), rounds=300, seed=sim)
        hits += int(((board.lower <= truth) & (truth <= board.upper)).sum())
        total += len(truth)
    coverage = hits / total
    assert 0.90 <= coverage <= 0.99, coverage


def test_mle_satisfies_the_score_equations() -> None:
    counts = simulate_counts(TRUE[:5], 3000, seed=1, tie_rate=0.5)
    n, s = pair_scores(counts.counts)
    theta = fit_bt(counts.i, counts.j, n[None], s[None], counts.n_models, ridge=1e-9)[0]
    p = 1 / (1 + np.exp(-(theta[counts.i] - theta[counts.j])))
    residual = np.zeros(counts.n_models)
    np.add.at(residual, counts.i, s - n * p)
    np.add.at(residual, counts.j, -(s - n * p))
    assert np.abs(residual).max() < 1e-6


def test_battles_collapse_to_counts_per_pair_and_outcome() -> None:
    a = np.array([0, 1, 0, 2, 2, 1])
    b = np.array([1, 0, 1, 0, 0, 2])
    out = np.array([0, 0, 1, 2, 0, 1])  # 0: a won, 1: tie, 2: b won
    c = counts_from_outcomes(["x", "y", "z"], a, b, out)
    cells = {(c.models[i], c.models[j]): list(row) for i, j, row in zip(c.i, c.j, c.counts, strict=True)}
    # x-y: x won, y won, tie; x-z: x won (z lost as a), z won; y-z: tie
    assert cells == {("x", "y"): [1, 1, 1], ("x", "z"): [1, 0, 1], ("y", "z"): [0, 1, 0]}
    assert list(c.battles) == [5, 4, 3] and c.n_battles == 6 and c.total == 6
    sub = c.subset(["z", "x"])
    assert sub.models == ("z", "x") and sub.total == 2
    assert c.digest() == counts_from_outcomes(["x", "y", "z"], a, b, out).digest()


def test_strong_verdicts_count_three_times_and_ties_once() -> None:
    rows = [("x", "y", "model_a", "A>>B", 2), ("x", "y", "model_b", "A>B", 1),
            ("y", "x", "tie", "A>>B", 1),  # an inconsistent strong verdict, recorded as tie
            ("y", "x", "tie (bothbad)", None, 1)]
    c = counts_from_rows(rows)
    assert c.models == ("x", "y")
    assert list(c.counts[0]) == [6, 2, 1]
    assert list(c.battles) == [5, 5]


def test_same_seed_same_intervals_and_anchor_fixes_one_rating() -> None:
    counts = simulate_counts(TRUE[:4], 2000, seed=5)
    one, two = rate(counts, rounds=200, seed=7), rate(counts, rounds=200, seed=7)
    assert np.array_equal(one.lower, two.lower) and np.array_equal(one.upper, two.upper)
    assert not np.array_equal(one.lower, rate(counts, rounds=200, seed=8).lower)
    anchored = rate(counts, rounds=200, seed=7, anchor=("m000", 1200.0))
    k = anchored.index("m000")
    assert anchored.rating[k] == pytest.approx(1200.0)
    assert anchored.lower[k] == pytest.approx(1200.0) and anchored.upper[k] == pytest.approx(1200.0)
    assert np.allclose(anchored.rating - anchored.rating[k], one.rating - one.rating[k])


def test_ranks_separate_only_when_intervals_do() -> None:
    counts = simulate_counts([1000.0, 1000.0, 1400.0], 600, seed=2)
    board = rate(counts, rounds=300, seed=0)
    ranks = dict(zip(board.models, board.rank.tolist(), strict=True))
    assert ranks == {"m002": 1, "m000": 2, "m001": 2}
    assert board.separability == pytest.approx(2 / 3)


def test_a_model_that_won_everything_gets_a_finite_rating_and_a_wide_interval() -> None:
    c = counts_from_outcomes(["best", "x", "y"], np.array([0, 0, 1, 1, 2]),
                             np.array([1, 2, 2, 2, 1]), np.array([0, 0, 0, 2, 1]))
    board = rate(c, rounds=200, seed=0)
    k = board.index("best")
    assert np.isfinite(board.rating).all() and board.rating[k] == board.rating.max()
    assert board.upper[k] - board.lower[k] > 200


def test_win_rate_against_a_baseline() -> None:
    counts = simulate_counts(TRUE[:4], 4000, seed=9)
    board = rate(counts, rounds=200, seed=0, baseline="m001")
    row = board.row("m001")
    assert row.win_rate == pytest.approx(0.5) and row.win_rate_lower == pytest.approx(0.5)
    best = board.row("m003")
    assert best.win_rate is not None and best.win_rate_lower is not None
    assert best.win_rate_lower < best.win_rate < (best.win_rate_upper or 0)
    expected = float(win_probability(TRUE[3], TRUE[1]))
    assert best.win_rate == pytest.approx(expected, abs=0.05)
    assert set(row.as_dict()) >= {"model", "rating", "lower", "upper", "rank", "battles",
                                  "win_rate", "win_rate_lower", "win_rate_upper"}


def test_bad_requests_are_clear() -> None:
    counts = simulate_counts(TRUE[:3], 100, seed=0)
    with pytest.raises(KeyError, match="anchor model 'nope'"):
        rate(counts, rounds=10, anchor=("nope", 1000.0))
    with pytest.raises(KeyError, match="baseline model 'nope'"):
        rate(counts, rounds=10, baseline="nope")
    empty = BattleCounts(models=("a",), i=np.zeros(0, dtype=np.int64),
                         j=np.zeros(0, dtype=np.int64), counts=np.zeros((0, 3), dtype=np.int64),
                         battles=np.zeros(1, dtype=np.int64))
    with pytest.raises(ValueError, match="no battles"):
        rate(empty)


def test_zero_rounds_gives_point_intervals() -> None:
    board = rate(simulate_counts(TRUE[:3], 300, seed=0), rounds=0)
    assert np.array_equal(board.lower, board.rating) and board.boot.shape == (0, 3)


def test_a_perfect_record_gets_an_honest_interval() -> None:
    # alpha beat beta and gamma 8 times each, beta beat gamma 8 times: the MLE does not exist.
    a = np.array([0] * 16 + [1] * 8)
    b = np.array([1] * 8 + [2] * 16)
    counts = counts_from_outcomes(["alpha", "beta", "gamma"], a, b, np.zeros(24, dtype=np.int64))
    assert counts.separated
    assert not simulate_counts(TRUE[:3], 300, seed=0).separated
    board = rate(counts, rounds=500, seed=0)
    assert (board.lower <= board.rating).all() and (board.rating <= board.upper).all()
    widths = board.upper - board.lower
    assert widths.min() > 150  # 8 battles per pair prove an order, not a precise gap
    assert board.row("alpha").rank == 1 and board.row("gamma").rank > 1
