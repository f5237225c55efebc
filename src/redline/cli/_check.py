"""`redline check`: run what the policy still needs against a target, then gate.

The one command a CI job needs. Suites already stored for this exact target
(same digest, current suite version, this policy version) are reused; the
rest run now, stopping early once every gate they feed is certain. Exit codes
are those of `redline gate`, plus 4 when the target could not be reached and
130 when interrupted (run it again to continue where it stopped).
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from redline.cli._gate import (
    BaselineOpt,
    JsonOpt,
    JunitOpt,
    MarkdownOpt,
    OutputOpt,
    PolicyOpt,
    PreOpt,
    emit,
    gate_errors,
)
from redline.cli._output import EXIT_INTERRUPTED, err
from redline.cli._progress import ProgressDisplay
from redline.cli._session import TokenOpt, gov_errors

if TYPE_CHECKING:
    from redline.policy import CheckPlan, EarlyStopping
    from redline.store import Store


def check(
    policy: PolicyOpt,
    target: Annotated[str, typer.Option(help="provider:model, or a name from targets.yaml.")],
    baseline: BaselineOpt = None,
    pre_mitigation: PreOpt = None,
    targets_file: Annotated[Path | None, typer.Option(help="targets.yaml (default ./targets.yaml).")] = None,
    base_url: Annotated[str | None, typer.Option(help="Endpoint base URL.")] = None,
    api_key_env: Annotated[str | None, typer.Option(help="Environment variable holding the API key.")] = None,
    system_prompt: Annotated[str | None, typer.Option(help="System prompt sent with every probe.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="Decoding/provider setting key=value; repeatable.")] = None,
    judge_target: Annotated[str | None, typer.Option(help="Model that judges, for model-based judges.")] = None,
    concurrency: Annotated[int | None, typer.Option(min=1, help="Requests in flight (default 16).")] = None,
    rpm: Annotated[float | None, typer.Option(help="Requests-per-minute limit.")] = None,
    tpm: Annotated[float | None, typer.Option(help="Tokens-per-minute limit.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds per request (default 120).")] = None,
    no_early_stop: Annotated[bool, typer.Option("--no-early-stop", help="Run every planned sample even when the outcome is certain.")] = False,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="Hide progress bars.")] = False,
    as_json: JsonOpt = False,
    junit: JunitOpt = None,
    markdown: MarkdownOpt = None,
    output: OutputOpt = None,
    release: Annotated[str | None, typer.Option(
        "--release", help="Attach the report to this release (lineage@version): its previous "
                          "released version is the baseline and its incidents' regression "
                          "probes run too.")] = None,
    token: TokenOpt = None,
) -> None:
    """Run the policy's missing mandatory suites against TARGET, then gate.

    Exit 0 pass, 1 a gate (or, with --release, a regression probe) fails,
    3 insufficient evidence, 2 bad input, 4 target unreachable, 130
    interrupted (run again to continue); with --release also 5/6/7 when the
    token, the role or the release's state does not allow it.
    """
    from redline.cli import _release_check as rel
    from redline.cli._run import _judge_spec, _spec
    from redline.engine import EngineSettings
    from redline.policy import evaluate, load_policy, plan_check, save_report
    from redline.store import Store

    with gate_errors():
        pol = load_policy(policy)
        spec = _spec(target, targets_file, base_url, api_key_env, system_prompt, param, rpm,
                     tpm, timeout, concurrency)
        judge = _judge_spec(judge_target, targets_file)
        with Store.open() as store:
            rc = None
            if release is not None:
                with gov_errors():
                    rc = rel.start(store, release, token, spec, pol)
            base = [store.resolve_run_id(r) for r in baseline or []] or (rc.baseline if rc else [])
            pre = [store.resolve_run_id(r) for r in pre_mitigation or []]
            settings = EngineSettings(concurrency=concurrency or spec.concurrency or 16)
            plan = plan_check(store, pol, spec, settings, judge_target=judge,
                              early_stopping=not no_early_stop, paired=bool(base))
            stopped = _execute(store, plan, bars=not (no_progress or as_json), say=not as_json)
            if rc is not None:
                rel.run_regressions(store, rc, spec, settings, bars=not (no_progress or as_json),
                                    say=not as_json)
            report = evaluate(store, pol, plan.run_ids, baseline_ids=base,
                              pre_mitigation_ids=pre, target_digest=spec.digest,
                              early_stopping=stopped)
            save_report(store, report)
            view = None
            if rc is not None:
                with gov_errors():
                    view = rel.finish(store, rc, report)
    try:
        emit(report, as_json=as_json, junit=junit, markdown=markdown, output=output)
    except typer.Exit as done:
        if view is None or rc is None:
            raise
        if not as_json:
            from redline.cli._release_show import print_line

            print_line(view, rc.principal)
        raise typer.Exit(rel.exit_code(done.exit_code, view)) from None


def _execute(store: Store, plan: CheckPlan, *, bars: bool, say: bool) -> EarlyStopping:
    from redline.cli._run import _run_loop
    from redline.policy import EarlyStopping, execute_suite_run

    result = EarlyStopping()
    if not plan.runs and say:
        err.print("every mandatory suite is already stored for this target")
    for sr in plan.runs:
        info = store.get_run(sr.run_id)
        verb = "resuming" if sr.resumed else "running"
        display = ProgressDisplay(info.n_planned, f"{sr.suite} → {info.target}",
                                  enabled=bars)
        if say:
            err.print(f"{verb} {sr.suite} ({info.n_planned} samples) as {sr.run_id}")

        async def main(sr: Any = sr, display: ProgressDisplay = display) -> Any:
            task = asyncio.current_task()
            if task is not None:
                asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
            return await execute_suite_run(store, sr, progress=display.update)

        try:
            with display:
                stopped = _run_loop(main())
        except (KeyboardInterrupt, asyncio.CancelledError):
            err.print(f"interrupted: run the same `redline check` again to continue "
                      f"({sr.run_id} resumes)")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        if stopped is not None:
            result.runs.append(stopped)
            if say:
                err.print(f"{sr.suite}: outcome certain after {stopped.done} of "
                          f"{stopped.planned} samples; stopped early")
    return result
