"""SQLAlchemy tables. Change them only together with a new Alembic migration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class SuiteRow(Base):
    """A suite's header, stored once per digest so a run can resume without its file."""

    __tablename__ = "suites"
    digest: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(50))
    header: Mapped[dict[str, Any]] = mapped_column(JSON)
    n_probes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SuiteProbeRow(Base):
    """One probe of a stored suite, in suite order (streamed back in chunks)."""

    __tablename__ = "suite_probes"
    suite_digest: Mapped[str] = mapped_column(
        ForeignKey("suites.digest", ondelete="CASCADE"), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    probe_id: Mapped[str] = mapped_column(String(300))
    probe: Mapped[dict[str, Any]] = mapped_column(JSON)


class RunRow(Base):
    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), index=True)
    target_label: Mapped[str] = mapped_column(String(200))
    target_digest: Mapped[str] = mapped_column(String(80), index=True)
    target_spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    suite_name: Mapped[str] = mapped_column(String(200))
    suite_version: Mapped[str] = mapped_column(String(50))
    suite_digest: Mapped[str] = mapped_column(ForeignKey("suites.digest"), index=True)
    attacks: Mapped[list[str]] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    redline_version: Mapped[str] = mapped_column(String(40))
    n_planned: Mapped[int] = mapped_column(Integer)
    wall_s: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str | None] = mapped_column(Text)


class SampleRow(Base):
    """One request/response of a run, with its verdict or its error."""

    __tablename__ = "samples"
    __table_args__ = (
        UniqueConstraint("run_id", "key", name="uq_samples_run_key"),
        Index("ix_samples_run_verdict", "run_id", "verdict"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(400))
    seq: Mapped[int] = mapped_column(Integer)
    probe_id: Mapped[str] = mapped_column(String(300))
    attack: Mapped[str] = mapped_column(String(200))
    sample_index: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(200))
    prompt: Mapped[str] = mapped_column(Text)
    transcript: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    response: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str | None] = mapped_column(String(20))
    judge: Mapped[str | None] = mapped_column(String(100))
    rationale: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    input_tokens: Mapped[int | None] = mapped_column(Integer)
    output_tokens: Mapped[int | None] = mapped_column(Integer)
    cached: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Search attacks: every attempt (prompt, response, verdict) behind the stored best one.
    attack_log: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class CacheRow(Base):
    """Content-addressed responses: key = sha256(target digest + full request)."""

    __tablename__ = "response_cache"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    target_digest: Mapped[str] = mapped_column(String(80), index=True)
    completion: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GateReportRow(Base):
    """A policy evaluated over runs: the outcome and every number that decided it."""

    __tablename__ = "gate_reports"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    policy_name: Mapped[str] = mapped_column(String(200))
    policy_digest: Mapped[str] = mapped_column(String(80), index=True)
    target_digest: Mapped[str | None] = mapped_column(String(80))
    run_ids: Mapped[list[str]] = mapped_column(JSON)
    baseline_run_ids: Mapped[list[str]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(30))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(80))


class BattleRow(Base):
    """One pairwise battle: ``winner`` in the Chatbot Arena vocabulary.

    ``winner`` is ``model_a``, ``model_b``, ``tie`` or ``tie (bothbad)``;
    ``verdict`` keeps a judge's five-way verdict (``A>>B`` ... ``B>>A``) when
    there is one; ``source`` is ``judge``, ``human`` or ``import``.
    """

    __tablename__ = "arena_battles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    arena: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    model_a: Mapped[str] = mapped_column(String(200))
    model_b: Mapped[str] = mapped_column(String(200))
    winner: Mapped[str] = mapped_column(String(30))
    verdict: Mapped[str | None] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(20))
    prompt_id: Mapped[str | None] = mapped_column(String(300))
    judge: Mapped[str | None] = mapped_column(String(200))
    voter: Mapped[str | None] = mapped_column(String(200))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
