"""procedures of linked conferences, planning lists, the head's decisions; derived lists locked

Revision ID: 0009_procedures
Revises: 0010_document_numbers

"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_procedures"
down_revision = "0010_document_numbers"
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("list_locked", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    op.create_table(
        "head_decisions",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("agreed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        _fk("head_decisions", "round_id", "rounds", "CASCADE"),
        _fk("head_decisions", "subject_id", "subjects", "CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "subject_id", name=op.f("pk_head_decisions")),
    )

    op.create_table(
        "procedures",
        _id(),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("variant", sa.String(length=16), nullable=False),
        sa.Column("body", sa.String(length=300), nullable=False),
        sa.Column("body_kind", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("min_ballots", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedures")),
    )
    op.create_table(
        "procedure_posts",
        _id(),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=250), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        _fk("procedure_posts", "procedure_id", "procedures", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_posts")),
    )
    _index("procedure_posts", "procedure_id")
    op.create_table(
        "procedure_steps",
        _id(),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("summoned", sa.Integer(), nullable=True),
        sa.Column("present", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        _fk("procedure_steps", "procedure_id", "procedures", "CASCADE"),
        _fk("procedure_steps", "round_id", "rounds", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_steps")),
        sa.UniqueConstraint("round_id", name=op.f("uq_procedure_steps_round_id")),
    )
    _index("procedure_steps", "procedure_id")
    op.create_table(
        "step_people",
        _id(),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("post", sa.String(length=250), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("current", sa.String(length=250), nullable=False),
        _fk("step_people", "step_id", "procedure_steps", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_people")),
    )
    _index("step_people", "step_id")
    op.create_table(
        "step_changes",
        _id(),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("post", sa.String(length=250), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _fk("step_changes", "step_id", "procedure_steps", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_changes")),
    )
    _index("step_changes", "step_id")

    op.create_table(
        "planning_entries",
        _id(),
        sa.Column("body", sa.String(length=300), nullable=False),
        sa.Column("post", sa.String(length=250), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("current", sa.String(length=250), nullable=False),
        sa.Column("source", sa.String(length=600), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("removal", sa.String(length=600), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_entries")),
    )
    _index("planning_entries", "body")
    op.create_table(
        "planning_reviews",
        _id(),
        sa.Column("body", sa.String(length=300), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        _fk("planning_reviews", "round_id", "rounds", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_reviews")),
        sa.UniqueConstraint("round_id", name=op.f("uq_planning_reviews_round_id")),
    )
    op.create_table(
        "planning_proposals",
        _id(),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("post", sa.String(length=250), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("current", sa.String(length=250), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        _fk("planning_proposals", "review_id", "planning_reviews", "CASCADE"),
        _fk("planning_proposals", "entry_id", "planning_entries", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_proposals")),
    )
    _index("planning_proposals", "review_id")


def downgrade() -> None:
    for table in ("planning_proposals", "planning_reviews", "planning_entries", "step_changes",
                  "step_people", "procedure_steps", "procedure_posts", "procedures",
                  "head_decisions"):
        op.drop_table(table)
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("list_locked")
