"""Organizer sessions end on the server: at sign-out, after their absolute lifetime, when the
password changes; signing in renews the CSRF token."""

from __future__ import annotations

import hashlib

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select

from survey.auth.models import LoginSession
from survey.auth.sessions import TOKEN
from survey.schema import create_all
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
    import survey.auth.sessions

    copied = cookie_of(logged_in)
    start = survey.auth.sessions.time.time()
    monkeypatch.setattr(survey.auth.sessions.time, "time", lambda: start + 31 * 60)
    assert logged_in.get("/").status_code == 302
    assert records(session) == 0
    monkeypatch.setattr(survey.auth.sessions.time, "time", lambda: start)  # a fresh clock
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


# -- passwords -----------------------------------------------------------------------------------


NEW_PASSWORD = "a new and longer one"


def sign_in(app, name="organizer", password=PASSWORD):
    client = app.test_client()
    return client, client.post("/login", data={"username": name, "password": password})


def audit_entries(session, action):
    from survey.security.models import AuditEntry

    session.rollback()
    return [(e.actor, e.details) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def test_changing_ones_password_ends_the_other_sessions(app, session, make_user):
    make_user()
    (laptop, _), (phone, _) = sign_in(app), sign_in(app)
    copied = cookie_of(laptop)
    page = laptop.get("/account/password")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    assert "/account/password" in laptop.get("/").text  # in the header of every page
    wrong = laptop.post("/account/password", data={
        "current": "not it", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert wrong.status_code == 400 and "Mật khẩu hiện tại không đúng." in wrong.text
    mismatch = laptop.post("/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert mismatch.status_code == 400 and "Hai mật khẩu không khớp." in mismatch.text
    short = laptop.post("/account/password", data={
        "current": PASSWORD, "password": "short", "confirm": "short"})
    assert short.status_code == 400 and "Ít nhất 10 ký tự." in short.text
    assert phone.get("/").status_code == 200  # nothing changed yet

    done = laptop.post("/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert "Đã đổi mật khẩu." in laptop.get(done.headers["Location"]).text
    assert laptop.get("/").status_code == 200  # this browser goes on, in a new session
    ended = phone.get("/")
    assert ended.status_code == 302
    assert "Phiên đăng nhập này đã kết thúc" in phone.get(ended.headers["Location"]).text
    assert replay(app, copied).get("/").status_code == 302  # the old cookie of the laptop too
    assert records(session) == 1
    assert sign_in(app)[1].status_code == 401
    assert sign_in(app, password=NEW_PASSWORD)[1].status_code == 302
    [(actor, details)] = audit_entries(session, "user.password")
    assert actor == "organizer" and details == '{"user":"organizer"}'


def test_a_wrong_current_password_counts_as_a_wrong_login(app, make_user, throttle_clock):
    from survey.security.throttle import LOGIN_PER_DEVICE

    make_user()
    client, _ = sign_in(app)
    data = {"current": "guess", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    statuses = [client.post("/account/password", data=data).status_code
                for _ in range(LOGIN_PER_DEVICE.failures + 1)]
    assert statuses == [400] * LOGIN_PER_DEVICE.failures + [429]


def test_the_cli_resets_a_password_and_ends_every_session(app, runner, session, make_user):
    from tests.factories import refused, run

    make_user()
    client, _ = sign_in(app)
    result = run(runner, "user", "password", "Organizer", "--password-stdin",
                 input=f"{NEW_PASSWORD}\n")
    assert "Đã đổi mật khẩu của organizer" in result.stdout and NEW_PASSWORD not in result.output
    assert client.get("/").status_code == 302
    assert records(session) == 0
    assert sign_in(app)[1].status_code == 401
    assert sign_in(app, password=NEW_PASSWORD)[1].status_code == 302
    [(actor, details)] = audit_entries(session, "user.password")
    assert actor.startswith("cli:") and details == '{"user":"organizer"}'

    assert "Không có tài khoản “nobody”." in refused(runner, "user", "password", "nobody",
                                                      input=f"{NEW_PASSWORD}\n")
    signed_in, _ = sign_in(app, password=NEW_PASSWORD)
    message = refused(runner, "user", "password", "organizer", input="short\n")
    assert "Mật khẩu cần ít nhất 10 ký tự." in message
    assert signed_in.get("/").status_code == 200  # a refused reset changes nothing
    assert sign_in(app, password=NEW_PASSWORD)[1].status_code == 302


def test_the_first_start_admin_password_can_be_changed(app, runner):
    from survey.cli import ADMIN, ensure_admin
    from tests.factories import run

    with app.app_context():
        first = ensure_admin()
    client, response = sign_in(app, ADMIN, first)
    assert response.status_code == 302
    assert client.post("/account/password", data={
        "current": first, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert sign_in(app, ADMIN, first)[1].status_code == 401
    run(runner, "user", "password", ADMIN, input="yet another password\n")
    assert client.get("/").status_code == 302
    assert sign_in(app, ADMIN, "yet another password")[1].status_code == 302


def test_locking_an_account_ends_its_sessions(app, session, make_user):
    from survey.auth.models import User

    make_user("chief", "admin")
    make_user()
    admin, _ = sign_in(app, "chief")
    organizer, _ = sign_in(app)
    assert organizer.get("/").status_code == 200
    user_id = session.scalar(select(User.id).where(User.username == "organizer"))
    assert admin.post(f"/users/{user_id}/active", data={"active": "0"}).status_code == 302
    assert organizer.get("/").status_code == 302
    assert records(session) == 1  # the administrator's own
