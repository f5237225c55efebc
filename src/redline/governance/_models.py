"""Governance tables, on the store's ``Base``; changed only with a migration (``m0005``).

Every row is written by a governance act, and the ledger event of that act
carries a snapshot of the row as written (``payload.records``). ``ledger
verify`` replays those snapshots and names any row that differs, is missing or
has no event: the tables are a projection of the log, checked against it.

Times are text in the ledger's form (UTC, microseconds, ``Z``) so snapshots and
rows compare byte for byte on SQLite and PostgreSQL.

- ``gov_users``: people, their roles, the SHA-256 of their token, revocation.
- ``gov_policies``: every registered policy: its text, digest and governance section.
- ``gov_releases``: ``lineage@version`` candidates, state, target and evidence.
- ``gov_signoffs``: one sign-off per person, bound to an evidence digest.
- ``gov_vetoes``: vetoes, the members of the role who may lift each, resolutions.
- ``gov_waivers``: waived gates with justification and expiry.
- ``gov_pauses``: lineage pauses (by hand or by a pause rule) and their resolutions.
- ``gov_incidents``: recorded failures and the regression probes they made.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redline.store._models import Base

TS = String(32)


class UserRow(Base):
    __tablename__ = "gov_users"
    __table_args__ = (UniqueConstraint("name", name="uq_gov_users_name"),
                      UniqueConstraint("token_hash", name="uq_gov_users_token_hash"))
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    roles: Mapped[list[str]] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(80))
    token_hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[str] = mapped_column(TS)
    created_by: Mapped[str | None] = mapped_column(String(100))
    revoked_at: Mapped[str | None] = mapped_column(TS)
    revoked_by: Mapped[str | None] = mapped_column(String(100))


class PolicyRow(Base):
    __tablename__ = "gov_policies"
    digest: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(1000))
    text: Mapped[str] = mapped_column(Text)
    governance: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Gate id -> kind, for waivers and baseline checks without re-reading suite files.
    gates: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[str] = mapped_column(TS)
    created_by: Mapped[str] = mapped_column(String(100))


class ReleaseRow(Base):
    __tablename__ = "gov_releases"
    __table_args__ = (UniqueConstraint("lineage", "version", name="uq_gov_releases_ref"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    lineage: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20))
    #: The state a veto interrupted, to return to when it is lifted.
    prior_state: Mapped[str | None] = mapped_column(String(20))
    target: Mapped[str | None] = mapped_column(String(200))
    target_digest: Mapped[str | None] = mapped_column(String(80), index=True)
    policy_digest: Mapped[str] = mapped_column(ForeignKey("gov_policies.digest"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(TS)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[str] = mapped_column(TS)
    gate_report_id: Mapped[str | None] = mapped_column(String(40))
    evidence_digest: Mapped[str | None] = mapped_column(String(80))
    #: What the evidence digest covers: policy, run digests, gate report, regressions.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    released_at: Mapped[str | None] = mapped_column(TS)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


class SignoffRow(Base):
    __tablename__ = "gov_signoffs"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("gov_releases.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(40))
    user_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(64))
    evidence_digest: Mapped[str] = mapped_column(String(80))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(TS)
    void_at: Mapped[str | None] = mapped_column(TS)
    void_reason: Mapped[str | None] = mapped_column(Text)


class VetoRow(Base):
    __tablename__ = "gov_vetoes"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("gov_releases.id"), index=True)
    target_digest: Mapped[str | None] = mapped_column(String(80), index=True)
    role: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(40))
    user_name: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    #: User ids of the role's members when the veto was cast: only they may lift it.
    holders: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[str] = mapped_column(TS)
    lifted_at: Mapped[str | None] = mapped_column(TS)
    lifted_by: Mapped[str | None] = mapped_column(String(100))
    resolution: Mapped[str | None] = mapped_column(Text)


class WaiverRow(Base):
    __tablename__ = "gov_waivers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("gov_releases.id"), index=True)
    gate: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(40))
    user_name: Mapped[str] = mapped_column(String(100))
    justification: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[str] = mapped_column(TS)
    created_at: Mapped[str] = mapped_column(TS)


class PauseRow(Base):
    __tablename__ = "gov_pauses"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    lineage: Mapped[str] = mapped_column(String(100), index=True)
    #: The pause rule that fired, or None for a pause by hand.
    rule: Mapped[str | None] = mapped_column(String(100))
    release_id: Mapped[str | None] = mapped_column(ForeignKey("gov_releases.id"))
    reason: Mapped[str] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(String(64))
    user_name: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    exit: Mapped[dict[str, int]] = mapped_column(JSON)
    extra_signoffs: Mapped[dict[str, int]] = mapped_column(JSON)
    resolutions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[str] = mapped_column(TS)
    lifted_at: Mapped[str | None] = mapped_column(TS)


class IncidentRow(Base):
    __tablename__ = "gov_incidents"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    lineage: Mapped[str] = mapped_column(String(100), index=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("gov_releases.id"))
    category: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    postmortem: Mapped[str | None] = mapped_column(Text)
    transcript: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The regression probes (full probe JSON) this incident added.
    probes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[str] = mapped_column(TS)
    created_by: Mapped[str] = mapped_column(String(100))


TABLES: dict[str, type[Base]] = {m.__tablename__: m for m in (
    UserRow, PolicyRow, ReleaseRow, SignoffRow, VetoRow, WaiverRow, PauseRow, IncidentRow)}
