"""Organizer sessions end on the server: at sign-out, after their absolute lifetime, when the
password changes; signing in renews the CSRF token."""

from __future__ import annotations

import hashlib

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select

from survey.auth.models import LoginSession
from survey.auth.sessions import TOKEN
from survey.db import create_all
from tests.conftest import PASSWORD, csrf_token, make_test_app


def cookie_of(client):
    return client.get_cookie("survey_session").value


def replay(app, cookie):
    """A new browser sending a copied session cookie."""
    client = app.test_client()
    client.set_cookie("survey_session", cookie)
    return client


def session_data(app, cookie) -> dict:
    return SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie)


def records(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(LoginSession))


def test_a_cookie_replayed_after_logout_is_refused(app, session, logged_in):
    copied = cookie_of(logged_in)
    assert replay(app, copied).get("/").status_code == 200  # the copy works while signed in
    assert records(session) == 1
    assert logged_in.post("/logout").status_code == 302
    assert records(session) == 0
    stolen = replay(app, copied)
    refused = stolen.get("/")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert "Phiên đăng nhập này đã kết thúc" in stolen.get(refused.headers["Location"]).text
    assert replay(app, copied).post("/rounds/new", data={"title": "x"}).status_code == 302


def test_each_sign_in_is_a_session_of_its_own(app, session, make_user):
    make_user()
    laptop, phone = app.test_client(), app.test_client()
    for client in (laptop, phone):
        client.post("/login", data={"username": "organizer", "password": PASSWORD})
    assert records(session) == 2
    laptop.post("/logout")
    assert phone.get("/").status_code == 200  # signing out on the laptop leaves the phone
    assert laptop.get("/").status_code == 302


def test_the_record_keeps_a_hash_of_the_token_and_nothing_about_the_browser(app, session,
                                                                           logged_in):
    token = session_data(app, cookie_of(logged_in))[TOKEN]
    [row] = session.scalars(select(LoginSession)).all()
    assert row.id == hashlib.sha256(token.encode()).hexdigest() != token
    assert set(LoginSession.__table__.columns.keys()) == {"id", "user_id", "started"}
    assert {fk.column.table.name for fk in LoginSession.__table__.foreign_keys} == {"users"}


@pytest.fixture
def short_app(database_url, tmp_path):
    """Sessions that last an hour, idle ones 30 minutes."""
    app = make_test_app(database_url, ABSOLUTE_TIMEOUT=3600, IDLE_TIMEOUT=1800)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        create_all()
    yield app
    app.extensions["survey.engine"].dispose()


def test_a_busy_session_still_ends_at_its_absolute_lifetime(short_app, make_user, monkeypatch):
    import survey.auth.sessions

    make_user()
    client = short_app.test_client()
    start = survey.auth.sessions.time.time()
    monkeypatch.setattr(survey.auth.sessions.time, "time", lambda: start)
    client.post("/login", data={"username": "organizer", "password": PASSWORD})
    for minutes in (20, 40, 59):  # busy: never idle for long
        monkeypatch.setattr(survey.auth.sessions.time, "time", lambda m=minutes: start + m * 60)
        assert client.get("/").status_code == 200
    monkeypatch.setattr(survey.auth.sessions.time, "time", lambda: start + 61 * 60)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Phiên đăng nhập đã quá thời hạn" in client.get(response.headers["Location"]).text
    # signing in again starts a new session (and the old record is gone)
    client.post("/login", data={"username": "organizer", "password": PASSWORD})
    assert client.get("/").status_code == 200


def test_the_idle_sign_out_ends_the_session_on_the_server(app, session, logged_in,
                                                          monkeypatch):
    import survey.web

    copied = cookie_of(logged_in)
    start = survey.web.time.time()
    monkeypatch.setattr(survey.web.time, "time", lambda: start + 31 * 60)
    assert logged_in.get("/").status_code == 302
    assert records(session) == 0
    monkeypatch.setattr(survey.web.time, "time", lambda: start)  # a copy with a fresh clock
    assert replay(app, copied).get("/").status_code == 302


@pytest.fixture
def csrf_app(database_url, tmp_path):
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        create_all()
    yield app
    app.extensions["survey.engine"].dispose()


def test_signing_in_renews_the_csrf_token(csrf_app, make_user):
    make_user()
    client = csrf_app.test_client()
    before = csrf_token(client.get("/login").text)
    secret_before = session_data(csrf_app, cookie_of(client))["csrf_token"]
    signed_in = client.post("/login", data={"username": "organizer", "password": PASSWORD,
                                            "csrf_token": before})
    assert signed_in.status_code == 302
    after = csrf_token(client.get("/").text)
    assert after != before
    assert session_data(csrf_app, cookie_of(client))["csrf_token"] != secret_before
    # a token from before the sign-in (one a page could have leaked) is refused after it
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302
