"""Ballot secrecy for the tables hanging off a nomination ballot: write-ins and invalid lines
hold no time, no card, no order of casting, and are rewritten under fresh ids at the close."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import DateTime, inspect, select, text

from survey.ballots.models import Ballot
from survey.ballots.operations import create_cards, issue_cards
from survey.db import Base, compact
from survey.desk.operations import close_round, create_round, open_round
from survey.kinds.casting import cast_ballot
from survey.kinds.nomination.models import InvalidLine, WriteIn
from survey.kinds.nomination.positions import add_candidate, add_position
from survey.rounds.operations import record_attendance
from tests.conftest import NOW
from tests.factories import spearman

COLUMNS = {
    "write_ins": {"ballot_id", "position_id", "name"},
    "invalid_lines": {"ballot_id", "position_id"},
}


def test_nomination_ballot_tables_have_exactly_these_columns(app, session):
    tables = Base.metadata.tables
    inspector = inspect(session.get_bind())
    for name, columns in COLUMNS.items():
        table = tables[name]
        assert {c.name for c in table.columns} == columns
        assert {c["name"] for c in inspector.get_columns(name)} == columns
        assert {c.name for c in table.primary_key} == columns  # keyed by content, no serial
        assert table.dialect_options["sqlite"]["with_rowid"] is False
        assert not any(isinstance(c.type, DateTime) for c in table.columns)
        assert {fk.column.table.name for fk in table.foreign_keys} == {"ballots", "positions"}


def _round(session, n):
    round_ = create_round(session, title="Quy hoạch", now=NOW, kind="nomination")
    position = add_position(session, round_, title="Bí thư", seats=1)
    candidate = add_candidate(session, round_, position.id, name="Lò Văn Lâm")
    record_attendance(session, round_, summoned=n, present=n)
    codes = [c.code for c in create_cards(session, round_, n)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    return round_, position, candidate, codes


def _name(i: int) -> str:
    return f"Người số {i:04d}"


def test_write_ins_and_invalid_lines_move_to_fresh_ids_in_random_order(session):
    n = 160
    round_, position, candidate, codes = _round(session, n)
    for i, code in enumerate(codes):
        # odd ballots: agree + a write-in for one seat: an invalid line, nothing else kept
        choices = {candidate.id: "agree"} if i % 2 else {}
        cast_ballot(session, code, choices, {position.id: [_name(i)]})
        session.commit()
    before = set(session.scalars(select(Ballot.id)))
    assert session.scalar(select(text("count(*)")).select_from(InvalidLine)) == n // 2
    close_round(session, round_, NOW)
    session.commit()
    after = set(session.scalars(select(Ballot.id)))
    assert len(after) == n and not before & after
    for model in (WriteIn, InvalidLine):
        ids = list(session.scalars(select(model.ballot_id)))
        assert len(ids) == n // 2 and set(ids) <= after
    # the order in which write-ins are stored and read back does not follow the cast order
    stored = [int(name.rsplit(" ", 1)[1])
              for (name,) in session.execute(text("SELECT name FROM write_ins"))]
    assert sorted(stored) == list(range(0, n, 2))
    assert abs(spearman(sorted(stored), stored)) < 0.3
    if session.get_bind().dialect.name == "postgresql":
        # every row was written by the closing transaction: no cast's transaction id is left
        for table in ("write_ins", "invalid_lines"):
            stamps = session.scalars(text(f"SELECT DISTINCT xmin::text FROM {table}")).all()
            assert len(stamps) == 1


def test_no_trace_of_pre_close_ids_in_the_sqlite_file(app, session):
    engine = app.extensions["survey.engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("file scan is for SQLite")
    round_, position, candidate, codes = _round(session, 30)
    for i, code in enumerate(codes):
        cast_ballot(session, code, {candidate.id: "agree"} if i % 3 else {},
                    {position.id: [_name(i)]})
        session.commit()
    before = list(session.scalars(select(Ballot.id)))
    close_round(session, round_, NOW)
    session.commit()
    session.close()
    compact(engine)
    path = Path(engine.url.database)
    blob = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    for ballot_id in before:
        assert ballot_id.encode() not in blob
    assert all(b.encode() in blob for b in session.scalars(select(Ballot.id)))
