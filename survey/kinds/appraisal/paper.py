"""Paper appraisal forms: named like the cards, printed without the member's own line.

An appraisal card belongs to a roster member so that their own line is left out; a paper form
does the same. It is a paper slot (``cards`` row with ``medium="paper"``, no code) tied to the
member, so a member has a card or a paper form, never both (:func:`create_named_cards` skips
members who have either). Its serial is that slot; the form lists the member's ballot lines
(:func:`survey.kinds.appraisal.ballot.ballot_subjects`). An agreed entry is stored by
:func:`survey.kinds.appraisal.ballot.store_appraisal`, like a phone appraisal; comments are not
entered from paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from survey.ballots.models import Card
from survey.ballots.operations import MAX_CARDS
from survey.errors import InvalidInput, RoundStateError
from survey.i18n import _l
from survey.kinds.appraisal.ballot import (
    LEVELS,
    SKIP,
    Line,
    ballot_subjects,
    read_lines,
    store_appraisal,
)
from survey.kinds.appraisal.models import Member
from survey.kinds.appraisal.roster import require_appraisal
from survey.kinds.paper import Reading
from survey.rounds.models import Round, RoundState, Subject

PAPER = "paper"


def create_paper_forms(session: Session, round_: Round, orders: Iterable[int]) -> list[int]:
    """One paper form for each roster member numbered ``orders`` (their STT on the roster).

    :returns: the new serials, in roster order.
    A member whose card or form was voided (lost) may be given a new paper form.

    :raises InvalidInput: if a number is not on the roster, or that member already has a card
        or a paper form not voided; nothing is made then.
    """
    require_appraisal(round_)
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể in thêm phiếu giấy."))
    wanted = sorted(set(orders))
    if not 1 <= len(wanted) <= MAX_CARDS:
        raise InvalidInput(_l("Số phiếu giấy phải từ 1 đến %(max)d.", max=MAX_CARDS))
    members = list(session.scalars(
        select(Member)
        .where(Member.round_id == round_.id, Member.order.in_(wanted))
        .order_by(Member.order)
    ))
    if missing := sorted(set(wanted) - {m.order for m in members}):
        raise InvalidInput(
            _l("Không có người số %(orders)s trong danh sách đánh giá.",
               orders=", ".join(map(str, missing)))
        )
    taken = set(session.scalars(
        select(Card.member_id).where(Card.round_id == round_.id, Card.voided.is_(False),
                                     Card.member_id.in_([m.id for m in members]))
    ))
    if having := [m.order for m in members if m.id in taken]:
        raise InvalidInput(
            _l("Người số %(orders)s đã có thẻ hoặc phiếu giấy: mỗi người chỉ có một trong hai.",
               orders=", ".join(map(str, having)))
        )
    last = session.scalar(select(func.max(Card.serial)).where(Card.round_id == round_.id)) or 0
    serials = list(range(last + 1, last + len(members) + 1))
    session.execute(
        insert(Card),
        [{"round_id": round_.id, "serial": serial, "code_hash": None, "medium": PAPER,
          "member_id": member.id}
         for serial, member in zip(serials, members, strict=True)],
    )
    return serials


def form_subjects(session: Session, round_: Round, serial: int | None) -> list[Subject] | None:
    """The lines printed on the paper form ``serial``: its member's ballot; ``None`` if the
    serial is not a named slot (the entry then refuses it for what it is)."""
    if serial is None:
        return None
    member = session.scalar(
        select(Member).join(Card, Card.member_id == Member.id)
        .where(Card.round_id == round_.id, Card.serial == serial)
    )
    return None if member is None else ballot_subjects(round_, member)


def read(subjects: Sequence[Subject], reading: Reading,
         scores: Mapping[int, tuple[str, str]]) -> Reading:
    """Add the typed scores of each line to ``reading``, checked as the phone checks them.

    :raises InvalidInput: for a score out of range, or a score on a line without a level.
    """
    orders = {s.id: s.order for s in subjects}
    form: dict[str, list[str]] = {}
    for sid, mark in reading.lines.items():
        general, tasks = scores.get(sid, ("", ""))
        form[f"l{sid}"] = [mark if mark in LEVELS else SKIP]
        form[f"g{sid}"], form[f"t{sid}"] = [general], [tasks]
    parsed = read_lines(form)
    for sid, line in sorted(parsed.items(), key=lambda item: orders.get(item[0], 0)):
        if line.errors:
            raise InvalidInput(
                _l("Dòng %(line)d: %(error)s", line=orders.get(sid, 0), error=line.errors[0])
            )
    return replace(reading, scores={
        sid: (line.general_value, line.tasks_value)
        for sid, line in parsed.items()
        if (line.general_value, line.tasks_value) != (None, None)
    })


def store(session: Session, round_: Round, ballot_id: str, reading: Reading) -> None:
    """Store the agreed form as a phone appraisal ballot is stored (no comment)."""
    lines = {}
    for sid, mark in reading.lines.items():
        general, tasks = reading.scores.get(sid, (None, None))
        lines[sid] = Line(level=mark if mark in LEVELS else SKIP,
                          general_value=general, tasks_value=tasks)
    store_appraisal(session, round_.id, lines)


def holders(session: Session, round_id: int, serials: Iterable[int]) -> dict[int, Member]:
    """The member each paper form ``serials`` is for."""
    rows = session.execute(
        select(Card.serial, Member)
        .join(Member, Member.id == Card.member_id)
        .where(Card.round_id == round_id, Card.serial.in_(list(serials)))
    )
    return {serial: member for serial, member in rows}
