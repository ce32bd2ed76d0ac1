"""After a close: erase what voting left in the database's own files.

The close rewrites a round's ballots under fresh ids in random order (:mod:`.shuffle`), but
each engine keeps what it replaced for a while:

* PostgreSQL leaves every deleted or updated row version in its heap page, stamped with the
  transaction that wrote it: the cast, whose id is also on the card row it spent. ``VACUUM``
  removes such versions only once no snapshot can see them, and even then their bytes stay in
  the page's free space (and in the indexes' pages) until something overwrites them; the card
  rows keep their cast's transaction id and the place the cast put them. So the cards of the
  round are rewritten, in random order, in one transaction, and then every table that holds
  ballots is rewritten whole (``VACUUM FULL``: new files, new indexes, only live rows), once
  no transaction in the database is older than that rewrite.
* SQLite keeps changed pages in the WAL until a checkpoint copies them back; a reader holding
  an older snapshot (a backup, a database browser) stops the WAL from being truncated. The
  file is rebuilt (``VACUUM``; ``secure_delete`` zeroes freed content) and the WAL checkpointed
  and truncated.

:func:`purge` tries a few times and reports what stopped it; the caller keeps the rounds
marked until it succeeds (survey.desk.purge retries).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, bindparam, select, text, update
from sqlalchemy.exc import OperationalError

from survey.ballots.models import Card
from survey.db import compact

CARDS: Table = Card.__table__

#: PostgreSQL advisory lock (bigint key) held by the one process purging at a time.
PURGE_LOCK = 7305103
#: How long a table's rewrite may wait for its lock: while it waits, casts of other rounds
#: queue behind it, so it gives up early and is retried.
LOCK_TIMEOUT = "2s"

#: Transactions that still see rows written at or before transaction ``:xid``: a snapshot
#: (``backend_xmin``) or a transaction id of their own (``backend_xid``) no newer than it, in
#: this database or in a walsender (``datname`` is null: a standby's feedback); prepared
#: transactions and replication slots hold row versions back the same way.
_OLDER_THAN = text("""
SELECT
  (SELECT count(*) FROM pg_stat_activity
    WHERE pid <> pg_backend_pid()
      AND (datname = current_database() OR datname IS NULL)
      AND ((backend_xmin IS NOT NULL AND age(backend_xmin) >= age(CAST(:xid AS xid)))
        OR (backend_xid IS NOT NULL AND age(backend_xid) >= age(CAST(:xid AS xid)))))
  + (SELECT count(*) FROM pg_prepared_xacts
      WHERE database = current_database() AND age(transaction) >= age(CAST(:xid AS xid)))
  + (SELECT count(*) FROM pg_replication_slots
      WHERE (database IS NULL OR database = current_database())
        AND xmin IS NOT NULL AND age(xmin) >= age(CAST(:xid AS xid)))
""")


@dataclass(frozen=True)
class Outcome:
    """What a purge achieved: ``done``, or why not (``readers``: a transaction older than the
    rewrite is still open; ``locked``: a table stayed locked; ``busy``: another process is
    purging)."""

    done: bool
    reason: str = ""


def purge(engine: Engine, round_ids: Sequence[int], tables: Sequence[Table], *,
          attempts: int = 3, pause: float = 0.5) -> Outcome:
    """Erase from the database's files every row version that voting in ``round_ids`` left,
    in ``tables`` (every table that holds what ballots said; the cards are added here).

    Safe to repeat, and to run while other rounds vote: each step is whole or not done.
    """
    if engine.dialect.name == "sqlite":
        done = compact(engine, attempts=attempts, pause=pause)
        return Outcome(done, "" if done else "readers")
    names = [CARDS, *(t for t in tables if t is not CARDS)]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": PURGE_LOCK}):
            return Outcome(False, "busy")
        try:
            return _purge_postgres(engine, connection, round_ids, names, attempts, pause)
        finally:
            connection.execute(text("RESET lock_timeout"))
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PURGE_LOCK})


def _purge_postgres(engine: Engine, connection: Connection, round_ids: Sequence[int],
                    tables: Sequence[Table], attempts: int, pause: float) -> Outcome:
    for attempt in range(attempts):
        if attempt:
            time.sleep(pause * attempt)
        xid = rewrite_cards(engine, round_ids)
        if not connection.scalar(_OLDER_THAN, {"xid": xid}):
            break
    else:
        return Outcome(False, "readers")
    connection.execute(text(f"SET lock_timeout = '{LOCK_TIMEOUT}'"))
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        try:
            connection.execute(text(f"VACUUM (FULL, FREEZE) {preparer.format_table(table)}"))
        except OperationalError:  # lock_timeout: another transaction holds the table
            return Outcome(False, "locked")
    return Outcome(True)


def rewrite_cards(engine: Engine, round_ids: Sequence[int]) -> str:
    """Rewrite the card rows of ``round_ids`` one by one in random order, in one transaction,
    so that none keeps the id of the transaction that spent it or the place it then took.

    :returns: that transaction's id (as text), which every older row version predates.
    """
    cards = CARDS
    with engine.begin() as connection:
        ids = list(connection.scalars(select(cards.c.id).where(cards.c.round_id.in_(round_ids))))
        random.SystemRandom().shuffle(ids)
        if ids:
            connection.execute(
                update(cards).where(cards.c.id == bindparam("card")).values(used=cards.c.used),
                [{"card": card} for card in ids],
            )
        return str(connection.scalar(text("SELECT pg_current_xact_id()::xid::text")))
