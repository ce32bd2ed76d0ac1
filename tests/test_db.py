"""SQLite writers of one process take turns; a turn is always given back."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from survey.db import begin_write, make_engine


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("ending", ["commit", "rollback", "close", "error"])
def test_every_ending_gives_the_turn_back(engine, ending):
    with Session(engine) as first:
        begin_write(first)
        first.execute(text("INSERT INTO t VALUES (1)"))
        if ending == "commit":
            first.commit()
        elif ending == "rollback":
            first.rollback()
        elif ending == "error":
            with pytest.raises(OperationalError):
                first.execute(text("INSERT INTO missing VALUES (1)"))
            first.rollback()
    # "close": leaving the with-block closes the session with the transaction still open
    started = time.monotonic()
    with Session(engine) as second:
        begin_write(second)
        second.execute(text("INSERT INTO t VALUES (2)"))
        second.commit()
    assert time.monotonic() - started < 2  # no wait for a turn that was never given back
    with engine.connect() as conn:
        expected = 2 if ending == "commit" else 1
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == expected


def test_writers_queue_and_none_is_lost(engine):
    def write(n: int) -> None:
        with Session(engine) as session:
            begin_write(session)
            current = session.execute(text("SELECT count(*) FROM t")).scalar()
            time.sleep(0.002)  # a read-modify-write that would lose rows without the lock
            session.execute(text("INSERT INTO t VALUES (:n)"), {"n": current})
            session.commit()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as conn:
        values = [row[0] for row in conn.execute(text("SELECT n FROM t ORDER BY n"))]
    assert values == list(range(40))  # each writer saw every earlier one: serialised
