"""Many phones at once: a card votes exactly once, a close refuses what comes after it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from survey.ballots.models import Ballot, Card
from tests.conftest import NOW

THREADS = 16


def _post_all(app, requests):
    """Send every ``(path, data)`` from its own thread and client, released together."""
    barrier = threading.Barrier(len(requests))

    def send(item):
        path, data = item
        client = app.test_client()
        barrier.wait()
        return client.post(path, data=data)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def test_same_card_from_many_threads_votes_once(app, session, make_round):
    round_ = make_round(cards=2, open_=True)
    sid = round_.subjects[0].id
    data = {"code": round_.codes[0], f"s{sid}": "high"}
    responses = _post_all(app, [("/v/cast", data)] * THREADS)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] + [404] * (THREADS - 1)  # a spent card answers as an unknown one
    assert all("đã được dùng" in r.text for r in responses if r.status_code == 404)
    session.rollback()  # end the read snapshot (SQLite WAL keeps it)
    assert session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert session.scalar(select(func.count()).where(Card.used.is_(True))) == 1


def test_many_cards_at_once_all_count(app, session, make_round):
    round_ = make_round(cards=THREADS, summoned=THREADS, present=THREADS, open_=True)
    sid = round_.subjects[0].id
    requests = [("/v/cast", {"code": c, f"s{sid}": "low"}) for c in round_.codes]
    responses = _post_all(app, requests)
    assert [r.status_code for r in responses] == [303] * THREADS
    session.rollback()  # end the read snapshot (SQLite WAL keeps it)
    assert session.scalar(select(func.count()).select_from(Ballot)) == THREADS
    assert session.scalar(select(func.count()).where(Card.used.is_(True))) == THREADS


def test_close_during_casts_leaves_consistent_counts(app, session, make_round):
    """Whatever the interleaving: ballots = used cards, and nothing is accepted after close."""
    from survey.desk.operations import close_round
    from survey.rounds.operations import get_round

    n = 24
    round_ = make_round(cards=n, summoned=n, present=n, open_=True)
    sid = round_.subjects[0].id
    barrier = threading.Barrier(n + 1)

    def cast(code):
        client = app.test_client()
        barrier.wait()
        return client.post("/v/cast", data={"code": code, f"s{sid}": "confidence"}).status_code

    def close():
        barrier.wait()
        with app.extensions["survey.sessionmaker"]() as s:
            from survey.db import begin_write

            begin_write(s)
            close_round(s, get_round(s, round_.id), NOW)
            s.commit()
        return "closed"

    with ThreadPoolExecutor(n + 1) as pool:
        futures = [pool.submit(cast, c) for c in round_.codes] + [pool.submit(close)]
        results = [f.result() for f in futures]
    statuses = results[:-1]
    assert set(statuses) <= {303, 409}
    session.rollback()  # end the read snapshot (SQLite WAL keeps it)
    ballots = session.scalar(select(func.count()).select_from(Ballot))
    used = session.scalar(select(func.count()).where(Card.used.is_(True)))
    assert ballots == used == statuses.count(303) <= n
    # after the close, a card that did not vote is refused
    unused = [c for c, s in zip(round_.codes, statuses, strict=True) if s == 409]
    if unused:
        client = app.test_client()
        late = client.post("/v/cast", data={"code": unused[0], f"s{sid}": "high"})
        assert late.status_code == 409 and "đã kết thúc" in late.text
