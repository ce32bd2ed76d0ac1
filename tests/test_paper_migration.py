"""Migration 0008_paper_sheets: rounds made with numbered paper slots keep their figures, their
counted ballots and the entries still waiting, keyed by the serial printed on the old sheets."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session

from survey.db import MIGRATIONS
from survey.kinds.counts import ballot_sources, issued
from survey.rounds.models import Round

BEFORE = "0008_purge"
WHEN = datetime(2026, 11, 2, 8, 0)


def migrate(engine: sa.Engine, verb: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, verb)(config, revision)


def insert(connection: sa.Connection, table_name: str, **values: object) -> int | None:
    """A row of ``table_name``: every required column not given gets an empty value."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    for column in table.columns:
        if (column.name in values or column.nullable or column.primary_key
                or column.server_default is not None):
            continue
        python = column.type.python_type
        values[column.name] = {str: "", int: 0, bool: False, datetime: WHEN}.get(python)
    result = connection.execute(sa.insert(table).values(**values))
    key = result.inserted_primary_key
    return key[0] if key else None


@pytest.fixture
def engine(database_url):
    engine = sa.create_engine(database_url)
    migrate(engine, "upgrade", BEFORE)
    yield engine
    engine.dispose()


def rows(connection: sa.Connection, query: str, **params: object) -> list[tuple]:
    return [tuple(row) for row in connection.execute(sa.text(query), params)]


def test_numbered_paper_slots_become_counts_and_counting_numbers(engine):
    with engine.begin() as c:
        clerk = insert(c, "users", username="kiemphieu1", password_hash="x", role="organizer",
                       created_at=WHEN)
        poll = insert(c, "rounds", title="Lấy phiếu", kind="confidence", created_at=WHEN,
                      opened_at=WHEN, paper_invalid=1)
        # cards 1-3 on phones; paper ballots 4-8: 4 and 5 counted, 6 entered once, 7 handed
        # out and not entered, 8 voided; 9 printed and never handed out
        for serial in (1, 2, 3):
            insert(c, "cards", round_id=poll, serial=serial, code_hash=f"{serial:064x}",
                   medium="phone", issued=True, used=serial == 1)
        for serial, issued, voided, used in ((4, 1, 0, 1), (5, 1, 0, 1), (6, 1, 0, 0),
                                             (7, 1, 0, 0), (8, 1, 1, 0), (9, 0, 0, 0)):
            insert(c, "cards", round_id=poll, serial=serial, code_hash=None, medium="paper",
                   issued=bool(issued), voided=bool(voided), used=bool(used))
        insert(c, "paper_entries", id="e" * 32, round_id=poll, serial=6, number=1,
               user_id=clerk, invalid=False, lines={"1": "high"})
        # an appraisal round still open: one named paper form counted, one not handed out yet
        appraisal = insert(c, "rounds", title="Đánh giá", kind="appraisal", created_at=WHEN,
                           opened_at=WHEN)
        members = [insert(c, "members", round_id=appraisal, order=k, name=f"Người {k}")
                   for k in (1, 2, 3)]
        insert(c, "cards", round_id=appraisal, serial=1, code_hash="a" * 64, medium="phone",
               issued=True, member_id=members[0])
        insert(c, "cards", round_id=appraisal, serial=2, code_hash=None, medium="paper",
               issued=True, used=True, member_id=members[1])
        insert(c, "cards", round_id=appraisal, serial=3, code_hash=None, medium="paper",
               issued=False, member_id=members[2])
        # a closed round keeps its figures as they were
        closed = insert(c, "rounds", title="Đã đóng", kind="confidence", created_at=WHEN,
                        opened_at=WHEN, closed_at=WHEN)
        insert(c, "cards", round_id=closed, serial=1, code_hash=None, medium="paper",
               issued=True, used=True)
        insert(c, "cards", round_id=closed, serial=2, code_hash=None, medium="paper")

    migrate(engine, "upgrade", "head")

    with engine.connect() as c:
        assert rows(c, "SELECT id, paper_issued FROM rounds ORDER BY id") == [
            (poll, 4), (appraisal, 0), (closed, 1)]  # issued and not voided, never printed-only
        assert rows(c, "SELECT round_id, counting_number FROM paper_counted "
                       "ORDER BY round_id, counting_number") == [
            (poll, 4), (poll, 5), (appraisal, 2), (closed, 1)]
        # no anonymous paper slot is left; a named form stays as its member's record, never
        # used, and handed out while the round is not closed
        assert rows(c, "SELECT round_id, serial, medium, issued, used FROM cards "
                       "WHERE medium = 'paper' ORDER BY round_id, serial") == [
            (appraisal, 2, "paper", True, False), (appraisal, 3, "paper", True, False)]
        assert rows(c, "SELECT count(*) FROM cards WHERE round_id = :r", r=poll) == [(3,)]
        # the entry waiting for its second reading is keyed by the serial on the old sheet
        ((counting, number, user, lines),) = rows(
            c, "SELECT counting_number, number, user_id, lines FROM paper_entries")
        assert (counting, number, user) == (6, 1, clerk)
        assert (json.loads(lines) if isinstance(lines, str) else lines) == {"1": "high"}
        columns = {col["name"] for col in sa.inspect(c).get_columns("paper_entries")}
        assert "serial" not in columns and "counting_number" in columns


def test_the_upgrade_keeps_issued_and_the_paper_split(engine):
    """What the minutes print for a round made before: issued = phone cards + paper handed
    out; paper collected = paper ballots counted."""
    with engine.begin() as c:
        poll = insert(c, "rounds", title="Lấy phiếu", kind="confidence", created_at=WHEN,
                      opened_at=WHEN, closed_at=WHEN)
        for serial in (1, 2):
            insert(c, "cards", round_id=poll, serial=serial, code_hash=f"{serial:064x}",
                   medium="phone", issued=True, used=True)
        for serial in (3, 4, 5):
            insert(c, "cards", round_id=poll, serial=serial, code_hash=None, medium="paper",
                   issued=True, used=serial < 5)
        for _ballot in range(4):
            insert(c, "ballots", id=f"{_ballot:032x}", round_id=poll)
    migrate(engine, "upgrade", "head")

    with Session(engine) as session:
        round_ = session.get(Round, poll)
        assert issued(session, poll) == 5
        assert ballot_sources(session, round_).as_dict() == {"phone": 2, "paper": 2,
                                                             "paper_invalid": 0}


def test_a_downgrade_refuses_to_lose_paper_ballots(engine):
    migrate(engine, "upgrade", "head")
    migrate(engine, "downgrade", BEFORE)  # nothing to lose: the schema goes back
    with engine.connect() as c:
        columns = {col["name"] for col in sa.inspect(c).get_columns("paper_entries")}
        assert "serial" in columns and not sa.inspect(c).has_table("paper_counted")
    migrate(engine, "upgrade", "head")
    with engine.begin() as c:
        insert(c, "rounds", title="Lấy phiếu", kind="confidence", created_at=WHEN,
               paper_issued=3)
    with pytest.raises(RuntimeError, match="restore a backup"):
        migrate(engine, "downgrade", BEFORE)
