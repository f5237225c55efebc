"""Binding evidence to a release: a gate report, its runs, the regression suite, one digest.

The evidence digest is the SHA-256 of the RFC 8785 JSON of
``{policy, gate_report, runs: {run id: run digest}, regressions}``: the
policy's digest, the sealed gate report's digest, a digest of every counted
run (each sample's key, verdict and error flag, in order) and the regression
suite's digest. Sign-offs bind to it, so a rerun, another policy or a new
incident makes a new digest and voids every earlier sign-off.

A report is accepted when it covers every mandatory suite (or fails for
certain, as an early-stopped check does), tested the
release's target, and -- when the policy has paired gates and the lineage has
a released version -- used that previous release as its baseline.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from redline.errors import ConfigError, IllegalTransition
from redline.governance import _clock
from redline.governance import _events as ev
from redline.governance._auth import Principal
from redline.governance._guards import raise_refusal
from redline.governance._models import ReleaseRow, SignoffRow
from redline.governance._pauses import fire, triggered
from redline.governance._policies import policy_row
from redline.governance._records import act, rows
from redline.governance._regressions import evaluate as evaluate_regressions
from redline.governance._regressions import lineage_suite
from redline.governance._releases import previous_released
from redline.governance._rules import rules_of
from redline.governance._state import load_view
from redline.governance._users import current
from redline.governance._views import ReleaseView
from redline.ledger import canonical_json
from redline.store._models import RunRow, SampleRow

if TYPE_CHECKING:
    from redline.policy import GateReport
    from redline.store import Store

_PAIRED = {"non_inferior", "no_regression"}


def evaluate_release(store: Store, actor: Principal, ref: str,
                     gate_report_id: str) -> ReleaseView:
    """Attach a stored gate report as the release's evidence; ``evaluated`` (a vetoed release
    stays vetoed). Voids sign-offs given on other evidence; may fire pause rules."""
    from redline.policy import get_report

    report = get_report(store, gate_report_id)
    check_sealed(report)
    with store.engine.connect() as conn:
        me = current(conn, actor)
        view = load_view(conn, ref)
        raise_refusal(view, me, "evaluate")
        pol = policy_row(conn, report.policy.digest,
                         what=f"gate report {report.id} was made under a ")
        rules = rules_of(pol.governance, f"policy {pol.name}")
        prev = previous_released(conn, view.lineage, view.id)
        prev_view = load_view(conn, prev.id) if prev is not None else None
        suite = lineage_suite(conn, view.lineage)
    target = _check_target(view, report)
    _check_coverage(view, report)
    _check_baseline(view, report, pol.gates, prev_view)
    regressions = evaluate_regressions(store, suite, target, view.ref) if suite else None
    runs = {r.run_id: run_digest(store, r.run_id) for r in report.runs
            if r.counted and r.role == "candidate"}
    if regressions is not None:
        runs.update({rid: run_digest(store, rid) for rid in regressions.run_ids})
    evidence: dict[str, Any] = {
        "policy_digest": report.policy.digest, "gate_report_id": report.id,
        "gate_report_digest": report.digest, "runs": runs,
        "regressions": regressions.model_dump(exclude={"current_digest"}) if regressions
        else None, "baseline_release": prev_view.ref if prev_view else None,
        "attached_at": _clock.stamp()}
    digest = evidence_digest(evidence)
    fired = triggered(rules, report, prev_view)
    with act(store, me.name) as a:
        view = load_view(a.conn, ref)
        raise_refusal(view, me, "evaluate")
        if view.evidence_digest == digest:
            return view
        state = "vetoed" if view.state == "vetoed" else "evaluated"
        a.update(ReleaseRow, view.id, state=state, target=view.target or report.target,
                 target_digest=target, policy_digest=report.policy.digest,
                 gate_report_id=report.id, evidence_digest=digest, evidence=evidence,
                 updated_at=_clock.stamp())
        voided = _void_signoffs(a.conn, view.id)
        for sid in voided:
            a.update(SignoffRow, sid, void_at=_clock.stamp(),
                     void_reason=f"new evidence {digest[:19]} was attached")
        a.emit(ev.EVIDENCE_ATTACHED, {
            "release": view.ref, "release_id": view.id, "from": view.state, "to": state,
            "evidence_digest": digest, "previous_evidence_digest": view.evidence_digest,
            "policy_digest": report.policy.digest, "policy_changed": report.policy.digest
            != view.policy.digest, "gate_report": report.id,
            "gate_report_digest": report.digest, "outcome": report.outcome.value,
            "regressions": regressions.outcome if regressions else "none",
            "voided_signoffs": voided})
        fire(a, load_view(a.conn, view.id), rules, fired)
        return load_view(a.conn, view.id)


def check_sealed(report: GateReport) -> None:
    """Refuse a report whose content no longer matches its own digest."""
    copy = report.model_copy(deep=True)
    if copy.seal().digest != report.digest:
        raise ConfigError(f"gate report {report.id} does not match its digest "
                          f"{report.digest[:19]}: it was altered after it was made")


def evidence_digest(evidence: dict[str, Any]) -> str:
    regs = evidence.get("regressions") or {}
    body = {"policy": evidence["policy_digest"], "gate_report": evidence["gate_report_digest"],
            "runs": evidence["runs"], "regressions": regs.get("suite_digest")}
    return "sha256:" + hashlib.sha256(canonical_json(body)).hexdigest()


def run_digest(store: Store, run_id: str) -> str:
    with store.engine.connect() as conn:
        found = run_digest_in(conn, run_id)
    if found is None:
        raise IllegalTransition(f"run {run_id} is not in the store")
    return found


def run_digest_in(conn: Connection, run_id: str) -> str | None:
    """sha256 over the run's identity and each sample's key, verdict and error flag, in order."""
    run = conn.execute(select(RunRow.suite_digest, RunRow.target_digest)
                       .where(RunRow.id == run_id)).first()
    if run is None:
        return None
    h = hashlib.sha256(f"{run_id} {run[0]} {run[1]}\n".encode())
    q = (select(SampleRow.key, SampleRow.verdict, SampleRow.error.is_not(None))
         .where(SampleRow.run_id == run_id).order_by(SampleRow.seq))
    for key, verdict, errored in conn.execute(q):
        h.update(f"{key}|{verdict}|{int(bool(errored))}\n".encode())
    return "sha256:" + h.hexdigest()


def baseline_runs(store: Store, ref: str) -> list[str]:
    """The counted runs of the lineage's previous released version: the baseline of ``ref``."""
    with store.engine.connect() as conn:
        view = load_view(conn, ref)
        prev = previous_released(conn, view.lineage, view.id)
        if prev is None:
            return []
        prev_view = load_view(conn, prev.id)
    if prev_view.evidence is None:
        return []
    regs = set(prev_view.regressions.run_ids)
    return [r for r in prev_view.evidence.runs if r not in regs]


def _check_target(view: ReleaseView, report: GateReport) -> str:
    if report.target_digest is None:
        raise IllegalTransition(f"gate report {report.id} names no target: it cannot be "
                                f"evidence for {view.ref}")
    if view.target_digest is not None and report.target_digest != view.target_digest:
        raise IllegalTransition(
            f"gate report {report.id} tested target {report.target_digest[:19]} but {view.ref} "
            f"is bound to {view.target_digest[:19]}")
    return report.target_digest


def _check_coverage(view: ReleaseView, report: GateReport) -> None:
    """Every mandatory suite covered -- unless the report already fails for certain (early
    stopping ends a run once a gate must fail): such evidence can only block."""
    missing = [f"{r.suite} ({r.detail})" for r in report.requirements
               if r.outcome.value != "pass"]
    if missing and report.outcome.value != "fail":
        raise IllegalTransition(f"gate report {report.id} does not cover every mandatory suite "
                                f"of policy {report.policy.name}: {'; '.join(missing)}")


def _check_baseline(view: ReleaseView, report: GateReport, gates: dict[str, str],
                    prev: ReleaseView | None) -> None:
    if prev is None or prev.evidence is None or not set(gates.values()) & _PAIRED:
        return
    used = {r.run_id for r in report.runs if r.role == "baseline" and r.counted}
    if report.baseline_digest != prev.target_digest or not used or \
            not used <= set(prev.evidence.runs):
        raise IllegalTransition(
            f"{view.ref}: the policy's paired gates compare with the previous release "
            f"{prev.ref}, but gate report {report.id} used "
            f"{'no baseline' if not used else 'other baseline runs'}; `redline check "
            f"--release {view.ref}` uses {prev.ref}'s runs")


def _void_signoffs(conn: Connection, release_id: str) -> list[str]:
    return [s.id for s in rows(conn, SignoffRow, SignoffRow.release_id == release_id,
                               SignoffRow.void_at.is_(None))]
