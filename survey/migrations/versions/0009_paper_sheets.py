"""paper sheets: identical paper ballots, counted not numbered; entries keyed by counting number

Revision ID: 0008_paper_sheets
Revises: 0008_purge

Paper ballots no longer carry a serial. What an existing round holds becomes:

- the paper slots of an anonymous round (``cards`` rows with ``medium = 'paper'`` and no member)
  become a count, ``rounds.paper_issued`` (those issued and not voided), and the rows go;
- a paper slot that was counted (``used``) leaves its serial in ``paper_counted``: the serial
  printed on that old ballot is its counting number, so it cannot be counted again;
- an entry not yet counted keeps its ballot's serial as its counting number: the counting
  committee keys an old ballot by the number printed on it;
- a named paper form of an appraisal round stays as the record that its member votes on paper
  (never as a ballot: ``used`` is cleared); in a round not yet closed, one made but not yet
  handed out is recorded as handed out, as a new one is.

Issued, collected and the phone/paper split of every round are unchanged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_paper_sheets"
down_revision = "0008_purge"
branch_labels = None
depends_on = None

rounds = sa.table(
    "rounds", sa.column("id", sa.Integer), sa.column("closed_at", sa.DateTime),
    sa.column("paper_issued", sa.Integer),
)
cards = sa.table(
    "cards", sa.column("round_id", sa.Integer), sa.column("serial", sa.Integer),
    sa.column("medium", sa.String), sa.column("member_id", sa.Integer),
    sa.column("issued", sa.Boolean), sa.column("voided", sa.Boolean),
    sa.column("used", sa.Boolean),
)
counted = sa.table(
    "paper_counted", sa.column("round_id", sa.Integer), sa.column("counting_number", sa.Integer),
)
ENTRY_COLUMNS = ("id", "round_id", "number", "user_id", "invalid", "lines")
ENTRY_TYPES = {"id": sa.String, "invalid": sa.Boolean, "lines": sa.JSON}


def _entries(key: str) -> sa.TableClause:
    return sa.table("paper_entries", *(sa.column(c, ENTRY_TYPES.get(c, sa.Integer))
                                       for c in (*ENTRY_COLUMNS, key)))


def _entries_table(key: str) -> None:
    op.create_table(
        "paper_entries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column(key, sa.Integer(), nullable=False),
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
            "round_id", key, "number",
            name="uq_paper_entries_counting_number" if key == "counting_number"
            else "uq_paper_entries_serial_number",
        ),
        sa.UniqueConstraint(
            "round_id", key, "user_id",
            name="uq_paper_entries_counting_user" if key == "counting_number"
            else "uq_paper_entries_serial_user",
        ),
        sqlite_with_rowid=False,  # random keys, no insertion order
    )
    with op.batch_alter_table("paper_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_entries_round_id"), ["round_id"], unique=False)


def _rekey_entries(old: str, new: str) -> None:
    """Rebuild ``paper_entries`` with its ballot key renamed, keeping its rows (a table rebuilt
    by a batch copy would lose ``WITHOUT ROWID`` on SQLite)."""
    bind = op.get_bind()
    rows = [dict(row._mapping) for row in bind.execute(sa.select(_entries(old)))]
    with op.batch_alter_table("paper_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_entries_round_id"))
    op.drop_table("paper_entries")
    _entries_table(new)
    if rows:
        op.bulk_insert(_entries(new), [{**{k: row[k] for k in ENTRY_COLUMNS}, new: row[old]}
                               for row in rows])


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("paper_issued", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "paper_counted",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("counting_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_paper_counted_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "counting_number", name=op.f("pk_paper_counted")),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    paper = cards.c.medium == "paper"
    bind.execute(sa.insert(counted).from_select(
        ["round_id", "counting_number"],
        sa.select(cards.c.round_id, cards.c.serial).where(paper, cards.c.used.is_(sa.true())),
    ))
    anonymous = sa.and_(paper, cards.c.member_id.is_(None))
    bind.execute(sa.update(rounds).values(paper_issued=(
        sa.select(sa.func.count()).where(
            cards.c.round_id == rounds.c.id, anonymous, cards.c.issued.is_(sa.true()),
            cards.c.voided.is_(sa.false()),
        ).scalar_subquery()
    )))
    bind.execute(sa.delete(cards).where(anonymous))
    bind.execute(sa.update(cards).where(paper).values(used=False))
    not_closed = sa.select(rounds.c.id).where(rounds.c.closed_at.is_(None))
    bind.execute(sa.update(cards).where(
        paper, cards.c.voided.is_(sa.false()), cards.c.round_id.in_(not_closed),
    ).values(issued=True))
    _rekey_entries("serial", "counting_number")


def downgrade() -> None:
    bind = op.get_bind()
    holds_paper = (
        bind.scalar(sa.select(sa.func.count()).select_from(counted))
        or bind.scalar(sa.select(sa.func.count()).where(rounds.c.paper_issued > 0))
        or bind.scalar(sa.select(sa.func.count()).select_from(sa.table("paper_entries")))
    )
    if holds_paper:
        raise RuntimeError(
            "paper ballots counted by counting number cannot be turned back into numbered "
            "slots: restore a backup taken before the upgrade instead"
        )
    _rekey_entries("counting_number", "serial")
    op.drop_table("paper_counted")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("paper_issued")
