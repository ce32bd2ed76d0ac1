"""Login, logout and account management."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from survey.auth import operations
from survey.auth.forms import ROLE_LABELS, LoginForm, PasswordForm, UserForm
from survey.auth.models import User
from survey.auth.sessions import sign_in, sign_out
from survey.db import begin_write, get_session
from survey.errors import SurveyError
from survey.i18n import _
from survey.security.logins import login_checks, remember_browser
from survey.web import admin_required, audit, client_address, flash_error, safe_target, throttle

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in an organizer, administrator or reader."""
    form = LoginForm()
    if form.validate_on_submit():
        name = form.username.data.strip().lower()
        checks = login_checks(name, client_address())
        if wait := throttle().reserve(checks):  # a place in the budgets before the check
            flash_error(_("Đăng nhập sai quá nhiều lần. Hãy thử lại sau %(minutes)d phút.",
                          minutes=max(1, (wait + 59) // 60)))
            return render_template("auth/login.html", form=form), 429
        db = get_session()
        # the hash is checked before the writer's turn: voters' casts never wait for it
        user = operations.authenticate(db, form.username.data, form.password.data)
        if user is None:  # the place taken stays: it counts this failure
            flash_error(_("Tên đăng nhập hoặc mật khẩu không đúng."))
            return render_template("auth/login.html", form=form), 401
        begin_write(db)
        sign_in(db, user)  # a session recorded on the server, a new CSRF token
        audit(db, "auth.login")
        db.commit()
        throttle().release(checks)  # after the commit: it writes on its own connection
        response = redirect(safe_target(request.args.get("next")))
        remember_browser(response, name)
        return response
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out: the session ends on the server, not only in this browser."""
    db = begin_write(get_session())
    audit(db, "auth.logout")
    sign_out(db)
    db.commit()
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """The signed-in user changes their own password; their other sessions end."""
    form = PasswordForm()
    if form.validate_on_submit():
        # a wrong current password counts as a wrong login: a copied cookie cannot guess it
        checks = login_checks(current_user.username.lower(), client_address())
        if wait := throttle().reserve(checks):
            flash_error(_("Đăng nhập sai quá nhiều lần. Hãy thử lại sau %(minutes)d phút.",
                          minutes=max(1, (wait + 59) // 60)))
            return render_template("auth/password.html", form=form), 429
        if not current_user.check_password(form.current.data):  # before the writer's turn
            form.current.errors = [_("Mật khẩu hiện tại không đúng.")]
            return render_template("auth/password.html", form=form), 400
        db = begin_write(get_session())
        user = db.get(User, current_user.id)
        try:
            operations.change_password(db, user, form.password.data)  # ends every session
        except SurveyError as exc:
            db.rollback()
            throttle().release(checks)
            form.password.errors = [str(exc)]
            return render_template("auth/password.html", form=form), 400
        sign_in(db, user)  # this browser goes on, in a new session
        audit(db, "user.password", user=user.username)
        db.commit()
        throttle().release(checks)
        flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản này đã kết thúc."),
              "info")
        return redirect(url_for("rounds.index"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    """List accounts and add one."""
    db = get_session()
    form = UserForm()
    if form.validate_on_submit():
        begin_write(db)
        try:
            created = operations.create_user(
                db, form.username.data, form.password.data, form.role.data, datetime.now(UTC)
            )
            audit(db, "user.create", user=created.username, role=created.role)
        except SurveyError as exc:
            db.rollback()
            flash_error(exc)
        else:
            db.commit()
            flash(_("Đã tạo tài khoản %(name)s.", name=form.username.data), "info")
            return redirect(url_for("auth.users"))
    accounts = db.scalars(select(User).order_by(User.username)).all()
    return render_template("auth/users.html", form=form, users=accounts, roles=ROLE_LABELS)


@bp.post("/users/<int:user_id>/active")
@admin_required
def set_active(user_id: int):
    """Lock or unlock an account."""
    db = begin_write(get_session())
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    try:
        operations.set_active(db, user, request.form.get("active") == "1", current_user)
        audit(db, "user.unlock" if user.active else "user.lock", user=user.username)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
    else:
        db.commit()
    return redirect(url_for("auth.users"))
