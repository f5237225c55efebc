"""Tampering by direct SQL is detected, and the rows are named, with only the public key.

Each test edits the database the way someone with write access to it would,
then runs the full verification with the verifier key alone -- against the
checkpoints stored in the database and against one kept outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from redline.ledger import (
    LedgerError,
    LedgerEvent,
    SignedCheckpoint,
    Verifier,
    VerifyReport,
    append,
    checkpoint,
    create_signer,
    event_leaf,
    leaf_hash,
    list_events,
    verify_ledger,
)
from redline.store import Store
from tests.ledger.conftest import sql


@dataclass
class Log:
    store: Store
    verifier: Verifier
    events: list[LedgerEvent]
    outside: Path

    def verify(self, *, outside: bool = True) -> VerifyReport:
        external = [("outside.txt", self.outside.read_text())] if outside else []
        return verify_ledger(self.store, self.verifier, external)


def build(store: Store, tmp_path: Path, n: int = 12, every: bool = False) -> Log:
    signer = create_signer("test.example/ledger")
    events = []
    for i in range(n):
        events.append(append(store, "signoff" if i % 2 else "veto", f"user{i % 3}",
                             {"release": f"fam@{i}", "i": i}))
        if every:
            checkpoint(store)
    cp = checkpoint(store)
    outside = tmp_path / "outside.txt"
    outside.write_text(cp.note)
    return Log(store, signer.verifier, events, outside)


@pytest.fixture
def log(store: Store, tmp_path: Path) -> Log:
    return build(store, tmp_path)


def kinds(report: VerifyReport) -> dict[str, list[int | None]]:
    out: dict[str, list[int | None]] = {}
    for p in report.problems:
        out.setdefault(p.kind, []).append(p.seq)
    return out


def rewrite(store: Store, seq: int, payload: str, *, fix_hash: bool) -> None:
    """Replace an event's payload, and (like a careful attacker) its stored leaf hash."""
    sql(store, "UPDATE ledger_events SET payload = :p WHERE seq = :s", p=payload, s=seq)
    if fix_hash:
        e = next(e for e in list_events(store) if e.seq == seq)
        sql(store, "UPDATE ledger_events SET leaf_hash = :h WHERE seq = :s",
            h=leaf_hash(e.leaf()).hex(), s=seq)


def test_untouched_log_verifies(log: Log) -> None:
    report = log.verify()
    assert report.ok, report.problems
    assert report.size == 12 and not report.warnings
    assert [c.status for c in report.checkpoints] == ["ok", "ok"]


def test_edited_payload_is_named(log: Log) -> None:
    rewrite(log.store, 4, '{"release": "fam@4", "i": 400}', fix_hash=False)
    for outside in (True, False):
        report = log.verify(outside=outside)
        assert not report.ok
        edited = [p for p in report.problems if p.kind == "edited"]
        assert [(p.seq, p.event_id) for p in edited] == [(4, log.events[4].event_id)]
        assert {c.status for c in report.checkpoints} == {"root mismatch"}


def test_edited_actor_type_or_time_is_named(log: Log) -> None:
    sql(log.store, "UPDATE ledger_events SET actor = 'mallory' WHERE seq = 2")
    sql(log.store, "UPDATE ledger_events SET type = 'approve' WHERE seq = 3")
    sql(log.store, "UPDATE ledger_events SET created_at = '2020-01-01T00:00:00.000000Z' "
                   "WHERE seq = 7")
    assert kinds(log.verify())["edited"] == [2, 3, 7]


def test_deleted_row_is_named(log: Log) -> None:
    sql(log.store, "DELETE FROM ledger_events WHERE seq = 6")
    report = log.verify()
    k = kinds(report)
    assert k["missing"] == [6]
    assert "truncated" in k
    assert any(p.kind == "missing" and "#6" in p.message for p in report.problems)


def test_deleted_last_row_is_caught_by_the_signed_size(log: Log) -> None:
    sql(log.store, "DELETE FROM ledger_events WHERE seq = 11")
    report = log.verify()
    assert "truncated" in kinds(report)
    assert all(c.status == "log is shorter" for c in report.checkpoints)


def test_row_inserted_outside_the_log_is_named(log: Log) -> None:
    sql(log.store, "INSERT INTO ledger_events (seq, event_id, type, actor, created_at, payload, "
                   "leaf_hash) VALUES (-1, 'ev-forged', 'approve', 'mallory', "
                   "'2026-01-01T00:00:00.000000Z', '{}', :h)", h="00" * 32)
    report = log.verify()
    assert [(p.kind, p.event_id) for p in report.problems] == [("unexpected", "ev-forged")]


def test_row_inserted_in_the_middle_is_named(log: Log) -> None:
    # Make room at seq 5 (in two steps so no unique check trips mid-update), then insert a
    # row whose own leaf hash is right: it is consistent by itself, yet named.
    sql(log.store, "UPDATE ledger_events SET seq = seq + 1000 WHERE seq >= 5")
    sql(log.store, "UPDATE ledger_events SET seq = seq - 999 WHERE seq >= 1000")
    ts = "2026-01-01T00:00:00.000000Z"
    forged = leaf_hash(event_leaf(5, "ev-forged", "approve", "mallory", ts, {})).hex()
    sql(log.store, "INSERT INTO ledger_events (seq, event_id, type, actor, created_at, payload, "
                   "leaf_hash) VALUES (5, 'ev-forged', 'approve', 'mallory', :ts, '{}', :h)",
        ts=ts, h=forged)
    report = log.verify()
    k = kinds(report)
    assert k["inserted"] == [5]
    assert next(p for p in report.problems if p.kind == "inserted").event_id == "ev-forged"
    assert k["moved"] == list(range(6, 13))


def test_insert_at_the_end_is_reported_as_unsigned(log: Log) -> None:
    append(log.store, "approve", "mallory", {"note": "appended after the last checkpoint"})
    report = log.verify()
    assert report.ok
    assert any("#12..#12 are not covered" in w for w in report.warnings)


def test_swapped_rows_are_named_as_a_swap(log: Log) -> None:
    # Whole rows change places (every column moves with its row; only seq is exchanged).
    sql(log.store, "UPDATE ledger_events SET seq = 100 WHERE seq = 3")
    sql(log.store, "UPDATE ledger_events SET seq = 3 WHERE seq = 8")
    sql(log.store, "UPDATE ledger_events SET seq = 8 WHERE seq = 100")
    report = log.verify()
    moved = {p.seq: p.message for p in report.problems if p.kind == "moved"}
    assert set(moved) == {3, 8}
    assert "appended as #8" in moved[3] and "appended as #3" in moved[8]


def test_swapped_payloads_are_named(log: Log) -> None:
    a, b = log.events[2].payload, log.events[9].payload
    rewrite(log.store, 2, f'{{"release": "{b["release"]}", "i": {b["i"]}}}', fix_hash=False)
    rewrite(log.store, 9, f'{{"release": "{a["release"]}", "i": {a["i"]}}}', fix_hash=False)
    assert kinds(log.verify())["edited"] == [2, 9]


def test_rewrite_with_leaf_hash_is_named_exactly_between_checkpoints(
        store: Store, tmp_path: Path) -> None:
    log = build(store, tmp_path, every=True)   # governance signs after each event
    rewrite(store, 4, '{"release": "fam@4", "i": 400}', fix_hash=True)
    report = log.verify()
    rewritten = [p for p in report.problems if p.kind == "rewritten"]
    assert [(p.seq, p.event_id) for p in rewritten] == [(4, log.events[4].event_id)]
    assert "event #4 were rewritten" in rewritten[0].message
    statuses = {c.size: c.status for c in report.checkpoints if c.source != "outside.txt"}
    assert statuses[4] == "ok" and statuses[5] == "root mismatch"


def test_rewrite_of_everything_but_the_key_is_caught_by_the_outside_checkpoint(
        log: Log) -> None:
    rewrite(log.store, 4, '{"release": "fam@4", "i": 400}', fix_hash=True)
    sql(log.store, "DELETE FROM ledger_checkpoints")   # hide the stored evidence too
    report = log.verify()
    assert [p.kind for p in report.problems] == ["rewritten"]
    assert "events #0..#11 were rewritten" in report.problems[0].message
    assert log.verify(outside=False).ok   # without a signed head nothing can be caught...
    assert log.verify(outside=False).warnings   # ...and verification says so


def test_tile_cache_narrows_a_rewrite(store: Store, tmp_path: Path) -> None:
    log = build(store, tmp_path, n=600)
    rewrite(store, 300, '{"release": "x", "i": 0}', fix_hash=True)
    report = log.verify()
    rewritten = next(p for p in report.problems if p.kind == "rewritten")
    assert "tile cache points at #256..#511" in rewritten.message
    assert any(p.kind == "tile" and p.seq == 256 for p in report.problems)


def test_forged_or_deleted_stored_checkpoints_are_named(store: Store, tmp_path: Path) -> None:
    log = build(store, tmp_path, n=5, every=True)
    sql(store, "UPDATE ledger_checkpoints SET note = replace(note, :a, :b) WHERE id = 2",
        a="\n2\n", b="\n7\n")
    sql(store, "DELETE FROM ledger_checkpoints WHERE id = 4")
    report = log.verify()
    msgs = [(p.kind, p.message) for p in report.problems]
    assert ("checkpoint-deleted", "stored checkpoints #4..#4 are missing (deleted)") in msgs
    assert any(k == "bad-checkpoint" and "#2" in m for k, m in msgs)


def test_outside_checkpoint_with_a_bad_signature_is_a_problem(log: Log) -> None:
    log.outside.write_text(log.outside.read_text().replace("\n12\n", "\n13\n"))
    report = log.verify()
    assert [p.kind for p in report.problems] == ["bad-checkpoint"]


def test_older_checkpoint_proves_the_log_only_grew(store: Store, tmp_path: Path) -> None:
    log = build(store, tmp_path, n=5)
    for i in range(9):
        append(store, "later", None, {"i": i})
    head = checkpoint(store)
    report = log.verify()
    assert report.ok, report.problems
    (check,) = report.consistency
    assert (check.old_size, check.new_size, check.ok) == (5, 14, True)
    assert check.proof_hashes > 0 and head.size == 14
    # Rewrite history before the old checkpoint: growth can no longer be proved.
    rewrite(store, 2, '{"release": "x", "i": 2}', fix_hash=True)
    sql(store, "DELETE FROM ledger_checkpoints WHERE tree_size = 5")
    report = log.verify()
    assert "inconsistent" in kinds(report) and not report.ok


def test_signing_refuses_a_rewritten_log(log: Log) -> None:
    rewrite(log.store, 4, '{"release": "fam@4", "i": 400}', fix_hash=True)
    append(log.store, "later", None, {})
    with pytest.raises(LedgerError, match="no longer extends checkpoint #1"):
        checkpoint(log.store)
    sql(log.store, "DELETE FROM ledger_events WHERE seq >= 10")
    with pytest.raises(LedgerError, match="events were deleted"):
        checkpoint(log.store)


def test_same_head_is_not_signed_twice(log: Log) -> None:
    a = checkpoint(log.store)
    b = checkpoint(log.store)
    assert a == b
    assert SignedCheckpoint.open(a.note, log.verifier).size == 12


def test_only_the_logs_own_key_may_sign(log: Log) -> None:
    from redline.ledger import Signer, key_path

    append(log.store, "later", None, {})
    with pytest.raises(LedgerError, match="not signed by this key"):
        checkpoint(log.store, Signer.generate("intruder.example/key"))
    key_path().unlink()   # e.g. a team member's machine without the log's key
    with pytest.raises(LedgerError, match=r"sign where its ledger\.key is"):
        checkpoint(log.store)
    assert not key_path().exists()   # no stray key was created
