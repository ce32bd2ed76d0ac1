"""Whose failed card codes count: the browser's, never the address's.

A meeting room shares one Wi-Fi address (behind a proxy, a whole deployment may), so a budget
on the address would let one phone lock every other phone out, and one that let valid codes
through anyway would tell a guesser no more than a plain refusal. Each browser has a budget of
its own instead, kept in the database (:mod:`survey.security.throttle`). A card code has at
least 100 random bits, so what stops a guesser is the size of that space, not the budget
(docs/security.md, "Card codes").
"""

from __future__ import annotations

from flask import current_app, session
from flask_wtf.csrf import generate_csrf

from survey.security.throttle import CARD_PER_BROWSER, Limit


def browser_id(*, create: bool = True) -> str | None:
    """This browser's id: the CSRF secret that its session cookie holds from its first page.

    Every form a voter sends needs that cookie, so a browser is named before it can fail, and a
    cookie taken before a failure and replayed after it names the same budget. The cookie holds
    nothing else: the budget itself is in the database, under a keyed hash of this id.

    :param create: make the secret now if this request has none (as the first page would
        have); otherwise ``None`` then: a browser without one has no failures to look up.
    """
    if create:
        generate_csrf()
    return session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))


def card_checks(*, failed: bool = False) -> list[tuple[Limit, str]]:
    """The budgets that this request's card code is checked against, or, once it has
    ``failed``, counted against."""
    browser = browser_id(create=failed)
    return [] if browser is None else [(CARD_PER_BROWSER, browser)]
