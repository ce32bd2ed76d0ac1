"""Use cases for the minutes: the conference details and the counting committee.

Each takes the session first, flushes at most, never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy.orm import Session

from survey.errors import InvalidInput, RoundStateError
from survey.i18n import _l
from survey.rounds.models import CommitteeRole, CountingMember, Round, RoundState

#: A counting committee has 3 to 5 members (docs/rules.md#counting-committee); a few more
#: places for a secretary and unusual conferences.
MAX_MEMBERS = 9


@dataclass(frozen=True)
class MinutesDetails:
    """What the organizer enters for the minutes."""

    parent_body: str = ""
    locality: str = ""
    chair: str = ""
    minutes_number: str = ""
    report_number: str = ""
    conference_time: time | None = None
    count_ended_at: datetime | None = None
    #: ``(name, role)`` in the order the minutes list them; blank names are dropped.
    members: Sequence[tuple[str, str]] = ()


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def committee_warnings(round_: Round) -> list[str]:
    """What a secretary would query about the committee (it does not block anything)."""
    members = round_.counting_committee
    warnings = []
    if not any(m.role == CommitteeRole.head for m in members):
        warnings.append(str(_l("Chưa có Trưởng ban kiểm phiếu.")))
    voting = [m for m in members if m.role != CommitteeRole.secretary]
    if not 3 <= len(voting) <= 5:
        warnings.append(str(_l("Ban kiểm phiếu thường gồm từ 3 đến 5 người.")))
    return warnings


def update_minutes(session: Session, round_: Round, details: MinutesDetails) -> dict[str, Any]:
    """Record the minutes' details and the committee; editable until the round is published.

    :returns: what changed, for the audit log.
    :raises RoundStateError: once the round is published (the minutes are then final).
    :raises InvalidInput: for a second head, an unknown role, too many members, or an end of
        count before the conference began.
    """
    if round_.state is RoundState.published:
        raise RoundStateError(
            _l("Kết quả đã công bố: biên bản không thể sửa nữa.")
        )
    members = [(_one_line(name), role) for name, role in details.members if _one_line(name)]
    if len(members) > MAX_MEMBERS:
        raise InvalidInput(_l("Ban kiểm phiếu có nhiều nhất %(n)d người.", n=MAX_MEMBERS))
    roles = {role.value for role in CommitteeRole}
    if any(role not in roles for _name, role in members):
        raise InvalidInput(_l("Vai trò không hợp lệ."))
    if sum(1 for _name, role in members if role == CommitteeRole.head) > 1:
        raise InvalidInput(_l("Ban kiểm phiếu chỉ có một Trưởng ban."))
    if (
        details.count_ended_at is not None
        and round_.held_on is not None
        and details.conference_time is not None
        and details.count_ended_at < datetime.combine(round_.held_on, details.conference_time)
    ):
        raise InvalidInput(_l("Giờ kết thúc kiểm phiếu phải sau giờ khai mạc hội nghị."))

    before = _snapshot(round_)
    round_.parent_body = _one_line(details.parent_body)
    round_.locality = _one_line(details.locality)
    round_.chair = _one_line(details.chair)
    round_.minutes_number = _one_line(details.minutes_number)
    round_.report_number = _one_line(details.report_number)
    round_.conference_time = details.conference_time
    round_.count_ended_at = details.count_ended_at
    current = [(m.name, m.role) for m in round_.counting_committee]
    if current != members:
        round_.counting_committee.clear()
        session.flush()  # the old rows go before the new ones are numbered
        for order, (name, role) in enumerate(members, start=1):
            round_.counting_committee.append(CountingMember(order=order, name=name, role=role))
    after = _snapshot(round_)
    session.flush()
    return {key: value for key, value in after.items() if before.get(key) != value}


def _snapshot(round_: Round) -> dict[str, Any]:
    return {
        "parent_body": round_.parent_body,
        "locality": round_.locality,
        "chair": round_.chair,
        "minutes_number": round_.minutes_number,
        "report_number": round_.report_number,
        "conference_time": round_.conference_time.isoformat(timespec="minutes")
        if round_.conference_time
        else None,
        "count_ended_at": round_.count_ended_at.isoformat(timespec="minutes")
        if round_.count_ended_at
        else None,
        "committee": [[m.name, m.role] for m in round_.counting_committee],
    }
