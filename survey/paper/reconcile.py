"""What is entered but not counted yet, and the close's check that nothing is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from survey.auth.models import User
from survey.errors import RoundStateError
from survey.i18n import _l
from survey.kinds import kind_of
from survey.kinds.paper import BLANK, PaperLayout, Reading
from survey.paper.models import PaperEntry
from survey.paper.slots import layout_for, serial_list
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
class PendingSerial:
    serial: int
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


def pending_serials(session: Session, round_: Round) -> list[PendingSerial]:
    """Every serial still entered but not counted: waiting for an entry, or entries differ.

    The differences are shown line by line, with each entry's mark, for the committee to look
    at the paper again.
    """
    rows = session.execute(
        select(PaperEntry, User.username)
        .join(User, User.id == PaperEntry.user_id)
        .where(PaperEntry.round_id == round_.id)
        .order_by(PaperEntry.serial, PaperEntry.number)
    ).all()
    by_serial: dict[int, list[tuple[PaperEntry, str]]] = {}
    for entry, username in rows:
        by_serial.setdefault(entry.serial, []).append((entry, username))
    layout = layout_for(round_)
    whole = str(_l("Cả phiếu không hợp lệ"))
    result = []
    for serial, items in by_serial.items():
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
        result.append(PendingSerial(
            serial,
            tuple(EntryInfo(e.number, name, e.invalid) for e, name in items),
            tuple(lines),
        ))
    return result


def discard_entries(session: Session, round_id: int, serial: int) -> int:
    """Forget the entries made of paper ballot ``serial`` (voided: it is never counted).

    :returns: how many were discarded.
    """
    discarded = session.execute(
        delete(PaperEntry).where(PaperEntry.round_id == round_id, PaperEntry.serial == serial)
    )
    return cast(CursorResult[Any], discarded).rowcount  # a DELETE's result is a CursorResult


def require_reconciled(session: Session, round_id: int) -> None:
    """Refuse a close while a paper ballot is entered but not counted.

    :raises RoundStateError: listing the serials waiting for a second entry and those whose
        entries differ.
    """
    rows = session.execute(
        select(PaperEntry.serial, func.count())
        .where(PaperEntry.round_id == round_id)
        .group_by(PaperEntry.serial)
    ).all()
    if not rows:
        return
    waiting = [serial for serial, n in rows if n < 2]
    disputed = [serial for serial, n in rows if n >= 2]
    parts = []
    if waiting:
        parts.append(str(_l("chưa đủ hai lần nhập: số %(serials)s",
                            serials=serial_list(waiting))))
    if disputed:
        parts.append(str(_l("hai lần nhập khác nhau: số %(serials)s",
                            serials=serial_list(disputed))))
    raise RoundStateError(
        _l("Chưa thể kết thúc: còn phiếu giấy chưa được tính (%(details)s). Hãy nhập đủ và "
           "giải quyết mọi khác biệt trước.", details="; ".join(parts))
    )
