"""The close's purge on either engine: pending while a reader holds an old snapshot (the round's
page says so), retried by the server until done, at its start too; on SQLite no byte of a
pre-close ballot stays in the database file, its free pages or the WAL.

PostgreSQL's heap and index pages are read in tests/test_purge_postgres.py.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select, text

from survey.ballots.models import Ballot
from survey.db import Base
from survey.desk.operations import close_round
from survey.desk.purge import PURGE_PENDING, purge_pending, purge_tables, start_retrying
from survey.kinds.casting import cast_ballot
from survey.rounds.models import Round
from survey.rounds.operations import get_round
from tests.conftest import NOW, btv_rows, make_test_app
from tests.factories import close_web, run
from tests.liveserver import LiveServer

#: Tables that hold nothing of a ballot or of a card's use (a reviewed decision, as the
#: pinned columns of tests/test_anonymity.py: a new table goes in one list or the other).
NO_BALLOT_CONTENT = {"rounds", "subjects", "counting_members", "members", "positions", "users",
                     "login_sessions", "failed_attempts", "audit_log", "head_decisions",
                     "procedures", "procedure_posts", "procedure_steps", "step_people",
                     "step_changes", "planning_entries", "planning_reviews",
                     "planning_proposals", "form_tokens"}
BALLOT_CONTENT = {"cards", "ballots", "marks", "paper_entries", "paper_counted",
                  "appraisal_marks", "comments", "write_ins", "invalid_lines"}


def test_every_table_that_holds_a_ballot_is_purged(app):
    assert {t.name for t in purge_tables()} == BALLOT_CONTENT
    assert set(Base.metadata.tables) == BALLOT_CONTENT | NO_BALLOT_CONTENT
    # a close rewrites only what its kind writes: every table it rewrites is locked meanwhile
    paper = {"paper_entries", "paper_counted"}
    assert {t.name for t in purge_tables({"confidence"})} == {"cards", "ballots", "marks",
                                                             *paper}
    assert {t.name for t in purge_tables({"no_confidence"})} == {"cards", "ballots", "marks",
                                                                *paper}
    assert {t.name for t in purge_tables({"appraisal"})} == {"cards", "ballots", *paper,
                                                            "appraisal_marks", "comments"}
    assert {t.name for t in purge_tables({"nomination"})} == {"cards", "ballots", "marks",
                                                             *paper, "write_ins",
                                                             "invalid_lines"}
    for kind in ("approval", "collective_vote"):
        assert {t.name for t in purge_tables({kind})} == {"cards", "ballots", "marks", *paper}


@contextmanager
def old_snapshot(app):
    """A reader that holds a snapshot from before the close, as a backup or a database
    browser would: an SQLite read transaction, a PostgreSQL REPEATABLE READ one."""
    engine = app.extensions["survey.engine"]
    if engine.dialect.name == "sqlite":
        reader = sqlite3.connect(engine.url.database, isolation_level=None)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM ballots").fetchone()[0] > 0
        try:
            yield
        finally:
            reader.execute("ROLLBACK")
            reader.close()
        return
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as reader:
        assert reader.scalar(text("SELECT count(*) FROM ballots")) > 0
        yield


def files(app) -> tuple[bytes, int]:
    """The SQLite database file and WAL, as bytes, and the WAL's size."""
    path = Path(app.extensions["survey.engine"].url.database)
    wal = Path(f"{path}-wal")
    size = wal.stat().st_size if wal.exists() else 0
    return path.read_bytes() + (wal.read_bytes() if size else b""), size


def pending(session, round_id: int) -> bool:
    """The round's mark, read in a transaction that then ends (on SQLite, an open one would
    itself be a reader holding an old snapshot)."""
    session.rollback()
    try:
        return session.get(Round, round_id, populate_existing=True).purge_pending
    finally:
        session.rollback()


def wait_until_purged(session, round_id: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while pending(session, round_id):
        assert time.monotonic() < deadline, "the purge stayed pending"
        time.sleep(0.2)


def cast_all(session, round_) -> list[bytes]:
    subjects = [s.id for s in round_.subjects]
    for i, code in enumerate(round_.codes):
        cast_ballot(session, code, {subjects[i % len(subjects)]: ("high", "low")[i % 2]})
        session.commit()
    return [b.encode() for b in session.scalars(select(Ballot.id))]


def test_a_reader_during_the_close_leaves_the_purge_pending_until_it_goes(
        app, session, make_round, logged_in):
    round_ = make_round(cards=20, summoned=20, present=20, open_=True)
    before = cast_all(session, round_)
    session.close()
    with old_snapshot(app):
        closed = close_web(logged_in, round_)
        assert closed.status_code == 302
        assert str(PURGE_PENDING) in logged_in.get(closed.location).text  # said at once
        assert pending(session, round_.id)
        page = logged_in.get(f"/rounds/{round_.id}")
        assert 'id="purge-pending"' in page.text and str(PURGE_PENDING) in page.text
        if session.get_bind().dialect.name == "sqlite":
            blob, wal = files(app)
            assert wal > 0 and any(b in blob for b in before)  # what the reader still sees
        assert not purge_pending(app.extensions["survey.engine"], attempts=1).done
    purge_until_done(app, session, round_.id)
    assert 'id="purge-pending"' not in logged_in.get(f"/rounds/{round_.id}").text
    if session.get_bind().dialect.name == "sqlite":
        blob, wal = files(app)
        assert wal <= 32 + 24 + 4096  # truncated; at most the frame that cleared the mark
        assert not [b for b in before if b in blob]  # not in the file, its free pages, the WAL
        after = [b.encode() for b in session.scalars(select(Ballot.id))]
        assert len(after) == 20 and all(b in blob for b in after)  # the scan sees ids
        assert session.scalar(text("PRAGMA freelist_count")) == 0  # no free page at all
        assert session.scalar(text("PRAGMA secure_delete")) == 1  # freed content is zeroed


def purge_until_done(app, session, round_id: int) -> None:
    """The reader is gone: a retry (once, or again while another test's transaction on the
    same PostgreSQL database holds the horizon) finishes the purge."""
    engine = app.extensions["survey.engine"]
    deadline = time.monotonic() + 120
    while not purge_pending(engine).done:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert not pending(session, round_id)


def test_the_server_retries_a_pending_purge_by_itself(app, session, make_round):
    round_ = make_round(cards=6, summoned=6, present=6, open_=True)
    cast_all(session, round_)
    with old_snapshot(app):
        close_round(session, round_, NOW)
        session.commit()
        assert not purge_pending(app.extensions["survey.engine"], attempts=1).done
        app.config["PURGE_RETRY_SECONDS"] = 0.2
        thread = start_retrying(app)
        assert thread is not None and thread.is_alive()
        time.sleep(0.5)
        assert pending(session, round_.id)  # not while the reader is there
    wait_until_purged(session, round_.id)


def test_no_retry_thread_when_retries_are_off(app):
    app.config["PURGE_RETRY_SECONDS"] = 0
    assert start_retrying(app) is None


def test_a_close_on_the_command_line_purges(app, session, make_round, runner):
    round_ = make_round(cards=4, summoned=4, present=4, open_=True)
    cast_all(session, round_)
    session.close()
    assert pending(session, round_.id) is False
    run(runner, "round", "close", round_.id)
    engine = app.extensions["survey.engine"]
    deadline = time.monotonic() + 120
    while engine.dialect.name == "postgresql" and pending(session, round_.id):
        # a transaction of a test running beside this one in the same database holds the
        # horizon for a moment: the command's purge left it pending, and a retry finishes it
        assert time.monotonic() < deadline, "the purge stayed pending"
        session.rollback()
        purge_pending(engine, attempts=1)
        time.sleep(0.2)
    assert pending(session, round_.id) is False  # marked by the close, cleared by its purge
    assert session.scalar(select(Round.closed_at).where(Round.id == round_.id)) is not None


@pytest.mark.slow
def test_serve_finishes_a_pending_purge_at_start(database_url, tmp_path):
    """A process that died between the close and its purge: the next start finishes it."""
    server = LiveServer(database_url, tmp_path / "instance").start()  # creates the schema
    server.stop()
    app = make_test_app(database_url)
    try:
        with app.extensions["survey.sessionmaker"].begin() as session:
            round_id = _closed_round(session)
        with app.extensions["survey.sessionmaker"]() as session:
            assert pending(session, round_id)
            with LiveServer(database_url, tmp_path / "instance"):
                wait_until_purged(session, round_id, seconds=60)
    finally:
        app.extensions["survey.engine"].dispose()


def _closed_round(session) -> int:
    from survey.ballots.operations import create_cards, issue_cards
    from survey.desk.operations import create_round, open_round
    from survey.rounds.operations import record_attendance

    round_ = create_round(session, title="Dở dang", subjects=btv_rows()[:3], now=NOW)
    record_attendance(session, round_, summoned=3, present=3)
    codes = [c.code for c in create_cards(session, round_, 3)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.flush()
    for code in codes:
        cast_ballot(session, code, {round_.subjects[0].id: "high"})
    close_round(session, get_round(session, round_.id), NOW)  # and the process dies here
    return round_.id


def test_the_purge_can_reach_the_database_by_its_own_address(app, session, make_round,
                                                             database_url):
    """Behind PgBouncer in transaction mode the purge connects to PostgreSQL itself."""
    from survey.desk.purge import purge_engine

    assert purge_engine(app) is app.extensions["survey.engine"]
    app.config["PURGE_DATABASE_URL"] = database_url
    engine = purge_engine(app)
    assert engine is not app.extensions["survey.engine"] and purge_engine(app) is engine
    round_ = make_round(cards=3, summoned=3, present=3, open_=True)
    cast_all(session, round_)
    close_round(session, round_, NOW)
    session.commit()
    session.close()
    deadline = time.monotonic() + 120
    while not purge_pending(engine).done:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert not pending(session, round_.id)
    engine.dispose()


def test_the_upgrade_marks_rounds_closed_before_it_for_a_purge(database_url):
    """Rounds closed by an older version kept what their voting left: the first start after
    the upgrade purges them."""
    from alembic import command
    from alembic.config import Config

    from survey.db import MIGRATIONS, make_engine, upgrade

    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0007_sessions")
            for i, closed in ((1, "2026-01-02 10:00:00"), (2, None)):
                connection.execute(text(
                    "INSERT INTO rounds (id, title, body, body_kind, kind, place, denominator, "
                    "min_ballots, created_at, opened_at, closed_at) VALUES (:id, 'R', '', 'party', "
                    "'confidence', '', 'collected', 5, '2026-01-01', '2026-01-02', :closed)"),
                    {"id": i, "closed": closed})
        upgrade(engine)
        with engine.connect() as connection:
            marks = dict(connection.execute(text("SELECT id, purge_pending FROM rounds")).all())
        assert marks == {1: True, 2: False}
    finally:
        engine.dispose()
