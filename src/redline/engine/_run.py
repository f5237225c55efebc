"""Start and resume runs: the engine's entry points."""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import ValidationError

from redline._version import __version__
from redline.attacks import DynamicAttack, get_attack
from redline.engine._plan import plan_size
from redline.engine._retry import RetryPolicy
from redline.engine._runner import EngineSettings, Execution, ProgressHook, StopCondition, Tally
from redline.errors import ConfigError, RunError
from redline.judges import JudgeOptions, get_judge
from redline.store import Store
from redline.suites import SuiteHeader, SuiteSource
from redline.targets import TargetSpec, build_target


@dataclass(frozen=True, slots=True)
class RunPlan:
    """Everything that decides what a new run sends."""

    suite: SuiteSource
    spec: TargetSpec
    attacks: tuple[str, ...] = ("none",)
    samples_per_probe: int = 1
    max_samples: int | None = None
    judge: str | None = None
    #: The model that judges, for model-based judges (``--judge-target``).
    judge_target: TargetSpec | None = None
    #: Helper models for search and translation attacks, and their per-probe query budget.
    attacker: TargetSpec | None = None
    translator: TargetSpec | None = None
    budget: int = 20
    #: Free-form provenance stored with the run's settings (``redline check`` records its policy).
    labels: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredRun:
    """A run as recorded: enough to execute or resume it without the suite file."""

    run_id: str
    suite: SuiteHeader
    suite_digest: str
    n_probes: int
    spec: TargetSpec
    attacks: tuple[str, ...]
    samples_per_probe: int
    max_samples: int | None
    judge: str
    judge_target: TargetSpec | None
    settings: EngineSettings
    attacker: TargetSpec | None = None
    translator: TargetSpec | None = None
    budget: int = 20

    def helper_specs(self) -> dict[str, TargetSpec]:
        helpers = {"attacker": self.attacker, "translator": self.translator}
        return {role: spec for role, spec in helpers.items() if spec is not None}

    def judge_options(self) -> JudgeOptions:
        return JudgeOptions(target=self.judge_target)


@dataclass(frozen=True, slots=True)
class RunOutcome:
    run_id: str
    status: str
    tally: Tally
    wall_s: float


def create_run(store: Store, rp: RunPlan, settings: EngineSettings) -> str:
    """Record a new run (and its suite) without executing it."""
    if rp.samples_per_probe < 1:
        raise RunError("--samples-per-probe must be at least 1")
    if rp.max_samples is not None and rp.max_samples < 1:
        raise RunError("--max-samples must be at least 1")
    if rp.budget < 1:
        raise RunError("--budget must be at least 1")
    # fail before storing anything: a mistyped name must not leave a run that never started
    _check_targets(rp)
    _check_attacks(rp)
    header = rp.suite.header
    judge = rp.judge or header.judge
    get_judge(judge, JudgeOptions(target=rp.judge_target))
    digest, n_probes = store.save_suite(rp.suite)
    return store.create_run(
        target_label=rp.spec.label, target_digest=rp.spec.digest,
        target_spec=rp.spec.model_dump(mode="json"), suite_name=header.name,
        suite_version=header.version, suite_digest=digest, attacks=list(rp.attacks),
        settings={"concurrency": settings.concurrency, "use_cache": settings.use_cache,
                  "seed": settings.seed, "samples_per_probe": rp.samples_per_probe,
                  "max_samples": rp.max_samples, "judge": judge,
                  "judge_target": _dump(rp.judge_target), "attacker": _dump(rp.attacker),
                  "translator": _dump(rp.translator), "budget": rp.budget,
                  "flush_interval_s": settings.flush_interval_s,
                  "retry": asdict(settings.retry), "labels": dict(rp.labels)},
        redline_version=__version__,
        n_planned=plan_size(n_probes, rp.attacks, rp.samples_per_probe, rp.max_samples))


def _dump(spec: TargetSpec | None) -> dict[str, Any] | None:
    return spec.model_dump(mode="json") if spec is not None else None


def _load(data: dict[str, Any] | None) -> TargetSpec | None:
    return TargetSpec.model_validate(data) if data else None


def _check_targets(rp: RunPlan) -> None:
    """Every model the run will ask is one a provider can build: a known provider, with
    params it accepts (building one opens no connection and loads no weights)."""
    for spec in (rp.spec, rp.judge_target, rp.attacker, rp.translator):
        if spec is not None:
            build_target(spec)


def _check_attacks(rp: RunPlan) -> None:
    """Every attack exists, and the helper models the search attacks need are given."""
    helpers = {"attacker": rp.attacker, "translator": rp.translator}
    for name in rp.attacks:
        strategy = get_attack(name)
        parts = getattr(strategy, "parts", [strategy])
        for part in parts:
            if isinstance(part, DynamicAttack) and len(parts) > 1:
                raise ConfigError(f"'{name}': search attack '{part.name}' cannot be composed "
                                  "with others; list it separately")
            for need in getattr(part, "needs", ()) if isinstance(part, DynamicAttack) else ():
                if helpers.get(need) is None:
                    raise ConfigError(f"attack '{part.name}' is unavailable without a {need} "
                                      f"model: give --{need} TARGET")


def load_run(store: Store, run_id: str) -> StoredRun:
    """Rebuild a stored run's plan and settings, checking nothing drifted."""
    info = store.get_run(run_id)
    header, n_probes = store.suite_header(info.suite_digest)
    try:
        spec = TargetSpec.model_validate(info.target_spec)
    except ValidationError as exc:
        raise RunError(f"run {info.id}: stored target spec no longer validates: {exc}") from exc
    if spec.digest != info.target_digest:
        raise RunError(f"run {info.id}: target digest changed since the run started "
                       f"({info.target_digest} -> {spec.digest}); start a new run")
    s = info.settings
    settings = EngineSettings(concurrency=int(s["concurrency"]), use_cache=bool(s["use_cache"]),
                              seed=int(s["seed"]), flush_interval_s=float(s["flush_interval_s"]),
                              retry=RetryPolicy(**s["retry"]))
    judge_target = _load(s.get("judge_target"))
    return StoredRun(run_id=info.id, suite=header, suite_digest=info.suite_digest,
                     n_probes=n_probes, spec=spec, attacks=tuple(info.attacks),
                     samples_per_probe=int(s["samples_per_probe"]),
                     max_samples=s["max_samples"], judge=str(s["judge"]),
                     judge_target=judge_target, settings=settings,
                     attacker=_load(s.get("attacker")), translator=_load(s.get("translator")),
                     budget=int(s.get("budget", 20)))


def _override(settings: EngineSettings, concurrency: int | None,
              use_cache: bool | None) -> EngineSettings:
    return EngineSettings(
        concurrency=concurrency or settings.concurrency,
        use_cache=settings.use_cache if use_cache is None else use_cache,
        seed=settings.seed, flush_interval_s=settings.flush_interval_s, retry=settings.retry)


async def execute_run(store: Store, run_id: str, *, concurrency: int | None = None,
                      use_cache: bool | None = None, progress: ProgressHook | None = None,
                      stop: StopCondition | None = None) -> RunOutcome:
    """Execute (or continue) a stored run until its plan is complete.

    Cancelling the calling task (Ctrl-C) stores what completed and marks the
    run ``interrupted``; it can be resumed later.
    """
    run = load_run(store, store.resolve_run_id(run_id))
    settings = _override(run.settings, concurrency, use_cache)
    target = build_target(run.spec)
    execution = Execution(store, run, target, get_judge(run.judge, run.judge_options()), settings,
                          progress=progress, stop=stop)
    store.set_status(run.run_id, "running")
    t0 = time.perf_counter()
    status = "interrupted"
    judge = execution.judge
    try:
        async with target:
            await judge.open()
            try:
                tally = await execution.execute()
            finally:
                await judge.close()
        status = "stopped" if execution.stopped_early else "completed"
    except (asyncio.CancelledError, KeyboardInterrupt):
        status = "interrupted"
        raise
    except Exception:
        status = "failed"
        raise
    finally:
        store.set_status(run.run_id, status, add_wall_s=time.perf_counter() - t0)
    return RunOutcome(run.run_id, status, tally, time.perf_counter() - t0)
