"""The web surface: headers, cookies, idle sign-out, login throttling, local assets only."""

from __future__ import annotations

import re
from pathlib import Path

from survey import TEMPLATES
from survey.security.throttle import LOGIN_PER_USER_ADDRESS
from tests.conftest import PASSWORD, make_test_app

STATIC = Path(__file__).resolve().parent.parent / "survey" / "static"


def test_healthz_is_tiny(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.data == b"ok\n"


def test_security_headers_on_every_kind_of_page(client, logged_in, make_round):
    round_ = make_round(cards=1, open_=True)
    pages = [client.get("/v"), client.get("/"), client.get(f"/rounds/{round_.id}"),
             client.post("/v", data={"code": round_.codes[0]}), client.get("/nowhere")]
    for response in pages:
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    assert pages[-1].status_code == 404 and "Không tìm thấy trang này." in pages[-1].text


def test_templates_have_no_inline_script_style_or_remote_asset():
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path  # onclick= etc.
        assert not re.search(r"\sstyle\s*=", html), path
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", html), path
    for path in STATIC.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", path.read_text()), path
        assert "@import" not in path.read_text()


def test_session_cookie_flags(client, make_user):
    make_user()
    response = client.post("/login", data={"username": "organizer", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_behind_tls(database_url, tmp_path):
    app = make_test_app(database_url, SESSION_COOKIE_SECURE=True)
    try:
        with app.app_context():
            from survey.schema import create_all

            create_all()
        response = app.test_client().post("/v", data={"code": "x"})
        assert "Secure" in response.headers.get("Set-Cookie", "Secure")
    finally:
        app.extensions["survey.engine"].dispose()


def test_idle_organizer_is_signed_out(client, logged_in, monkeypatch):
    import survey.auth.sessions

    assert client.get("/").status_code == 200
    start = survey.auth.sessions.time.time()
    monkeypatch.setattr(survey.auth.sessions.time, "time", lambda: start + 31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert "Phiên làm việc đã hết hạn" in page.text


def test_active_organizer_stays_signed_in(client, logged_in, monkeypatch):
    import survey.auth.sessions

    start = survey.auth.sessions.time.time()
    for minutes in (10, 20, 30, 40, 50):  # a request every 10 minutes
        monkeypatch.setattr(survey.auth.sessions.time, "time", lambda m=minutes: start + m * 60)
        assert client.get("/").status_code == 200


def test_login_is_throttled_per_user_not_per_room(client, make_user, throttle_clock):
    make_user("chairman")
    make_user("secretary")
    for _ in range(LOGIN_PER_USER_ADDRESS.failures):
        response = client.post("/login", data={"username": "chairman", "password": "nope"})
        assert response.status_code == 401
    locked = client.post("/login", data={"username": "Chairman", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.text
    # a colleague at the same address is not locked out
    other = client.post("/login", data={"username": "secretary", "password": PASSWORD})
    assert other.status_code == 302


def test_assets_are_served_from_memory_with_a_validator(client):
    css = client.get("/static/css/app.css")
    assert css.status_code == 200
    assert css.data == (STATIC / "css" / "app.css").read_bytes()
    assert css.headers["Content-Type"].startswith("text/css")
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    assert css.headers["Cache-Control"] == "no-cache"
    again = client.get("/static/css/app.css", headers={"If-None-Match": css.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    script = client.get("/static/js/vote.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert script.headers["ETag"] != css.headers["ETag"]
    head = client.head("/static/js/vote.js")
    assert head.status_code == 200 and head.data == b""


def test_asset_paths_cannot_leave_the_static_folder(client):
    for path in ("/static/../__init__.py", "/static/%2e%2e/__init__.py", "/static/nothing.js",
                 "/static/css"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"create_app" not in response.data
    font = client.get("/static/fonts/DejaVuSerif.ttf")  # large files still come from Flask
    try:
        assert font.status_code == 200 and len(font.data) > 256 * 1024
    finally:
        font.close()


def test_forwarded_address_is_believed_only_from_a_trusted_proxy():
    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    from survey.security.proxies import TrustedProxies

    def show(environ, start_response):
        seen = f"{environ['REMOTE_ADDR']} {environ['wsgi.url_scheme']}"
        return Response(seen)(environ, start_response)

    client = Client(TrustedProxies(show, 1, "127.0.0.1, ::1, 10.0.0.0/24"))
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}

    def seen(peer):
        return client.get("/", headers=forwarded, environ_base={"REMOTE_ADDR": peer}).text

    assert seen("127.0.0.1") == "203.0.113.9 https"  # the local proxy
    assert seen("10.0.0.7") == "203.0.113.9 https"  # a proxy in the configured network
    assert seen("::ffff:10.0.0.7") == "203.0.113.9 https"
    assert seen("192.0.2.50") == "192.0.2.50 http"  # anyone else: their own address
    assert seen("not an address") == "not an address http"


def test_rotating_x_forwarded_for_does_not_escape_the_login_limit(database_url, tmp_path,
                                                                   make_user, throttle_clock):
    """The app is reachable directly as well as through its proxy: a client that sends a new
    X-Forwarded-For with each wrong password is still counted at its own address."""
    make_user("chairman")
    app = make_test_app(database_url, PROXY_COUNT=1)
    try:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "192.0.2.50"
        statuses = [
            client.post("/login", data={"username": "chairman", "password": "nope"},
                        headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
            for i in range(LOGIN_PER_USER_ADDRESS.failures + 1)
        ]
        assert statuses == [401] * LOGIN_PER_USER_ADDRESS.failures + [429]
        # through the proxy (a trusted address), each forwarded address is its own
        proxy = app.test_client()
        proxy.environ_base["REMOTE_ADDR"] = "127.0.0.1"
        response = proxy.post("/login", data={"username": "chairman", "password": "nope"},
                              headers={"X-Forwarded-For": "198.51.100.200"})
        assert response.status_code == 401
    finally:
        app.extensions["survey.engine"].dispose()
