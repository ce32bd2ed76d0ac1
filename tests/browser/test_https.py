"""Chromium over HTTPS: the voter's path and the organizer's sign-in with ``__Host-`` cookies.

The page sends no ``Referer`` (``Referrer-Policy: no-referrer``), so this is also the proof that a
form posted over HTTPS passes the CSRF check. The certificate is made by ``survey cert``'s code;
the browser is told to accept it, as a phone whose owner accepted the warning does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from survey.certificates import make_certificates
from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    QuietHandler,
    choose,
    printed_card_urls,
    sign_in,
    stored,
    to_review,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def https_base(app, tmp_path) -> Iterator[str]:
    made = make_certificates(tmp_path / "tls", ["127.0.0.1"])
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler,
                        ssl_context=(str(made.cert), str(made.key)))
    base = f"https://127.0.0.1:{httpd.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def context(browser):
    contexts = []

    def _context(kind: dict):
        made = browser.new_context(**kind, ignore_https_errors=True)
        made.set_default_timeout(10_000)
        contexts.append(made)
        return made

    yield _context
    for made in contexts:
        made.close()


def test_a_phone_votes_over_https_with_host_only_secure_cookies(context, https_base, session,
                                                                make_round):
    round_ = make_round(cards=1, open_=True)
    [url] = printed_card_urls(round_, https_base)[:1]
    assert url.startswith(f"{https_base}/v#")  # what the printed QR code opens
    phone_context = context(PHONE)
    phone = phone_context.new_page()
    responses = []
    phone.on("response", lambda r: responses.append(r))
    phone.goto(url)
    phone.wait_for_url(f"{https_base}/v")
    choose(phone, round_.subjects[0], "Tín nhiệm thấp")
    to_review(phone, https_base)
    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.wait_for_url(f"{https_base}/v/thanks")
    assert stored(session, round_.id)[0] == 1
    assert {r.url.split(":")[0] for r in responses} == {"https"}
    pages = [r for r in responses if "text/html" in (r.headers.get("content-type") or "")]
    assert pages and all(r.headers.get("strict-transport-security") == "max-age=31536000"
                         for r in pages)
    cookies = phone_context.cookies()
    assert [c["name"] for c in cookies] == ["__Host-survey_session"]
    assert cookies[0]["secure"] and cookies[0]["httpOnly"] and cookies[0]["path"] == "/"


def test_an_organizer_signs_in_and_switches_language_over_https(context, https_base, make_user):
    make_user()
    laptop_context = context(LAPTOP)
    laptop = laptop_context.new_page()
    sign_in(laptop, https_base)  # a form posted with no Referer: the CSRF check lets it through
    laptop.get_by_role("link", name="English").click()
    laptop.wait_for_load_state()
    assert laptop.locator("html").get_attribute("lang") == "en"
    names = {c["name"]: c for c in laptop_context.cookies()}
    assert set(names) == {"__Host-survey_session", "__Host-lang", "__Secure-survey_device"}
    assert all(c["secure"] for c in names.values())
    assert names["__Host-survey_session"]["path"] == names["__Host-lang"]["path"] == "/"
    assert names["__Secure-survey_device"]["path"] == "/login"  # the known browser's, signed
    assert laptop.get_by_role("button", name="Sign out (organizer)").is_visible()
