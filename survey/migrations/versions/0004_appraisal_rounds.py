"""appraisal rounds: roster, named cards, appraisal marks, comments, round settings

Revision ID: 0004_appraisal
Revises: 0003

"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_appraisal"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.String(length=250), nullable=False),
        sa.Column("unit", sa.String(length=250), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"],
                                name=op.f("fk_members_round_id_rounds"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_members_round_id"), ["round_id"], unique=False)

    op.create_table(
        "appraisal_marks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("score_general", sa.SmallInteger(), nullable=True),
        sa.Column("score_tasks", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"],
                                name=op.f("fk_appraisal_marks_round_id_rounds"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"],
                                name=op.f("fk_appraisal_marks_subject_id_subjects"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_marks")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("appraisal_marks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appraisal_marks_round_id"), ["round_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_appraisal_marks_subject_id"), ["subject_id"],
                              unique=False)

    op.create_table(
        "comments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"],
                                name=op.f("fk_comments_round_id_rounds"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subject_id"], ["subjects.id"],
                                name=op.f("fk_comments_subject_id_subjects"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comments_subject_id"), ["subject_id"],
                              unique=False)

    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_raters", sa.Integer(), server_default="3",
                                      nullable=False))
        batch_op.add_column(sa.Column("quota_percent", sa.Integer(), server_default="20",
                                      nullable=False))
        batch_op.add_column(sa.Column("quota_group", sa.String(length=8),
                                      server_default="round", nullable=False))
        batch_op.add_column(sa.Column("same_unit_only", sa.Boolean(),
                                      server_default=sa.false(), nullable=False))

    with op.batch_alter_table("subjects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_subjects_member_id"), ["member_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_subjects_member_id_members"), "members",
                                    ["member_id"], ["id"])

    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cards_member_id"), ["member_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_cards_member_id_members"), "members",
                                    ["member_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cards_member_id_members"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cards_member_id"))
        batch_op.drop_column("member_id")
    with op.batch_alter_table("subjects", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_subjects_member_id_members"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_subjects_member_id"))
        batch_op.drop_column("member_id")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("same_unit_only")
        batch_op.drop_column("quota_group")
        batch_op.drop_column("quota_percent")
        batch_op.drop_column("min_raters")
    op.drop_table("comments")
    op.drop_table("appraisal_marks")
    op.drop_table("members")
