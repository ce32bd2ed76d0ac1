"""Sessions that end on the server: a record per signed-in browser, checked on every request.

Flask's session is a signed cookie, so signing out cleared only the browser's copy, and a copy
taken before kept working. Now the cookie also carries a random token; the database keeps its
SHA-256 with the account and the time of sign-in (:class:`~survey.auth.models.LoginSession`),
and the account is loaded only through a live record. A session ends when its record goes or
grows too old:

* signing out, or the idle sign-out (``IDLE_TIMEOUT``, kept in the cookie: :func:`idle_timeout`);
* a password change or reset, or locking the account: every session of the account (the
  browser that changed its own password is given a new one);
* ``ABSOLUTE_TIMEOUT`` seconds after the sign-in, however busy the browser was (refused from
  then on, deleted at a later sign-in).

Signing in also renews the CSRF token: a token seen before the sign-in is no use after it.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from flask import Flask, current_app, flash, g, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey.auth.models import LoginSession, User
from survey.db import IMMEDIATE, get_session
from survey.extensions import login_manager
from survey.i18n import _l

#: The session cookie's key for the token.
TOKEN = "sid"

ENDED = _l("Phiên đăng nhập này đã kết thúc (đã đăng xuất, đổi mật khẩu hoặc tài khoản bị "
           "khóa). Hãy đăng nhập lại.")
EXPIRED = _l("Phiên đăng nhập đã quá thời hạn. Hãy đăng nhập lại.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clock() -> int:
    """Now, in Unix seconds."""
    return int(time.time())


# -- the records ---------------------------------------------------------------------------------


def open_session(db: Session, user_id: int, now: int, lifetime: int) -> str:
    """Record a sign-in of ``user_id``; return the token for its cookie.

    Sessions past their lifetime, of any account, are deleted on the way.
    """
    db.execute(delete(LoginSession).where(LoginSession.started <= now - lifetime))
    token = secrets.token_urlsafe(32)
    db.add(LoginSession(id=_digest(token), user_id=user_id, started=now))
    db.flush()
    return token


def session_user(db: Session, user_id: int, token: str, now: int,
                 lifetime: int) -> tuple[User | None, bool]:
    """The account of the live session ``token``, and whether it was found but too old."""
    row = db.execute(
        select(User, LoginSession.started)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.id == _digest(token), User.id == user_id)
    ).first()
    if row is None:
        return None, False
    user, started = row
    if now - started >= lifetime:
        return None, True
    return user, False


def close_session(db: Session, token: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.id == _digest(token)))


# -- this request's browser ----------------------------------------------------------------------


def _renew_csrf() -> None:
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)  # a new one is made for the next form
    g.pop(field, None)


def sign_in(db: Session, user: User) -> None:
    """Sign ``user`` in on this browser: a new record, token and CSRF token (in ``db``'s
    transaction, which the view commits)."""
    token = open_session(db, user.id, clock(), current_app.config["ABSOLUTE_TIMEOUT"])
    _renew_csrf()
    login_user(user)
    session[TOKEN] = token
    session["seen"] = clock()  # the idle clock (survey.web) starts at the sign-in


def sign_out(db: Session) -> None:
    """End this browser's session, on the server (in ``db``'s transaction) and in the cookie."""
    if (token := session.get(TOKEN)) is not None:
        close_session(db, token)
    logout_user()
    session.clear()


def sign_out_now() -> None:
    """End this browser's session at once, in a transaction of its own (the idle sign-out,
    before any view runs)."""
    if (token := session.get(TOKEN)) is not None:
        engine = current_app.extensions["survey.engine"]
        with engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            conn.execute(delete(LoginSession).where(LoginSession.id == _digest(token)))
    logout_user()
    session.clear()


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the account, only through a live session record."""
    token = session.get(TOKEN)
    if not token or not user_id.isdigit():
        return None
    user, expired = session_user(get_session(), int(user_id), token, clock(),
                                 current_app.config["ABSOLUTE_TIMEOUT"])
    g.survey_session_expired = expired
    return user


def check_request() -> None:
    """Before each request: a browser whose session has ended on the server is signed out
    here too, and told why."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    if current_user.is_authenticated:
        return
    message = EXPIRED if g.pop("survey_session_expired", False) else ENDED
    logout_user()
    session.clear()
    flash(str(message), "info")


def idle_timeout() -> None:
    """Before each request: sign an organizer out after ``IDLE_TIMEOUT`` seconds without a
    request (the time of the last one is kept in the cookie, rewritten at most every 30 s)."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    now = clock()
    last = session.get("seen", now)
    if now - last > current_app.config["IDLE_TIMEOUT"]:
        sign_out_now()
        flash(str(_l("Phiên làm việc đã hết hạn vì lâu không thao tác. Hãy đăng nhập lại.")),
              "info")
        return
    if now - last >= 30:
        session["seen"] = now
    session.setdefault("seen", now)


def init_app(app: Flask) -> None:
    """Load the signed-in account through its session record, and end sessions that ended on
    the server or went idle, before any view runs."""
    login_manager.user_loader(load_user)
    app.before_request(check_request)
    app.before_request(idle_timeout)
