"""Waivers (who, how long, shown, expiring) and lineage pauses (by hand and by rule)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from redline import governance as gov
from redline.errors import ConfigError, IllegalTransition, PermissionDenied
from redline.governance import _clock
from redline.store import Store
from tests.governance._util import GOVERNANCE, World, fresh, world

OVER = {f"c{i:02d}": "refused" for i in range(12)}   # over-refusal 12 of 20: the gate fails


@pytest.fixture
def w(store: Store, tmp_path: Path) -> World:
    return world(store, tmp_path)


def test_a_waiver_lets_a_failing_gate_pass_until_it_expires(
        w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = fresh(w, "in_review", OVER)
    view = gov.get_release(w.store, ref)
    assert view.evidence is not None and view.evidence.effective_outcome == "fail"
    with pytest.raises(IllegalTransition, match="gate over: fail"):
        gov.approve_release(w.store, w["sb1"], ref)
    until = _clock.now() + timedelta(days=2)
    view = gov.waive_gate(w.store, w["sb1"], ref, "over", "known over-refusal, fix in 1.1",
                          until)
    (waiver,) = view.waivers
    assert (waiver.gate, waiver.role, waiver.user, waiver.status) == (
        "over", "safety_board", "sb1", "active")
    assert view.evidence is not None and view.evidence.effective_outcome == "pass"
    assert next(g for g in view.evidence.gates if g.id == "over").waived_by == waiver.id
    assert w.approve_all(ref).state == "approved"

    later = until + timedelta(seconds=1)
    monkeypatch.setattr(_clock, "now", lambda: later)
    view = gov.get_release(w.store, ref)
    assert view.waivers[0].status == "expired"
    assert any("expired" in b for b in view.blockers)
    with pytest.raises(IllegalTransition, match=f"waiver {waiver.id} expired"):
        gov.release_release(w.store, w["prod"], ref)
    gov.waive_gate(w.store, w["sb2"], ref, "over", "renewed", later + timedelta(days=1))
    assert gov.release_release(w.store, w["prod"], ref).state == "released"


def test_waiver_rules(w: World) -> None:
    ref = fresh(w, "in_review", OVER)
    soon = _clock.now() + timedelta(days=1)
    with pytest.raises(PermissionDenied, match="may waive no gate"):
        gov.waive_gate(w.store, w["sec"], ref, "over", "x", soon)
    with pytest.raises(PermissionDenied, match="lets no one waive gate 'asr'"):
        gov.waive_gate(w.store, w["sb1"], ref, "asr", "x", soon)
    with pytest.raises(ConfigError, match="no gate 'ovr'; did you mean 'over'"):
        gov.waive_gate(w.store, w["sb1"], ref, "ovr", "x", soon)
    with pytest.raises(ConfigError, match="at most 7 days"):
        gov.waive_gate(w.store, w["sb1"], ref, "over", "x", soon + timedelta(days=7))
    with pytest.raises(ConfigError, match="not in the future"):
        gov.waive_gate(w.store, w["sb1"], ref, "over", "x", _clock.now() - timedelta(1))
    with pytest.raises(ConfigError, match="justification is required"):
        gov.waive_gate(w.store, w["sb1"], ref, "over", " ", soon)


def test_a_manual_pause_needs_its_exit_resolutions(store: Store, tmp_path: Path) -> None:
    rules = {**GOVERNANCE, "pause": {"roles": ["security"], "exit": {"safety_board": 2}}}
    w = world(store, tmp_path, governance=rules)
    ref = fresh(w, "approved")
    lineage = ref.split("@")[0]
    view = gov.pause_lineage(w.store, w["sec"], lineage, "suspicious uplift report")
    assert view.paused and view.pauses[0].remaining == {"safety_board": 2}
    assert "resume" not in gov.allowed_actions(w.store, w["sec"], ref)
    with pytest.raises(PermissionDenied, match="cannot resolve"):
        gov.resume_lineage(w.store, w["sec"], lineage, "fine by me")
    view = gov.resume_lineage(w.store, w["sb1"], lineage, "reviewed: no uplift")
    assert view.paused and view.pauses[0].remaining == {"safety_board": 1}
    with pytest.raises(PermissionDenied):
        gov.resume_lineage(w.store, w["sb1"], lineage, "twice")
    with pytest.raises(IllegalTransition, match="is paused"):
        gov.release_release(w.store, w["prod"], ref)
    assert not gov.resume_lineage(w.store, w["sb2"], lineage, "agreed").paused
    assert gov.release_release(w.store, w["prod"], ref).state == "released"


def test_a_capability_jump_pauses_the_lineage_and_asks_for_more_review(
        store: Store, tmp_path: Path) -> None:
    rules = {**GOVERNANCE, "pause_rules": [{
        "id": "capability-jump", "gate": "over", "max_increase": 0.2,
        "extra_signoffs": {"safety_board": 1}, "exit": {"security": 1}}]}
    w = world(store, tmp_path, governance=rules)
    w.people["sb3"], _ = gov.add_user(w.store, w["admin"], "sb3", "safety_board")
    ref = fresh(w, "released")
    lineage = ref.split("@")[0]
    gov.create_release(w.store, w["prod"], lineage, "2", target_digest="sha256:" + "e" * 64)
    view = w.attach(f"{lineage}@2", OVER)              # over-refusal jumps from 0 to 0.6
    assert view.paused
    (pause,) = [p for p in view.pauses if p.open]
    assert (pause.rule, pause.release, pause.remaining) == (
        "capability-jump", f"{lineage}@2", {"security": 1})
    assert pause.details["previous"] == 0.0 and pause.details["observed"] == 0.6
    sb = next(q for q in view.quorum if q.role == "safety_board")
    assert sb.required == 3                            # 2 + 1 extra review
    gov.waive_gate(w.store, w["sb1"], f"{lineage}@2", "over", "capability is intended",
                   _clock.now() + timedelta(days=1))
    gov.submit_release(w.store, w["prod"], f"{lineage}@2")
    assert w.approve_all(f"{lineage}@2").state == "in_review"     # the extra sign-off is missing
    assert gov.approve_release(w.store, w["sb3"], f"{lineage}@2").state == "approved"
    with pytest.raises(IllegalTransition, match="pause rule capability-jump"):
        gov.release_release(w.store, w["prod"], f"{lineage}@2")
    gov.resume_lineage(w.store, w["sec"], lineage, "evals re-run; uplift acceptable")
    assert gov.release_release(w.store, w["prod"], f"{lineage}@2").state == "released"
