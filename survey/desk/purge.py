"""The close's purge, for every round whose purge is pending: run right after a close, at the
server's start, and every ``SURVEY_PURGE_RETRY_SECONDS`` while the server runs.

A close marks its round ``purge_pending`` in the closing transaction itself, so a process that
dies before the purge (or a purge stopped by a reader holding an old snapshot) leaves the mark,
and the next attempt finds it. The round's page shows the mark until the purge is done; the
log says each time why it is not (:mod:`survey.ballots.purge`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from flask import Flask
from sqlalchemy import Engine, Table, select, update

from survey.ballots.models import Ballot, Card, CountedPaper
from survey.ballots.purge import Outcome, purge
from survey.db import make_engine
from survey.i18n import _l
from survey.kinds import KINDS
from survey.paper.models import PaperEntry
from survey.rounds.models import Round

log = logging.getLogger(__name__)

#: What the organizer reads (after the close, and on the round's page) while it is pending.
PURGE_PENDING = _l(
    "Chưa xóa xong dấu vết của quá trình bỏ phiếu khỏi các tệp cơ sở dữ liệu: một chương trình "
    "khác đang đọc cơ sở dữ liệu từ trước khi kết thúc bỏ phiếu (ví dụ một bản sao lưu đang "
    "chạy, hoặc một phần mềm xem dữ liệu). Hãy đóng chương trình đó; máy chủ tự thử lại, và "
    "thông báo này còn hiện ở trang của đợt cho đến khi xong. Kết quả không bị ảnh hưởng."
)


#: What every kind of round writes: the cards, the ballot rows, the paper ballots' entries and
#: the counting numbers counted (each written by the transaction that stored its ballot).
BASE_TABLES: tuple[Table, ...] = (Card.__table__, Ballot.__table__,
                                   PaperEntry.__table__, CountedPaper.__table__)


def purge_tables(kinds: Iterable[str] | None = None) -> list[Table]:
    """Every table that holds a card's use or what a ballot said, in rounds of ``kinds`` (all
    kinds by default): a close rewrites only those its round's kind writes, since each table
    rewritten is locked against every round's casts while it is (docs/performance.md)."""
    tables = list(BASE_TABLES)
    chosen = [KINDS[name] for name in (KINDS if kinds is None else kinds)]
    for kind in chosen:
        tables.extend(t for t in (*kind.ballot_tables, *kind.stored_tables) if t not in tables)
    return tables


def pending_rounds(engine: Engine) -> dict[int, str]:
    """The rounds whose purge is pending, with their kinds."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(Round.id, Round.kind).where(Round.purge_pending.is_(True)).order_by(Round.id))
        return {round_id: kind for round_id, kind in rows}


def purge_pending(engine: Engine, *, attempts: int = 3, pause: float = 0.5) -> Outcome:
    """Purge every round marked pending; clear their marks once done.

    Rounds closed meanwhile keep their mark for the next attempt.
    """
    rounds = pending_rounds(engine)
    if not rounds:
        return Outcome(True)
    outcome = purge(engine, list(rounds), purge_tables(set(rounds.values())),
                    attempts=attempts, pause=pause)
    if outcome.done:
        with engine.begin() as connection:
            connection.execute(
                update(Round).where(Round.id.in_(list(rounds))).values(purge_pending=False))
        log.info("Purge done for rounds %s.", ", ".join(map(str, rounds)))
    else:
        log.warning("Purge still pending for rounds %s (%s); it is retried.",
                    ", ".join(map(str, rounds)), REASONS.get(outcome.reason, outcome.reason))
    return outcome


#: What the log says for each reason a purge is not done.
REASONS = {
    "readers": "a transaction or a reader older than the close is still open (a backup, a "
               "database browser, a standby's feedback)",
    "locked": "a table stayed locked by another transaction",
    "busy": "another process is purging",
}


def purge_engine(app: Flask) -> Engine:
    """The engine the purge runs on: the app's, or one on ``SURVEY_PURGE_DATABASE_URL``.

    The purge needs one session for its lock, its lock timeout and ``VACUUM``: behind PgBouncer
    in transaction mode, that setting names PostgreSQL itself (as ``survey backup`` does).
    """
    url = app.config.get("PURGE_DATABASE_URL")
    if not url:
        engine: Engine = app.extensions["survey.engine"]
        return engine
    with _ENGINE_LOCK:
        if "survey.purge_engine" not in app.extensions:
            app.extensions["survey.purge_engine"] = make_engine(url, pool_size=1, max_overflow=1)
        engine = app.extensions["survey.purge_engine"]
    return engine


_ENGINE_LOCK = threading.Lock()


def start_retrying(app: Flask) -> threading.Thread | None:
    """A daemon thread that purges pending rounds every ``PURGE_RETRY_SECONDS`` (0: none),
    until the event ``app.extensions["survey.purge_stop"]`` is set."""
    interval = float(app.config.get("PURGE_RETRY_SECONDS") or 0)
    if interval <= 0:
        return None
    engine = purge_engine(app)
    stop = app.extensions.setdefault("survey.purge_stop", threading.Event())

    def retry() -> None:
        while not stop.wait(interval):
            try:
                purge_pending(engine, attempts=1)
            except Exception:  # a lost connection, a restart of the database: next time
                log.exception("Purge attempt failed; it is retried.")

    thread = threading.Thread(target=retry, name="survey-purge", daemon=True)
    thread.start()
    return thread
