"""Every target's answers to the arena's prompts, through the engine.

Answers are ordinary runs (stored, cached, resumable): a target that already
has a run of the same prompts with the same settings reuses it, an
interrupted one is resumed, and anything else starts a new run. Answers are
read back from the store, so a later ``arena run`` with more targets only
asks the new ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from redline.arena._judge import Answer
from redline.arena._style import style_features
from redline.engine import EngineSettings, RunPlan, Tally, create_run, execute_run
from redline.store import Store
from redline.suites import SuiteSource
from redline.targets import TargetSpec

#: Answers are generated with the cheap lexical judge: the arena judges them itself.
ANSWER_JUDGE = "refusal"

AnswerProgress = Callable[[str, Tally], None]


@dataclass(frozen=True, slots=True)
class PromptAnswers:
    """Prompts in suite order, and per model the answers it gave (errors left out)."""

    prompt_ids: tuple[str, ...]
    prompts: dict[str, str]
    answers: dict[str, dict[str, Answer]]
    runs: dict[str, str]


def _reusable(store: Store, spec: TargetSpec, suite_digest: str,
              max_prompts: int | None) -> tuple[str, str] | None:
    """(run id, status) of the newest comparable run of ``spec`` on these prompts."""
    for info in store.list_runs():
        s = info.settings
        if (info.target_digest == spec.digest and info.suite_digest == suite_digest
                and info.attacks == ["none"] and s.get("samples_per_probe") == 1
                and s.get("max_samples") == max_prompts and info.status != "failed"):
            return info.id, info.status
    return None


def prepare_runs(store: Store, specs: Sequence[TargetSpec], prompts: SuiteSource, *,
                 max_prompts: int | None, settings: EngineSettings) -> dict[str, tuple[str, bool]]:
    """Per target label: (run id, whether it still needs executing)."""
    digest, _ = store.save_suite(prompts)
    out: dict[str, tuple[str, bool]] = {}
    for spec in specs:
        found = _reusable(store, spec, digest, max_prompts)
        if found is not None:
            out[spec.label] = (found[0], found[1] not in {"completed", "stopped"})
            continue
        rp = RunPlan(suite=prompts, spec=spec, judge=ANSWER_JUDGE, max_samples=max_prompts)
        out[spec.label] = (create_run(store, rp, settings), True)
    return out


async def generate(store: Store, specs: Sequence[TargetSpec], prompts: SuiteSource, *,
                   max_prompts: int | None = None, concurrency: int = 8, use_cache: bool = True,
                   progress: AnswerProgress | None = None) -> dict[str, str]:
    """Make sure every target has answered every prompt; returns each label's run id."""
    settings = EngineSettings(concurrency=concurrency, use_cache=use_cache)
    runs = await asyncio.to_thread(prepare_runs, store, specs, prompts,
                                   max_prompts=max_prompts, settings=settings)

    async def one(label: str, run_id: str) -> None:
        hook = (lambda t: progress(label, t)) if progress is not None else None
        await execute_run(store, run_id, progress=hook)

    await asyncio.gather(*(one(label, rid) for label, (rid, todo) in runs.items() if todo))
    return {label: rid for label, (rid, _) in runs.items()}


def load_answers(store: Store, runs: dict[str, str]) -> PromptAnswers:
    """Read the stored answers back; a sample that errored has no answer."""
    order: list[str] = []
    prompts: dict[str, str] = {}
    answers: dict[str, dict[str, Answer]] = {}
    for label, run_id in runs.items():
        mine: dict[str, Answer] = {}
        for row in store.iter_samples(run_id):
            if row.attack != "none" or row.sample_index != 0:
                continue
            if row.probe_id not in prompts:
                prompts[row.probe_id] = row.prompt
                order.append(row.probe_id)
            if row.response is not None and row.error is None:
                mine[row.probe_id] = Answer(model=label, text=row.response, run_id=run_id,
                                            style=style_features(row.response))
        answers[label] = mine
    return PromptAnswers(prompt_ids=tuple(order), prompts=prompts, answers=answers, runs=runs)
