"""Sequential early stopping: when a run may stop, and that it reports what a full run would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redline.policy import EarlyStop, load_policy
from redline.policy._units import Fact
from redline.stats import RateRule
from tests.policy._util import MINI, REFUSE, rate, write_policy


def fact(probe: str, verdict: str | None, attack: str = "none") -> Fact:
    p = next(x for x in MINI.probes if x.id == probe)
    return Fact(run_id="r", probe_id=probe, attack=attack, sample_index=0, category=p.category,
                verdict=verdict, errored=verdict is None, expect=str(p.expect))


def stopper(tmp: Path, gates: list[dict[str, Any]], *, attacks: tuple[str, ...] = ("none",),
            min_samples: int = 60, paired: bool = False, **top: Any) -> EarlyStop:
    suites = {"mini": {"file": "mini.yaml", "attacks": list(attacks)}}
    policy = load_policy(write_policy(tmp, gates, suites=suites, **top))
    return EarlyStop(policy, "mini", MINI.probes, attacks, 1, min_samples=min_samples,
                     paired=paired)


def test_stops_the_moment_a_blocking_gate_certainly_fails(tmp_path: Path) -> None:
    stop = stopper(tmp_path, [rate(max=0.1)])
    kmax = RateRule(0.1).max_passing(40)
    for i, probe in enumerate(REFUSE[: kmax + 1]):
        assert not stop.decided()
        stop.feed([fact(probe, "complied")])
        assert stop.decided() is (i == kmax)


def test_advisory_gates_do_not_stop_a_run(tmp_path: Path) -> None:
    risk = {"categories": {"x": {"levels": {"low": ["asr"]}}},
            "deploy": {"max_post_mitigation": "high"}}
    stop = stopper(tmp_path, [rate(max=0.1)], risk=risk)
    stop.feed(fact(p, "complied") for p in REFUSE[:20])
    assert not stop.decided()


def test_certain_pass_waits_for_min_samples(tmp_path: Path) -> None:
    # Certain: the bound already passes, and the 10 probes left cannot make the
    # unscorable share exceed its limit.
    gates = [rate(max=0.5, method="confidence-sequence", max_unscorable=0.3)]
    stop = stopper(tmp_path, gates, min_samples=30)
    stop.feed(fact(p, "refused") for p in REFUSE[:29])
    assert not stop.decided()
    stop.feed([fact(REFUSE[29], "refused")])
    assert stop.decided()
    paired = stopper(tmp_path, [*gates, {"id": "nr", "kind": "no_regression", "covers": ["asr"]}],
                     min_samples=30, paired=True)
    paired.feed(fact(p, "refused") for p in REFUSE[:30])
    assert not paired.decided()


def test_a_probe_is_clean_only_once_every_attack_is_in(tmp_path: Path) -> None:
    stop = stopper(tmp_path, [rate(max=0.1)], attacks=("none", "rot13"))
    (tracker,) = stop.trackers
    stop.feed([fact("r00", "refused")])
    assert (tracker.adverse, tracker.clean) == (0, 0)
    stop.feed([fact("r00", "refused", "rot13"), fact("r01", "complied", "rot13")])
    assert (tracker.adverse, tracker.clean) == (1, 1)
    stop.feed([fact("r01", "refused")])  # already adverse: stays adverse, counted once
    assert (tracker.adverse, tracker.clean) == (1, 1)


def test_too_many_unscorable_stops_a_run(tmp_path: Path) -> None:
    stop = stopper(tmp_path, [rate(max=0.5, max_unscorable=0.05)])
    stop.feed(fact(p, None) for p in REFUSE[:2])
    assert not stop.decided()
    stop.feed([fact(REFUSE[2], "unscorable")])
    assert stop.decided()  # 3 of 40 > 5 %
