"""Application-wide web plumbing: headers, error pages, login, locale, health check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, abort, render_template, request
from flask_login import current_user, login_required
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
    lang = request.cookies.get("lang")
    return lang if lang in LOCALES else "vi"


def init_app(app: Flask) -> None:
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
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


def _http_error(exc: HTTPException) -> tuple[str, int]:
    code = exc.code or 500
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


def flash_error(message: object) -> None:
    from flask import flash

    flash(str(message), "error")


__all__ = ["_", "admin_required", "organizer_required", "flash_error"]
