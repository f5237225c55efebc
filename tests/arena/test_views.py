"""Style control, online Elo, the SVG chart and style features."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from redline.arena import (
    Battle,
    PairVerdict,
    Winner,
    leaderboard_svg,
    online_elo,
    rate,
    rate_with_style,
    simulate_counts,
    style_data,
    style_features,
)

LENGTHS = {"verbose": (250, 450), "terse": (80, 300), "mid": (80, 450)}


def styled_battles(n: int, seed: int, beta: float = 2.0) -> list[Battle]:
    """Equal models; the longer answer wins more often (by ``beta`` per normalised difference)."""
    rng = np.random.default_rng(seed)
    names = list(LENGTHS)
    out = []
    for _ in range(n):
        x, y = rng.choice(3, size=2, replace=False)
        la, lb = (int(rng.integers(*LENGTHS[names[k]])) for k in (x, y))
        p = 1 / (1 + np.exp(-beta * (la - lb) / (la + lb)))
        winner = Winner.MODEL_A if rng.random() < p else Winner.MODEL_B
        out.append(Battle(names[x], names[y], winner,
                          meta={"style": {"a": {"length": la, "headers": 0, "lists": 0, "bold": 0},
                                          "b": {"length": lb, "headers": 0, "lists": 0,
                                                "bold": 0}}}))
    return out


def test_style_control_removes_a_length_advantage() -> None:
    battles = styled_battles(6000, seed=4)
    data = style_data([*battles, Battle("verbose", "terse", Winner.TIE)])
    assert data.skipped == 1
    plain = rate(data.counts, rounds=100, seed=0)
    gap = plain.rating[plain.index("verbose")] - plain.rating[plain.index("terse")]
    assert gap > 60  # without style control, length looks like quality
    styled = rate_with_style(data, rounds=100, seed=0)
    gap = styled.rating[styled.index("verbose")] - styled.rating[styled.index("terse")]
    assert abs(gap) < 30 and styled.lower[0] < styled.upper[0]
    assert styled.style is not None and styled.style["length"] > 0.2
    assert styled.style["headers"] == 0.0


def test_style_control_needs_style_features() -> None:
    with pytest.raises(ValueError, match="no battles with style features"):
        style_data([Battle("a", "b", Winner.TIE)])


def test_online_elo_is_order_dependent_and_counts_strong_verdicts() -> None:
    wins = [Battle("a", "b", Winner.MODEL_A)] * 20
    elo = online_elo(wins, k=16)
    assert elo["a"] > 1000 > elo["b"] and elo["a"] + elo["b"] == pytest.approx(2000)
    late = online_elo([Battle("a", "b", Winner.MODEL_B)] * 20 + wins, k=16)
    assert late["a"] > 1000  # the most recent battles dominate
    strong = online_elo([Battle("a", "b", Winner.MODEL_A, PairVerdict.A_MUCH_BETTER)], k=16)
    weak = online_elo([Battle("a", "b", Winner.MODEL_A, PairVerdict.A_BETTER)] * 3, k=16)
    assert strong == weak
    assert online_elo([Battle("a", "b", Winner.TIE_BOTHBAD)]) == {"a": 1000.0, "b": 1000.0}
    with pytest.raises(ValueError):
        online_elo(wins, k=0)


def test_leaderboard_svg_is_well_formed_and_escaped() -> None:
    counts = simulate_counts([900.0, 1000.0, 1100.0], 600, seed=0,
                             names=["a<b>&c", "model-two", "model-three"])
    svg = leaderboard_svg(rate(counts, rounds=100, seed=0))
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any(t and "a<b>&c" in t for t in texts)
    assert sum(1 for _ in root.iter("{http://www.w3.org/2000/svg}circle")) == 3
    assert texts[0] is not None and "95% bootstrap intervals" in texts[0]


def test_style_features_count_markdown() -> None:
    text = "# Title\n\nSome **bold** words and __more__.\n\n- one\n- two\n1. three\n## Sub\n"
    assert style_features(text) == {"length": 15, "headers": 2, "lists": 3, "bold": 2}
    assert style_features("") == {"length": 0, "headers": 0, "lists": 0, "bold": 0}
