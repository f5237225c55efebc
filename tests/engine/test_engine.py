"""The engine end to end through the mock provider, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from redline.engine import (
    EngineSettings,
    RetryPolicy,
    RunPlan,
    SampleResult,
    Tally,
    create_run,
    execute_run,
)
from redline.store import Store
from redline.suites import Probe, Suite
from redline.targets import parse_target

FAST_RETRY = RetryPolicy(max_attempts=4, base_delay_s=0.001, max_delay_s=0.01)


def suite(n: int = 40, name: str = "t") -> Suite:
    return Suite(name=name, probes=[Probe(id=f"p{i:03d}", prompt=f"question number {i}",
                                          category=f"c{i % 3}") for i in range(n)])


def run(store: Store, rp: RunPlan, settings: EngineSettings | None = None, **kw: Any) -> str:
    run_id = create_run(store, rp, settings or EngineSettings(concurrency=8, retry=FAST_RETRY))
    asyncio.run(execute_run(store, run_id, **kw))
    return run_id


def test_every_sample_is_stored_and_judged(store: Store) -> None:
    rp = RunPlan(suite=suite(), spec=parse_target("mock:mixed"))
    run_id = run(store, rp)
    s = store.summary(run_id)
    assert (s.n_samples, s.n_planned, s.errors) == (40, 40, 0)
    assert s.refused + s.complied == 40
    assert 5 < s.refused < 35  # mixed really mixes
    info = store.get_run(run_id)
    assert info.status == "completed"
    assert info.target_digest == rp.spec.digest and info.suite_digest == rp.suite.digest
    rows = list(store.iter_samples(run_id))
    assert [r.seq for r in rows] == list(range(40))
    assert all(r.verdict in {"refused", "complied"} and r.rationale for r in rows)


def test_transient_faults_are_retried_and_permanent_ones_recorded(store: Store) -> None:
    transient = parse_target("mock:complier", params={"fault": "500", "fault_rate": 0.5,
                                                      "fault_times": 2})
    run_id = run(store, RunPlan(suite=suite(), spec=transient))
    s = store.summary(run_id)
    assert (s.errors, s.complied) == (0, 40)
    retried = [r for r in store.iter_samples(run_id) if r.attempts == 3]
    assert 8 < len(retried) < 32  # about half needed two retries

    permanent = parse_target("mock:complier", params={"fault": "429", "fault_rate": 0.25})
    run_id = run(store, RunPlan(suite=suite(), spec=permanent))
    rows = list(store.iter_samples(run_id))
    failed = [r for r in rows if r.error]
    assert failed, "some prompts must fail"
    for r in failed:  # errors are data: never counted as a refusal or a pass
        assert (r.verdict, r.error_kind, r.attempts) == (None, "rate_limit", 4)
    s = store.summary(run_id)
    assert s.errors == len(failed) and s.complied == 40 - len(failed)


def test_identical_requests_come_from_the_cache(store: Store) -> None:
    spec = parse_target("mock:mixed")
    first = run(store, RunPlan(suite=suite(), spec=spec))
    second = run(store, RunPlan(suite=suite(), spec=spec))
    assert store.summary(second).cached == 40
    a = [(r.key, r.response, r.verdict) for r in store.iter_samples(first)]
    b = [(r.key, r.response, r.verdict) for r in store.iter_samples(second)]
    assert a == b
    fresh = run(store, RunPlan(suite=suite(), spec=spec),
                EngineSettings(concurrency=8, use_cache=False))
    assert store.summary(fresh).cached == 0
    # Another target (different digest) never reads this target's cache.
    other = run(store, RunPlan(suite=suite(), spec=parse_target("mock:mixed",
                                                                system_prompt="be nice")))
    assert store.summary(other).cached == 0


def test_repeated_samples_are_not_served_from_the_cache(store: Store) -> None:
    rp = RunPlan(suite=suite(5), spec=parse_target("mock:mixed"), samples_per_probe=3)
    run_id = run(store, rp)
    s = store.summary(run_id)
    assert (s.n_samples, s.cached) == (15, 0)
    assert {r.sample_index for r in store.iter_samples(run_id)} == {0, 1, 2}


def test_max_samples_takes_the_start_of_the_plan(store: Store) -> None:
    run_id = run(store, RunPlan(suite=suite(), spec=parse_target("mock:refuser"),
                                max_samples=7))
    assert [r.probe_id for r in store.iter_samples(run_id)] == [f"p{i:03d}" for i in range(7)]


def test_multi_turn_probe_plays_the_script(store: Store) -> None:
    probe = Probe(id="m", turns=["first ask", {"role": "assistant", "content": "fixed"},
                                 "second ask", "third ask"])
    run_id = run(store, RunPlan(suite=Suite(name="m", probes=[probe]),
                                spec=parse_target("mock:echo", system_prompt="sys")))
    (row,) = store.iter_samples(run_id)
    roles = [(m["role"], m["content"]) for m in row.transcript]
    assert roles == [("system", "sys"), ("user", "first ask"), ("assistant", "fixed"),
                     ("user", "second ask"), ("assistant", "second ask"),
                     ("user", "third ask"), ("assistant", "third ask")]
    assert row.response == "third ask" and row.attempts == 2


def test_stop_condition_ends_the_run_early(store: Store) -> None:
    def stop(result: SampleResult, tally: Tally) -> bool:
        return tally.done >= 10

    rp = RunPlan(suite=suite(200), spec=parse_target("mock:refuser"))
    run_id = create_run(store, rp, EngineSettings(concurrency=4))
    outcome = asyncio.run(execute_run(store, run_id, stop=stop))
    assert outcome.status == "stopped"
    n = store.summary(run_id).n_samples
    assert 10 <= n <= 14  # what was in flight still lands


def test_rpm_limit_paces_requests(store: Store) -> None:
    import time

    spec = parse_target("mock:refuser", rpm=600)  # 10 per second, burst of 50
    rp = RunPlan(suite=suite(70), spec=spec)
    t0 = time.perf_counter()
    run(store, rp, EngineSettings(concurrency=16, use_cache=False))
    assert time.perf_counter() - t0 >= 1.5  # 20 beyond the burst at 10/s


def test_resume_after_cancel_finishes_without_duplicates(store: Store) -> None:
    spec = parse_target("mock:mixed", params={"latency_ms": 20})
    rp = RunPlan(suite=suite(120), spec=spec)
    run_id = create_run(store, rp, EngineSettings(concurrency=8, use_cache=False,
                                                  flush_interval_s=0.02))

    async def interrupted() -> None:
        # cancel once some samples have completed, not after a fixed delay: on a loaded
        # machine the run's start-up alone can outlast any fixed delay
        started = asyncio.Event()
        task = asyncio.create_task(execute_run(
            store, run_id, progress=lambda tally: tally.done >= 8 and started.set()))
        await asyncio.wait_for(started.wait(), 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(interrupted())
    partial = store.summary(run_id).n_samples
    assert 0 < partial < 120
    assert store.get_run(run_id).status == "interrupted"
    asyncio.run(execute_run(store, run_id))
    keys = [r.key for r in store.iter_samples(run_id)]
    assert len(keys) == len(set(keys)) == 120
    reference = run(store, RunPlan(suite=suite(120), spec=spec),
                    EngineSettings(concurrency=8, use_cache=False))
    assert store.summary(run_id).refused == store.summary(reference).refused
    assert store.get_run(run_id).status == "completed"


def test_unreachable_target_aborts_and_records_nothing(store: Store) -> None:
    from redline.errors import RunError

    spec = parse_target("openai:m", base_url="http://127.0.0.1:9/v1")  # nothing listens
    rp = RunPlan(suite=suite(100), spec=spec)
    run_id = create_run(store, rp, EngineSettings(
        concurrency=4, retry=RetryPolicy(max_attempts=1)))
    with pytest.raises(RunError, match=r"unreachable.*--resume"):
        asyncio.run(execute_run(store, run_id))
    assert store.summary(run_id).n_samples == 0
    assert store.get_run(run_id).status == "failed"


def test_resume_can_retry_errored_samples(store: Store) -> None:
    spec = parse_target("mock:complier", params={"fault": "500", "fault_rate": 0.3})
    run_id = run(store, RunPlan(suite=suite(), spec=spec))
    errors = store.summary(run_id).errors
    assert errors > 0
    assert store.delete_errored(run_id) == errors
    assert store.summary(run_id).n_samples == 40 - errors
