"""Reading and writing gate reports in the store's ``gate_reports`` table."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError

from redline.errors import NotFoundError, StoreError
from redline.policy._report import GateReport
from redline.store import Store
from redline.store._models import GateReportRow


def save_report(store: Store, report: GateReport) -> None:
    """Store a sealed report; the row keeps the outcome and digests for quick queries."""
    run_ids = [r.run_id for r in report.runs if r.role != "baseline"]
    baseline = [r.run_id for r in report.runs if r.role == "baseline"]
    try:
        with store.engine.begin() as conn:
            conn.execute(insert(GateReportRow).values(
                id=report.id, created_at=report.created_at, policy_name=report.policy.name,
                policy_digest=report.policy.digest, target_digest=report.target_digest,
                run_ids=run_ids, baseline_run_ids=baseline, outcome=report.outcome.value,
                report=report.model_dump(mode="json"), digest=report.digest))
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot store gate report {report.id}: {exc}") from exc


def get_report(store: Store, report_id: str) -> GateReport:
    """A stored report by id or unique id prefix."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(GateReportRow.id, GateReportRow.report)
            .where(GateReportRow.id.startswith(report_id, autoescape=True)).limit(2)).all()
    exact = [r for r in rows if r[0] == report_id]
    if exact or len(rows) == 1:
        return GateReport.model_validate((exact or rows)[0][1])
    if not rows:
        raise NotFoundError(f"no gate report with id '{report_id}'")
    raise NotFoundError(f"'{report_id}' matches several gate reports; give more of the id")


def list_reports(store: Store, *, policy: str | None = None,
                 limit: int | None = None) -> list[GateReport]:
    """Stored reports, newest first."""
    q = select(GateReportRow.report).order_by(GateReportRow.created_at.desc(),
                                              GateReportRow.id.desc())
    if policy is not None:
        q = q.where(GateReportRow.policy_name == policy)
    if limit is not None:
        q = q.limit(limit)
    with store.engine.connect() as conn:
        return [GateReport.model_validate(r) for r in conn.execute(q).scalars()]
