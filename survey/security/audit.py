"""The audit log: every organizer action, hash-chained so that an edit or a deletion shows.

Each entry's hash is SHA-256 over the previous entry's hash and this entry's fields in a
canonical form. ``verify`` recomputes the chain; the head hash is printed in the minutes, so an
entry removed from the end is caught by comparing with the printed head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from survey.security.models import AuditEntry

GENESIS = "0" * 64


def _canonical(details: Mapping[str, Any]) -> str:
    return json.dumps(
        details, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )


def entry_hash(
    previous: str, at: datetime, actor: str, action: str, round_id: int | None, details: str
) -> str:
    stamp = at.replace(tzinfo=None).isoformat(timespec="microseconds")
    payload = "\x1f".join([previous, stamp, actor, action, str(round_id or ""), details])
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    now: datetime,
    round_id: int | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry in the caller's transaction (so it exists exactly if the action does)."""
    if session.get_bind().dialect.name == "postgresql":
        # one appender at a time, or two entries would chain to the same predecessor
        session.execute(text("SELECT pg_advisory_xact_lock(7305100)"))
    previous = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    canonical = _canonical(details or {})
    at = now.replace(tzinfo=None)
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        round_id=round_id,
        details=canonical,
        hash=entry_hash(previous or GENESIS, at, actor, action, round_id, canonical),
    )
    session.add(entry)
    session.flush()
    return entry


def record_cli(session: Session, action: str, round_id: int | None = None,
               **details: Any) -> AuditEntry:
    """Record an action taken from the command line, as ``cli:<system user>``."""
    import getpass
    from datetime import UTC

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    return record(session, actor=f"cli:{user}", action=action, now=datetime.now(UTC),
                  round_id=round_id, details=details)


def head(session: Session) -> str | None:
    """The hash of the newest entry: printed in the minutes."""
    return session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))


@dataclass(frozen=True)
class Verification:
    entries: int
    head: str | None
    #: Ids of entries whose hash does not match (the first is where tampering starts).
    broken: tuple[int, ...]
    #: Gaps in the ids (a deleted entry in the middle).
    missing: tuple[int, ...]
    #: Every hash of the chain, oldest first: a head printed earlier must be one of them.
    hashes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.broken and not self.missing


def verify(session: Session) -> Verification:
    entries: Iterable[AuditEntry] = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    missing: list[int]
    previous, count, broken, missing, last_id = GENESIS, 0, [], [], None
    hashes: list[str] = []
    for entry in entries:
        count += 1
        if last_id is not None and entry.id != last_id + 1:
            missing.extend(range(last_id + 1, entry.id))
        expected = entry_hash(
            previous, entry.at, entry.actor, entry.action, entry.round_id, entry.details
        )
        if expected != entry.hash:
            broken.append(entry.id)
        previous, last_id = entry.hash, entry.id
        hashes.append(entry.hash)
    return Verification(
        count, previous if count else None, tuple(broken), tuple(missing), tuple(hashes)
    )


def entries_for_round(session: Session, round_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.round_id == round_id).order_by(AuditEntry.id)
        )
    )
