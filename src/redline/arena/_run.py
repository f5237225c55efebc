"""`arena run`: answers from every target, matchups chosen by a pairing, judged, stored.

Pairings: ``all`` (every pair on every prompt), ``baseline:NAME`` (every other
target against NAME on every prompt) and ``adaptive`` (a budget of matchups,
spent round by round where intervals still overlap; see ``_adaptive``).
Matchups this judge already decided in this arena are skipped, so an
interrupted ``arena run`` continues where it stopped when run again.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from redline.arena._adaptive import plan_battles
from redline.arena._answers import AnswerProgress, PromptAnswers, generate, load_answers
from redline.arena._battle import Battle
from redline.arena._judge import Judged, Matchup, PairwiseJudge, Unjudged
from redline.arena._ratings import rate
from redline.arena._store import add_battles, battle_counts, judged_matchups
from redline.errors import ConfigError, NotFoundError
from redline.store import Store
from redline.suites import SuiteSource
from redline.targets import TargetSpec, build_target

JudgeProgress = Callable[[int, int], None]
_ADAPTIVE_ROUNDS = 200


class PairMode(StrEnum):
    ALL = "all"
    BASELINE = "baseline"
    ADAPTIVE = "adaptive"


@dataclass(frozen=True, slots=True)
class Pairing:
    mode: PairMode = PairMode.ALL
    baseline: str | None = None

    @classmethod
    def parse(cls, text: str) -> Pairing:
        """``all``, ``adaptive`` or ``baseline:NAME``."""
        mode, _, name = text.partition(":")
        if mode == "baseline" and name:
            return cls(PairMode.BASELINE, name)
        if mode in {"all", "adaptive"} and not name:
            return cls(PairMode(mode))
        raise ConfigError(f"--pairs expects all, adaptive or baseline:TARGET, got '{text}'")


@dataclass(frozen=True)
class ArenaPlan:
    """What an arena run compares, on which prompts, judged by whom."""

    targets: tuple[TargetSpec, ...]
    prompts: SuiteSource
    judge: TargetSpec
    arena: str = "default"
    pairs: Pairing = field(default_factory=Pairing)
    #: Matchups to judge with ``adaptive`` (each is judged in both orders).
    budget: int | None = None
    max_prompts: int | None = None
    concurrency: int = 8
    seed: int = 0
    use_cache: bool = True


@dataclass
class ArenaRunResult:
    arena: str
    models: list[str]
    runs: dict[str, str]
    prompts: int = 0
    judged: int = 0
    already: int = 0
    inconsistent: int = 0
    errors: int = 0
    unparsed: int = 0
    missing: int = 0
    battles: int = 0
    failures: list[str] = field(default_factory=list)


def check_plan(plan: ArenaPlan) -> None:
    labels = [s.label for s in plan.targets]
    if len(labels) < 2:
        raise ConfigError("an arena needs at least two targets (--targets A,B[,...])")
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise ConfigError(f"targets {', '.join(dupes)} appear twice; give each a distinct "
                          "name in targets.yaml")
    if plan.pairs.mode is PairMode.BASELINE and plan.pairs.baseline not in labels:
        raise ConfigError(f"baseline '{plan.pairs.baseline}' is not one of the targets "
                          f"({', '.join(labels)})")
    if plan.budget is not None and plan.pairs.mode is not PairMode.ADAPTIVE:
        raise ConfigError("--budget goes with --pairs adaptive")
    if plan.budget is not None and plan.budget < 1:
        raise ConfigError("--budget must be at least 1")


def _pairs(labels: list[str], pairing: Pairing) -> list[tuple[str, str]]:
    if pairing.mode is PairMode.BASELINE:
        return [(pairing.baseline or "", x) for x in labels if x != pairing.baseline]
    return [(x, y) for k, x in enumerate(labels) for y in labels[k + 1:]]


def _candidates(ans: PromptAnswers, pairs: list[tuple[str, str]], done: set[tuple[str, str, str]],
                result: ArenaRunResult) -> list[list[Matchup]]:
    """Per pair, the matchups still to judge, in prompt order."""
    out: list[list[Matchup]] = []
    for x, y in pairs:
        todo = []
        for pid in ans.prompt_ids:
            ax, ay = ans.answers[x].get(pid), ans.answers[y].get(pid)
            if ax is None or ay is None:
                result.missing += 1
            elif (pid, x, y) in done:
                result.already += 1
            else:
                todo.append(Matchup(pid, ans.prompts[pid], ax, ay))
        out.append(todo)
    return out


async def run_arena(store: Store, plan: ArenaPlan, *, answer_progress: AnswerProgress | None = None,
                    judge_progress: JudgeProgress | None = None) -> ArenaRunResult:
    """Generate answers, judge the chosen matchups, store the battles."""
    check_plan(plan)
    labels = [s.label for s in plan.targets]
    runs = await generate(store, plan.targets, plan.prompts, max_prompts=plan.max_prompts,
                          concurrency=plan.concurrency, use_cache=plan.use_cache,
                          progress=answer_progress)
    ans = await asyncio.to_thread(load_answers, store, runs)
    result = ArenaRunResult(arena=plan.arena, models=labels, runs=runs,
                            prompts=len(ans.prompt_ids))
    done = await asyncio.to_thread(judged_matchups, store, plan.arena, plan.judge.label)
    pairs = _pairs(labels, plan.pairs)
    todo = _candidates(ans, pairs, done, result)
    rng = random.Random(plan.seed)
    target = build_target(plan.judge)
    async with target:
        judge = PairwiseJudge(target, store=store, use_cache=plan.use_cache, seed=plan.seed)
        runner = _Judging(store, plan, judge, result, judge_progress)
        if plan.pairs.mode is PairMode.ADAPTIVE:
            for lst in todo:
                rng.shuffle(lst)
            await _adaptive(runner, plan, pairs, todo, len(ans.prompt_ids))
        else:
            await runner.run([m for lst in todo for m in lst])
    return result


class _Judging:
    """Judges matchups with bounded concurrency, storing battles chunk by chunk."""

    def __init__(self, store: Store, plan: ArenaPlan, judge: PairwiseJudge,
                 result: ArenaRunResult, progress: JudgeProgress | None) -> None:
        self.store, self.plan, self.judge, self.result = store, plan, judge, result
        self.progress = progress
        self.seen = 0
        self.total = 0

    async def run(self, matchups: Sequence[Matchup]) -> None:
        self.total += len(matchups)
        width = max(1, min(self.plan.concurrency, self.judge.target.max_parallel or 1 << 30))
        chunk = max(width * 4, 16)
        for start in range(0, len(matchups), chunk):
            part = matchups[start:start + chunk]
            sem = asyncio.Semaphore(width)

            async def one(m: Matchup, sem: asyncio.Semaphore = sem) -> Judged | Unjudged:
                async with sem:
                    return await self.judge.judge(m)

            outcomes = await asyncio.gather(*(one(m) for m in part))
            await asyncio.to_thread(self._store, outcomes)
            self.seen += len(part)
            if self.progress is not None:
                self.progress(self.seen, self.total)

    def _store(self, outcomes: Sequence[Judged | Unjudged]) -> None:
        battles: list[Battle] = []
        r = self.result
        for o in outcomes:
            if isinstance(o, Judged):
                battles.extend(o.battles)
                r.judged += 1
                r.inconsistent += o.inconsistent
            else:
                r.errors += o.kind == "error"
                r.unparsed += o.kind == "unparsed"
                if len(r.failures) < 5:
                    r.failures.append(f"{o.matchup.prompt_id} {o.matchup.a.model} vs "
                                      f"{o.matchup.b.model}: {o.reason}")
        self.store.write_batch([], self.judge.drain_cache())
        r.battles += add_battles(self.store, self.plan.arena, battles)


async def _adaptive(runner: _Judging, plan: ArenaPlan, pairs: list[tuple[str, str]],
                    todo: list[list[Matchup]], n_prompts: int) -> None:
    budget = plan.budget or max(len(pairs), n_prompts * len(pairs) // 2)
    per_round = max(len(pairs), budget // 10)
    first = max(1, min(budget // (4 * len(pairs)), n_prompts))
    spent = 0
    take = [min(first, len(lst)) for lst in todo]
    while spent < budget and any(take):
        take = _trim(take, budget - spent)
        batch = [m for lst, k in zip(todo, take, strict=True) for m in lst[:k]]
        for k, lst in zip(take, todo, strict=True):
            del lst[:k]
        await runner.run(batch)
        spent += len(batch)
        if spent >= budget or not any(todo):
            return
        take = await asyncio.to_thread(_next_round, runner.store, plan, pairs, todo,
                                       min(per_round, budget - spent))


def _trim(take: list[int], room: int) -> list[int]:
    out, left = [], room
    for k in take:
        out.append(min(k, left))
        left -= out[-1]
    return out


def _next_round(store: Store, plan: ArenaPlan, pairs: list[tuple[str, str]],
                todo: list[list[Matchup]], k: int) -> list[int]:
    """How many more matchups each pair gets in the next round."""
    labels = sorted({x for p in pairs for x in p})
    available = np.array([len(lst) for lst in todo], dtype=np.int64)
    try:
        counts = battle_counts(store, plan.arena, models=labels)
    except NotFoundError:
        counts = None
    if counts is None or set(counts.models) != set(labels):
        return _round_robin(available, k)
    board = rate(counts, rounds=_ADAPTIVE_ROUNDS, seed=plan.seed)
    i = np.array([counts.index(x) for x, _ in pairs], dtype=np.int64)
    j = np.array([counts.index(y) for _, y in pairs], dtype=np.int64)
    return [int(v) for v in plan_battles(board, counts, i, j, available, k)]


def _round_robin(available: NDArray[np.int64], k: int) -> list[int]:
    take = [0] * len(available)
    while k > 0 and any(take[c] < available[c] for c in range(len(take))):
        for c in range(len(take)):
            if k > 0 and take[c] < available[c]:
                take[c] += 1
                k -= 1
    return take
