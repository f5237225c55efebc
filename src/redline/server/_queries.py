"""Read-only queries the service needs beyond the store's own: paged, filtered samples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from redline.errors import NotFoundError
from redline.store import Store
from redline.store._models import RunRow, SampleRow

VERDICTS = ("complied", "refused", "partial", "unscorable", "correct", "incorrect", "error")


@dataclass(frozen=True, slots=True)
class SampleFilter:
    """Every field optional; ``verdict='error'`` selects errored samples."""

    run_id: str | None = None
    suite: str | None = None
    category: str | None = None
    attack: str | None = None
    verdict: str | None = None
    probe_id: str | None = None

    def conditions(self) -> list[Any]:
        s = SampleRow
        cond: list[Any] = []
        if self.run_id:
            cond.append(s.run_id == self.run_id)
        if self.suite:
            cond.append(s.run_id.in_(select(RunRow.id).where(RunRow.suite_name == self.suite)))
        if self.category:
            cond.append(s.category == self.category)
        if self.attack:
            cond.append(s.attack == self.attack)
        if self.probe_id:
            cond.append(s.probe_id == self.probe_id)
        if self.verdict == "error":
            cond.append(s.error.is_not(None))
        elif self.verdict:
            cond += [s.verdict == self.verdict, s.error.is_(None)]
        return cond

    def query_args(self) -> dict[str, str]:
        return {k: v for k, v in (("suite", self.suite), ("category", self.category),
                                  ("attack", self.attack), ("verdict", self.verdict),
                                  ("probe_id", self.probe_id)) if v}


def sample_brief(s: SampleRow) -> dict[str, Any]:
    """A sample without its transcript: one line of a listing."""
    return {"run_id": s.run_id, "seq": s.seq, "probe_id": s.probe_id, "attack": s.attack,
            "sample_index": s.sample_index, "category": s.category,
            "verdict": "error" if s.error is not None else s.verdict, "judge": s.judge,
            "prompt": s.prompt, "response": s.response, "error": s.error,
            "latency_ms": s.latency_ms, "cached": s.cached}


def sample_full(s: SampleRow) -> dict[str, Any]:
    """A sample with everything: transcript, rationale, error, search attack log."""
    return {**sample_brief(s), "transcript": s.transcript, "rationale": s.rationale,
            "error_kind": s.error_kind, "attempts": s.attempts,
            "input_tokens": s.input_tokens, "output_tokens": s.output_tokens,
            "created_at": s.created_at.isoformat() if s.created_at else None,
            "attack_log": s.attack_log}


def query_samples(store: Store, f: SampleFilter, *, offset: int = 0,
                  limit: int = 50) -> tuple[list[SampleRow], int]:
    """One page of matching samples in run and plan order, and how many match in all."""
    cond = f.conditions()
    q = (select(SampleRow).where(*cond).order_by(SampleRow.run_id, SampleRow.seq)
         .offset(offset).limit(limit))
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(SampleRow).where(*cond)).scalar()
    with Session(store.engine, expire_on_commit=False) as session:
        rows = list(session.execute(q).scalars())
        session.expunge_all()
    return rows, int(total or 0)


def get_sample(store: Store, run_id: str, seq: int) -> SampleRow:
    with Session(store.engine, expire_on_commit=False) as session:
        row = session.execute(select(SampleRow).where(SampleRow.run_id == run_id,
                                                      SampleRow.seq == seq)).scalar_one_or_none()
        if row is not None:
            session.expunge(row)
    if row is None:
        raise NotFoundError(f"run {run_id} has no sample #{seq}")
    return row


def facets(store: Store, run_id: str) -> dict[str, list[str]]:
    """The categories, attacks and verdicts present in a run, for filter menus."""
    s = SampleRow
    out: dict[str, list[str]] = {}
    with store.engine.connect() as conn:
        for name, col in (("category", s.category), ("attack", s.attack)):
            out[name] = sorted(conn.execute(select(col).where(s.run_id == run_id).distinct())
                               .scalars())
        verdicts = set(conn.execute(select(s.verdict).where(s.run_id == run_id,
                                                            s.error.is_(None)).distinct())
                       .scalars())
        errored = conn.execute(select(s.id).where(s.run_id == run_id,
                                                  s.error.is_not(None)).limit(1)).first()
    out["verdict"] = [v for v in VERDICTS if v in verdicts or (v == "error" and errored)]
    return out


def suite_names(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return sorted(conn.execute(select(RunRow.suite_name).distinct()).scalars())
