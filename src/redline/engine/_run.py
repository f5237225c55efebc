"""Start and resume runs: the engine's entry points."""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass

from pydantic import ValidationError

from redline._version import __version__
from redline.engine._plan import plan_size
from redline.engine._runner import EngineSettings, Execution, ProgressHook, StopCondition, Tally
from redline.errors import RunError
from redline.judges import get_judge
from redline.store import Store
from redline.suites import Suite
from redline.targets import TargetSpec, build_target


@dataclass(frozen=True, slots=True)
class RunPlan:
    """Everything that decides what a run sends; stored with the run."""

    suite: Suite
    spec: TargetSpec
    attacks: tuple[str, ...] = ("none",)
    samples_per_probe: int = 1
    max_samples: int | None = None
    judge: str | None = None


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
    get_judge(rp.judge or rp.suite.judge)  # fail before creating anything
    digest = store.save_suite(rp.suite)
    return store.create_run(
        target_label=rp.spec.label, target_digest=rp.spec.digest,
        target_spec=rp.spec.model_dump(mode="json"), suite_name=rp.suite.name,
        suite_version=rp.suite.version, suite_digest=digest, attacks=list(rp.attacks),
        settings={"concurrency": settings.concurrency, "use_cache": settings.use_cache,
                  "seed": settings.seed, "samples_per_probe": rp.samples_per_probe,
                  "max_samples": rp.max_samples, "judge": rp.judge or rp.suite.judge,
                  "flush_interval_s": settings.flush_interval_s,
                  "retry": asdict(settings.retry)},
        redline_version=__version__,
        n_planned=plan_size(rp.suite, rp.attacks, rp.samples_per_probe, rp.max_samples))


def load_plan(store: Store, run_id: str) -> tuple[RunPlan, EngineSettings]:
    """Rebuild a stored run's plan and settings, checking nothing drifted."""
    info = store.get_run(run_id)
    suite = store.get_suite(info.suite_digest)
    try:
        spec = TargetSpec.model_validate(info.target_spec)
    except ValidationError as exc:
        raise RunError(f"run {info.id}: stored target spec no longer validates: {exc}") from exc
    if spec.digest != info.target_digest:
        raise RunError(f"run {info.id}: target digest changed since the run started "
                       f"({info.target_digest} -> {spec.digest}); start a new run")
    s = info.settings
    rp = RunPlan(suite=suite, spec=spec, attacks=tuple(info.attacks),
                 samples_per_probe=int(s["samples_per_probe"]), max_samples=s["max_samples"],
                 judge=s["judge"])
    from redline.engine._retry import RetryPolicy
    settings = EngineSettings(concurrency=int(s["concurrency"]), use_cache=bool(s["use_cache"]),
                              seed=int(s["seed"]), flush_interval_s=float(s["flush_interval_s"]),
                              retry=RetryPolicy(**s["retry"]))
    return rp, settings


async def execute_run(store: Store, run_id: str, *, concurrency: int | None = None,
                      use_cache: bool | None = None, progress: ProgressHook | None = None,
                      stop: StopCondition | None = None) -> RunOutcome:
    """Execute (or continue) a stored run until its plan is complete.

    Cancelling the calling task (Ctrl-C) stores what completed and marks the
    run ``interrupted``; it can be resumed later.
    """
    run_id = store.resolve_run_id(run_id)
    rp, settings = load_plan(store, run_id)
    if concurrency is not None or use_cache is not None:
        settings = EngineSettings(
            concurrency=concurrency or settings.concurrency,
            use_cache=settings.use_cache if use_cache is None else use_cache,
            seed=settings.seed, flush_interval_s=settings.flush_interval_s,
            retry=settings.retry)
    target = build_target(rp.spec)
    judge = get_judge(rp.judge or rp.suite.judge)
    execution = Execution(store, run_id, rp.suite, list(rp.attacks), rp.spec, target, judge,
                          settings, samples_per_probe=rp.samples_per_probe,
                          max_samples=rp.max_samples, progress=progress, stop=stop)
    store.set_status(run_id, "running")
    t0 = time.perf_counter()
    status = "interrupted"
    try:
        async with target:
            tally = await execution.execute()
        status = "stopped" if execution.stopped_early else "completed"
    except (asyncio.CancelledError, KeyboardInterrupt):
        status = "interrupted"
        raise
    except Exception:
        status = "failed"
        raise
    finally:
        store.set_status(run_id, status, add_wall_s=time.perf_counter() - t0)
    return RunOutcome(run_id, status, tally, time.perf_counter() - t0)
