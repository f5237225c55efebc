"""`redline run`: start a run, or resume one."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Annotated, Any

import typer

from redline.cli._output import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    err,
    fail,
    out,
    print_json,
    user_errors,
)
from redline.cli._progress import ProgressDisplay
from redline.cli._summary import breakdown_table, summary_json, summary_table


def run(
    suite: Annotated[str | None, typer.Option(help="Suite file (.yaml/.jsonl/.csv) or built-in name.")] = None,
    target: Annotated[str | None, typer.Option(help="provider:model, or a name from targets.yaml.")] = None,
    resume: Annotated[str | None, typer.Option(help="Continue an interrupted run by id.")] = None,
    targets_file: Annotated[Path | None, typer.Option(help="targets.yaml (default ./targets.yaml).")] = None,
    base_url: Annotated[str | None, typer.Option(help="Endpoint base URL, e.g. http://127.0.0.1:8000/v1.")] = None,
    api_key_env: Annotated[str | None, typer.Option(help="Environment variable holding the API key.")] = None,
    system_prompt: Annotated[str | None, typer.Option(help="System prompt sent with every probe.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="Decoding/provider setting key=value; repeatable.")] = None,
    attack: Annotated[str, typer.Option(help="Comma-separated attacks to apply.")] = "none",
    concurrency: Annotated[int | None, typer.Option(min=1, help="Requests in flight (default 16).")] = None,
    max_samples: Annotated[int | None, typer.Option(min=1, help="Stop after this many samples of the plan.")] = None,
    samples_per_probe: Annotated[int, typer.Option(min=1, help="Ask each probe this many times.")] = 1,
    judge: Annotated[str | None, typer.Option(help="Judge to use (default: the suite's).")] = None,
    judge_target: Annotated[str | None, typer.Option(help="Model that judges, for model-based judges (provider:model or targets.yaml name).")] = None,
    attacker: Annotated[str | None, typer.Option(help="Attacker model for pair, tap, crescendo.")] = None,
    translator: Annotated[str | None, typer.Option(help="Translator model for translate-* attacks.")] = None,
    budget: Annotated[int, typer.Option(min=1, help="Target queries per probe for search attacks.")] = 20,
    rpm: Annotated[float | None, typer.Option(help="Requests-per-minute limit.")] = None,
    tpm: Annotated[float | None, typer.Option(help="Tokens-per-minute limit.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds per request (default 120).")] = None,
    seed: Annotated[int, typer.Option(help="Seed for the engine's own randomness.")] = 0,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the response cache.")] = False,
    retry_errors: Annotated[bool, typer.Option("--retry-errors", help="With --resume: ask again for samples that errored.")] = False,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="Hide the progress bar.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """Run a suite against a target; every sample is stored as it completes.

    The run id is the last line of stdout (with --json, stdout is one JSON
    object with `run_id` and `summary`). Kill it at any point and continue with
    `redline run --resume RUN_ID`.
    """
    from redline.engine import EngineSettings, RunPlan, create_run
    from redline.store import Store

    with user_errors(), Store.open() as store:
        if resume is not None:
            if suite or target:
                fail("--resume continues a stored run; do not give --suite or --target with it",
                     EXIT_USAGE)
            run_id = store.resolve_run_id(resume)
            if retry_errors:
                n = store.delete_errored(run_id)
                err.print(f"retrying {n} errored sample{'s' if n != 1 else ''}")
        else:
            if retry_errors:
                fail("--retry-errors goes with --resume RUN_ID", EXIT_USAGE)
            if not suite or not target:
                fail("give --suite and --target (or --resume RUN_ID)", EXIT_USAGE)
            rp = RunPlan(
                suite=_load_suite(suite),
                spec=_spec(target, targets_file, base_url, api_key_env, system_prompt, param,
                           rpm, tpm, timeout, concurrency),
                attacks=tuple(a.strip() for a in attack.split(",") if a.strip()) or ("none",),
                samples_per_probe=samples_per_probe, max_samples=max_samples, judge=judge,
                judge_target=_judge_spec(judge_target, targets_file),
                attacker=_judge_spec(attacker, targets_file),
                translator=_judge_spec(translator, targets_file), budget=budget)
            settings = EngineSettings(concurrency=concurrency or rp.spec.concurrency or 16,
                                      use_cache=not no_cache, seed=seed)
            run_id = create_run(store, rp, settings)
        _execute(store, run_id, concurrency if resume else None,
                 False if (resume and no_cache) else None, no_progress or as_json, as_json)


def _load_suite(name: str) -> Any:
    from redline.suites import open_suite

    return open_suite(name)


def _judge_spec(text: str | None, targets_file: Path | None) -> Any:
    if text is None:
        return None
    from redline.targets import resolve_target

    return resolve_target(text, targets_file=targets_file)


def _spec(target: str, targets_file: Path | None, base_url: str | None,
          api_key_env: str | None, system_prompt: str | None, params: list[str] | None,
          rpm: float | None, tpm: float | None, timeout: float | None,
          concurrency: int | None) -> Any:
    from redline.targets import parse_param, resolve_target

    parsed = dict(parse_param(p) for p in params or [])
    return resolve_target(target, targets_file=targets_file, base_url=base_url,
                          api_key_env=api_key_env, system_prompt=system_prompt,
                          params=parsed or None, rpm=rpm, tpm=tpm, timeout_s=timeout,
                          concurrency=concurrency)


def _execute(store: Any, run_id: str, concurrency: int | None, use_cache: bool | None,
             quiet: bool, as_json: bool) -> None:
    from redline.engine import execute_run

    info = store.get_run(run_id)
    display = ProgressDisplay(info.n_planned, f"{info.suite} → {info.target}", enabled=not quiet)

    async def main() -> Any:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        if task is not None:
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
        return await execute_run(store, run_id, concurrency=concurrency, use_cache=use_cache,
                                 progress=display.update)

    interrupted = False
    with display:
        try:
            _run_loop(main())
        except (KeyboardInterrupt, asyncio.CancelledError):
            interrupted = True
    summary = store.summary(run_id)
    info = store.get_run(run_id)
    by_category, by_attack = store.breakdown(run_id, "category"), store.breakdown(run_id, "attack")
    if as_json:
        print_json({"run_id": run_id, "status": info.status, "summary": summary_json(summary),
                    "by_category": by_category, "by_attack": by_attack})
    else:
        out.print(summary_table(info, summary))
        for by, rows in (("category", by_category), ("attack", by_attack)):
            t = breakdown_table(by, rows)
            if t is not None:
                out.print(t)
        if interrupted:
            err.print(f"interrupted: continue with `redline run --resume {run_id}`")
        out.print(run_id)
    if interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)


def _run_loop(coro: Any) -> Any:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a Linux/macOS dependency
        return asyncio.run(coro)
    return uvloop.run(coro)
