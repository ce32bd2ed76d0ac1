"""Counting failed attempts across processes, so that guessing costs the guesser, not the room.

A meeting room shares one Wi-Fi address, so nothing here can refuse a valid card because of
what other browsers at the same address did: card codes are limited per browser only (its
budget is kept here, keyed by the browser's CSRF secret, so replaying an old cookie does not
reset it). Logins are limited per user name *at one address*, and per address, except for a
browser that has signed in as that user before (:mod:`survey.security.logins`). Keys are keyed
hashes; only failures stay counted.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from survey.db import IMMEDIATE
from survey.security.models import FailedAttempt

#: The counters of some keys, in every window still stored (older ones are deleted on failure).
_COUNTS = select(FailedAttempt.key, FailedAttempt.window, FailedAttempt.count).where(
    FailedAttempt.key.in_(bindparam("keys", expanding=True))
)


@dataclass(frozen=True)
class Limit:
    scope: str
    #: Failures allowed in one window before further attempts are refused.
    failures: int
    #: Window length in seconds.
    seconds: int


#: Mistyped or guessed card codes of one browser.
CARD_PER_BROWSER = Limit("card-browser", 10, 600)
#: Wrong passwords for one user name from one address: the owner elsewhere is not slowed, and
#: here waits at most the window.
LOGIN_PER_USER_ADDRESS = Limit("login-user-address", 5, 300)
#: Wrong passwords for any user name from one address (trying many names).
LOGIN_PER_ADDRESS = Limit("login-address", 30, 300)
#: Wrong passwords from a browser that has signed in as that user before: its own budget only.
LOGIN_PER_DEVICE = Limit("login-device", 5, 300)


def _wait(limit: Limit, now: float) -> int:
    """Seconds until the window of ``limit`` that holds ``now`` ends."""
    return int((int(now // limit.seconds) + 1) * limit.seconds - now) + 1


class Throttle:
    def __init__(self, engine: Engine, secret: str) -> None:
        self.engine = engine
        self.secret = secret.encode()

    def _key(self, limit: Limit, value: str) -> str:
        return hmac.new(self.secret, f"{limit.scope}\0{value}".encode(), hashlib.sha256).hexdigest()

    def blocked(self, checks: list[tuple[Limit, str]], now: float | None = None,
                connection: Connection | None = None) -> int:
        """Seconds to wait if any ``(limit, value)`` has used up its failures, else 0.

        One query for all the checks: it runs before every voter request that names a card,
        on ``connection`` if given (the request's own), else on one of its own.
        """
        if not checks:
            return 0
        now = time.time() if now is None else now
        wanted = {
            (self._key(limit, value), int(now // limit.seconds)): limit for limit, value in checks
        }
        keys = {"keys": [key for key, _window in wanted]}
        if connection is not None:
            rows = connection.execute(_COUNTS, keys).all()
        else:
            with self.engine.connect() as conn:
                rows = conn.execute(_COUNTS, keys).all()
        wait = 0
        for key, window, count in rows:
            limit = wanted.get((key, window))
            if limit is not None and count >= limit.failures:
                wait = max(wait, _wait(limit, now))
        return wait

    def fail(self, checks: list[tuple[Limit, str]], now: float | None = None) -> int:
        """Count one failure against every ``(limit, value)`` that has room left.

        Each count is one conditional statement (``count = count + 1 WHERE count < limit``),
        so concurrent failures can never take a key past its limit, whatever the read in
        :meth:`blocked` saw before.

        :returns: seconds to wait if a key had used up its failures already (nothing more was
            counted on it), else 0.
        """
        now = time.time() if now is None else now
        with self._writing() as conn:
            full = [limit for limit, value in checks if not self._count(conn, limit, value, now)]
        return max((_wait(limit, now) for limit in full), default=0)

    def reserve(self, checks: list[tuple[Limit, str]], now: float | None = None) -> int:
        """Count an attempt against every ``(limit, value)`` before it is tried: all or none.

        Only an attempt that got its place may be checked, so no number of concurrent attempts
        is ever checked beyond a limit. A success gives the place back (:meth:`release`); a
        failure keeps it, which is counting the failure.

        :returns: 0 if the places were taken, else seconds to wait (nothing was counted).
        """
        now = time.time() if now is None else now
        with self._writing() as conn:
            full = [limit for limit, value in checks if not self._count(conn, limit, value, now)]
            if full:
                conn.rollback()
        return max((_wait(limit, now) for limit in full), default=0)

    def release(self, checks: list[tuple[Limit, str]], now: float | None = None) -> None:
        """Give back the places taken by :meth:`reserve` for an attempt that succeeded."""
        now = time.time() if now is None else now
        with self._writing() as conn:
            for limit, value in checks:
                conn.execute(
                    update(FailedAttempt)
                    .where(FailedAttempt.key == self._key(limit, value),
                           FailedAttempt.window == int(now // limit.seconds),
                           FailedAttempt.count > 0)
                    .values(count=FailedAttempt.count - 1)
                )

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A connection of its own in a writing transaction (``BEGIN IMMEDIATE`` on SQLite)."""
        with self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            yield conn

    def _count(self, conn: Connection, limit: Limit, value: str, now: float) -> bool:
        """Add one to the key's counter unless it is full; whether it was added."""
        key, window = self._key(limit, value), int(now // limit.seconds)
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        statement = insert(FailedAttempt).values(key=key, window=window, count=1)
        counted = conn.execute(
            statement.on_conflict_do_update(
                index_elements=["key", "window"],
                set_={"count": FailedAttempt.count + 1},
                where=FailedAttempt.count < limit.failures,  # compare-and-set: never past it
            ).returning(FailedAttempt.count)
        ).first()
        conn.execute(  # older windows of this key no longer matter
            delete(FailedAttempt).where(FailedAttempt.key == key, FailedAttempt.window < window)
        )
        return counted is not None
