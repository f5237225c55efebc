"""`redline check --release R`: gather evidence for a release and attach it.

Before running anything: the caller must be allowed to evaluate R and the
target must be R's. The previous released version of R's lineage is the
baseline of paired gates (`no_regression`, `non_inferior`), and the lineage's
regression suite (its incidents' probes) is run too. After gating, the report
is attached to R; the exit code is the report's, or 1 when a regression probe
fails (3 when one is unscored).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from redline.cli._output import err
from redline.cli._progress import ProgressDisplay

if TYPE_CHECKING:
    from redline.engine import EngineSettings
    from redline.governance import Principal, ReleaseView
    from redline.policy import GateReport, Policy
    from redline.store import Store
    from redline.suites import Suite
    from redline.targets import TargetSpec


@dataclass
class ReleaseCheck:
    principal: Principal
    ref: str
    baseline: list[str]
    regressions: Suite | None


def start(store: Store, ref: str, token: str | None, spec: TargetSpec,
          policy: Policy) -> ReleaseCheck:
    """Authenticate, check that the evidence may be attached, find the baseline."""
    from redline.errors import IllegalTransition
    from redline.governance import authenticate, baseline_runs, get_release, regression_suite
    from redline.governance._guards import raise_refusal
    from redline.governance._policies import policy_row

    me = authenticate(store, token)
    view = get_release(store, ref)
    raise_refusal(view, me, "evaluate")
    with store.engine.connect() as conn:
        policy_row(conn, policy.digest, what=f"{policy.path}: ")
    if view.target_digest is not None and view.target_digest != spec.digest:
        raise IllegalTransition(f"{view.ref} is bound to target {view.target_digest[:19]}; "
                                f"{spec.label} is {spec.digest[:19]}")
    base = baseline_runs(store, view.ref)
    if base:
        err.print(f"baseline: the previous release of {view.lineage} ({len(base)} run(s))")
    return ReleaseCheck(me, view.ref, base, regression_suite(store, view.lineage))


def run_regressions(store: Store, rc: ReleaseCheck, spec: TargetSpec,
                    settings: EngineSettings, *, bars: bool, say: bool) -> None:
    """Run (or reuse, or resume) the lineage's regression suite against the target."""
    from redline.cli._run import _run_loop
    from redline.engine import execute_run
    from redline.governance import plan_regression_run

    if rc.regressions is None:
        return
    run_id, todo = plan_regression_run(store, rc.regressions, spec, settings)
    if not todo:
        return
    info = store.get_run(run_id)
    if say:
        err.print(f"running {rc.regressions.name} ({info.n_planned} probes from incidents) "
                  f"as {run_id}")
    display = ProgressDisplay(info.n_planned, f"{info.suite} → {info.target}", enabled=bars)
    try:
        with display:
            _run_loop(execute_run(store, run_id, progress=display.update))
    except (KeyboardInterrupt, asyncio.CancelledError):
        import typer

        from redline.cli._output import EXIT_INTERRUPTED

        err.print(f"interrupted: run the same `redline check` again ({run_id} resumes)")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def finish(store: Store, rc: ReleaseCheck, report: GateReport) -> ReleaseView:
    from redline.governance import evaluate_release

    return evaluate_release(store, rc.principal, rc.ref, report.id)


def exit_code(report_code: int, view: ReleaseView) -> int:
    """The report's code, made worse by the regression suite's outcome."""
    outcome = view.regressions.outcome
    if outcome == "fail":
        return 1
    if outcome in {"insufficient", "missing", "stale"} and report_code == 0:
        return 3
    return report_code
