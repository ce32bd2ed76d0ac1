"""paper ballots: a medium per serial, entries, a counter of wholly invalid paper ballots

Revision ID: 0006_paper
Revises: 0005_nomination

"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_paper"
down_revision = "0005_nomination"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("medium", sa.String(length=8), server_default="phone", nullable=False)
        )
        batch_op.alter_column("code_hash", existing_type=sa.String(length=64), nullable=True)

    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("paper_invalid", sa.Integer(), server_default="0", nullable=False)
        )

    op.create_table(
        "paper_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Boolean(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_paper_entries_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_paper_entries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_entries")),
        sa.UniqueConstraint(
            "round_id", "serial", "number", name="uq_paper_entries_serial_number"
        ),
        sa.UniqueConstraint("round_id", "serial", "user_id", name="uq_paper_entries_serial_user"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("paper_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_entries_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("paper_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_entries_round_id"))
    op.drop_table("paper_entries")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("paper_invalid")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.alter_column("code_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("medium")
