"""Application-wide web plumbing: headers, error pages, login, locale, health check."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    has_request_context,
    render_template,
    request,
    session,
)
from flask_login import current_user, login_required, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from survey.db import get_session
from survey.extensions import login_manager
from survey.i18n import _, _l

LOCALES = ("vi", "en")

#: Every page: no inline scripts, nothing from another host, never framed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

ERROR_MESSAGES = {
    400: _l("Yêu cầu không hợp lệ. Hãy tải lại trang và thử lại."),
    403: _l("Bạn không có quyền xem trang này."),
    404: _l("Không tìm thấy trang này."),
    405: _l("Thao tác này không được phép ở đây."),
    409: _l("Thao tác không thực hiện được ở trạng thái hiện tại."),
    413: _l("Tệp gửi lên quá lớn."),
    500: _l("Máy chủ gặp lỗi. Không có gì bị thay đổi; hãy thử lại sau ít phút."),
    503: _l("Máy chủ đang quá tải hoặc hết chỗ lưu trữ. Không có gì bị thay đổi; hãy thử lại."),
}


def select_locale() -> str:
    """Vietnamese unless the user chose another language; the CLI speaks Vietnamese."""
    if not has_request_context():
        return "vi"
    lang = request.cookies.get("lang")
    return lang if lang in LOCALES else "vi"


def init_app(app: Flask) -> None:
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    app.before_request(_idle_timeout)
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.add_url_rule("/healthz", "healthz", healthz)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Hãy đăng nhập để tiếp tục.")
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale


def healthz() -> Response:
    """Liveness probe: a tiny body, no database work."""
    return Response("ok\n", mimetype="text/plain")


def _load_user(user_id: str) -> Any:
    from survey.auth.models import User

    try:
        return get_session().get(User, int(user_id))
    except ValueError:
        return None


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static":
        # Ballots, card codes and results must never sit in a browser or proxy cache.
        headers["Cache-Control"] = "no-store"
    return response


def _idle_timeout() -> None:
    """Sign an organizer out after ``IDLE_TIMEOUT`` seconds without a request."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    now = int(time.time())
    last = session.get("seen", now)
    if now - last > current_app.config["IDLE_TIMEOUT"]:
        logout_user()
        session.clear()
        flash(str(_l("Phiên làm việc đã hết hạn vì lâu không thao tác. Hãy đăng nhập lại.")),
              "info")
        return
    if now - last >= 30:  # rewrite the cookie at most every 30 s
        session["seen"] = now
    session.setdefault("seen", now)


def _database_unavailable(exc: OperationalError) -> tuple[str, int]:
    """Disk full, database locked for too long, server gone: nothing was stored; say so."""
    current_app.logger.error("database unavailable: %s", type(exc.orig).__name__)
    return render_template("error.html", code=503, message=ERROR_MESSAGES[503]), 503


def _http_error(exc: HTTPException) -> tuple[str, int]:
    code = exc.code or 500
    if isinstance(exc, CSRFError):
        message = _l("Trang đã hết hạn hoặc thiếu mã bảo vệ. Hãy tải lại trang và thử lại.")
    elif exc.description != type(exc).description:  # abort(409, "what happened")
        message = exc.description
    else:
        message = ERROR_MESSAGES.get(code, exc.description)
    return render_template("error.html", code=code, message=message), code


def organizer_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Logged in as an organizer or an administrator."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.can_organize:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def audit(db: Any, action: str, round_id: int | None = None, **details: Any) -> None:
    """Record an organizer action in the audit log, in the view's transaction."""
    from datetime import UTC, datetime

    from survey.security.audit import record

    record(db, actor=current_user.username, action=action, now=datetime.now(UTC),
           round_id=round_id, details=details)


def throttle() -> Any:
    """The app's shared counter of failed attempts."""
    from survey.security.throttle import Throttle

    if "survey.throttle" not in current_app.extensions:
        current_app.extensions["survey.throttle"] = Throttle(
            current_app.extensions["survey.engine"], current_app.config["SECRET_KEY"]
        )
    return current_app.extensions["survey.throttle"]


def client_address() -> str:
    return request.remote_addr or "-"


def flash_error(message: object) -> None:
    from flask import flash

    flash(str(message), "error")


__all__ = ["_", "admin_required", "audit", "organizer_required", "flash_error", "throttle"]
