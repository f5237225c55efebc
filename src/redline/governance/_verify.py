"""Check the governance tables against the ledger: every row as its last event recorded it.

Each governance act's event carries a snapshot of the rows it wrote. Replaying
the events in order gives the expected content of every table; a row that
differs was edited, a row no event wrote was inserted, a recorded row that is
gone was deleted -- each named with the event that last wrote it. The log
itself is verified by the ledger; this extends the check to the tables that
the log describes. It also re-derives what releases bound as evidence: the
stored gate report must still match its digest, and each run its run digest.

Registered with the ledger's ``verify_ledger`` through ``@record_check``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from redline.governance import _events as ev
from redline.governance._models import TABLES
from redline.governance._records import snapshot, table_of
from redline.ledger._canonical import canonical_json
from redline.ledger._models import LedgerEventRow
from redline.ledger._records import record_check
from redline.ledger._verify import Problem
from redline.store._models import GateReportRow

Expected = dict[str, dict[str, tuple[dict[str, Any], int, str]]]


@record_check("governance")
def check_records(conn: Connection) -> list[Problem]:
    """Every governance row that disagrees with the ledger, and every altered piece of evidence."""
    expected = _replay(conn)
    problems: list[Problem] = []
    for name, model in TABLES.items():
        problems += _compare(conn, name, model, expected.get(name, {}))
    problems += _evidence(conn, expected.get("gov_releases", {}))
    return problems


def _replay(conn: Connection) -> Expected:
    t = LedgerEventRow.__table__
    q = (select(t.c.seq, t.c.event_id, t.c.payload).where(t.c.type.in_(ev.TYPES))
         .order_by(t.c.seq))
    out: Expected = {}
    for seq, event_id, payload in conn.execute(q):
        records = payload.get("records") if isinstance(payload, dict) else None
        if not isinstance(records, dict):
            continue
        for table, written in records.items():
            if isinstance(written, dict):
                for key, row in written.items():
                    out.setdefault(table, {})[key] = (row, seq, event_id)
    return out


def _compare(conn: Connection, name: str, model: Any,
             expected: dict[str, tuple[dict[str, Any], int, str]]) -> list[Problem]:
    table = table_of(model)
    (pk,) = table.primary_key.columns
    problems: list[Problem] = []
    seen: set[str] = set()
    for row in conn.execute(select(table)).mappings():
        key = str(row[pk.name])
        seen.add(key)
        actual = snapshot(row)
        if key not in expected:
            problems.append(Problem(kind="record-inserted", message=(
                f"{name} row {key} was written outside redline: no ledger event records it")))
            continue
        want, seq, event_id = expected[key]
        if canonical_json(actual) != canonical_json(want):
            cols = sorted(c for c in set(want) | set(actual) if want.get(c) != actual.get(c))
            diff = "; ".join(f"{c} is {_short(actual.get(c))} but the ledger recorded "
                             f"{_short(want.get(c))}" for c in cols)
            problems.append(Problem(kind="record-edited", seq=seq, event_id=event_id, message=(
                f"{name} row {key} was edited after event #{seq} ({event_id}) wrote it: "
                f"{diff}")))
    for key in sorted(set(expected) - seen):
        _, seq, event_id = expected[key]
        problems.append(Problem(kind="record-deleted", seq=seq, event_id=event_id, message=(
            f"{name} row {key}, written by event #{seq} ({event_id}), was deleted")))
    return problems


def _evidence(conn: Connection,
              releases: dict[str, tuple[dict[str, Any], int, str]]) -> list[Problem]:
    from redline.governance._evidence import run_digest_in
    from redline.policy import GateReport

    problems: list[Problem] = []
    for _key, (rel, seq, event_id) in sorted(releases.items()):
        evidence = rel.get("evidence")
        if not isinstance(evidence, dict):
            continue
        ref = f"{rel.get('lineage')}@{rel.get('version')}"
        rid = evidence.get("gate_report_id")
        data = conn.execute(select(GateReportRow.report).where(GateReportRow.id == rid)).scalar()
        if data is None:
            problems.append(Problem(kind="evidence-deleted", seq=seq, event_id=event_id,
                                    message=f"gate report {rid}, evidence of {ref}, is missing"))
        else:
            report = GateReport.model_validate(data)
            if report.model_copy(deep=True).seal().digest != evidence.get("gate_report_digest"):
                problems.append(Problem(kind="evidence-edited", seq=seq, event_id=event_id,
                                        message=f"gate report {rid}, evidence of {ref}, was "
                                                "edited: it no longer matches its digest"))
        for run_id, digest in sorted(evidence.get("runs", {}).items()):
            got = run_digest_in(conn, run_id)
            if got != digest:
                what = "is missing" if got is None else "has other samples or verdicts now"
                problems.append(Problem(kind="evidence-edited", seq=seq, event_id=event_id,
                                        message=f"run {run_id}, evidence of {ref}, {what} "
                                                f"(its digest differs from event #{seq})"))
    return problems


def _short(value: Any) -> str:
    text = canonical_json(value).decode() if value is not None else "null"
    return text if len(text) <= 60 else text[:57] + "..."
