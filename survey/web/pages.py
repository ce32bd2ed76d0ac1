"""Voter pages rendered once and filled in per request.

Most of a voter page is the same for every voter of a round in one language: the landing
page, the empty ballot, the review page of a given number of blank lines, the thank-you page.
Each is rendered once per key in each worker with a marker where a per-request value goes
(the card code, the review's lines, the CSRF token), and every request gets a copy with its
own values in their place: a few string replacements instead of a template render.

Nothing from one request can reach another: the values are put in on every request, and a
request with anything else that a page could show (a query string, a message waiting in the
session) gets the page rendered afresh. A round's subjects and title are frozen while it is
open (``Round.require_draft``), so a page kept for an open round never goes stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

#: How many pages each worker keeps (the review page has one per number of blank lines).
SIZE = 512

_TOKEN = "\x00csrf\x00"


class Kept:
    """What a worker keeps for the voter pages, the least recently used first to go.

    One per app and ``name`` (:meth:`of`); safe to share between the worker's threads.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def of(cls, name: str, size: int) -> Kept:
        """The app's store called ``name``."""
        return current_app.extensions.setdefault(f"survey.kept.{name}", cls(size))

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def mark(name: str) -> Markup:
    """The marker that stands for the value ``name`` while a page is rendered for keeping."""
    return Markup(f"\x00{name}\x00")


def voter_page(key: Hashable, render: Callable[..., str], *, form: bool = True,
               **values: str) -> str:
    """The page ``key``, with ``values`` (HTML, already escaped) in place of their markers.

    ``render(**values)`` renders the page; it is called with the markers once per key and
    worker, or with the values themselves when the page cannot be kept for this request.
    A page with a ``form`` carries this request's CSRF token.
    """
    if request.query_string or "_flashes" in session:
        return render(**values)
    pages = Kept.of("voter_pages", SIZE)
    if (page := pages.get(key)) is None:
        page = render(**{name: mark(name) for name in values})
        if form:
            page = page.replace(generate_csrf(), _TOKEN)
        pages.put(key, page)
    if form:
        page = page.replace(_TOKEN, generate_csrf())
    for name, value in values.items():
        page = page.replace(mark(name), value)
    return page
