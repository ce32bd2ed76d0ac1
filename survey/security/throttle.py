"""Counting failed attempts across processes, so that guessing is slow but a room is not locked.

Voters in one meeting room share one Wi-Fi address, so limits are never on the address alone:
each browser has its own small budget (a random id in its session cookie, set only after a
first failure), and the address has a budget large enough for a whole room's typing mistakes.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, delete, select
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


CARD_PER_BROWSER = Limit("card-browser", 10, 600)
CARD_PER_ADDRESS = Limit("card-address", 200, 600)
LOGIN_PER_USER = Limit("login-user", 5, 900)
LOGIN_PER_ADDRESS = Limit("login-address", 50, 900)


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
                wait = max(wait, int((window + 1) * limit.seconds - now) + 1)
        return wait

    def fail(self, checks: list[tuple[Limit, str]], now: float | None = None) -> None:
        """Count one failure against every ``(limit, value)``, atomically per key."""
        now = time.time() if now is None else now
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        with self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            for limit, value in checks:
                statement = insert(FailedAttempt).values(
                    key=self._key(limit, value), window=int(now // limit.seconds), count=1
                )
                conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=["key", "window"],
                        set_={"count": FailedAttempt.count + 1},
                    )
                )
                conn.execute(  # older windows of this key no longer matter
                    delete(FailedAttempt).where(
                        FailedAttempt.key == self._key(limit, value),
                        FailedAttempt.window < int(now // limit.seconds),
                    )
                )

    def forget(self, checks: list[tuple[Limit, str]], now: float | None = None) -> None:
        """Clear the counters of ``checks`` in the current window (after a success)."""
        now = time.time() if now is None else now
        with self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            for limit, value in checks:
                conn.execute(
                    delete(FailedAttempt).where(
                        FailedAttempt.key == self._key(limit, value),
                        FailedAttempt.window == int(now // limit.seconds),
                    )
                )
