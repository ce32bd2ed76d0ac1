"""Application-wide web plumbing: headers, error pages, login, locale, health check."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from survey import https
from survey.db import get_session, transaction
from survey.errors import RoundStateError, SurveyError
from survey.extensions import login_manager
from survey.https import cookie_name, served_over_https
from survey.i18n import _, _l, compile_translations
from survey.security.audit import record
from survey.security.throttle import Throttle

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
    405: _l("Thao tác này không được phép ở đây. Hãy quay lại trang trước và dùng các nút trên "
            "trang."),
    409: _l("Thao tác không thực hiện được ở trạng thái hiện tại. Hãy tải lại trang để xem "
            "trạng thái mới nhất."),
    413: _l("Tệp gửi lên quá lớn (tối đa 4 MB). Hãy chọn đúng tệp danh sách, hoặc chia nhỏ tệp."),
    429: _l("Quá nhiều lần thử sai. Hãy chờ vài phút rồi thử lại."),
    500: _l("Máy chủ gặp lỗi. Không có gì bị thay đổi; hãy thử lại sau ít phút."),
    503: _l("Máy chủ đang quá tải hoặc hết chỗ lưu trữ. Không có gì bị thay đổi; hãy thử lại."),
}


#: Documents stay Vietnamese whatever the organizer's screen language: they are the official
#: record. That is every download (the cards PDF, the minutes PDF, CSV/XLSX/JSON exports) and
#: the printable page of the minutes, which must read exactly like the PDF that is signed.
DOCUMENT_PATH = re.compile(r"(/pdf|/minutes|\.(pdf|csv|xlsx|json|jsonl|docx|odt|zip))$")

#: The language cookie: a display preference only, kept a year; it says nothing about a ballot.
#: Over HTTPS it is ``__Host-lang`` (survey.https).
LANG_COOKIE = "lang"
LANG_COOKIE_AGE = 365 * 24 * 3600


def _form_language() -> str | None:
    """A ``lang`` button pressed on a voter page (the ballot is re-posted, so nothing is lost)."""
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        try:
            lang = request.form.get(LANG_COOKIE)
        except HTTPException:  # a body refused unread (413) is refused again, not read here
            return None
        if lang in LOCALES:
            return lang
    return None


def screen_language() -> str:
    """The language of this browser's pages: the switch (cookie) first, then the browser's,
    else Vietnamese."""
    lang = _form_language() or request.cookies.get(cookie_name(LANG_COOKIE))
    if lang in LOCALES:
        return lang
    return request.accept_languages.best_match(LOCALES) or "vi"


def select_locale() -> str:
    """The page's language (:func:`screen_language`). The CLI and documents always speak
    Vietnamese."""
    if not has_request_context() or DOCUMENT_PATH.search(request.path):
        return "vi"
    return screen_language()


@contextmanager
def screen_locale() -> Iterator[None]:
    """Messages in the language of the browser's pages, on a document's path too: a document
    refused (a form posted wrong, results not ready) is answered with a page or a message,
    which the organizer reads in their own language."""
    if not has_request_context():
        yield
        return
    with force_locale(screen_language()):
        yield


def safe_target(target: str | None) -> str:
    """A path on this site (never another host), or the landing page that fits."""
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and not urlsplit(target).netloc:
        return target
    return url_for("rounds.index")


def set_language(code: str) -> BaseResponse:
    """The header's language link: remember the choice and go back to the page."""
    response = redirect(safe_target(request.args.get("next")), code=303)
    _remember_language(response, code)
    return response


def _remember_language(response: BaseResponse, code: str) -> None:
    response.set_cookie(
        cookie_name(LANG_COOKIE), code, max_age=LANG_COOKIE_AGE, httponly=True, samesite="Lax",
        secure=served_over_https(),
    )


def language_url(code: str) -> str:
    """The header link that switches to ``code`` and comes back to this page.

    A page shown in answer to a POST cannot be fetched again: go back to where it started.
    """
    if request.method == "GET":
        target = request.full_path.rstrip("?")
    elif request.path.startswith("/v"):
        target = url_for("voting.landing")
    else:
        target = url_for("rounds.index")
    return url_for("set_language", code=code, next=target)


def _language_from_form(response: Response) -> Response:
    if (lang := _form_language()) is not None:
        _remember_language(response, lang)
    return response


def init_app(app: Flask) -> None:
    from survey.limits import LimitedRequest

    app.request_class = LimitedRequest  # bodies bounded before they are parsed
    https.init_app(app)  # Secure, __Host- cookies and HSTS when served over HTTPS
    if app.config["PROXY_COUNT"]:
        from survey.security.proxies import TrustedProxies

        # forwarded headers only from the proxies configured (Flask types wsgi_app as a
        # method, though its documentation wraps it in middleware this way)
        app.wsgi_app = TrustedProxies(  # type: ignore[method-assign]
            app.wsgi_app, app.config["PROXY_COUNT"], app.config["TRUSTED_PROXIES"]
        )
    app.before_request(_no_control_characters)
    app.after_request(_security_headers)
    app.after_request(_language_from_form)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/lang/<any(vi, en):code>", "set_language", set_language)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Hãy đăng nhập để tiếp tục.")
    login_manager.session_protection = "strong"
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["language_url"] = language_url
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
    compile_translations(app)


def healthz() -> Response:
    """Liveness probe: a tiny body, no database work."""
    return Response("ok\n", mimetype="text/plain")


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


def _no_control_characters() -> None:
    """Refuse a posted form with a NUL character in it: no field has a use for one, and
    PostgreSQL cannot store it (the request would fail after the card was checked)."""
    if request.method == "POST" and any(
        "\x00" in value for _key, values in request.form.lists() for value in values
    ):
        abort(400)


def _database_unavailable(exc: OperationalError) -> tuple[str, int]:
    """Disk full, database locked for too long, server gone: nothing was stored; say so."""
    current_app.logger.error("database unavailable: %s", type(exc.orig).__name__)
    if (db := g.get("db_session")) is not None:
        db.rollback()  # the page below may load the signed-in user again
    with screen_locale():
        return render_template("error.html", code=503, message=ERROR_MESSAGES[503]), 503


def _http_error(exc: HTTPException) -> tuple[str, int]:
    code = exc.code or 500
    message: object
    if isinstance(exc, CSRFError):
        message = _l("Trang đã hết hạn hoặc thiếu mã bảo vệ. Hãy tải lại trang và thử lại.")
    elif exc.description != type(exc).description:  # abort(409, "what happened")
        message = exc.description
    else:
        message = ERROR_MESSAGES.get(code, exc.description)
    with screen_locale():
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


def audit(db: Session, action: str, round_id: int | None = None, **details: Any) -> None:
    """Record an organizer action in the audit log, in the view's transaction."""
    record(db, actor=current_user.username, action=action, now=datetime.now(UTC),
           round_id=round_id, details=details)


class Outcome:
    """What :func:`write` did: ``refusal`` is the operation's refusal, if it made one."""

    refusal: SurveyError | None = None

    @property
    def done(self) -> bool:
        return self.refusal is None


@contextmanager
def write(*, flash_refusal: bool = True) -> Iterator[Outcome]:
    """The request's writing transaction around a view's operations: begun (or continued, after
    ``round_or_404(..., write=True)``), committed at the end of the block, rolled back if it
    raises. A refusal (:class:`~survey.errors.SurveyError`) is not raised: it is kept on the
    :class:`Outcome` and, unless told otherwise, shown to the user as an error message.
    """
    outcome = Outcome()
    try:
        with transaction(get_session()):
            yield outcome
    except SurveyError as exc:
        outcome.refusal = exc
        if flash_refusal:
            flash_error(exc)


def refusal_status(refusal: SurveyError) -> int:
    """The status of a page that shows a refusal: 409 when the round's state forbids the step,
    422 when what was entered is wrong."""
    return 409 if isinstance(refusal, RoundStateError) else 422


def throttle() -> Throttle:
    """The app's shared counter of failed attempts."""
    if "survey.throttle" not in current_app.extensions:
        current_app.extensions["survey.throttle"] = Throttle(
            current_app.extensions["survey.engine"], current_app.config["SECRET_KEY"]
        )
    return current_app.extensions["survey.throttle"]


def client_address() -> str:
    return request.remote_addr or "-"


def flash_error(message: object) -> None:
    """An error for the next page, in that page's language (a lazy message is translated
    here)."""
    with screen_locale():
        flash(str(message), "error")


__all__ = [
    "_", "Outcome", "admin_required", "audit", "organizer_required", "flash_error",
    "refusal_status", "screen_locale", "throttle", "write",
]
