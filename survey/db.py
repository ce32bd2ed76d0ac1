"""Database engine, the per-app-context session, and the migration commands."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click
from flask import Flask, current_app, g
from flask.cli import with_appcontext
from sqlalchemy import Engine, MetaData, Table, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from survey.errors import SurveyError

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: Execution option that makes an SQLite transaction take the write lock at ``BEGIN``.
IMMEDIATE = "survey_begin_immediate"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    if TYPE_CHECKING:
        # Every model names its __tablename__, so its __table__ is a Table (SQLAlchemy types
        # it as any FromClause, which insert() and delete() do not take).
        __table__: ClassVar[Table]


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine configured for correctness under concurrency on either engine.

    SQLite: the file readable by its owner only, WAL, a busy timeout, ``synchronous=FULL`` (a
    ballot survives a power cut once the voter saw "recorded"), foreign keys on, and
    ``BEGIN IMMEDIATE`` for writing transactions (see :func:`begin_write`) so that two writers
    queue instead of failing on lock upgrade.
    Parameters are never rendered into logs or error messages: they may hold a card hash.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        from survey.instance import private_sqlite_file

        private_sqlite_file(url)  # 0600, and so are the -wal and -shm files SQLite adds
        engine = create_engine(url, **kwargs)
        writers = _WriterQueue()
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", writers.begin)
        event.listen(engine, "commit", writers.end)
        event.listen(engine, "rollback", writers.end)
        event.listen(engine.pool, "checkin", writers.checkin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling is deferred
    # and invisible); see the SQLAlchemy docs, "Serializable isolation / Savepoints".
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


_HOLDS = "survey_holds_write_turn"


class _WriterQueue:
    """Writers of one process take turns on a lock before ``BEGIN IMMEDIATE``.

    SQLite makes a second writer wait in its busy handler, which sleeps and polls with growing
    pauses (up to 100 ms): under a burst of casts the waits, not the work, make the latency,
    and the lock is not handed over in any order. Threads of one worker instead queue on this
    lock and are woken the moment the previous writer commits; other processes are still
    kept apart by SQLite's own lock and busy timeout. The turn is given back at commit or
    rollback, or when the connection returns to the pool; a writer that waits longer than
    :attr:`TIMEOUT` goes ahead to SQLite's lock anyway, so a lost turn can slow writers down
    but never stop them.
    """

    TIMEOUT = 30.0

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def begin(self, conn: Any) -> None:
        if conn.get_execution_options().get(IMMEDIATE, False):
            got = self.lock.acquire(timeout=self.TIMEOUT)
            conn.info[_HOLDS] = got
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                self._release(conn.info)
                raise
        else:
            conn.exec_driver_sql("BEGIN")

    def end(self, conn: Any) -> None:
        self._release(conn.info)

    def checkin(self, _dbapi_connection: Any, record: Any) -> None:
        self._release(record.info)

    def _release(self, info: dict) -> None:
        if info.pop(_HOLDS, False):
            self.lock.release()


def prepare_threshold(value: int | str | None) -> int | None:
    """``PREPARE_THRESHOLD`` as psycopg takes it: a count, or ``None`` for never."""
    if value is None or str(value).strip().lower() in {"", "none", "null", "off"}:
        return None
    try:
        return int(value)
    except ValueError:
        from survey.i18n import _

        raise ValueError(_("SURVEY_PREPARE_THRESHOLD phải là một số hoặc 'none', không phải "
                           "%(value)r.", value=value)) from None


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    options: dict[str, Any] = {}
    if url.startswith("postgresql"):
        threshold = prepare_threshold(app.config.get("PREPARE_THRESHOLD", 5))
        options["connect_args"] = {"prepare_threshold": threshold}
    engine = make_engine(url, **options)
    app.extensions["survey.engine"] = engine
    maker = sessionmaker(engine, expire_on_commit=False)
    event.listen(maker, "after_transaction_end", _transaction_ended)
    app.extensions["survey.sessionmaker"] = maker
    app.teardown_appcontext(close_session)
    app.cli.add_command(init_command)


def get_session() -> Session:
    """The session of the current app context (one per request or CLI command)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["survey.sessionmaker"]()
    return g.db_session


#: ``session.info`` key: the session's current transaction was begun by :func:`begin_write`.
_WRITING = "survey_writing"


def begin_write(session: Session) -> Session:
    """Start ``session``'s transaction as a writing one.

    On SQLite that is ``BEGIN IMMEDIATE``: the write lock is taken first, so the reads that
    decide a write cannot go stale. Anything the session read before (the logged-in user) is
    rolled back first; nothing had been written. On PostgreSQL it changes nothing.
    """
    if session.get_bind().dialect.name == "sqlite":
        if session.in_transaction():
            session.rollback()
        session.connection(execution_options={IMMEDIATE: True})
    session.info[_WRITING] = True
    return session


def _transaction_ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost one: the next begins as a reading one
        session.info.pop(_WRITING, None)


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """One writing transaction on ``session``: begun (unless :func:`begin_write` already began
    it, so that the reads that decided the write stay in it), committed when the block ends,
    rolled back when it raises. The one place where views and commands end a transaction.
    """
    if not (session.info.get(_WRITING) and session.in_transaction()):
        begin_write(session)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    session.commit()


@contextmanager
def command_transaction() -> Iterator[Session]:
    """A command's writing transaction in a session of its own; a refusal
    (:class:`~survey.errors.SurveyError`) ends the command with its message and writes nothing.
    """
    try:
        with current_app.extensions["survey.sessionmaker"]() as session, transaction(session):
            yield session
    except SurveyError as exc:
        raise click.ClickException(str(exc)) from exc


def close_session(exc: BaseException | None = None) -> None:
    if (session := g.pop("db_session", None)) is not None:
        session.close()  # uncommitted work is rolled back


#: Key of the PostgreSQL advisory lock that migrations run under (the audit log uses another).
MIGRATION_LOCK = 7305101


def upgrade(engine: Engine | None = None) -> None:
    """Create or upgrade the database to the newest migration.

    One migrating process at a time: hosts restarted together (each ``survey serve`` upgrades
    at start) queue, and each finds the schema as the one before it left it. On PostgreSQL the
    migration's transaction first takes an advisory lock, released when it commits; on SQLite
    it begins with ``BEGIN IMMEDIATE``, which takes the database's write lock.
    """
    from alembic import command
    from alembic.config import Config

    engine = engine or current_app.extensions["survey.engine"]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection = connection.execution_options(**{IMMEDIATE: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                # before alembic reads the current revision, so that it reads it after the
                # other host's migration has committed
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


@click.command("init", help="Tạo cơ sở dữ liệu, hoặc nâng cấp lên lược đồ mới nhất.")
@with_appcontext
def init_command() -> None:
    """Create the database, or upgrade it to the newest schema."""
    from survey.i18n import _

    upgrade()
    click.echo(_("Cơ sở dữ liệu đã sẵn sàng."))


def compact(engine: Engine | None = None, attempts: int = 10, pause: float = 0.2) -> bool:
    """After a close: rebuild the SQLite file so no freed page keeps a pre-close ballot.

    ``secure_delete`` zeroes freed content, ``VACUUM`` rewrites every page, and the WAL is
    checkpointed and truncated so no old frame survives beside the database. No-op elsewhere.

    :returns: whether the WAL could be truncated (a reader holding an old snapshot prevents it;
        the caller keeps the round's purge pending and tries again: survey.desk.purge).
    """
    engine = engine or current_app.extensions["survey.engine"]
    if engine.dialect.name != "sqlite":
        return True
    raw = engine.raw_connection()
    connection = raw.driver_connection
    assert connection is not None  # just checked out of the pool, so open
    try:
        connection.execute("PRAGMA busy_timeout=2000")
        vacuumed = False
        for attempt in range(attempts):
            if attempt:
                time.sleep(pause * attempt)
            if not vacuumed:
                try:
                    connection.execute("VACUUM")
                except sqlite3.OperationalError:  # a writer kept the lock past the timeout
                    continue
                vacuumed = True
            busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
        logging.getLogger(__name__).warning(
            "The SQLite WAL could not be truncated: a reader holds an older snapshot.")
        return False
    finally:
        connection.execute("PRAGMA busy_timeout=30000")
        raw.close()
