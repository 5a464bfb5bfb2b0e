"""Core tables: workspaces, api_keys, files, runs, batches.

Revision ID: 0001_core
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        _ts("created_at"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("workspace_id", sa.String(64), sa.ForeignKey("workspaces.id"), nullable=False),
        sa.Column("key_hash", sa.String(128), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        _ts("created_at"),
        _ts("revoked_at", nullable=True),
    )
    op.create_index("ix_api_keys_workspace_id", "api_keys", ["workspace_id"])
    op.create_table(
        "files",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("media_type", sa.String(200)),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("page_count", sa.Integer),
        sa.Column("blob_key", sa.String(300), nullable=False),
        sa.Column("password", sa.Text),
        _ts("created_at"),
        _ts("updated_at"),
    )
    op.create_index("ix_files_workspace_id", "files", ["workspace_id"])
    op.create_index("ix_files_ws_created", "files", ["workspace_id", "created_at", "id"])
    op.create_table(
        "runs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("file_id", sa.String(64), nullable=False),
        sa.Column("batch_id", sa.String(64)),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("metadata", sa.JSON),
        sa.Column("failure_reason", sa.String(64)),
        sa.Column("failure_message", sa.Text),
        sa.Column("output_key", sa.String(300)),
        sa.Column("metrics", sa.JSON),
        sa.Column("usage", sa.JSON),
        sa.Column("cancel_requested", sa.Boolean, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
    )
    op.create_index("ix_runs_status", "runs", ["status"])
    op.create_index("ix_runs_batch_id", "runs", ["batch_id"])
    op.create_index("ix_runs_ws_kind_created", "runs", ["workspace_id", "kind", "created_at", "id"])
    op.create_table(
        "batches",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("run_count", sa.Integer, nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_batches_workspace_id", "batches", ["workspace_id"])


def downgrade() -> None:
    for table in ("batches", "runs", "files", "api_keys", "workspaces"):
        op.drop_table(table)
