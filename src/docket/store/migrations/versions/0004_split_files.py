"""Split-derived files: ``files.parent_file_id`` and ``files.parent_split``.

A split run files each split as a new file cut out of its input; Extend shows the source as
``parentFileId`` and the split as ``metadata.parentSplit``.

Revision ID: 0004_split_files
Revises: 0003_processors
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_split_files"
down_revision = "0003_processors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("files") as batch:
        batch.add_column(sa.Column("parent_file_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("parent_split", sa.JSON(), nullable=True))
    op.create_index("ix_files_parent_file_id", "files", ["parent_file_id"])


def downgrade() -> None:
    op.drop_index("ix_files_parent_file_id", table_name="files")
    with op.batch_alter_table("files") as batch:
        batch.drop_column("parent_split")
        batch.drop_column("parent_file_id")
