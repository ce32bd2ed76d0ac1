"""Guessing card codes or passwords is slowed down, without locking out a meeting room."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from survey.ballots.cards import new_code
from survey.ballots.models import Ballot
from survey.schema import create_all
from survey.security.models import FailedAttempt
from survey.security.throttle import CARD_PER_BROWSER, Limit
from tests.conftest import csrf_token, make_test_app
from tests.factories import vote

#: Each test stays in one window of the limits, however slow the machine.
pytestmark = pytest.mark.usefixtures("throttle_clock")


def guess(client):
    return client.post("/v", data={"code": new_code()})


def test_one_browser_is_stopped_after_its_failures(app, make_round):
    round_ = make_round(cards=2, open_=True)
    phone = app.test_client()
    for _ in range(CARD_PER_BROWSER.failures):
        assert guess(phone).status_code == 404
    blocked = phone.post("/v", data={"code": round_.codes[0]})
    assert blocked.status_code == 429
    assert "Đã nhập sai mã quá nhiều lần" in blocked.text
    assert int(blocked.headers["Retry-After"]) > 0
    assert phone.post("/v/cast", data={"code": round_.codes[0]}).status_code == 429
    assert phone.post("/v/cast", data={}).status_code == 429  # refused before the form is read
    # the phone next to it, on the same Wi-Fi address, still votes
    neighbour = app.test_client()
    assert neighbour.post("/v", data={"code": round_.codes[0]}).status_code == 200


def test_a_whole_room_of_typing_mistakes_is_not_locked_out(app, make_round):
    round_ = make_round(cards=40, summoned=40, present=40, open_=True)
    for code in round_.codes:  # 40 phones behind one address, 3 typos each
        phone = app.test_client()
        for _ in range(3):
            assert guess(phone).status_code == 404
        assert phone.post("/v", data={"code": code}).status_code == 200
    assert 40 * 3 > CARD_PER_BROWSER.failures  # more mistakes at the address than one budget


def ballots(session) -> int:
    session.rollback()  # a fresh snapshot
    return session.scalar(select(func.count()).select_from(Ballot))


def test_failures_at_an_address_never_stop_a_valid_card(app, session, make_round):
    """300 bad codes from one cookie jar, then 300 from fresh jars, all at one address: a valid
    card still votes from a new jar at that address."""
    round_ = make_round(cards=2, open_=True)
    first = round_.subjects[0].id
    attacker = app.test_client()
    statuses = [guess(attacker).status_code for _ in range(300)]
    assert statuses.count(404) == CARD_PER_BROWSER.failures
    assert statuses.count(429) == 300 - CARD_PER_BROWSER.failures
    assert vote(app.test_client(), round_.codes[0], {first: "low"}).status_code == 303
    for _ in range(300):  # a fresh cookie jar each time
        assert guess(app.test_client()).status_code == 404
    assert vote(app.test_client(), round_.codes[1], {first: "high"}).status_code == 303
    assert ballots(session) == 2


@pytest.fixture
def csrf_app(database_url, tmp_path):
    """The app as a browser meets it: every post needs the cookie and its CSRF token."""
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        create_all()
    yield app
    app.extensions["survey.engine"].dispose()


def test_replaying_the_cookie_from_before_the_failures_keeps_the_budget_spent(
        csrf_app, session, make_round):
    round_ = make_round(cards=1, open_=True)
    attacker = csrf_app.test_client()
    token = csrf_token(attacker.get("/v").text)
    before = attacker.get_cookie("survey_session").value  # taken before the first failure
    for _ in range(CARD_PER_BROWSER.failures):
        response = attacker.post("/v", data={"code": new_code(), "csrf_token": token})
        assert response.status_code == 404
    replay = csrf_app.test_client()
    replay.set_cookie("survey_session", before)
    refused = replay.post("/v", data={"code": round_.codes[0], "csrf_token": token})
    assert refused.status_code == 429  # the budget is in the database, not in the cookie
    assert replay.post("/v", data={"code": new_code(), "csrf_token": token}).status_code == 429
    # a new browser at the same address votes
    phone = csrf_app.test_client()
    token = csrf_token(phone.get("/v").text)
    claimed = phone.post("/v", data={"code": round_.codes[0], "csrf_token": token})
    assert claimed.status_code == 200
    data = {"code": round_.codes[0], "csrf_token": csrf_token(claimed.text),
            f"s{round_.subjects[0].id}": "low"}
    assert phone.post("/v/cast", data=data).status_code == 303
    assert ballots(session) == 1


def test_concurrent_failures_of_one_browser_never_pass_its_limit(app, session, make_round):
    make_round(cards=1, open_=True)
    phone = app.test_client()
    phone.get("/v")  # its cookie: every thread below sends the same one
    cookie = phone.get_cookie("survey_session").value
    start = threading.Barrier(8)

    def attempt(number):
        client = app.test_client()
        client.set_cookie("survey_session", cookie)
        if number < 8:  # the first eight leave together
            start.wait()
        return guess(client).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(attempt, range(40)))
    assert statuses.count(404) == CARD_PER_BROWSER.failures, statuses
    assert statuses.count(429) == 40 - CARD_PER_BROWSER.failures
    session.rollback()
    assert session.scalars(select(FailedAttempt.count)).all() == [CARD_PER_BROWSER.failures]


def test_the_count_is_atomic_under_any_concurrency(app):
    """Many threads count failures on one key at once: it stops exactly at the limit."""
    from survey.web import throttle

    limit = Limit("test", 25, 600)
    with app.app_context():
        counter = throttle()
    start = threading.Barrier(16)

    def fail(number):
        if number < 16:  # the first sixteen leave together
            start.wait()
        return counter.fail([(limit, "one browser")], now=1000.0)

    with ThreadPoolExecutor(16) as pool:
        waits = list(pool.map(fail, range(100)))
    assert waits.count(0) == limit.failures
    assert all(w > 0 for w in waits if w) and len(waits) == 100
    assert counter.blocked([(limit, "one browser")], now=1000.0) > 0
    assert counter.blocked([(limit, "another browser")], now=1000.0) == 0
    assert counter.blocked([(limit, "one browser")], now=1000.0 + limit.seconds) == 0


def test_a_reservation_is_all_or_nothing_and_can_be_given_back(app):
    from survey.web import throttle

    small, large = Limit("small", 2, 600), Limit("large", 10, 600)
    with app.app_context():
        counter = throttle()
    checks = [(small, "x"), (large, "x")]
    assert counter.reserve(checks, now=0.0) == 0
    counter.release(checks, now=0.0)  # a success: nothing stays counted
    assert counter.reserve(checks, now=0.0) == 0
    assert counter.reserve(checks, now=0.0) == 0
    assert counter.reserve(checks, now=0.0) == 601  # "small" is full: "large" is not counted
    assert counter.reserve([(large, "x")], now=0.0) == 0  # 2 + this one: the refusal left none
    assert counter.blocked([(large, "x")], now=0.0) == 0
    for _ in range(large.failures - 3):
        assert counter.reserve([(large, "x")], now=0.0) == 0
    assert counter.blocked([(large, "x")], now=0.0) == 601


def test_counters_are_shared_by_every_process(app, database_url, make_round, session):
    """A second app (another worker process) on the same database sees the same block."""
    make_round(cards=1, open_=True)
    phone = app.test_client()
    for _ in range(CARD_PER_BROWSER.failures):
        guess(phone)
    other = make_test_app(database_url)
    try:
        cookie = phone.get_cookie("survey_session")
        twin = other.test_client()
        twin.set_cookie("survey_session", cookie.value)
        assert guess(twin).status_code == 429
    finally:
        other.extensions["survey.engine"].dispose()
    session.rollback()
    # one counter, the browser's, in the database both apps share (nothing for the address)
    assert session.scalars(select(FailedAttempt.count)).all() == [CARD_PER_BROWSER.failures]


def test_counters_store_no_address_or_code(app, session, make_round):
    make_round(cards=1, open_=True)
    phone = app.test_client()
    code = new_code()
    phone.post("/v", data={"code": code})
    session.rollback()
    keys = [k for (k,) in session.execute(select(FailedAttempt.key))]
    assert keys and all(len(k) == 64 for k in keys)
    dump = " ".join(keys)
    assert "127.0.0.1" not in dump and code not in dump


def test_a_vote_leaves_nothing_in_the_counters(app, session, make_round):
    """A browser that mistyped and then voted: its counter holds a keyed hash, a window and a
    count, as before the vote; the vote itself wrote nothing there."""
    round_ = make_round(cards=1, open_=True)
    phone = app.test_client()
    for _ in range(2):
        assert guess(phone).status_code == 404
    session.rollback()
    counters = select(FailedAttempt.key, FailedAttempt.window, FailedAttempt.count)
    before = [tuple(row) for row in session.execute(counters)]
    assert vote(phone, round_.codes[0], {round_.subjects[0].id: "low"}).status_code == 303
    assert ballots(session) == 1
    after = [tuple(row) for row in session.execute(counters)]
    assert after == before
    [(key, _window, count)] = after
    assert len(key) == 64 and count == 2
    assert FailedAttempt.__table__.columns.keys() == ["key", "window", "count"]
    assert not FailedAttempt.__table__.foreign_keys


def test_used_cards_count_as_failures_as_unknown_codes_do(app, make_round):
    """A used card spends the browser's budget as an unknown code does: the budget cannot
    tell the two apart either (survey.ballots.operations.ANSWERED_AS)."""
    round_ = make_round(cards=2, open_=True)
    voter = app.test_client()
    assert vote(voter, round_.codes[0], {}).status_code == 303
    watcher = app.test_client()
    for _ in range(CARD_PER_BROWSER.failures):
        assert watcher.post("/v", data={"code": round_.codes[0]}).status_code == 404
    assert watcher.post("/v", data={"code": round_.codes[1]}).status_code == 429
