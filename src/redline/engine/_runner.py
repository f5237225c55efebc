"""Execute a run: async workers, rate limits, retries, cache, batched flushes, resume.

Every completed sample goes into an in-memory buffer that a flusher writes to
the store at least every ``flush_interval_s``. A crash therefore loses at most
what was in flight plus one flush window, and ``resume`` re-sends only that:
the plan is deterministic and samples are keyed, so what is stored is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from redline.attacks import AttackContext, DynamicAttack, get_attack
from redline.engine._cache import cache_key, completion_from_json, completion_to_json
from redline.engine._helpers import HelperModels
from redline.engine._plan import WorkItem, plan, plan_size
from redline.engine._ratelimit import RateLimiter
from redline.engine._retry import RetryPolicy
from redline.errors import RunError, TargetError
from redline.judges import Judge, Verdict
from redline.store import Store
from redline.targets import Completion, Message, Target

if TYPE_CHECKING:
    from redline.engine._run import StoredRun

_CHUNK = 256
#: Error kinds that mean the target was never reached (or refused us), not that it misbehaved.
_UNREACHABLE = frozenset({"connection", "auth", "client"})


@dataclass(slots=True)
class Tally:
    """Live counts for progress display and stop conditions."""

    total: int
    done: int = 0
    refused: int = 0
    complied: int = 0
    partial: int = 0
    unscorable: int = 0
    errors: int = 0
    sent: int = 0


@dataclass(slots=True)
class SampleResult:
    """What one work item produced; handed to the stop condition."""

    item: WorkItem
    verdict: Verdict | None
    error_kind: str | None
    row: dict[str, Any] = field(repr=False)


StopCondition = Callable[[SampleResult, Tally], bool]
ProgressHook = Callable[[Tally], None]


@dataclass(frozen=True, slots=True)
class EngineSettings:
    concurrency: int = 16
    use_cache: bool = True
    flush_interval_s: float = 0.1
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    seed: int = 0
    #: Abort when this many samples in a row fail to connect or authenticate
    #: before any sample succeeds.
    abort_after: int = 8


def _take(it: Iterator[WorkItem], n: int) -> list[WorkItem]:
    return [item for _, item in zip(range(n), it, strict=False)]


class _Failed(Exception):
    def __init__(self, error: TargetError, attempts: int) -> None:
        self.error = error
        self.attempts = attempts


class Execution:
    """One pass over the not-yet-stored part of a run's plan."""

    def __init__(self, store: Store, run: StoredRun, target: Target, judge: Judge,
                 settings: EngineSettings, *, progress: ProgressHook | None = None,
                 stop: StopCondition | None = None) -> None:
        self.store, self.run, self.run_id, self.spec = store, run, run.run_id, run.spec
        self.target, self.judge, self.settings = target, judge, settings
        self.strategies = {name: get_attack(name) for name in run.attacks}
        self.helpers = HelperModels(run.helper_specs(), settings.retry,
                                    random.Random(settings.seed + 1))
        self.progress, self.stop_condition = progress, stop
        spec = run.spec
        self.limiter = RateLimiter(spec.rpm, spec.tpm)
        self.rng = random.Random(settings.seed)
        self.rows: list[dict[str, Any]] = []
        self.cache_rows: list[dict[str, Any]] = []
        self.stopped_early = False
        self.reached = False
        self.fatal = 0
        self.aborted: str | None = None
        self.unreached_keys: list[str] = []
        self.tally = Tally(total=plan_size(run.n_probes, run.attacks, run.samples_per_probe,
                                           run.max_samples))

    # -- planning -------------------------------------------------------
    def _pending(self, done: set[str]) -> Iterator[WorkItem]:
        run = self.run
        probes = self.store.iter_probes(run.suite_digest)
        for item in plan(probes, run.attacks, run.samples_per_probe, run.max_samples):
            if item.key in done:
                self.tally.done += 1
            else:
                yield item

    async def _feed(self, queue: asyncio.Queue[tuple[WorkItem, dict[str, Any]] | None],
                    workers: int) -> None:
        done = await asyncio.to_thread(self.store.done_keys, self.run_id)
        pending = self._pending(done)
        while not self.stopped_early:
            # The plan reads probes from the store: advance it off the event loop.
            chunk = await asyncio.to_thread(_take, pending, _CHUNK)
            if not chunk:
                break
            cached: dict[str, dict[str, Any]] = {}
            if self.settings.use_cache:
                cached = await asyncio.to_thread(self._cache_lookup, chunk)
            for item in chunk:
                await queue.put((item, cached))
        for _ in range(workers):
            await queue.put(None)

    def _cache_lookup(self, chunk: list[WorkItem]) -> dict[str, dict[str, Any]]:
        keys = [cache_key(self.spec.digest, self._first_request(it), it.sample_index)
                for it in chunk]
        return self.store.cache_get(keys)

    def _first_request(self, item: WorkItem) -> list[Message]:
        msgs = item.probe.messages(self.spec.system_prompt)
        msgs.append({"role": "user", "content": item.probe.script[0].content})
        return msgs

    # -- one sample -----------------------------------------------------
    async def _call(self, messages: list[Message]) -> tuple[Completion, int]:
        attempt = 0
        while True:
            attempt += 1
            if self.limiter.active:
                await self.limiter.acquire()
            self.tally.sent += 1
            try:
                async with asyncio.timeout(self.spec.timeout_s * 1.5 + 1):
                    completion = await self.target.complete(messages)
            except TargetError as exc:
                err = exc
            except TimeoutError:
                err = TargetError(f"no reply within {self.spec.timeout_s}s", kind="timeout",
                                  retryable=True)
            else:
                if self.limiter.active:
                    self.limiter.charge_tokens((completion.input_tokens or 0)
                                               + (completion.output_tokens or 0))
                return completion, attempt
            delay = self.settings.retry.delay(err, attempt, self.rng)
            if delay is None:
                raise _Failed(err, attempt)
            await asyncio.sleep(delay)

    async def _ask(self, messages: list[Message], sample_index: int,
                   prefetched: dict[str, dict[str, Any]] | None = None
                   ) -> tuple[Completion, int, bool]:
        """One target request through the cache: (completion, attempts, cache hit)."""
        use_cache = self.settings.use_cache
        key = cache_key(self.spec.digest, messages, sample_index) if use_cache else ""
        if use_cache:
            hit = (prefetched or {}).get(key)
            if hit is None and prefetched is None:
                hit = (await asyncio.to_thread(self.store.cache_get, [key])).get(key)
            if hit is not None:
                return completion_from_json(hit), 0, True
        completion, attempts = await self._call(list(messages))
        if use_cache:
            self.cache_rows.append({"key": key, "target_digest": self.spec.digest,
                                    "completion": completion_to_json(completion),
                                    "created_at": datetime.now(UTC)})
        return completion, attempts, False

    async def _converse(self, item: WorkItem, cached: dict[str, dict[str, Any]]
                        ) -> tuple[list[Message], Completion, int, bool]:
        """Play the probe's script; returns transcript, last completion, attempts, cache hit."""
        messages = item.probe.messages(self.spec.system_prompt)
        script = item.probe.script
        completion: Completion | None = None
        attempts, all_cached = 0, True
        for i, turn in enumerate(script):
            messages.append({"role": turn.role, "content": turn.content})
            if turn.role != "user" or (i + 1 < len(script) and script[i + 1].role == "assistant"):
                continue
            # The first request's cache entry was fetched with its chunk; later turns look up.
            completion, n, hit = await self._ask(messages, item.sample_index,
                                                 cached if i == 0 else None)
            attempts += n
            all_cached = all_cached and hit
            messages.append({"role": "assistant", "content": completion.text})
        assert completion is not None
        return messages, completion, attempts, all_cached

    async def _search(self, item: WorkItem, strategy: DynamicAttack) -> dict[str, Any]:
        """Run a search attack for one probe; the row fields it produced."""
        used = {"in": 0, "out": 0, "attempts": 0}

        async def ask_target(messages: list[Message]) -> Completion:
            completion, n, _ = await self._ask(messages, item.sample_index)
            used["attempts"] += n
            used["in"] += completion.input_tokens or 0
            used["out"] += completion.output_tokens or 0
            return completion

        ctx = AttackContext(
            probe=item.probe, ask_target=ask_target, judge=self.judge, budget=self.run.budget,
            rng=random.Random(f"{self.settings.seed}|{item.key}"),
            system_prompt=self.spec.system_prompt,
            ask_attacker=self.helpers.ask("attacker"), ask_translator=self.helpers.ask("translator"))
        outcome = await strategy.run(ctx)
        if outcome.judgement is None:
            raise _Failed(TargetError("the search made no attempt (is --budget 0?)",
                                      kind="attack", retryable=False), 0)
        return dict(transcript=outcome.transcript, response=outcome.response,
                    verdict=outcome.judgement.verdict.value, judge=outcome.judgement.judge,
                    rationale=outcome.judgement.rationale, error=None, error_kind=None,
                    attempts=used["attempts"], input_tokens=used["in"], output_tokens=used["out"],
                    cached=False, attack_log=outcome.log)

    async def _run_item(self, item: WorkItem, cached: dict[str, dict[str, Any]]) -> SampleResult:
        t0 = time.perf_counter()
        row: dict[str, Any] = {
            "run_id": self.run_id, "key": item.key, "seq": item.seq, "probe_id": item.probe_id,
            "attack": item.attack, "sample_index": item.sample_index,
            "category": item.probe.category, "prompt": item.probe.text, "attack_log": None,
        }
        verdict: Verdict | None = None
        strategy = self.strategies[item.attack]
        try:
            if isinstance(strategy, DynamicAttack):
                row.update(await self._search(item, strategy))
                verdict = Verdict(row["verdict"])
            else:
                transcript, completion, attempts, hit = await self._converse(item, cached)
        except (_Failed, TargetError) as failure:
            err = failure.error if isinstance(failure, _Failed) else failure
            attempts_made = failure.attempts if isinstance(failure, _Failed) else 0
            row.update(transcript=[], response=None, verdict=None, judge=None, rationale=None,
                       error=str(err), error_kind=err.kind, attempts=attempts_made,
                       input_tokens=None, output_tokens=None, cached=False)
        else:
            if not isinstance(strategy, DynamicAttack):
                judgement = await self.judge.ajudge(item.probe, transcript, completion.text)
                verdict = judgement.verdict
                row.update(transcript=transcript, response=completion.text,
                           verdict=verdict.value, judge=judgement.judge,
                           rationale=judgement.rationale, error=None, error_kind=None,
                           attempts=attempts, input_tokens=completion.input_tokens,
                           output_tokens=completion.output_tokens, cached=hit)
        row["latency_ms"] = (time.perf_counter() - t0) * 1000
        row["created_at"] = datetime.now(UTC)
        return SampleResult(item, verdict, row["error_kind"], row)

    def _count(self, result: SampleResult) -> None:
        t = self.tally
        t.done += 1
        v = result.verdict
        if v is None:
            t.errors += 1
        elif v is Verdict.REFUSED:
            t.refused += 1
        elif v is Verdict.COMPLIED:
            t.complied += 1
        elif v is Verdict.PARTIAL:
            t.partial += 1
        else:
            t.unscorable += 1

    async def _worker(self, queue: asyncio.Queue[tuple[WorkItem, dict[str, Any]] | None]) -> None:
        while True:
            entry = await queue.get()
            if entry is None:
                return
            if self.stopped_early:
                continue
            result = await self._run_item(*entry)
            self.rows.append(result.row)
            self._count(result)
            self._watch_reachability(result)
            if self.stop_condition is not None and self.stop_condition(result, self.tally):
                self.stopped_early = True

    def _watch_reachability(self, result: SampleResult) -> None:
        """Give up early when nothing gets through: every sample failing to connect or auth."""
        if self.reached:
            return
        if result.verdict is not None:
            self.reached = True
            return
        self.unreached_keys.append(result.item.key)
        if result.error_kind in _UNREACHABLE:
            self.fatal += 1
            if self.fatal >= self.settings.abort_after and self.aborted is None:
                self.aborted = str(result.row["error"])
                self.stopped_early = True

    # -- flushing -------------------------------------------------------
    async def _flush(self) -> None:
        rows, cache_rows = self.rows, self.cache_rows
        if not rows and not cache_rows:
            return
        self.rows, self.cache_rows = [], []
        await asyncio.to_thread(self.store.write_batch, rows, cache_rows)

    async def _flusher(self, stop: asyncio.Event) -> None:
        """Flush every ``flush_interval_s`` until ``stop`` is set. Never cancelled
        mid-write: a write abandoned in its thread could fail unseen, or race the last."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.flush_interval_s)
            await self._flush()
            if self.progress is not None:
                self.progress(self.tally)

    async def execute(self) -> Tally:
        """Run every pending sample; flushes what completed even when cancelled."""
        workers = max(1, min(self.settings.concurrency, self.target.max_parallel or 1 << 30))
        queue: asyncio.Queue[tuple[WorkItem, dict[str, Any]] | None] = asyncio.Queue(
            maxsize=workers + _CHUNK)
        stop = asyncio.Event()
        flusher = asyncio.create_task(self._flusher(stop))
        try:
            await self.helpers.open()
            await asyncio.gather(self._feed(queue, workers),
                                 *(self._worker(queue) for _ in range(workers)))
        finally:
            await self.helpers.close()
            stop.set()
            await asyncio.shield(flusher)
            await asyncio.shield(self._flush())  # what completed after the flusher's last pass
            if self.progress is not None:
                self.progress(self.tally)
        if self.aborted is not None:
            # These failures say nothing about the model: forget them so a resume asks again.
            await asyncio.to_thread(self.store.delete_samples, self.run_id, self.unreached_keys)
            raise RunError(
                f"target '{self.spec.label}' is unreachable: the first "
                f"{self.fatal} samples all failed ({self.aborted}). Nothing about the model "
                f"was recorded; fix the target, then `redline run --resume {self.run_id}`")
        return self.tally
