"""Served over HTTPS: cookies that travel encrypted only, and pages that keep browsers on HTTPS.

A request is served over HTTPS when

* it arrived over TLS: ``survey serve --certfile … --keyfile …`` (gunicorn speaks TLS itself),
  or a proxy in front says so in ``X-Forwarded-Proto`` and is trusted to (``SURVEY_PROXY_COUNT``;
  gunicorn trusts a proxy on the same machine by itself, see its ``forwarded_allow_ips``); or
* the deployment says that every browser reaches it over HTTPS: ``SURVEY_SESSION_COOKIE_SECURE``
  (a TLS proxy whose forwarded headers the app has not been told to trust).

Then the session cookie and the language cookie are ``Secure`` and carry the ``__Host-`` prefix,
with which a browser keeps a cookie only if it came over HTTPS from this very host, for the
whole site (``Path=/``, no ``Domain``): no page on plain HTTP and no other host of the network
can set or replace it. Pages carry ``Strict-Transport-Security``, so a browser that has seen the
site by its name over HTTPS never tries plain HTTP there again (browsers ignore the header for an
address like ``192.168.1.10``: there the QR codes' ``https://`` does that job). Over plain HTTP
the cookies keep their plain names, which is all a browser accepts there.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

PREFIX = "__Host-"
SECURE_PREFIX = "__Secure-"


def served_over_https() -> bool:
    """Whether this request's browser talks to the app over HTTPS (see the module's doc)."""
    return bool(current_app.config["SESSION_COOKIE_SECURE"]) or (
        has_request_context() and request.is_secure
    )


def cookie_name(name: str) -> str:
    """``name`` as this request's cookies are called: ``__Host-name`` over HTTPS."""
    return PREFIX + name if served_over_https() else name


def path_cookie_name(name: str) -> str:
    """``name`` as this request's cookies of a single path are called: ``__Secure-name`` over
    HTTPS (a browser keeps it only if it came over HTTPS; ``__Host-`` needs the whole site)."""
    return SECURE_PREFIX + name if served_over_https() else name


def scheme(config: Mapping[str, Any]) -> str:
    """The scheme of the addresses printed on cards when none is configured."""
    return "https" if config.get("CERTFILE") else "http"


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie session, ``Secure`` and ``__Host-`` prefixed over HTTPS."""

    def get_cookie_name(self, app: Flask) -> str:
        return cookie_name(super().get_cookie_name(app))

    def get_cookie_secure(self, app: Flask) -> bool:
        return served_over_https() or super().get_cookie_secure(app)

    def get_cookie_domain(self, app: Flask) -> str | None:
        return None if served_over_https() else super().get_cookie_domain(app)

    def get_cookie_path(self, app: Flask) -> str:
        return "/" if served_over_https() else super().get_cookie_path(app)


def _strict_transport_security(response: Response) -> Response:
    max_age = current_app.config["HSTS_MAX_AGE"]
    if max_age and served_over_https():
        response.headers.setdefault("Strict-Transport-Security", f"max-age={int(max_age)}")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookie()
    app.after_request(_strict_transport_security)


def check_certificate(certfile: str, keyfile: str) -> None:
    """Load the pair as the server will, so that a wrong file is said before it starts.

    :raises OSError: a file is missing or unreadable.
    :raises ssl.SSLError: not a certificate and its key, or they do not match.
    """
    ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
