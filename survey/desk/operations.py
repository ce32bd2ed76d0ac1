"""Use cases that run a round of any kind; each asks the round's kind what differs.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from survey.ballots import issuing
from survey.ballots import operations as cards
from survey.ballots.models import Card
from survey.ballots.shuffle import shuffle_ballots
from survey.errors import RoundStateError
from survey.i18n import _l
from survey.kinds import KINDS, kind_named, kind_of
from survey.paper.reconcile import require_reconciled
from survey.rounds import operations as rounds
from survey.rounds.importing import SubjectRow
from survey.rounds.models import BodyKind, Round, RoundState
from survey.tally.confidence import Denominator


def create_round(
    session: Session,
    *,
    title: str,
    now: datetime,
    kind: str = "confidence",
    body: str = "",
    body_kind: str = BodyKind.party,
    place: str = "",
    held_on: date | None = None,
    summoned: int | None = None,
    denominator: str = Denominator.collected,
    min_ballots: int = 5,
    subjects: Iterable[SubjectRow] = (),
) -> Round:
    """A draft round of ``kind``, with ``subjects`` as its list (made the kind's way: an
    appraisal's list is its roster).

    :raises InvalidInput: if the kind or a detail is not valid.
    """
    round_kind = kind_named(kind)
    round_ = rounds.create_round(
        session, title=title, now=now, kind=kind, body=body, body_kind=body_kind, place=place,
        held_on=held_on, summoned=summoned, denominator=denominator, min_ballots=min_ballots,
    )
    rows = list(subjects)
    if rows:
        round_kind.replace_subjects(session, round_, rows)
        session.flush()
    return round_


def replace_subjects(session: Session, round_: Round, rows: Iterable[SubjectRow]) -> None:
    """Make ``rows`` the round's list, the kind's way."""
    kind_of(round_).replace_subjects(session, round_, list(rows))


#: The time of a step, or a clock read when the step takes it (a close: once it has waited for
#: the casts in flight, so that the recorded instant follows every ballot it accepted).
Moment = datetime | Callable[[], datetime]


def _at(now: Moment) -> datetime:
    return now() if callable(now) else now


def open_round(session: Session, round_: Round, now: Moment) -> None:
    """Open voting; needs subjects, a quorum, and whatever the kind needs."""
    round_.require_draft()
    kind_of(round_).check_ready(round_)
    check_counts(session, round_)
    round_.open(_at(now))
    session.flush()


def close_round(session: Session, round_: Round, now: Moment) -> None:
    """Close voting at a definite instant, then rewrite the round's ballots in random order
    under fresh ids, and mark the round's purge pending (survey.desk.purge).

    The close first takes the round's lock (:func:`survey.ballots.operations.lock_round`): it
    waits for the casts in flight, and every later cast waits for the close and is refused.
    Only then is the instant read from ``now``, so every ballot accepted is before it.

    :raises RoundStateError: if the round is not open (another close came first), or if a
        paper ballot has an entry not yet counted (survey.paper).
    """
    cards.lock_round(session, round_.id)
    session.refresh(round_)  # what it is now that no cast or other close is under way
    round_.close(_at(now))
    check_counts(session, round_)
    round_.purge_pending = True
    session.flush()
    # no paper ballot may be left entered but uncounted: the close would lose it
    require_reconciled(session, round_.id)
    kind = kind_of(round_)
    shuffle_ballots(session, round_.id, kind.ballot_tables)
    kind.shuffle(session, round_.id)


def record_attendance(session: Session, round_: Round, *, summoned: int, present: int) -> None:
    """Record the attendance (:func:`survey.rounds.operations.record_attendance`), never below
    the cards and ballot sheets already issued; while voting, only raised (a late arrival)."""
    issuing.lock_counts(session, round_.id)
    rounds.record_attendance(session, round_, summoned=summoned, present=present,
                             issued=issuing.issued_count(session, round_.id))


def check_counts(session: Session, round_: Round) -> None:
    """Refuse to open or close a round whose counts do not hold together: never more cards
    issued than people present, never more ballots collected than cards issued.

    :raises RoundStateError: saying what to do.
    """
    issued = issuing.issued_count(session, round_.id)
    if round_.present is not None and issued > round_.present:
        raise RoundStateError(_l(
            "Số thẻ phát ra (%(issued)d) nhiều hơn số người có mặt (%(present)d): hãy hủy các "
            "thẻ không phát cho ai, hoặc ghi lại số người có mặt.",
            issued=issued, present=round_.present,
        ))
    collected = issuing.collected_count(session, round_.id)
    if collected > issued:
        raise RoundStateError(_l(
            "Số phiếu thu về (%(collected)d) nhiều hơn số thẻ phát ra (%(issued)d).",
            collected=collected, issued=issued,
        ))


def publish_round(session: Session, round_: Round, now: Moment) -> None:
    rounds.publish_round(session, round_, _at(now))


def delete_round(session: Session, round_: Round) -> None:
    if round_.state is not RoundState.draft:
        raise RoundStateError(_l("Chỉ có thể xóa một đợt đang chuẩn bị."))
    session.execute(delete(Card).where(Card.round_id == round_.id))
    session.delete(round_)


def create_cards(session: Session, round_: Round, count: int, *,
                 seed: bytes | None = None) -> list[cards.NewCard]:
    """``count`` anonymous cards (:func:`survey.ballots.operations.create_cards`).

    :raises InvalidInput: for a round whose kind names its cards (an appraisal makes one card
        per roster member, with its own command and button).
    """
    kind_of(round_).check_anonymous_cards(round_)
    return cards.create_cards(session, round_, count, seed=seed)


def void_card(session: Session, round_: Round, serial: int) -> None:
    """Withdraw a lost card, or an appraisal round's record of a paper voter
    (:func:`survey.ballots.operations.void_card`). Paper ballots are counted by the counting
    committee's numbers, never by a record: voiding one leaves every entry alone."""
    cards.void_card(session, round_, serial)


def card_holders(session: Session, round_: Round, serials: Iterable[int]) -> dict[int, str]:
    """The names printed on named cards (empty for anonymous ones)."""
    return kind_of(round_).card_holders(session, round_.id, list(serials))


__all__ = [
    "KINDS", "Moment", "card_holders", "check_counts", "close_round", "create_cards",
    "create_round", "delete_round", "open_round", "publish_round", "record_attendance",
    "replace_subjects", "void_card",
]
