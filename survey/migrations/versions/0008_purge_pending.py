"""purge pending: the close's erasure of what casting left in the database files

Revision ID: 0008
Revises: 0007_sessions

Every round closed before this revision is marked pending, so that the first start after the
upgrade erases what its voting left behind (old row versions, transaction ids, free pages).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_purge"
down_revision = "0007_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purge_pending", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(sa.text("UPDATE rounds SET purge_pending = true WHERE closed_at IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("purge_pending")
