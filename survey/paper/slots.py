"""Paper ballots' slots: serials taken for printed ballots (a ``cards`` row with no code, so
that a phone can never use one), issued when handed out, counted like cards.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from survey.ballots.models import Card
from survey.ballots.operations import MAX_CARDS, issue_cards
from survey.errors import InvalidInput, NotFound, RoundStateError
from survey.i18n import _l
from survey.kinds import kind_of
from survey.kinds.paper import NoPaperBallot, PaperLayout
from survey.paper.models import PaperEntry
from survey.rounds.models import Round, RoundState

PAPER = "paper"

#: Serials listed in a refusal before "…".
LISTED = 20


def layout_for(round_: Round) -> PaperLayout:
    """The paper ballot of ``round_``'s kind.

    :raises NoPaperBallot: if that kind has none (nothing is printed or entered then).
    """
    layout = kind_of(round_).paper
    if layout is None:
        raise NoPaperBallot(_l("Loại đợt này chưa có phiếu giấy."))
    return layout


def serial_list(serials: Iterable[int]) -> str:
    serials = sorted(serials)
    text = ", ".join(map(str, serials[:LISTED]))
    return text + (", …" if len(serials) > LISTED else "")


# -- slots ---------------------------------------------------------------------------------------


def create_paper_ballots(session: Session, round_: Round, count: int) -> list[int]:
    """Take ``count`` new serials for paper ballots (no code: a phone can never use them).

    :returns: the new serials, to print.
    """
    layout_for(round_)
    if kind_of(round_).named_cards:  # named forms: create_paper_forms
        raise InvalidInput(_l("Phiếu giấy của đợt đánh giá được in cho từng người trong danh "
                              "sách: hãy ghi số thứ tự của họ."))
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể in thêm phiếu giấy."))
    if not 1 <= count <= MAX_CARDS:
        raise InvalidInput(_l("Số phiếu giấy phải từ 1 đến %(max)d.", max=MAX_CARDS))
    last = session.scalar(select(func.max(Card.serial)).where(Card.round_id == round_.id)) or 0
    serials = list(range(last + 1, last + count + 1))
    session.execute(
        insert(Card),
        [{"round_id": round_.id, "serial": s, "code_hash": None, "medium": PAPER}
         for s in serials],
    )
    return serials


def paper_serials(
    session: Session, round_: Round, wanted: Iterable[int] | None = None
) -> list[int]:
    """The round's paper serials, or those of ``wanted``, checked to be paper ballots.

    :raises InvalidInput: if a serial is a phone card or does not exist.
    """
    query = select(Card.serial, Card.medium).where(Card.round_id == round_.id)
    if wanted is None:
        return list(session.scalars(
            select(Card.serial)
            .where(Card.round_id == round_.id, Card.medium == PAPER)
            .order_by(Card.serial)
        ))
    wanted = set(wanted)
    found = {s: m for s, m in session.execute(query.where(Card.serial.in_(wanted)))}
    if missing := wanted - set(found):
        raise NotFound(_l("Không có phiếu số %(serials)s.", serials=serial_list(missing)))
    if phones := [s for s, medium in found.items() if medium != PAPER]:
        raise InvalidInput(
            _l("Số %(serials)s là thẻ điện thoại, không phải phiếu giấy.",
               serials=serial_list(phones))
        )
    return sorted(wanted)


def issue_paper_ballots(session: Session, round_: Round, serials: Iterable[int]) -> int:
    """Count the paper ballots handed out as issued, like activated cards.

    :returns: how many were newly issued.
    """
    layout_for(round_)
    return issue_cards(session, round_, paper_serials(session, round_, serials))


@dataclass(frozen=True)
class PaperCounts:
    printed: int
    issued: int
    voided: int
    #: Entered twice alike and counted.
    counted: int
    #: Serials with an entry still waiting for a second one or for a difference resolved.
    pending: int


def paper_counts(session: Session, round_id: int) -> PaperCounts:
    printed, issued, voided, counted = session.execute(
        select(
            func.count(),
            func.count().filter(Card.issued.is_(True), Card.voided.is_(False)),
            func.count().filter(Card.voided.is_(True)),
            func.count().filter(Card.used.is_(True)),
        ).where(Card.round_id == round_id, Card.medium == PAPER)
    ).one()
    pending = session.scalar(
        select(func.count(PaperEntry.serial.distinct())).where(PaperEntry.round_id == round_id)
    )
    return PaperCounts(printed, issued, voided, counted, pending or 0)


