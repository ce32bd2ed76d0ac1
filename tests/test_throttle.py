"""Guessing card codes or passwords is slowed down, without locking out a meeting room."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.ballots.cards import new_code
from survey.security.models import FailedAttempt
from survey.security.throttle import CARD_PER_ADDRESS, CARD_PER_BROWSER
from tests.conftest import make_test_app


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
    assert 40 * 3 < CARD_PER_ADDRESS.failures


def test_an_address_is_stopped_when_browsers_keep_changing(app, make_round):
    round_ = make_round(cards=1, open_=True)
    for _ in range(CARD_PER_ADDRESS.failures):
        guess(app.test_client())  # a new cookie jar each time: no browser budget applies
    late = app.test_client().post("/v", data={"code": round_.codes[0]})
    assert late.status_code == 429
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    assert other_address.post("/v", data={"code": round_.codes[0]}).status_code == 200


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
    assert session.scalar(select(func.count()).select_from(FailedAttempt)) >= 2


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
