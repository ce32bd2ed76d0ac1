"""form tokens: a form that creates cards is accepted once

Revision ID: 0009_form_tokens
Revises: 0009_procedures
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_form_tokens"
down_revision = "0009_procedures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"],
                                name=op.f("fk_form_tokens_round_id_rounds"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_form_tokens")),
    )
    with op.batch_alter_table("form_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_tokens_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("form_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_tokens_round_id"))
    op.drop_table("form_tokens")
