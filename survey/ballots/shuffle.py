"""The close's rewrite of a round's ballots: in random order, under fresh random ids.

Afterwards no ballot id, row position or transaction stamp from casting time survives, so
nothing recorded while the round was open can be matched to a stored ballot.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Session

from survey.ballots.models import Ballot, Mark, new_ballot_id

#: Ballots given their new id per round trip while a close rewrites a round (bounds memory).
SHUFFLE_BATCH = 5000


def _id_map() -> Table:
    """The close's temporary table: each ballot's id, and the fresh one it gets.

    It lives only inside the closing transaction (created and dropped there, never in the
    schema), holds no content of any ballot, and is as random as the ids themselves.
    """
    return Table(
        "shuffle_ids",
        MetaData(),
        Column("old_id", String(32), primary_key=True),
        Column("new_id", String(32), nullable=False, unique=True),
        prefixes=["TEMPORARY"],
    )


def shuffle_ballots(session: Session, round_id: int, children: Sequence[Table] = ()) -> int:
    """Rewrite a round's ballots in random order under fresh random ids, with their marks and
    the rows of ``children`` (tables keyed by ``ballot_id``: what a kind stores per ballot).

    Afterwards no ballot id, row position or transaction stamp from casting time survives,
    so nothing recorded while the round was open can be matched to a stored ballot.

    Set-based, in the caller's one transaction, so that memory does not grow with the round:
    the fresh ids come from :mod:`secrets` a batch at a time into a temporary table; the
    ballots and their marks are copied in the database under the new ids, in the order of
    the new ids (a uniformly random order, which is the physical order on PostgreSQL's heap;
    SQLite stores these tables in key order anyway); then the old rows are deleted.
    """
    ids = _id_map()
    connection = session.connection()
    ids.create(connection)  # if anything below fails, the rollback takes the table away too
    count = 0
    last = ""
    while batch := session.scalars(
        select(Ballot.id)
        .where(Ballot.round_id == round_id, Ballot.id > last)
        .order_by(Ballot.id)
        .limit(SHUFFLE_BATCH)
    ).all():
        session.execute(insert(ids), [{"old_id": old, "new_id": new_ballot_id()} for old in batch])
        count += len(batch)
        last = batch[-1]
    if count:
        if connection.dialect.name == "postgresql":
            session.execute(text("ANALYZE shuffle_ids"))  # temporary tables get no autovacuum
        session.execute(
            insert(Ballot.__table__).from_select(
                ["id", "round_id"],
                select(ids.c.new_id, literal(round_id, Integer)).order_by(ids.c.new_id),
            )
        )
        marks = Mark.__table__
        session.execute(
            insert(marks).from_select(
                ["ballot_id", "subject_id", "choice"],
                select(ids.c.new_id, marks.c.subject_id, marks.c.choice)
                .join(ids, ids.c.old_id == marks.c.ballot_id)
                .order_by(ids.c.new_id, marks.c.subject_id),
            )
        )
        for child in children:
            columns = [c.name for c in child.columns if c.name != "ballot_id"]
            session.execute(
                insert(child).from_select(
                    ["ballot_id", *columns],
                    select(ids.c.new_id, *(child.c[c] for c in columns))
                    .join(ids, ids.c.old_id == child.c.ballot_id)
                    .order_by(ids.c.new_id, *(child.c[c] for c in columns)),
                )
            )
        old_ids = select(ids.c.old_id)
        for child in children:
            session.execute(delete(child).where(child.c.ballot_id.in_(old_ids)))
        session.execute(delete(marks).where(marks.c.ballot_id.in_(old_ids)))
        session.execute(delete(Ballot.__table__).where(Ballot.__table__.c.id.in_(old_ids)))
    ids.drop(connection)
    if count and connection.dialect.name == "postgresql":
        # Every row of the round is new: refresh the planner's statistics now, in this
        # transaction, so that the tally that follows the close does not scan a million marks
        # once per subject on estimates taken while the round was filling up.
        for table in ("ballots", "marks", "subjects"):
            session.execute(text(f"ANALYZE {table}"))
    return count
