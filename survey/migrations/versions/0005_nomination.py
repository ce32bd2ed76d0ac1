"""nomination rounds: positions, write-ins, invalid lines

Revision ID: 0005_nomination
Revises: 0004_appraisal

"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_nomination"
down_revision = "0004_appraisal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=250), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("allow_write_ins", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_positions_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
    )
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_positions_round_id"), ["round_id"], unique=False)

    with op.batch_alter_table("subjects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_subjects_position_id"), ["position_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_subjects_position_id_positions"), "positions", ["position_id"], ["id"],
            ondelete="CASCADE",
        )

    for table in ("write_ins", "invalid_lines"):
        names = [sa.Column("name", sa.String(length=120), nullable=False)]
        extra = names if table == "write_ins" else []
        key = ["ballot_id", "position_id"] + (["name"] if extra else [])
        op.create_table(
            table,
            sa.Column("ballot_id", sa.String(length=32), nullable=False),
            sa.Column("position_id", sa.Integer(), nullable=False),
            *extra,
            sa.ForeignKeyConstraint(
                ["ballot_id"], ["ballots.id"], name=op.f(f"fk_{table}_ballot_id_ballots"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["position_id"], ["positions.id"],
                name=op.f(f"fk_{table}_position_id_positions"), ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint(*key, name=op.f(f"pk_{table}")),
            sqlite_with_rowid=False,
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f(f"ix_{table}_position_id"), ["position_id"], unique=False
            )


def downgrade() -> None:
    for table in ("invalid_lines", "write_ins"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_position_id"))
        op.drop_table(table)
    with op.batch_alter_table("subjects", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_subjects_position_id_positions"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_subjects_position_id"))
        batch_op.drop_column("position_id")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_positions_round_id"))
    op.drop_table("positions")
