"""Paper ballots handed out and counted: identical sheets, never numbered.

The officer records how many paper ballots were handed out (``rounds.paper_issued``); they
count as issued like activated cards. A kind whose paper forms are named (appraisal) records
its paper voters instead, by name (:meth:`survey.kinds.base.Kind.record_paper_voters`): a
``cards`` row with ``medium="paper"`` and no code, issued, that no phone can use. Either way a
sheet carries no number: the counting committee numbers the ballots as they come out of the
box.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.ballots.issuing import check_room
from survey.ballots.models import Card, CountedPaper
from survey.ballots.operations import MAX_CARDS
from survey.errors import InvalidInput, RoundStateError
from survey.i18n import _l
from survey.kinds import kind_of
from survey.kinds.paper import NoPaperBallot, PaperLayout
from survey.paper.models import PaperEntry
from survey.rounds.models import Round, RoundState

PAPER = "paper"

#: Numbers listed in a refusal before "…".
LISTED = 20


def layout_for(round_: Round) -> PaperLayout:
    """The paper ballot of ``round_``'s kind.

    :raises NoPaperBallot: if that kind has none (nothing is printed or entered then).
    """
    layout = kind_of(round_).paper
    if layout is None:
        raise NoPaperBallot(_l("Loại đợt này chưa có phiếu giấy."))
    return layout


def number_list(numbers: Iterable[int]) -> str:
    numbers = sorted(numbers)
    text = ", ".join(map(str, numbers[:LISTED]))
    return text + (", …" if len(numbers) > LISTED else "")


def lock_round(session: Session, round_: Round) -> Round:
    """Take the round row's write lock and read it afresh.

    Paper entries and the record of sheets handed out run one at a time per round (two people
    entering the same ballot at once cannot both be "the second", and no ballot is counted
    past the sheets handed out), and a close waits for an entry in flight.
    """
    session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())
    session.refresh(round_)
    return round_


def record_paper_issued(session: Session, round_: Round, count: int) -> int:
    """Record that ``count`` paper ballots in all have been handed out (a correction replaces
    the figure).

    :returns: the figure recorded before.
    :raises SurveyError: for a named kind (it records its paper voters by name), a closed
        round, a count out of range, or fewer sheets than paper ballots already counted.
    """
    layout_for(round_)
    if kind_of(round_).named_cards:
        raise InvalidInput(_l("Phiếu giấy của đợt đánh giá được ghi theo từng người trong danh "
                              "sách: hãy ghi số thứ tự của họ."))
    lock_round(session, round_)
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể ghi thêm phiếu giấy."))
    if not 0 <= count <= MAX_CARDS:
        raise InvalidInput(_l("Số phiếu giấy phải từ 0 đến %(max)d.", max=MAX_CARDS))
    counted = counted_paper(session, round_.id)
    if count < counted:
        raise InvalidInput(
            _l("Đã tính %(n)d phiếu giấy: số phiếu giấy đã phát không thể ít hơn.", n=counted)
        )
    check_room(session, round_, count - round_.paper_issued)
    previous = round_.paper_issued
    round_.paper_issued = count
    session.flush()
    return previous


def named_paper_issued(session: Session, round_id: int) -> int:
    """Named paper forms handed out and not voided (appraisal: one per paper voter)."""
    return session.scalar(
        select(func.count()).where(
            Card.round_id == round_id, Card.medium == PAPER, Card.issued.is_(True),
            Card.voided.is_(False),
        )
    ) or 0


def paper_issued(session: Session, round_: Round) -> int:
    """Paper ballots handed out: the sheets the officer recorded, and named forms."""
    return round_.paper_issued + named_paper_issued(session, round_.id)


def counted_paper(session: Session, round_id: int) -> int:
    """Paper ballots counted (two entries agreed)."""
    return session.scalar(
        select(func.count()).select_from(CountedPaper).where(CountedPaper.round_id == round_id)
    ) or 0


@dataclass(frozen=True)
class PaperCounts:
    #: Handed out, as recorded.
    issued: int
    #: Entered twice alike and counted.
    counted: int
    #: Ballots with an entry still waiting for a second one or for a difference resolved.
    pending: int


def paper_counts(session: Session, round_: Round) -> PaperCounts:
    pending = session.scalar(
        select(func.count(PaperEntry.counting_number.distinct()))
        .where(PaperEntry.round_id == round_.id)
    )
    return PaperCounts(paper_issued(session, round_), counted_paper(session, round_.id),
                       pending or 0)
