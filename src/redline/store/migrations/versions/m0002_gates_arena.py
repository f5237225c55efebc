"""gate reports and arena battles

Revision ID: m0002
Revises: m0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "m0002"
down_revision = "m0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "gate_reports",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("policy_name", sa.String(200), nullable=False),
        sa.Column("policy_digest", sa.String(80), nullable=False),
        sa.Column("target_digest", sa.String(80), nullable=True),
        sa.Column("run_ids", sa.JSON, nullable=False),
        sa.Column("baseline_run_ids", sa.JSON, nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("report", sa.JSON, nullable=False),
        sa.Column("digest", sa.String(80), nullable=False),
    )
    op.create_index("ix_gate_reports_created_at", "gate_reports", ["created_at"])
    op.create_index("ix_gate_reports_policy_digest", "gate_reports", ["policy_digest"])
    op.create_table(
        "arena_battles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("arena", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("model_a", sa.String(200), nullable=False),
        sa.Column("model_b", sa.String(200), nullable=False),
        sa.Column("winner", sa.String(30), nullable=False),
        sa.Column("verdict", sa.String(10), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("prompt_id", sa.String(300), nullable=True),
        sa.Column("judge", sa.String(200), nullable=True),
        sa.Column("voter", sa.String(200), nullable=True),
        sa.Column("meta", sa.JSON, nullable=False),
    )
    op.create_index("ix_arena_battles_arena", "arena_battles", ["arena"])


def downgrade() -> None:
    op.drop_table("arena_battles")
    op.drop_table("gate_reports")
