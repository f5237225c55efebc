"""initial: suites and their probes, runs, samples, response cache

Revision ID: m0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "m0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "suites",
        sa.Column("digest", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("header", sa.JSON, nullable=False),
        sa.Column("n_probes", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "suite_probes",
        sa.Column("suite_digest", sa.String(80),
                  sa.ForeignKey("suites.digest", ondelete="CASCADE"), primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("probe_id", sa.String(300), nullable=False),
        sa.Column("probe", sa.JSON, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("target_label", sa.String(200), nullable=False),
        sa.Column("target_digest", sa.String(80), nullable=False),
        sa.Column("target_spec", sa.JSON, nullable=False),
        sa.Column("suite_name", sa.String(200), nullable=False),
        sa.Column("suite_version", sa.String(50), nullable=False),
        sa.Column("suite_digest", sa.String(80), sa.ForeignKey("suites.digest"), nullable=False),
        sa.Column("attacks", sa.JSON, nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("redline_version", sa.String(40), nullable=False),
        sa.Column("n_planned", sa.Integer, nullable=False),
        sa.Column("wall_s", sa.Float, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_runs_created_at", "runs", ["created_at"])
    op.create_index("ix_runs_status", "runs", ["status"])
    op.create_index("ix_runs_target_digest", "runs", ["target_digest"])
    op.create_index("ix_runs_suite_digest", "runs", ["suite_digest"])
    op.create_table(
        "samples",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(40), sa.ForeignKey("runs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("probe_id", sa.String(300), nullable=False),
        sa.Column("attack", sa.String(200), nullable=False),
        sa.Column("sample_index", sa.Integer, nullable=False),
        sa.Column("category", sa.String(200), nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("transcript", sa.JSON, nullable=False),
        sa.Column("response", sa.Text, nullable=True),
        sa.Column("verdict", sa.String(20), nullable=True),
        sa.Column("judge", sa.String(100), nullable=True),
        sa.Column("rationale", sa.Text, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("error_kind", sa.String(40), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("latency_ms", sa.Float, nullable=True),
        sa.Column("input_tokens", sa.Integer, nullable=True),
        sa.Column("output_tokens", sa.Integer, nullable=True),
        sa.Column("cached", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("run_id", "key", name="uq_samples_run_key"),
    )
    op.create_index("ix_samples_run_verdict", "samples", ["run_id", "verdict"])
    op.create_table(
        "response_cache",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("target_digest", sa.String(80), nullable=False),
        sa.Column("completion", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_response_cache_target_digest", "response_cache", ["target_digest"])


def downgrade() -> None:
    op.drop_table("response_cache")
    op.drop_table("samples")
    op.drop_table("runs")
    op.drop_table("suite_probes")
    op.drop_table("suites")
