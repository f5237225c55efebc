"""Tampering with any governance row (or the evidence it binds) by direct SQL is named."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from redline import governance as gov
from redline.governance import _clock
from redline.ledger import VerifyReport, load_verifier, verify_ledger
from redline.store import Store
from tests.governance._util import World, fresh, world
from tests.ledger.conftest import sql

EDITS = {
    "gov_users": "UPDATE gov_users SET roles = '[\"admin\"]' WHERE name = 'aud'",
    "gov_policies": "UPDATE gov_policies SET governance = '{}'",
    "gov_releases": "UPDATE gov_releases SET state = 'released' WHERE state = 'in_review'",
    "gov_signoffs": "UPDATE gov_signoffs SET evidence_digest = 'sha256:forged'",
    "gov_vetoes": "UPDATE gov_vetoes SET lifted_at = '2026-01-01T00:00:00.000000Z'",
    "gov_waivers": "UPDATE gov_waivers SET expires_at = '2099-01-01T00:00:00.000000Z'",
    "gov_pauses": "UPDATE gov_pauses SET lifted_at = '2026-01-01T00:00:00.000000Z'",
    "gov_incidents": "UPDATE gov_incidents SET severity = 'low'",
}


@pytest.fixture
def w(store: Store, tmp_path: Path) -> World:
    """A store where every governance table has rows."""
    w = world(store, tmp_path)
    ref = fresh(w, "in_review", {"c00": "refused"})
    gov.approve_release(w.store, w["sb1"], ref)
    vetoed = fresh(w, "vetoed")
    gov.waive_gate(w.store, w["sb1"], vetoed, "over", "ok", _clock.now() + timedelta(days=1))
    gov.pause_lineage(w.store, w["sb1"], vetoed.split("@")[0], "look")
    gov.add_incident(w.store, w["sec"], ref, transcript=[{"role": "user", "content": "x"}],
                     category="c", severity="high", summary="s")
    return w


def verify(store: Store) -> VerifyReport:
    return verify_ledger(store, load_verifier())


def test_untouched_governance_verifies(w: World) -> None:
    report = verify(w.store)
    assert report.ok, report.problems
    assert not report.warnings


@pytest.mark.parametrize("table", sorted(EDITS))
def test_an_edited_row_of_any_governance_table_is_named(w: World, table: str) -> None:
    sql(w.store, EDITS[table])
    problems = [p for p in verify(w.store).problems if p.kind == "record-edited"]
    assert problems and all(p.message.startswith(f"{table} row ") for p in problems)
    assert problems[0].event_id is not None and problems[0].seq is not None


def test_deleted_and_inserted_rows_are_named(w: World) -> None:
    with w.store.engine.connect() as conn:
        (sid,) = conn.execute(text("SELECT id FROM gov_signoffs")).one()
    sql(w.store, "DELETE FROM gov_signoffs WHERE id = :id", id=sid)
    sql(w.store, "INSERT INTO gov_vetoes (id, release_id, target_digest, role, user_id, "
                 "user_name, reason, holders, created_at) SELECT 'veto-forged', id, NULL, "
                 "'security', 'u', 'sec', 'r', '[]', '2026-01-01T00:00:00.000000Z' "
                 "FROM gov_releases LIMIT 1")
    problems = {p.kind: p.message for p in verify(w.store).problems}
    assert problems["record-deleted"].startswith(f"gov_signoffs row {sid}, written by event #")
    assert problems["record-inserted"].startswith("gov_vetoes row veto-forged was written "
                                                  "outside redline")


def test_edited_evidence_is_named(w: World) -> None:
    sql(w.store, "UPDATE samples SET verdict = 'refused' WHERE verdict = 'complied'")
    if w.store.dialect == "sqlite":
        sql(w.store, "UPDATE gate_reports SET report = json_set(report, '$.target', 'other')")
    else:
        sql(w.store, "UPDATE gate_reports SET report = jsonb_set(report::jsonb, '{target}', "
                     "'\"other\"')::json")
    messages = [p.message for p in verify(w.store).problems if p.kind == "evidence-edited"]
    assert any("has other samples or verdicts" in m for m in messages)
    assert any("no longer matches its digest" in m for m in messages)
