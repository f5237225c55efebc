"""Planning: the deterministic list of samples a run must produce."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from redline.attacks import get_attack
from redline.suites import Probe


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One sample to produce. ``key`` is unique within a run and stable across resumes."""

    seq: int
    key: str
    probe_id: str
    attack: str
    sample_index: int
    probe: Probe  # the variant to send (after the attack)


def sample_key(probe_id: str, attack: str, sample_index: int) -> str:
    return f"{probe_id}|{attack}|{sample_index}"


def plan_size(n_probes: int, attacks: Sequence[str], samples_per_probe: int,
              max_samples: int | None) -> int:
    total = n_probes * len(attacks) * samples_per_probe
    return total if max_samples is None else min(total, max_samples)


def plan(probes: Iterable[Probe], attacks: Sequence[str], samples_per_probe: int = 1,
         max_samples: int | None = None) -> Iterator[WorkItem]:
    """Probes x attacks x repeats, in suite order; the first ``max_samples`` of them.

    Lazy, so memory does not grow with the size of the plan.
    """
    strategies = [get_attack(a) for a in attacks]
    seq = 0
    for probe in probes:
        for strategy in strategies:
            variant = strategy.apply(probe)
            for i in range(samples_per_probe):
                if max_samples is not None and seq >= max_samples:
                    return
                yield WorkItem(seq, sample_key(probe.id, strategy.name, i), probe.id,
                               strategy.name, i, variant)
                seq += 1
