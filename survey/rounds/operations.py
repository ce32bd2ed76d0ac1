"""Use cases for rounds. Each takes the session first, flushes at most, never commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import InvalidInput, NotFound
from survey.i18n import _l
from survey.rounds.importing import SubjectRow
from survey.rounds.models import BodyKind, Round, RoundState, Subject
from survey.tally.confidence import Denominator


def get_round(session: Session, round_id: int) -> Round:
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound(_l("Không có đợt lấy phiếu số %(id)s.", id=round_id))
    return round_


def list_rounds(session: Session, *, published_only: bool = False) -> list[Round]:
    query = select(Round).order_by(Round.created_at.desc(), Round.id.desc())
    if published_only:
        query = query.where(Round.published_at.is_not(None))
    return list(session.scalars(query))


def create_round(
    session: Session,
    *,
    title: str,
    now: datetime,
    body: str = "",
    body_kind: str = BodyKind.party,
    kind: str = "confidence",
    place: str = "",
    held_on: date | None = None,
    summoned: int | None = None,
    denominator: str = Denominator.collected,
    min_ballots: int = 5,
    subjects: Iterable[SubjectRow] = (),
) -> Round:
    title = " ".join(title.split())
    if not title:
        raise InvalidInput(_l("Cần có tên đợt lấy phiếu."))
    if denominator not in Denominator.__members__:
        raise InvalidInput(_l("Mẫu số không hợp lệ: %(value)s", value=denominator))
    if min_ballots < 1:
        raise InvalidInput(_l("Số phiếu tối thiểu phải lớn hơn 0."))
    round_ = Round(
        title=title,
        body=body.strip(),
        body_kind=body_kind,
        kind=kind,
        place=place.strip(),
        held_on=held_on,
        summoned=summoned,
        denominator=denominator,
        min_ballots=min_ballots,
        created_at=now,
    )
    if summoned is not None and summoned < 1:
        raise InvalidInput(_l("Số người được triệu tập phải lớn hơn 0."))
    session.add(round_)
    replace_subjects(session, round_, subjects)
    session.flush()
    return round_


def update_round(
    session: Session,
    round_: Round,
    *,
    title: str,
    body: str,
    body_kind: str,
    place: str,
    held_on: date | None,
    denominator: str,
    min_ballots: int,
) -> None:
    round_.require_draft()
    title = " ".join(title.split())
    if not title:
        raise InvalidInput(_l("Cần có tên đợt lấy phiếu."))
    if min_ballots < 1:
        raise InvalidInput(_l("Số phiếu tối thiểu phải lớn hơn 0."))
    round_.title = title
    round_.body = body.strip()
    round_.body_kind = body_kind
    round_.place = place.strip()
    round_.held_on = held_on
    round_.denominator = denominator
    round_.min_ballots = min_ballots


def replace_subjects(session: Session, round_: Round, rows: Iterable[SubjectRow]) -> None:
    """Make ``rows`` the ballot, in the order given."""
    round_.require_list_editable()
    round_.subjects.clear()
    for order, row in enumerate(rows, start=1):
        round_.subjects.append(
            Subject(order=order, name=row.name, position=row.position, unit=row.unit)
        )


def add_subject(session: Session, round_: Round, *, name: str, position: str, unit: str) -> Subject:
    round_.require_list_editable()
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_l("Cần có họ và tên."))
    subject = Subject(
        order=len(round_.subjects) + 1,
        name=name,
        position=" ".join(position.split()),
        unit=" ".join(unit.split()),
    )
    round_.subjects.append(subject)
    session.flush()
    return subject


def _subject_of(round_: Round, subject_id: int) -> Subject:
    for subject in round_.subjects:
        if subject.id == subject_id:
            return subject
    raise NotFound(_l("Không có người này trong danh sách."))


def remove_subject(session: Session, round_: Round, subject_id: int) -> None:
    round_.require_list_editable()
    round_.subjects.remove(_subject_of(round_, subject_id))
    for order, subject in enumerate(round_.subjects, start=1):
        subject.order = order


def move_subject(session: Session, round_: Round, subject_id: int, offset: int) -> None:
    """Move a subject up (``-1``) or down (``+1``) on the ballot."""
    round_.require_draft()
    subjects = list(round_.subjects)
    index = subjects.index(_subject_of(round_, subject_id))
    other = index + offset
    if 0 <= other < len(subjects):
        subjects[index].order, subjects[other].order = subjects[other].order, subjects[index].order


def record_attendance(session: Session, round_: Round, *, summoned: int, present: int,
                      issued: int = 0) -> None:
    """Record how many were summoned and are present.

    While voting (an open round), only a late arrival can be recorded: those summoned stay as
    they were and the number present may only grow. Never fewer present than the ``issued``
    cards and ballot sheets already handed out.
    """
    if round_.state is RoundState.open:
        if summoned != round_.summoned:
            raise InvalidInput(_l("Khi đang bỏ phiếu, không thể đổi số người được triệu tập."))
        if round_.present is not None and present < round_.present:
            raise InvalidInput(_l(
                "Khi đang bỏ phiếu, chỉ có thể ghi thêm người đến muộn: số người có mặt không "
                "thể giảm dưới %(present)d.", present=round_.present,
            ))
    else:
        round_.require_draft()
    if summoned < 1:
        raise InvalidInput(_l("Số người được triệu tập phải lớn hơn 0."))
    if not 0 <= present <= summoned:
        raise InvalidInput(
            _l("Số người có mặt phải từ 0 đến %(summoned)d.", summoned=summoned)
        )
    if present < issued:
        raise InvalidInput(_l(
            "Đã phát %(issued)d thẻ: số người có mặt không thể ít hơn số thẻ đã phát. Hãy hủy "
            "các thẻ chưa phát trước.", issued=issued,
        ))
    round_.summoned = summoned
    round_.present = present


def publish_round(session: Session, round_: Round, now: datetime) -> None:
    round_.publish(now)
