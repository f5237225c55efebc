from __future__ import annotations

from datetime import UTC, datetime

import pytest

from redline.errors import NotFoundError
from redline.store import Store
from redline.suites import Probe, Suite


def make_run(store: Store) -> str:
    suite = Suite(name="s", probes=[Probe(id="a", prompt="x")])
    digest, _ = store.save_suite(suite)
    return store.create_run(target_label="mock:refuser", target_digest="sha256:t",
                            target_spec={"provider": "mock", "model": "refuser"},
                            suite_name="s", suite_version="1", suite_digest=digest,
                            attacks=["none"], settings={}, redline_version="0",
                            n_planned=2)


def sample(run_id: str, key: str, seq: int, **kw: object) -> dict[str, object]:
    row: dict[str, object] = dict(
        run_id=run_id, key=key, seq=seq, probe_id=key, attack="none", sample_index=0,
        category="c", prompt="x", transcript=[], response="no", verdict="refused",
        judge="refusal", rationale="r", error=None, error_kind=None, attempts=1,
        latency_ms=1.0, input_tokens=1, output_tokens=2, cached=False,
        created_at=datetime.now(UTC))
    row.update(kw)
    return row


def test_a_key_is_stored_once_even_if_written_twice(store: Store) -> None:
    run_id = make_run(store)
    store.write_batch([sample(run_id, "a", 0)])
    store.write_batch([sample(run_id, "a", 0, response="changed"), sample(run_id, "b", 1)])
    rows = list(store.iter_samples(run_id))
    assert [(r.key, r.response) for r in rows] == [("a", "no"), ("b", "no")]
    assert store.done_keys(run_id) == {"a", "b"}


def test_summary_counts_errors_apart_from_verdicts(store: Store) -> None:
    run_id = make_run(store)
    store.write_batch([sample(run_id, "a", 0),
                       sample(run_id, "b", 1, verdict=None, response=None, error="boom",
                              error_kind="server", input_tokens=None, output_tokens=None)])
    s = store.summary(run_id)
    assert (s.n_samples, s.refused, s.errors, s.input_tokens, s.output_tokens) == (2, 1, 1, 1, 2)


def test_prefix_lookup_and_not_found(store: Store) -> None:
    run_id = make_run(store)
    assert store.resolve_run_id(run_id[:10]) == run_id
    assert store.get_run(run_id).created_at.tzinfo is not None
    with pytest.raises(NotFoundError):
        store.resolve_run_id("run-nope")


def test_suite_round_trips_by_digest(store: Store) -> None:
    suite = Suite(name="s", probes=[Probe(id="a", turns=["x", "y"], category="k")])
    digest, n = store.save_suite(suite)
    assert (digest, n) == (suite.digest, 1)
    assert store.save_suite(suite) == (digest, 1)
    back = store.get_suite(digest)
    assert back == suite and back.digest == digest


def test_file_suite_streams_into_the_store_and_back(store: Store, tmp_path: object) -> None:
    from pathlib import Path

    from redline.suites import load_suite, open_suite

    path = Path(str(tmp_path)) / "big.jsonl"
    path.write_text("".join(f'{{"id": "p{i}", "prompt": "q {i}", "expect": "refuse"}}\n'
                            for i in range(2500)))
    source = open_suite(str(path))
    digest, n = store.save_suite(source)
    assert n == 2500 and digest == load_suite(str(path)).digest
    assert [p.id for p in store.iter_probes(digest)] == [f"p{i}" for i in range(2500)]
    header, count = store.suite_header(digest)
    assert (header.name, count) == ("big", 2500)


def test_a_bad_probe_stores_nothing(store: Store, tmp_path: object) -> None:
    from pathlib import Path

    from redline.errors import SuiteError
    from redline.suites import open_suite

    path = Path(str(tmp_path)) / "bad.jsonl"
    path.write_text('{"id": "a", "prompt": "x"}\n{"id": "b"}\n')
    with pytest.raises(SuiteError, match=r"bad\.jsonl:2"):
        store.save_suite(open_suite(str(path)))
    from sqlalchemy import text

    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM suites")).scalar() == 0


def test_cache_round_trip(store: Store) -> None:
    store.write_batch([], [{"key": "k1", "target_digest": "t", "completion": {"text": "hi"},
                            "created_at": datetime.now(UTC)}])
    assert store.cache_get(["k1", "k2"]) == {"k1": {"text": "hi"}}
