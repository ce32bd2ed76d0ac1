"""Tables of the security package: attempt counters and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey.db import Base


class FailedAttempt(Base):
    """Failures per key in a fixed time window; shared by every process through the database.

    ``key`` is a keyed hash of what is counted (a browser, an address, a user name), never the
    raw value, and only failures are counted: a successful vote leaves nothing here.
    """

    __tablename__ = "failed_attempts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: ``int(unix time // window length)``.
    window: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class AuditEntry(Base):
    """One organizer action. Never holds a ballot's content or a card code."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    #: The account's user name at the time (kept even if the account is later renamed).
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(64))
    round_id: Mapped[int | None]
    #: Canonical JSON of the action's parameters.
    details: Mapped[str] = mapped_column(Text, default="{}")
    #: SHA-256 of the previous entry's hash and this entry's fields: editing or deleting any
    #: entry breaks every hash after it.
    hash: Mapped[str] = mapped_column(String(64))
