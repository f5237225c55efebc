"""Sign-offs bind to the evidence digest: new evidence voids them; one person counts once."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline import governance as gov
from redline.errors import IllegalTransition, PermissionDenied
from redline.store import Store
from tests.governance._util import World, fresh, world


@pytest.fixture
def w(store: Store, tmp_path: Path) -> World:
    return world(store, tmp_path)


def test_new_evidence_voids_earlier_signoffs(w: World) -> None:
    ref = fresh(w, "in_review")
    first = gov.approve_release(w.store, w["sb1"], ref)
    assert first.quorum[0].collected == ["sb1"]
    gov.approve_release(w.store, w["sb2"], ref)
    view = w.attach(ref, {"c00": "refused"})        # a rerun: new evidence
    assert view.state == "evaluated" and view.evidence_digest != first.evidence_digest
    assert all(not s.valid for s in view.signoffs)
    assert {s.void_reason for s in view.signoffs} == {
        f"new evidence {view.evidence_digest[:19]} was attached"}
    assert all(q.collected == [] for q in view.quorum)
    gov.submit_release(w.store, w["prod"], ref)
    after = w.approve_all(ref)
    assert after.state == "approved"
    assert {s.evidence_digest for s in after.signoffs if s.valid} == {view.evidence_digest}


def test_the_same_evidence_again_changes_nothing(w: World) -> None:
    ref = fresh(w, "in_review")
    gov.approve_release(w.store, w["sb1"], ref)
    view = gov.get_release(w.store, ref)
    again = gov.evaluate_release(w.store, w["prod"], ref, view.evidence.gate_report_id
                                 if view.evidence else "")
    assert again.state == "in_review" and again.quorum[0].collected == ["sb1"]


def test_evidence_digest_covers_policy_runs_and_report(w: World) -> None:
    ref = fresh(w, "evaluated")
    view = gov.get_release(w.store, ref)
    assert view.evidence is not None
    (run_id, digest), = view.evidence.runs.items()
    assert digest == gov.run_digest(w.store, run_id)
    assert view.evidence_digest == gov.evidence_digest({
        "policy_digest": view.policy.digest, "runs": view.evidence.runs,
        "gate_report_digest": view.evidence.gate_report_digest, "regressions": None})


def test_one_person_counts_once_and_revoked_users_stop_counting(w: World) -> None:
    ref = fresh(w, "in_review")
    gov.approve_release(w.store, w["sb1"], ref)
    with pytest.raises(IllegalTransition, match="already signed off"):
        gov.approve_release(w.store, w["sb1"], ref)
    both, _ = gov.add_user(w.store, w["admin"], "both", "safety_board",
                           extra_roles=["security"])
    with pytest.raises(PermissionDenied, match="several roles"):
        gov.approve_release(w.store, both, ref)
    gov.approve_release(w.store, both, ref, role="security")
    with pytest.raises(IllegalTransition, match="already signed off"):
        gov.approve_release(w.store, both, ref, role="safety_board")
    gov.revoke_user(w.store, w["admin"], "sb1")
    view = gov.approve_release(w.store, w["sb2"], ref)
    assert view.state == "in_review"              # sb1's sign-off no longer counts
    sb = next(q for q in view.quorum if q.role == "safety_board")
    assert (sb.collected, sb.required, sb.members) == (["sb2"], 2, 2)  # sb2 and both


def test_quorum_is_n_of_m_per_role(w: World) -> None:
    ref = fresh(w, "in_review")
    view = gov.get_release(w.store, ref)
    assert {(q.role, q.required, q.members) for q in view.quorum} == {
        ("safety_board", 2, 2), ("security", 1, 1)}
    gov.approve_release(w.store, w["sec"], ref)
    view = gov.approve_release(w.store, w["sb1"], ref)
    assert view.state == "in_review" and not view.quorum_met
    assert gov.approve_release(w.store, w["sb2"], ref).state == "approved"
