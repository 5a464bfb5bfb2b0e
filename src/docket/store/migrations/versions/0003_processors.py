"""Saved processors (extractors, classifiers, splitters) and their versions.

Revision ID: 0003_processors
Revises: 0002_webhooks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_processors"
down_revision = "0002_webhooks"
branch_labels = None
depends_on = None


def _ts(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "processors",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
    )
    op.create_index(
        "ix_processors_ws_kind_created", "processors", ["workspace_id", "kind", "created_at", "id"]
    )
    op.create_table(
        "processor_versions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "processor_id",
            sa.String(64),
            sa.ForeignKey("processors.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("major", sa.Integer(), nullable=True),
        sa.Column("minor", sa.Integer(), nullable=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_by", sa.JSON(), nullable=True),
        _ts("created_at"),
        sa.UniqueConstraint("processor_id", "version"),
    )


def downgrade() -> None:
    op.drop_table("processor_versions")
    op.drop_index("ix_processors_ws_kind_created", table_name="processors")
    op.drop_table("processors")
