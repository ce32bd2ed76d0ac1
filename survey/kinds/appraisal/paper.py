"""Paper appraisal forms: identical within a group, so that no form says whose it is.

A group is the round, or one unit when members rate their own unit only; its form lists every
subject of the group, its holder's own line included (:func:`groups`). The form asks the rater
to leave their own line blank; a mark there cannot be told from any other (the form is
nobody's in particular), so it is entered and counted like any other. That is the difference
from a phone ballot, which leaves the holder's own line out; the round's documents state it.

Who votes on paper is recorded by name, so that they get no card: a ``cards`` row with
``medium="paper"``, no code, issued, tied to the member (:func:`record_paper_voters`). A member
has a card or a paper form, never both (:func:`create_named_cards` skips members who have
either). An agreed entry is stored by :func:`survey.kinds.appraisal.ballot.store_appraisal`,
like a phone appraisal; comments are not entered from paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from survey.ballots.issuing import check_room
from survey.ballots.models import Card
from survey.ballots.operations import MAX_CARDS
from survey.errors import InvalidInput, RoundStateError
from survey.i18n import _l
from survey.kinds.appraisal.ballot import LEVELS, SKIP, Line, read_lines, store_appraisal
from survey.kinds.appraisal.models import Member
from survey.kinds.appraisal.roster import require_appraisal
from survey.kinds.paper import PaperGroup, Reading
from survey.rounds.models import Round, RoundState, Subject

PAPER = "paper"


def groups(round_: Round) -> list[PaperGroup]:
    """The round's paper forms: one listing every subject, or with "same unit only" one per
    unit (in the order units first appear in the list), listing that unit's subjects."""
    subjects = list(round_.subjects)
    if not round_.same_unit_only:
        return [PaperGroup("", tuple(subjects))]
    units = list(dict.fromkeys(s.unit for s in subjects))
    return [PaperGroup(unit, tuple(s for s in subjects if s.unit == unit)) for unit in units]


def record_paper_voters(session: Session, round_: Round, orders: Iterable[int]) -> list[int]:
    """Record that the roster members numbered ``orders`` (their STT) vote on paper: each
    gets their group's form, handed out, and no card.

    :returns: the records' numbers (after the cards'), in roster order. A member whose card or
        record was voided (lost) may be recorded again.
    :raises InvalidInput: if a number is not on the roster, or that member already has a card
        or a record not voided; nothing is written then.
    """
    require_appraisal(round_)
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể ghi thêm phiếu giấy."))
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
    check_room(session, round_, len(members))
    last = session.scalar(select(func.max(Card.serial)).where(Card.round_id == round_.id)) or 0
    numbers = list(range(last + 1, last + len(members) + 1))
    session.execute(
        insert(Card),
        [{"round_id": round_.id, "serial": number, "code_hash": None, "medium": PAPER,
          "member_id": member.id, "issued": True}
         for number, member in zip(numbers, members, strict=True)],
    )
    return numbers


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


def voters(session: Session, round_id: int) -> dict[int, Member]:
    """The members recorded as voting on paper (voided records left out), by record number."""
    rows = session.execute(
        select(Card.serial, Member)
        .join(Member, Member.id == Card.member_id)
        .where(Card.round_id == round_id, Card.medium == PAPER, Card.voided.is_(False))
    )
    return {number: member for number, member in rows}
