"""Holm and Benjamini-Hochberg against statsmodels.multipletests."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from redline.stats import adjust, benjamini_hochberg, holm

P_SETS = [
    [0.01],
    [0.01, 0.04, 0.03, 0.005],
    [0.5, 0.5, 0.5],
    [0.0, 1.0, 0.02, 0.049, 0.051, 0.2, 0.0001],
    list(np.random.default_rng(7).uniform(0, 0.2, 25)),
]


@pytest.mark.parametrize("ps", P_SETS)
def test_holm_matches_statsmodels(ps: list[float]) -> None:
    _, expected, _, _ = multipletests(ps, method="holm")
    assert holm(ps) == pytest.approx(list(expected), abs=1e-12)


@pytest.mark.parametrize("ps", P_SETS)
def test_bh_matches_statsmodels(ps: list[float]) -> None:
    _, expected, _, _ = multipletests(ps, method="fdr_bh")
    assert benjamini_hochberg(ps) == pytest.approx(list(expected), abs=1e-12)


def test_adjust_dispatches_and_checks() -> None:
    assert adjust([0.01, 0.02], "none") == [0.01, 0.02]
    assert adjust([0.01, 0.02], "holm") == holm([0.01, 0.02])
    assert adjust([], "bh") == []
    with pytest.raises(ValueError):
        adjust([1.5], "holm")
    with pytest.raises(ValueError):
        adjust([0.1], "bonferroni")  # type: ignore[arg-type]
