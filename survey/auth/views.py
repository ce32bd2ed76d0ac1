"""Login, logout and account management."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from survey.auth import operations
from survey.auth.forms import ROLE_LABELS, LoginForm, PasswordForm, UserForm
from survey.auth.models import User
from survey.auth.sessions import sign_in, sign_out
from survey.db import get_session
from survey.i18n import _
from survey.security.logins import login_checks, remember_browser
from survey.web import (
    admin_required,
    audit,
    client_address,
    flash_error,
    safe_target,
    throttle,
    write,
)

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign in an organizer, administrator or reader."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    name = form.username.data.strip().lower()
    checks = login_checks(name, client_address())
    if wait := throttle().reserve(checks):  # a place in the budgets before the check
        return _too_many_attempts("auth/login.html", form, wait)
    # the hash is checked before the writer's turn: voters' casts never wait for it
    user = operations.authenticate(get_session(), form.username.data, form.password.data)
    if user is None:  # the place taken stays: it counts this failure
        flash_error(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        return render_template("auth/login.html", form=form), 401
    with write():
        sign_in(get_session(), user)  # a session recorded on the server, a new CSRF token
        audit(get_session(), "auth.login")
    throttle().release(checks)  # after the commit: it writes on its own connection
    response = redirect(safe_target(request.args.get("next")))
    remember_browser(response, name)
    return response


def _too_many_attempts(template: str, form: FlaskForm, wait: int) -> ResponseReturnValue:
    flash_error(_("Đăng nhập sai quá nhiều lần. Hãy thử lại sau %(minutes)d phút.",
                  minutes=max(1, (wait + 59) // 60)))
    return render_template(template, form=form), 429


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out: the session ends on the server, not only in this browser."""
    with write():
        audit(get_session(), "auth.logout")
        sign_out(get_session())
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """The signed-in user changes their own password; their other sessions end."""
    form = PasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/password.html", form=form), 400 if form.errors else 200
    # a wrong current password counts as a wrong login: a copied cookie cannot guess it
    checks = login_checks(current_user.username.lower(), client_address())
    if wait := throttle().reserve(checks):
        return _too_many_attempts("auth/password.html", form, wait)
    if not current_user.check_password(form.current.data):  # before the writer's turn
        form.current.errors = [_("Mật khẩu hiện tại không đúng.")]
        return render_template("auth/password.html", form=form), 400
    with write(flash_refusal=False) as outcome:
        _new_password(form.password.data)
    throttle().release(checks)
    if not outcome.done:
        form.password.errors = [str(outcome.refusal)]
        return render_template("auth/password.html", form=form), 400
    flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản này đã kết thúc."), "info")
    return redirect(url_for("rounds.index"))


def _new_password(password: str) -> None:
    db = get_session()
    user = db.get(User, current_user.id)
    assert user is not None  # signed in, and accounts are never deleted
    operations.change_password(db, user, password)  # ends every session of the account
    sign_in(db, user)  # this browser goes on, in a new session
    audit(db, "user.password", user=user.username)


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users() -> ResponseReturnValue:
    """List accounts and add one."""
    form = UserForm()
    if form.validate_on_submit():
        with write() as outcome:
            created = operations.create_user(get_session(), form.username.data,
                                             form.password.data, form.role.data, datetime.now(UTC))
            audit(get_session(), "user.create", user=created.username, role=created.role)
        if outcome.done:
            flash(_("Đã tạo tài khoản %(name)s.", name=form.username.data), "info")
            return redirect(url_for("auth.users"))
    accounts = get_session().scalars(select(User).order_by(User.username)).all()
    return render_template("auth/users.html", form=form, users=accounts, roles=ROLE_LABELS)


@bp.post("/users/<int:user_id>/active")
@admin_required
def set_active(user_id: int) -> ResponseReturnValue:
    """Lock or unlock an account."""
    with write():
        db = get_session()
        if (user := db.get(User, user_id)) is None:
            abort(404)
        operations.set_active(db, user, request.form.get("active") == "1", current_user)
        audit(db, "user.unlock" if user.active else "user.lock", user=user.username)
    return redirect(url_for("auth.users"))
