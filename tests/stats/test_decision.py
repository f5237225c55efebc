"""RateRule: decisions agree with the bounds; curtailment agrees with brute force."""

from __future__ import annotations

import itertools

import pytest

from redline.stats import Outcome, RateRule

METHODS = ["clopper-pearson", "wilson", "jeffreys", "confidence-sequence"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("threshold", [0.01, 0.02, 0.05, 0.1, 0.3, 0.8])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_tables_rise_by_at_most_one_per_unit(method: str, threshold: float,
                                             confidence: float) -> None:
    rule = RateRule(threshold, confidence, method)  # type: ignore[arg-type]
    kmax = [rule.max_passing(n) for n in range(700)]
    klo = [rule.min_failing(n) for n in range(700)]
    for a, b in itertools.pairwise(kmax):
        assert 0 <= b - a <= 1
    for a, b in itertools.pairwise(klo):
        assert 0 <= b - a <= 1
    need = rule.n_needed
    if need < 700:
        assert kmax[need] >= 0 and kmax[need - 1] == -1


@pytest.mark.parametrize("method", METHODS)
def test_decide_agrees_with_the_bounds(method: str) -> None:
    rule = RateRule(0.1, 0.95, method)  # type: ignore[arg-type]
    for n in range(0, 90):
        for k in range(n + 1):
            up, lo = rule.upper(k, n), rule.lower(k, n)
            if min(abs(up - 0.1), abs(lo - 0.1)) < 1e-9:
                continue  # a tie at the threshold: either side is right
            expected = (Outcome.PASS if up <= 0.1 else
                        Outcome.FAIL if n >= rule.n_needed or lo > 0.1 else Outcome.INSUFFICIENT)
            assert rule.decide(k, n) is expected, (k, n)


def _finals(k: int, n: int, r: int) -> set[tuple[int, int]]:
    """Every (events, scored units) the remaining r units can lead to."""
    return {(k + a, n + a + c) for a in range(r + 1) for c in range(r + 1 - a)}


@pytest.mark.parametrize("method", ["clopper-pearson", "wilson", "jeffreys"])
@pytest.mark.parametrize("threshold", [0.05, 0.2, 0.5])
def test_curtailment_is_exact_for_fixed_n_methods(method: str, threshold: float) -> None:
    rule = RateRule(threshold, 0.9, method)  # type: ignore[arg-type]
    total = 40
    for n in range(total + 1):
        for k in range(n + 1):
            for r in range(0, total - n + 1, 3):
                outcomes = {rule.decide(kk, nn) for kk, nn in _finals(k, n, r)}
                expected = outcomes.pop() if len(outcomes) == 1 else None
                assert rule.certain(k, n, r) is expected, (k, n, r)


def test_confidence_sequence_may_stop_on_its_current_bounds() -> None:
    rule = RateRule(0.2, 0.95, "confidence-sequence")
    n = rule.n_needed
    assert rule.certain(0, n, 10_000) is Outcome.PASS  # valid at any stopping time
    assert rule.certain(30, 40, 10_000) is Outcome.FAIL
    assert rule.certain(5, 40, 10_000) is None


def test_rule_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        RateRule(0.0)
    with pytest.raises(ValueError):
        RateRule(0.1, 1.0)
    with pytest.raises(ValueError):
        RateRule(0.1, 0.95, "wald")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        RateRule(0.1).decide(3, 2)
    assert RateRule(0.01).n_needed == 299


@pytest.mark.parametrize("method", ["clopper-pearson", "jeffreys"])
def test_certainly_fails_when_enough_units_are_scored(method: str) -> None:
    """Brute force over outcomes in which at least m of the remaining units are scored."""
    rule = RateRule(0.2, 0.9, method)  # type: ignore[arg-type]
    total = 30
    for n in range(total + 1):
        for k in range(n + 1):
            for r in range(0, total - n + 1, 2):
                for m in range(0, r + 1, 3):
                    finals = {(k + a, n + a + c) for a in range(r + 1)
                              for c in range(r + 1 - a) if a + c >= m}
                    expected = all(rule.decide(kk, nn) is Outcome.FAIL for kk, nn in finals)
                    assert rule.certainly_fails(k, n, r, m) is expected, (k, n, r, m)
