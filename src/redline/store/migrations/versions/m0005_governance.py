"""governance: users, policies, releases, sign-offs, vetoes, waivers, pauses, incidents

Revision ID: m0005
Revises: m0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "m0005"
down_revision = "m0004"
branch_labels = None
depends_on = None

TS = sa.String(32)


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(40), primary_key=True)


def _release_fk(nullable: bool = False) -> sa.Column[str]:
    return sa.Column("release_id", sa.String(40), sa.ForeignKey("gov_releases.id"),
                     nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "gov_users", _id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("token_hash", sa.String(80), nullable=False),
        sa.Column("token_hint", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("revoked_by", sa.String(100), nullable=True),
        sa.UniqueConstraint("name", name="uq_gov_users_name"),
        sa.UniqueConstraint("token_hash", name="uq_gov_users_token_hash"),
    )
    op.create_table(
        "gov_policies",
        sa.Column("digest", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("governance", sa.JSON, nullable=False),
        sa.Column("gates", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "gov_releases", _id(),
        sa.Column("lineage", sa.String(100), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("prior_state", sa.String(20), nullable=True),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("target_digest", sa.String(80), nullable=True),
        sa.Column("policy_digest", sa.String(80), sa.ForeignKey("gov_policies.digest"),
                  nullable=False),
        sa.Column("notes", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("gate_report_id", sa.String(40), nullable=True),
        sa.Column("evidence_digest", sa.String(80), nullable=True),
        sa.Column("evidence", sa.JSON, nullable=True),
        sa.Column("released_at", TS, nullable=True),
        sa.Column("withdrawn_reason", sa.Text, nullable=True),
        sa.UniqueConstraint("lineage", "version", name="uq_gov_releases_ref"),
    )
    op.create_index("ix_gov_releases_lineage", "gov_releases", ["lineage"])
    op.create_index("ix_gov_releases_target_digest", "gov_releases", ["target_digest"])
    op.create_table(
        "gov_signoffs", _id(), _release_fk(),
        sa.Column("user_id", sa.String(40), nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("evidence_digest", sa.String(80), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("void_at", TS, nullable=True),
        sa.Column("void_reason", sa.Text, nullable=True),
    )
    op.create_index("ix_gov_signoffs_release_id", "gov_signoffs", ["release_id"])
    op.create_table(
        "gov_vetoes", _id(), _release_fk(),
        sa.Column("target_digest", sa.String(80), nullable=True),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(40), nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("holders", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("lifted_at", TS, nullable=True),
        sa.Column("lifted_by", sa.String(100), nullable=True),
        sa.Column("resolution", sa.Text, nullable=True),
    )
    op.create_index("ix_gov_vetoes_release_id", "gov_vetoes", ["release_id"])
    op.create_index("ix_gov_vetoes_target_digest", "gov_vetoes", ["target_digest"])
    op.create_table(
        "gov_waivers", _id(), _release_fk(),
        sa.Column("gate", sa.String(200), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(40), nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("justification", sa.Text, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_gov_waivers_release_id", "gov_waivers", ["release_id"])
    op.create_table(
        "gov_pauses", _id(),
        sa.Column("lineage", sa.String(100), nullable=False),
        sa.Column("rule", sa.String(100), nullable=True),
        _release_fk(nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("role", sa.String(64), nullable=True),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("exit", sa.JSON, nullable=False),
        sa.Column("extra_signoffs", sa.JSON, nullable=False),
        sa.Column("resolutions", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("lifted_at", TS, nullable=True),
    )
    op.create_index("ix_gov_pauses_lineage", "gov_pauses", ["lineage"])
    op.create_table(
        "gov_incidents", _id(),
        sa.Column("lineage", sa.String(100), nullable=False),
        _release_fk(),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("postmortem", sa.Text, nullable=True),
        sa.Column("transcript", sa.JSON, nullable=False),
        sa.Column("probes", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_gov_incidents_lineage", "gov_incidents", ["lineage"])


def downgrade() -> None:
    for table in ("gov_incidents", "gov_pauses", "gov_waivers", "gov_vetoes", "gov_signoffs",
                  "gov_releases", "gov_policies", "gov_users"):
        op.drop_table(table)
