"""Appending and reading back, on SQLite and PostgreSQL, including concurrent writers."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from redline.errors import NotFoundError
from redline.ledger import (
    LedgerError,
    MemoryTree,
    NewEvent,
    append,
    append_in,
    append_many,
    get_event,
    leaf_hash,
    ledger_size,
    list_events,
    transaction,
    verify_ledger,
)
from redline.ledger._tree import TILE_SIZE, StoreTree
from redline.store import Store
from tests.ledger.conftest import scalar, sql


def test_append_assigns_seq_and_leaf_hash(store: Store) -> None:
    e0 = append(store, "release.created", "alice", {"release": "fam@1", "n": 1.0})
    e1 = append(store, "signoff", None, {"release": "fam@1"}, event_id="ev-custom")
    assert (e0.seq, e1.seq) == (0, 1)
    assert e1.event_id == "ev-custom" and e1.actor is None
    assert e0.payload == {"release": "fam@1", "n": 1}
    assert e0.leaf_hash == leaf_hash(e0.leaf()).hex()
    assert get_event(store, e0.event_id) == e0
    assert get_event(store, "#1") == e1
    assert get_event(store, e0.event_id[:10]) == e0
    assert ledger_size(store) == 2


def test_reading_back_gives_the_same_event(store: Store) -> None:
    payload = {"float": 0.1, "big": 2**53 - 1, "nested": {"z": [1, "two", None, True]},
               "unicode": "\u00e9\u2028\U0001f600", "ctrl": "a\x01b"}
    event = append(store, "t", "a", payload)
    back = get_event(store, event.event_id)
    assert back == event and back.leaf() == event.leaf()


def test_list_filters_and_orders(store: Store) -> None:
    for i in range(5):
        append(store, "a" if i % 2 else "b", f"user{i % 2}", {"i": i})
    assert [e.seq for e in list_events(store)] == [0, 1, 2, 3, 4]
    assert [e.seq for e in list_events(store, type="a")] == [1, 3]
    assert [e.seq for e in list_events(store, actor="user0", newest_first=True, limit=2)] == [4, 2]
    assert [e.seq for e in list_events(store, after=2)] == [3, 4]


def test_unknown_and_ambiguous_ids(store: Store) -> None:
    append(store, "t", None, {}, event_id="ev-aa1")
    append(store, "t", None, {}, event_id="ev-aa2")
    with pytest.raises(NotFoundError, match="several"):
        get_event(store, "ev-aa")
    with pytest.raises(NotFoundError, match="no ledger event"):
        get_event(store, "ev-zz")


def test_bad_input_is_refused_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(LedgerError):
        append(store, "t", None, {"x": float("inf")})
    with pytest.raises(LedgerError):
        append(store, "", None, {})
    with pytest.raises(LedgerError, match="actor"):
        append(store, "t", "x" * 201, {})
    append(store, "t", None, {}, event_id="ev-dup")
    with pytest.raises(LedgerError):
        append(store, "t", None, {}, event_id="ev-dup")
    assert ledger_size(store) == 1


def test_append_in_commits_and_rolls_back_with_the_callers_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError), transaction(store) as conn:
        append_in(conn, "t", None, {"i": 0})
        raise RuntimeError("governance failed after appending")
    assert ledger_size(store) == 0
    with store.engine.begin() as conn:   # a plain transaction of the caller's also works
        conn.execute(text("SELECT 1"))
        append_in(conn, "t", None, {"i": 1})
        append_in(conn, "t", None, {"i": 2})
    assert [e.payload["i"] for e in list_events(store)] == [1, 2]


def test_tiles_are_cached_and_agree_with_the_leaves(store: Store) -> None:
    for i in range(TILE_SIZE - 1):
        append_many(store, [NewEvent("bulk", None, {"i": i})]) if i % 2 else append(
            store, "one", None, {"i": i})
    assert scalar(store, "SELECT count(*) FROM ledger_tiles") == 0
    append(store, "one", None, {"i": TILE_SIZE - 1})
    assert scalar(store, "SELECT count(*) FROM ledger_tiles") == 1
    assert append_many(store, (NewEvent("bulk", "x", {"i": i}) for i in range(700))) == 700
    n = ledger_size(store)
    assert n == TILE_SIZE + 700
    assert scalar(store, "SELECT count(*) FROM ledger_tiles") == n // TILE_SIZE
    leaves = [bytes.fromhex(e.leaf_hash) for e in list_events(store)]
    mem = MemoryTree(leaves)
    with store.engine.connect() as conn:
        tree = StoreTree(conn, n)
        assert tree.root() == mem.root()
        for a, b in [(0, 256), (256, 512), (512, 768), (768, n), (900, 901), (0, n - 1)]:
            assert tree.subtree_hash(a, b) == mem.subtree_hash(a, b)
        sql(store, "DELETE FROM ledger_tiles")
        assert StoreTree(conn, n).root() == mem.root()   # the cache is only a cache


def test_threads_appending_at_once_leave_no_gaps(store: Store) -> None:
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(25):
                append(store, "thread", f"t{k}", {"i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [e.seq for e in list_events(store)] == list(range(100))


WRITER = """
import sys
from redline.store import Store
from redline.ledger import append, append_many, NewEvent
store = Store.open(sys.argv[1])
for i in range(int(sys.argv[2])):
    if i % 10 == 0:
        append_many(store, [NewEvent("batch", sys.argv[3], {"i": i, "j": j}) for j in range(5)])
    else:
        append(store, "proc", sys.argv[3], {"i": i})
store.close()
"""


@pytest.mark.slow
def test_two_processes_appending_at_once_leave_no_gaps(db_url: str, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    Store.open(db_url).close()   # migrate first: the writers race on appends, not on the schema
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, str(script), db_url, "150", name], cwd=root)
             for name in ("p1", "p2")]
    assert [p.wait(timeout=240) for p in procs] == [0, 0]
    with Store.open(db_url) as store:
        events = list_events(store)
        total = 2 * (150 + 15 * 4)
        assert [e.seq for e in events] == list(range(total))
        assert {e.actor for e in events} == {"p1", "p2"}
        assert scalar(store, "SELECT count(*) FROM ledger_tiles") == total // TILE_SIZE
        from redline.ledger import Signer

        report = verify_ledger(store, Signer.generate().verifier)
        assert report.ok, report.problems
