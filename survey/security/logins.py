"""Wrong passwords slow the guesser down, never the account's owner.

A lock on the user name alone would let anyone keep an officer out (the first account is
called ``admin``) and so keep a round from being opened, closed or published. The budgets are
instead on what the guesser cannot share with the owner:

* the user name *at one address* (``LOGIN_PER_USER_ADDRESS``) and the address for every name
  (``LOGIN_PER_ADDRESS``): the owner at another address is not slowed at all, and at the same
  address waits at most one short window;
* a browser that has signed in as that user before carries a signed cookie naming it (its path
  is the login page, so it goes nowhere else); its attempts count against its own budget only
  (``LOGIN_PER_DEVICE``), so the owner's usual browser signs in whatever a guesser at the
  same address does. The cookie grants nothing: it only chooses the budget.

Each attempt takes its place in the budgets before the password is checked
(:meth:`~survey.security.throttle.Throttle.reserve`), so no number of simultaneous attempts is
checked beyond a limit; a success gives the place back.
"""

from __future__ import annotations

import secrets

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response as BaseResponse

from survey.https import path_cookie_name, served_over_https
from survey.security.throttle import (
    LOGIN_PER_ADDRESS,
    LOGIN_PER_DEVICE,
    LOGIN_PER_USER_ADDRESS,
    Limit,
)

#: The cookie of a browser that has signed in before: ``[user name, random id]``, signed
#: (``__Secure-survey_device`` over HTTPS).
DEVICE_COOKIE = "survey_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    key = current_app.secret_key
    assert key is not None  # create_app always sets one
    return URLSafeSerializer(key, salt="survey.known-browser")


def _device(name: str) -> str | None:
    """This browser's id if it has signed in as ``name`` before, else ``None``."""
    try:
        value = _serializer().loads(request.cookies.get(path_cookie_name(DEVICE_COOKIE), ""))
    except BadSignature:
        return None
    if isinstance(value, list) and len(value) == 2 and value[0] == name:
        return str(value[1])
    return None


def login_checks(name: str, address: str) -> list[tuple[Limit, str]]:
    """The budgets that an attempt to sign in as ``name`` (lower case) is counted against."""
    if (device := _device(name)) is not None:
        return [(LOGIN_PER_DEVICE, device)]
    return [(LOGIN_PER_USER_ADDRESS, f"{name}\0{address}"), (LOGIN_PER_ADDRESS, address)]


def remember_browser(response: BaseResponse, name: str) -> None:
    """After a sign-in as ``name``: this browser is known from now on (see the module)."""
    device = _device(name) or secrets.token_hex(16)
    response.set_cookie(
        path_cookie_name(DEVICE_COOKIE), _serializer().dumps([name, device]),
        max_age=DEVICE_COOKIE_AGE, path=url_for("auth.login"), httponly=True, samesite="Lax",
        secure=served_over_https(),
    )
