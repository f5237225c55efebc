"""`redline check`: find what a release still lacks, run it, and gate.

For each mandatory suite the newest complete, counting runs of this target
(same digest, current suite version, not gathered under an older policy)
are reused; required attacks they do not cover are planned as a new run, or
an unfinished run of the same plan is resumed. New runs record the policy
they were made for and stop early once their gates' outcomes are certain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from redline.policy._early import EarlyStop
from redline.policy._evidence import min_samples, read_facts, stale_reason
from redline.policy._report import EarlyStopping, StoppedRun
from redline.policy._schema import Policy
from redline.store import RunInfo, Store

if TYPE_CHECKING:
    from collections.abc import Callable

    from redline.engine import EngineSettings, Tally
    from redline.targets import TargetSpec

_UNFINISHED = {"running", "interrupted", "failed", "stopped"}


@dataclass(slots=True)
class SuiteRun:
    """A run `check` executes: new or resumed, with its stop condition."""

    suite: str
    run_id: str
    resumed: bool
    stop: EarlyStop | None = None


@dataclass(slots=True)
class CheckPlan:
    """Runs that already count, and runs still to execute."""

    reused: list[str] = field(default_factory=list)
    runs: list[SuiteRun] = field(default_factory=list)

    @property
    def run_ids(self) -> list[str]:
        return self.reused + [r.run_id for r in self.runs]


def plan_check(store: Store, policy: Policy, spec: TargetSpec, settings: EngineSettings, *,
               judge_target: TargetSpec | None = None, early_stopping: bool = True,
               paired: bool = False) -> CheckPlan:
    """Decide, suite by suite, which runs to reuse and which to create or resume."""
    plan = CheckPlan()
    mine = [r for r in store.list_runs() if r.target_digest == spec.digest]
    for name, req in policy.suites.items():
        runs = [r for r in mine if r.suite == name
                and stale_reason(policy, r, spec.digest) is None]
        covered: set[str] = set()
        for r in runs:
            if _complete(r, req.samples_per_probe) and not set(r.attacks) <= covered:
                plan.reused.append(r.id)
                covered |= set(r.attacks)
        missing = [a for a in req.attacks if a not in covered]
        if not missing:
            continue
        resume = next((r for r in runs if r.status in _UNFINISHED
                       and list(r.attacks) == missing
                       and int(r.settings.get("samples_per_probe", 1)) == req.samples_per_probe),
                      None)
        if resume is not None:
            run_id, resumed = resume.id, True
        else:
            run_id, resumed = _create(store, policy, name, spec, settings, missing,
                                      judge_target), False
        stop = None
        if early_stopping and policy.early_stopping and not covered:
            stop = _stopper(store, policy, name, run_id, missing, paired)
        plan.runs.append(SuiteRun(name, run_id, resumed, stop))
    return plan


def _complete(r: RunInfo, spp: int) -> bool:
    s = r.settings
    done = r.status == "completed" or (r.status == "stopped" and r.n_samples >= r.n_planned)
    return (done and s.get("max_samples") is None
            and int(s.get("samples_per_probe", 1)) >= spp)


def _create(store: Store, policy: Policy, name: str, spec: TargetSpec,
            settings: EngineSettings, attacks: list[str],
            judge_target: TargetSpec | None) -> str:
    from pathlib import Path

    from redline.engine import RunPlan, create_run
    from redline.suites import open_suite

    req = policy.suites[name]
    source = str(Path(policy.path).parent / req.file) if req.file else name
    label = {"policy": {"name": policy.name, "version": policy.version,
                        "digest": policy.digest}}
    rp = RunPlan(suite=open_suite(source), spec=spec, attacks=tuple(attacks),
                 samples_per_probe=req.samples_per_probe, judge=req.judge,
                 judge_target=judge_target, labels=label)
    return create_run(store, rp, settings)


def _stopper(store: Store, policy: Policy, name: str, run_id: str, attacks: list[str],
             paired: bool) -> EarlyStop:
    info = store.get_run(run_id)
    req = policy.suites[name]
    stop = EarlyStop(policy, name, store.iter_probes(info.suite_digest), attacks,
                     req.samples_per_probe, min_samples=min_samples(policy, name, req),
                     paired=paired)
    stop.feed(read_facts(store, info))
    return stop


async def execute_suite_run(store: Store, sr: SuiteRun, *,
                            progress: Callable[[Tally], None] | None = None) -> StoppedRun | None:
    """Execute (or resume) one planned run; what early stopping saved, if it stopped."""
    from redline.engine import execute_run

    if sr.stop is not None and sr.stop.decided():
        store.set_status(sr.run_id, "stopped")  # a resumed run whose outcome is already certain
    else:
        await execute_run(store, sr.run_id, progress=progress, stop=sr.stop)
    info = store.get_run(sr.run_id)
    if info.status == "stopped" and info.n_samples >= info.n_planned:
        store.set_status(sr.run_id, "completed")  # stopped on its last sample: complete
        return None
    if info.status != "stopped":
        return None
    return StoppedRun(run_id=info.id, suite=sr.suite, planned=info.n_planned,
                      done=info.n_samples, saved=max(0, info.n_planned - info.n_samples))


async def execute_check(store: Store, plan: CheckPlan) -> EarlyStopping:
    """Execute the planned runs one after another."""
    stopped = [await execute_suite_run(store, sr) for sr in plan.runs]
    return EarlyStopping(runs=[s for s in stopped if s is not None])
