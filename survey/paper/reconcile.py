"""What is entered but not counted yet, and the close's check that nothing is."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.auth.models import User
from survey.errors import RoundStateError
from survey.i18n import _l
from survey.kinds import kind_of
from survey.kinds.paper import BLANK, PaperLayout, Reading
from survey.paper.models import PaperEntry
from survey.paper.slots import layout_for, number_list
from survey.rounds.models import Round


@dataclass(frozen=True)
class EntryInfo:
    number: int
    username: str
    invalid: bool


@dataclass(frozen=True)
class LineDifference:
    order: int
    name: str
    #: The mark's label in each entry, in entry order.
    marks: tuple[str, ...]


@dataclass(frozen=True)
class PendingBallot:
    #: The number the counting committee wrote on the ballot.
    counting_number: int
    entries: tuple[EntryInfo, ...]
    #: Lines where the entries differ; empty while only one entry exists.
    lines: tuple[LineDifference, ...]

    @property
    def disputed(self) -> bool:
        return len(self.entries) > 1


def _mark_text(layout: PaperLayout, reading: Reading, subject_id: int) -> str:
    text = layout.label_of(reading.lines.get(subject_id, BLANK))
    general, tasks = reading.scores.get(subject_id, (None, None))
    if (general, tasks) != (None, None):
        text += " (" + " + ".join("–" if v is None else str(v) for v in (general, tasks)) + ")"
    return text


def pending_ballots(session: Session, round_: Round) -> list[PendingBallot]:
    """Every ballot still entered but not counted: waiting for an entry, or entries differ.

    The differences are shown line by line, with each entry's mark, for the committee to look
    at the paper again.
    """
    rows = session.execute(
        select(PaperEntry, User.username)
        .join(User, User.id == PaperEntry.user_id)
        .where(PaperEntry.round_id == round_.id)
        .order_by(PaperEntry.counting_number, PaperEntry.number)
    ).all()
    by_number: dict[int, list[tuple[PaperEntry, str]]] = {}
    for entry, username in rows:
        by_number.setdefault(entry.counting_number, []).append((entry, username))
    layout = layout_for(round_)
    whole = str(_l("Cả phiếu không hợp lệ"))
    result = []
    for counting_number, items in by_number.items():
        readings = [Reading.of(entry) for entry, _name in items]
        lines: list[LineDifference] = []
        if len(items) > 1:
            for subject in round_.subjects:
                marks = tuple(
                    whole if r.invalid else _mark_text(layout, r, subject.id) for r in readings
                )
                if len(set(marks)) > 1:
                    lines.append(LineDifference(subject.order, subject.name, marks))
            lines += [LineDifference(order, name, marks) for order, name, marks
                      in kind_of(round_).paper_differences(round_, readings, whole)]
        result.append(PendingBallot(
            counting_number,
            tuple(EntryInfo(e.number, name, e.invalid) for e, name in items),
            tuple(lines),
        ))
    return result


def require_reconciled(session: Session, round_id: int) -> None:
    """Refuse a close while a paper ballot is entered but not counted.

    :raises RoundStateError: listing the ballots waiting for a second entry and those whose
        entries differ, by their counting numbers.
    """
    rows = session.execute(
        select(PaperEntry.counting_number, func.count())
        .where(PaperEntry.round_id == round_id)
        .group_by(PaperEntry.counting_number)
    ).all()
    if not rows:
        return
    waiting = [number for number, n in rows if n < 2]
    disputed = [number for number, n in rows if n >= 2]
    parts = []
    if waiting:
        parts.append(str(_l("chưa đủ hai lần nhập: số %(serials)s",
                            serials=number_list(waiting))))
    if disputed:
        parts.append(str(_l("hai lần nhập khác nhau: số %(serials)s",
                            serials=number_list(disputed))))
    raise RoundStateError(
        _l("Chưa thể kết thúc: còn phiếu giấy chưa được tính (%(details)s). Hãy nhập đủ và "
           "giải quyết mọi khác biệt trước.", details="; ".join(parts))
    )
