"""Sequential early stopping: the stop condition `redline check` hands the engine.

After each sample the gates fed by the run ask :meth:`RateRule.certain`
whether the rest of the run could still change their outcome (deterministic
curtailment; for the ``confidence-sequence`` method also the anytime-valid
bounds). The run stops when

- a blocking gate is certain to fail: the release fails whatever the rest
  shows (counting the outcomes where so many units turn out unscorable that
  the gate's unscorable limit fails instead); or
- every gate fed by the run is certain and each required attack already has
  the policy's minimum number of samples.

A unit (probe) is adverse as soon as one of its samples is; it is clean or
unscorable only once all its planned samples are in. Gates that need the
whole run (paired comparisons with a baseline) keep the run going unless a
blocking gate certainly fails.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from redline.policy._gates import rate_rule, scope_of
from redline.policy._schema import NonInferiorGate, NoRegressionGate, Policy, RateGate
from redline.policy._suites import expect_of, metric_applies
from redline.policy._units import ADVERSE, OK, Fact, Scope, classify, worse
from redline.stats import Outcome, RateRule
from redline.suites import Probe

if TYPE_CHECKING:
    from redline.engine import SampleResult, Tally


@dataclass(slots=True)
class _Tracker:
    gate: RateGate
    scope: Scope
    rule: RateRule
    planned: dict[str, int]
    seen: Counter[str] = field(default_factory=Counter)
    state: dict[str, str] = field(default_factory=dict)
    adverse: int = 0
    clean: int = 0
    unknown: int = 0

    def key(self, f: Fact) -> str | None:
        s = self.scope
        if s.attack is not None and f.attack != s.attack:
            return None
        if s.categories and f.category not in s.categories:
            return None
        if not metric_applies(s.metric, f.expect):
            return None
        return f.probe_id if s.unit == "probe" else f"{f.probe_id}|{f.attack}|{f.sample_index}"

    def add(self, f: Fact) -> None:
        key = self.key(f)
        if key is None or key not in self.planned or self.seen[key] >= self.planned[key]:
            return
        old = self.state.get(key, OK)
        if old == ADVERSE:
            return
        new = classify(self.scope.metric, f.verdict, f.errored, self.scope.partial_counts)
        worst = worse(new, old)
        self.state[key] = worst
        self.seen[key] += 1
        if worst == ADVERSE:
            self.adverse += 1
        elif self.seen[key] == self.planned[key]:
            if worst == OK:
                self.clean += 1
            else:
                self.unknown += 1

    def release_fails(self) -> bool:
        """Whether this gate or its unscorable gate fails, however the rest turns out."""
        total = len(self.planned)
        remaining = total - self.adverse - self.clean - self.unknown
        room = self.gate.max_unscorable * total + 1e-9 - self.unknown  # more unscorable allowed
        if room < 0:
            return True
        # Outcomes with more unscorable units than that fail the unscorable gate.
        return self.rule.certainly_fails(self.adverse, self.adverse + self.clean, remaining,
                                         remaining - int(room))

    def certain(self) -> tuple[Outcome | None, Outcome | None]:
        """(the gate's certain outcome, its unscorable gate's certain outcome)."""
        total = len(self.planned)
        remaining = total - self.adverse - self.clean - self.unknown
        main = self.rule.certain(self.adverse, self.adverse + self.clean, remaining)
        limit = self.gate.max_unscorable * total + 1e-9
        side = (Outcome.FAIL if self.unknown > limit else
                Outcome.PASS if self.unknown + remaining <= limit else None)
        return main, side


class EarlyStop:
    """Stop condition for one run of ``suite`` under ``policy``."""

    def __init__(self, policy: Policy, suite: str, probes: Iterable[Probe],
                 attacks: Sequence[str], samples_per_probe: int, *, min_samples: int,
                 paired: bool) -> None:
        self.attacks, self.min_samples = list(attacks), min_samples
        self.per_attack: Counter[str] = Counter()
        #: probe id -> (expected behaviour, category), from the suite as stored.
        self.probes: dict[str, tuple[str, str]] = {}
        self.stopped = False
        advisory = _risk_gates(policy)
        gates = [g for g in policy.gates if isinstance(g, RateGate) and g.suite == suite]
        probe_list = list(probes)
        for p in probe_list:
            self.probes[p.id] = (expect_of(p), p.category)
        self.trackers = [_Tracker(g, scope_of(g), rate_rule(policy, g),
                                  _planned(g, probe_list, self.attacks, samples_per_probe))
                         for g in gates]
        self.blocking = [t.gate.blocking and t.gate.id not in advisory for t in self.trackers]
        #: Gates this run feeds that only the whole run can decide.
        self.needs_all = paired and _paired_on(policy, suite)

    def feed(self, facts: Iterable[Fact]) -> None:
        """Samples already stored (a resumed run); pending ones are still to come."""
        for f in facts:
            if not f.pending:
                self._add(f)

    def __call__(self, result: SampleResult, tally: Tally) -> bool:
        item = result.item
        expect, category = self.probes.get(item.probe_id, ("any", item.probe.category))
        self._add(Fact(run_id="", probe_id=item.probe_id, attack=item.attack,
                       sample_index=item.sample_index, category=category,
                       verdict=result.verdict.value if result.verdict is not None else None,
                       errored=result.verdict is None, expect=expect))
        self.stopped = self.decided()
        return self.stopped

    def _add(self, f: Fact) -> None:
        self.per_attack[f.attack] += 1
        for t in self.trackers:
            t.add(f)

    def decided(self) -> bool:
        if any(b and t.release_fails() for b, t in zip(self.blocking, self.trackers,
                                                         strict=True)):
            return True
        if self.needs_all or not self.trackers:
            return False
        if any(self.per_attack[a] < self.min_samples for a in self.attacks):
            return False
        outcomes = [t.certain() for t in self.trackers]
        return all(main is not None and side is not None for main, side in outcomes)


def _planned(g: RateGate, probes: list[Probe], attacks: list[str], spp: int) -> dict[str, int]:
    """Samples each unit of the gate will get from a complete run."""
    n_attacks = 1 if g.attack is not None else len(attacks)
    if g.attack is not None and g.attack not in attacks:
        return {}
    planned: dict[str, int] = {}
    for p in probes:
        if g.category and p.category not in g.category:
            continue
        if not metric_applies(g.metric, expect_of(p)):
            continue
        if g.unit == "probe":
            planned[p.id] = n_attacks * spp
        else:
            for a in attacks if g.attack is None else [g.attack]:
                for i in range(spp):
                    planned[f"{p.id}|{a}|{i}"] = 1
    return planned


def _risk_gates(policy: Policy) -> set[str]:
    if policy.risk is None:
        return set()
    return {gid for cat in policy.risk.categories.values() for ids in cat.levels.values()
            for gid in ids}


def _paired_on(policy: Policy, suite: str) -> bool:
    scoped = {g.id: g.suite for g in policy.gates if isinstance(g, RateGate | NonInferiorGate)}
    for g in policy.gates:
        if isinstance(g, NonInferiorGate) and g.suite == suite:
            return True
        if isinstance(g, NoRegressionGate) and any(scoped.get(c) == suite for c in g.covers):
            return True
    return False
