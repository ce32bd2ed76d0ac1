"""document numbers: the minutes' and the summary's "Số: …" line

Revision ID: 0010_document_numbers
Revises: 0008_purge

The organizer enters them on the minutes' details page; empty, the documents leave a blank to
fill in by hand.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_document_numbers"
down_revision = "0008_paper_sheets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("minutes_number", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("report_number", sa.String(length=40), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("report_number")
        batch_op.drop_column("minutes_number")
