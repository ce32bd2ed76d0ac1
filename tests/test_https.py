"""HTTPS: the real server with a generated certificate, and the app behind a TLS proxy."""

from __future__ import annotations

import http.client
import re
import ssl
from urllib.parse import urlencode

import pytest

from survey.ballots.cards import card_url
from survey.ballots.operations import issue_cards
from survey.certificates import make_certificates
from survey.desk.operations import create_round, open_round
from survey.rounds.operations import get_round, record_attendance
from survey.schema import create_all
from tests.conftest import NOW, btv_rows, csrf_token, make_test_app
from tests.factories import pdf_codes, pdf_qr_texts, pdf_text
from tests.liveserver import LiveServer, Phone

ONE_YEAR = "max-age=31536000"


def set_cookies(headers) -> dict[str, dict[str, str | None]]:
    """``Set-Cookie`` headers as ``{name: {"value": …, attribute (lower case): value}}``, less
    deletions (``Max-Age=0``: Flask-Login clears a remember-me cookie the app never sets)."""
    cookies = {}
    for header in headers.get_all("Set-Cookie") or []:
        first, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = first.partition("=")
        cookie = {"value": value}
        for attribute in attributes:
            key, eq, val = attribute.partition("=")
            cookie[key.lower()] = val if eq else None
        if cookie.get("max-age") != "0":
            cookies[name] = cookie
    return cookies


def assert_host_only_secure(cookie: dict) -> None:
    """What the ``__Host-`` prefix needs, and what the app adds."""
    assert "secure" in cookie and "httponly" in cookie
    assert cookie["path"] == "/" and "domain" not in cookie
    assert cookie["samesite"] == "Lax"


# -- the real server, serving HTTPS itself ------------------------------------------------------


@pytest.fixture
def https_server(database_url, tmp_path):
    made = make_certificates(tmp_path / "tls", ["127.0.0.1"])
    server = LiveServer(database_url, tmp_path / "instance", tls=(made.cert, made.key),
                        ca=made.ca, fixed_base_url=False)
    server.start()
    yield server
    server.stop()


class Browser:
    """One browser's exchanges with the server, each answer as it came (no redirect followed)."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.cookies: dict[str, str] = {}

    def __call__(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPSConnection("127.0.0.1", self.server.port, timeout=30,
                                                 context=self.server.ssl_context())
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        text = data if response.headers.get("Content-Type") == "application/pdf" else data.decode()
        connection.close()
        for name, cookie in set_cookies(response.headers).items():
            self.cookies[name] = cookie["value"]
        return response.status, response.headers, text


@pytest.mark.slow
def test_survey_serve_speaks_https_with_a_generated_certificate(https_server, database_url):
    server = https_server
    base = f"https://127.0.0.1:{server.port}"
    log = server.log()
    # no SURVEY_BASE_URL: the address found at start is printed, and put on cards, with https
    assert f"Điện thoại trong mạng LAN mở: {base}/v" in log
    admin_password = re.search(r"Mật khẩu:\s+(\S+)", log).group(1)
    app = make_test_app(database_url)
    try:
        with app.extensions["survey.sessionmaker"].begin() as session:
            round_ = create_round(session, title="Qua HTTPS", subjects=btv_rows()[:3], now=NOW)
            record_attendance(session, round_, summoned=3, present=3)
            round_id = round_.id

        browser = Browser(server)  # checks the certificate against the CA, for 127.0.0.1
        status, headers, page = browser("GET", "/login")
        assert status == 200
        assert headers["Strict-Transport-Security"] == ONE_YEAR
        cookies = set_cookies(headers)
        assert "survey_session" not in cookies and "lang" not in cookies
        assert_host_only_secure(cookies["__Host-survey_session"])

        status, headers, _ = browser("POST", "/login", {
            "csrf_token": csrf_token(page), "username": "admin", "password": admin_password})
        assert status == 302 and headers["Strict-Transport-Security"] == ONE_YEAR
        assert_host_only_secure(set_cookies(headers)["__Host-survey_session"])

        # the printed card sheet: every QR code carries the https address
        status, _, page = browser("GET", f"/rounds/{round_id}")
        assert status == 200
        once = re.search(r'name="once" type="hidden" value="([^"]+)"', page)[1]
        status, _, _ = browser("POST", f"/rounds/{round_id}/cards",
                               {"csrf_token": csrf_token(page), "count": "2", "once": once})
        assert status == 302
        status, _, made = browser("GET", f"/rounds/{round_id}/cards/new")
        assert status == 200
        status, headers, sheet = browser("POST", f"/rounds/{round_id}/cards/pdf",
                                         {"csrf_token": csrf_token(made)})
        assert status == 200 and headers["Content-Type"] == "application/pdf"
        codes = pdf_codes(sheet)
        assert len(codes) == 2
        assert pdf_qr_texts(sheet) == [card_url(base, code) for code in codes]
        text = " ".join(pdf_text(sheet).split())
        assert f"mở {base}/v và nhập mã" in text and "http://127.0.0.1" not in text

        # the language switch: a __Host- cookie too, and read back under that name
        status, headers, _ = browser("GET", "/lang/en?next=/v")
        assert status == 303
        lang = set_cookies(headers)["__Host-lang"]
        assert lang["value"] == "en"
        assert_host_only_secure(lang)
        status, _, landing = browser("GET", "/v")
        assert '<html lang="en"' in landing

        # a voter casts over HTTPS
        with app.extensions["survey.sessionmaker"].begin() as session:
            round_ = get_round(session, round_id)
            issue_cards(session, round_)
            open_round(session, round_, NOW)
        phone = Phone(base, server.ssl_context())
        status, url, _ = phone.cast(codes[0], {})
        assert url.endswith("/v/thanks") and status == 200
        assert phone.headers["Strict-Transport-Security"] == ONE_YEAR
        assert {c.name for c in phone.cookies} == {"__Host-survey_session"}
        assert all(c.secure for c in phone.cookies)
    finally:
        app.extensions["survey.engine"].dispose()

    # nothing is answered in plain HTTP on that port
    plain = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        plain.request("GET", "/healthz")
        plain.getresponse()
    plain.close()
    # and a client that does not trust the CA refuses the certificate
    strict = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=10,
                                         context=ssl.create_default_context())
    with pytest.raises(ssl.SSLCertVerificationError):
        strict.request("GET", "/healthz")
    strict.close()


# -- the app behind a TLS proxy, or on plain HTTP ----------------------------------------------


@pytest.fixture
def behind(database_url):
    apps = []

    def _make(**config):
        app = make_test_app(database_url, WTF_CSRF_ENABLED=True, **config)
        apps.append(app)
        with app.app_context():
            create_all()
        return app.test_client()

    yield _make
    for app in apps:
        app.extensions["survey.engine"].dispose()


def test_plain_http_keeps_plain_cookie_names_and_sends_no_hsts(behind):
    client = behind()
    login = client.get("/login")
    assert "Strict-Transport-Security" not in login.headers
    session = set_cookies(login.headers)["survey_session"]
    assert "secure" not in session and "httponly" in session
    lang = set_cookies(client.get("/lang/en?next=/v").headers)["lang"]
    assert "secure" not in lang
    assert '<html lang="en"' in client.get("/v").text


def _assert_served_as_https(client, **request) -> None:
    login = client.get("/login", **request)
    assert login.headers["Strict-Transport-Security"] == ONE_YEAR
    cookies = set_cookies(login.headers)
    assert set(cookies) == {"__Host-survey_session"}
    assert_host_only_secure(cookies["__Host-survey_session"])
    # a form posted with no Referer (pages ask for none) passes the CSRF check over HTTPS
    refused = client.post("/login", data={"csrf_token": csrf_token(login.text),
                                          "username": "nobody", "password": "wrong"}, **request)
    assert refused.status_code == 401, refused.text
    switch = client.get("/lang/en?next=/v", **request)
    assert_host_only_secure(set_cookies(switch.headers)["__Host-lang"])
    # the choice is read back under its prefixed name (the plain one is not looked at)
    assert '<html lang="en"' in client.get("/v", **request).text
    client.set_cookie("lang", "vi")
    assert '<html lang="en"' in client.get("/v", **request).text


def test_session_cookie_secure_setting_means_every_browser_uses_https(behind):
    """A TLS proxy whose X-Forwarded-Proto the app is not told to trust."""
    _assert_served_as_https(behind(SESSION_COOKIE_SECURE=True))


def test_a_trusted_proxy_saying_https_is_believed(behind):
    _assert_served_as_https(behind(PROXY_COUNT=1),
                            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.5"})


def test_a_request_over_tls_is_https(behind):
    _assert_served_as_https(behind(), base_url="https://192.0.2.10")


def test_an_untrusted_forwarded_proto_changes_nothing(behind):
    client = behind()  # no SURVEY_PROXY_COUNT: anyone could send the header
    login = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in login.headers
    assert set(set_cookies(login.headers)) == {"survey_session"}


def test_hsts_can_be_turned_off(behind):
    client = behind(SESSION_COOKIE_SECURE=True, HSTS_MAX_AGE=0)
    login = client.get("/login")
    assert "Strict-Transport-Security" not in login.headers
    assert "__Host-survey_session" in set_cookies(login.headers)
