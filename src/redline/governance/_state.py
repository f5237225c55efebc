"""Read a release and everything that governs it into a :class:`ReleaseView`.

Used by every act inside its transaction (so checks see exactly what the act
will change) and by ``get_release`` for pages and the CLI. Sign-offs count
only when bound to the current evidence digest, not voided, and given by a
user who is still active; waivers count until they expire.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from redline.errors import NotFoundError
from redline.governance import _clock
from redline.governance._models import (
    IncidentRow,
    PauseRow,
    ReleaseRow,
    SignoffRow,
    VetoRow,
    WaiverRow,
)
from redline.governance._policies import policy_row
from redline.governance._records import one, rows
from redline.governance._regressions import blockers as regression_blockers
from redline.governance._regressions import build_suite
from redline.governance._rules import rules_of
from redline.governance._users import members
from redline.governance._views import (
    EvidenceView,
    GateLine,
    IncidentSummary,
    PauseView,
    PolicyRef,
    RegressionView,
    ReleaseSummary,
    ReleaseView,
    RequirementLine,
    RoleQuorum,
    SignoffView,
    VetoView,
    WaiverView,
)
from redline.store._models import GateReportRow


def resolve(conn: Connection, ref: str) -> Any:
    """The release row for ``lineage@version`` or a release id."""
    if "@" in ref:
        lineage, version = ref.split("@", 1)
        found = one(conn, ReleaseRow, ReleaseRow.lineage == lineage, ReleaseRow.version == version)
    else:
        found = one(conn, ReleaseRow, ReleaseRow.id == ref)
    if found is None:
        raise NotFoundError(f"no release '{ref}' (give lineage@version or a release id; "
                            "see `redline release list`)")
    return found


def ref_of(rel: Any) -> str:
    return f"{rel.lineage}@{rel.version}"


def summary(rel: Any) -> ReleaseSummary:
    return ReleaseSummary(id=rel.id, ref=ref_of(rel), lineage=rel.lineage, version=rel.version,
                          state=rel.state, target=rel.target, target_digest=rel.target_digest,
                          evidence_digest=rel.evidence_digest, created_at=rel.created_at,
                          updated_at=rel.updated_at)


def load_view(conn: Connection, ref: str, at: datetime | None = None) -> ReleaseView:
    """Everything about one release, as of ``at`` (default: now)."""
    at = at or _clock.now()
    rel = resolve(conn, ref)
    pol = policy_row(conn, rel.policy_digest)
    rules = rules_of(pol.governance, f"policy {pol.name}")
    who = members(conn)
    active = {u for ids in who.values() for u in ids}
    refs = lineage_refs(conn, rel.lineage)
    pauses = [pause_view(p, refs) for p in rows(conn, PauseRow, PauseRow.lineage == rel.lineage,
                                                 order=(PauseRow.created_at,))
              if p.lifted_at is None or p.release_id == rel.id]
    signoffs = [_signoff(s, rel.evidence_digest, active) for s in rows(
        conn, SignoffRow, SignoffRow.release_id == rel.id, order=(SignoffRow.created_at,))]
    required = dict(rules.signoffs)
    for p in pauses:
        if p.release == ref_of(rel):
            for role, n in p.extra_signoffs.items():
                required[role] = required.get(role, 0) + n
    quorum = [_quorum(role, n, signoffs, len(who.get(role, []))) for role, n in required.items()]
    waivers = [_waiver(w, at) for w in rows(conn, WaiverRow, WaiverRow.release_id == rel.id,
                                            order=(WaiverRow.created_at,))]
    incidents = rows(conn, IncidentRow, IncidentRow.lineage == rel.lineage,
                     order=(IncidentRow.created_at, IncidentRow.id))
    evidence = _evidence(conn, rel, waivers)
    regressions = _regressions(rel, incidents)
    vetoes = [veto_view(v, ref_of(rel)) for v in rows(
        conn, VetoRow, VetoRow.release_id == rel.id, order=(VetoRow.created_at,))]
    target_vetoes = _target_vetoes(conn, rel)
    view = ReleaseView(
        **summary(rel).model_dump(), policy=PolicyRef(name=pol.name, version=pol.version,
                                                      digest=pol.digest),
        notes=rel.notes, created_by=rel.created_by, released_at=rel.released_at,
        withdrawn_reason=rel.withdrawn_reason, evidence=evidence, regressions=regressions,
        quorum=quorum, signoffs=signoffs, vetoes=vetoes, target_vetoes=target_vetoes,
        waivers=waivers, paused=any(p.open for p in pauses), pauses=pauses,
        incidents=[incident_summary(i, refs) for i in incidents], blockers=[], rules=rules)
    view.blockers = _blockers(view, {i.id: i.summary for i in incidents})
    return view


def lineage_refs(conn: Connection, lineage: str) -> dict[str, str]:
    """Release id -> ``lineage@version`` for one lineage."""
    return {r.id: ref_of(r) for r in rows(conn, ReleaseRow, ReleaseRow.lineage == lineage)}


def _signoff(s: Any, digest: str | None, active: set[str]) -> SignoffView:
    reason = s.void_reason
    if reason is None and s.evidence_digest != digest:
        reason = "given on other evidence"
    if reason is None and s.user_id not in active:
        reason = f"{s.user_name} was revoked"
    return SignoffView(id=s.id, user=s.user_name, user_id=s.user_id, role=s.role,
                       evidence_digest=s.evidence_digest, comment=s.comment,
                       created_at=s.created_at, valid=reason is None, void_reason=reason)


def _quorum(role: str, n: int, signoffs: Sequence[SignoffView], m: int) -> RoleQuorum:
    got = [s.user for s in signoffs if s.valid and s.role == role]
    return RoleQuorum(role=role, required=n, collected=got, members=m, met=len(got) >= n)


def _waiver(w: Any, at: datetime) -> WaiverView:
    status = "active" if _clock.parse(w.expires_at) > at else "expired"
    return WaiverView(id=w.id, gate=w.gate, role=w.role, user=w.user_name,
                      justification=w.justification, created_at=w.created_at,
                      expires_at=w.expires_at, status=status)


def veto_view(v: Any, release: str) -> VetoView:
    return VetoView(id=v.id, release=release,
                    role=v.role, user=v.user_name, reason=v.reason, created_at=v.created_at,
                    holders=list(v.holders), open=v.lifted_at is None, lifted_at=v.lifted_at,
                    lifted_by=v.lifted_by, resolution=v.resolution)


def pause_view(p: Any, refs: dict[str, str]) -> PauseView:
    remaining = dict(p.exit)
    for r in p.resolutions:
        remaining[r["role"]] = max(0, remaining.get(r["role"], 0) - 1)
    return PauseView(id=p.id, lineage=p.lineage, rule=p.rule,
                     release=refs.get(p.release_id or ""), reason=p.reason, by=p.user_name,
                     role=p.role, created_at=p.created_at, details=dict(p.details),
                     exit=dict(p.exit), extra_signoffs=dict(p.extra_signoffs),
                     resolutions=list(p.resolutions), remaining=remaining,
                     open=p.lifted_at is None, lifted_at=p.lifted_at)


def incident_summary(i: Any, refs: dict[str, str]) -> IncidentSummary:
    return IncidentSummary(id=i.id, lineage=i.lineage, release=refs.get(i.release_id, ""),
                           category=i.category, severity=i.severity, summary=i.summary,
                           created_at=i.created_at, created_by=i.created_by,
                           probes=[p["id"] for p in i.probes])


def _target_vetoes(conn: Connection, rel: Any) -> list[VetoView]:
    if rel.target_digest is None:
        return []
    t = VetoRow.__table__
    r = ReleaseRow.__table__
    q = (select(t, (r.c.lineage + "@" + r.c.version).label("release_ref"))
         .join(r, r.c.id == t.c.release_id)
         .where(t.c.target_digest == rel.target_digest, t.c.lifted_at.is_(None),
                t.c.release_id != rel.id))
    return [veto_view(v, v.release_ref) for v in conn.execute(q)]


def _evidence(conn: Connection, rel: Any, waivers: list[WaiverView]) -> EvidenceView | None:
    if rel.gate_report_id is None or rel.evidence is None:
        return None
    from redline.policy import GateReport

    data = conn.execute(select(GateReportRow.report)
                        .where(GateReportRow.id == rel.gate_report_id)).scalar()
    if data is None:
        raise NotFoundError(f"gate report {rel.gate_report_id} of {ref_of(rel)} is missing "
                            "from the store: run `redline ledger verify`")
    report = GateReport.model_validate(data)
    active = {w.gate: w.id for w in waivers if w.status == "active"}
    gates = [GateLine(id=g.id, kind=g.kind, outcome=g.outcome.value, blocking=g.blocking,
                      n=g.n, events=g.events, observed=g.observed, bound=g.bound,
                      threshold=g.threshold, comparator=g.comparator, detail=g.detail,
                      waived_by=active.get(g.id) or active.get(g.id.removesuffix(".unscorable")))
             for g in report.gates]
    reqs = [RequirementLine(suite=r.suite, outcome=r.outcome.value, detail=r.detail)
            for r in report.requirements]
    ev = rel.evidence
    return EvidenceView(
        gate_report_id=report.id, gate_report_digest=report.digest,
        policy_digest=report.policy.digest, target=report.target, outcome=report.outcome.value,
        effective_outcome=_effective(gates, reqs), gates=gates, requirements=reqs,
        runs=dict(ev.get("runs", {})), baseline_release=ev.get("baseline_release"),
        attached_at=ev.get("attached_at", rel.updated_at))


def _effective(gates: list[GateLine], reqs: list[RequirementLine]) -> str:
    open_ = [g.outcome for g in gates if g.blocking and g.waived_by is None]
    if "fail" in open_:
        return "fail"
    if "insufficient-evidence" in open_ or any(r.outcome != "pass" for r in reqs):
        return "insufficient-evidence"
    return "pass"


def _regressions(rel: Any, incidents: list[Any]) -> RegressionView:
    suite = build_suite(rel.lineage, incidents)
    current = suite.digest if suite is not None else None
    stored = (rel.evidence or {}).get("regressions")
    if stored is None:
        outcome = "none" if current is None else "missing"
        return RegressionView(outcome=outcome, current_digest=current)
    view = RegressionView.model_validate({**stored, "current_digest": current})
    if view.suite_digest != current:
        view.outcome = "stale"
    return view


def _blockers(view: ReleaseView, summaries: dict[str, str]) -> list[str]:
    out: list[str] = []
    ev = view.evidence
    if ev is None:
        out.append(f"no evidence is attached to {view.ref}")
    else:
        expired = {w.gate: w for w in view.waivers if w.status == "expired"}
        open_ = {g.id for g in ev.gates if g.blocking and g.outcome != "pass"
                 and g.waived_by is None}
        for g in ev.gates:
            if g.id in open_ and g.id.removesuffix(".unscorable") in open_ - {g.id}:
                continue    # its gate already blocks; the reason is in the gate's row
            if g.id in open_:
                w = expired.get(g.id) or expired.get(g.id.removesuffix(".unscorable"))
                note = f" (waiver {w.id} expired at {w.expires_at})" if w else ""
                out.append(f"gate {g.id}: {g.outcome}{note}")
        out += [f"mandatory suite {r.suite}: {r.detail} (early stopping ends a run once a "
                "gate must fail; `redline check --no-early-stop` gathers it all)"
                for r in ev.requirements if r.outcome != "pass"]
    out += regression_blockers(view.regressions, view.ref, summaries)
    out += [f"its target {view.target_digest and view.target_digest[:19]} is vetoed as "
            f"{v.release} by {v.role} ({v.id})" for v in view.target_vetoes]
    return out
