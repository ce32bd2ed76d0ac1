"""Cards and casting. Anonymity lives here: read the module docstring of ``models`` first.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    CursorResult,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from survey.ballots.cards import derived_code, hash_code, new_code, normalize_code
from survey.ballots.issuing import check_room
from survey.ballots.models import Ballot, Card, new_ballot_id
from survey.errors import CardRejected, InvalidInput, NotFound, RoundStateError
from survey.i18n import _l
from survey.rounds.models import Round, RoundState, round_state

#: Most cards one request may create (a National Assembly sitting needs about 500).
MAX_CARDS = 2000

#: The largest serial number a form may name (a 32-bit column on every engine).
MAX_SERIAL = 2**31 - 1


@dataclass(frozen=True)
class NewCard:
    """A card as created: the only moment its code exists outside the printed sheet."""

    serial: int
    code: str


@dataclass(frozen=True)
class CardCounts:
    created: int
    issued: int
    voided: int
    used: int


def create_cards(session: Session, round_: Round, count: int, *,
                 seed: bytes | None = None) -> list[NewCard]:
    """Create ``count`` cards with the next serials; their codes are returned, never stored.

    With ``seed``, each code is derived from it and the serial (:func:`derived_code`), so that
    the sheet can be printed later from the seed (:func:`batch_cards`); otherwise random.
    """
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể tạo thêm thẻ."))
    if not 1 <= count <= MAX_CARDS:
        raise InvalidInput(_l("Số thẻ phải từ 1 đến %(max)d.", max=MAX_CARDS))
    last = session.scalar(select(func.max(Card.serial)).where(Card.round_id == round_.id)) or 0
    cards = [NewCard(serial=last + i, code=code_for(seed, last + i)) for i in range(1, count + 1)]
    session.execute(
        insert(Card),
        [
            {"round_id": round_.id, "serial": c.serial, "code_hash": hash_code(c.code)}
            for c in cards
        ],
    )
    return cards


def code_for(seed: bytes | None, serial: int) -> str:
    return new_code() if seed is None else derived_code(seed, serial)  # random without a seed


def batch_cards(session: Session, round_: Round, seed: bytes, first: int,
                last: int) -> list[NewCard]:
    """The cards ``first``..``last`` of ``round_`` made with ``seed``, their codes derived
    again to print them.

    :raises InvalidInput: if a card is not there with that code (voided cards are printed
        all the same: they never vote).
    """
    cards = [NewCard(serial, derived_code(seed, serial)) for serial in range(first, last + 1)]
    by_hash = {hash_code(c.code): c.serial for c in cards}
    found = session.execute(
        select(Card.code_hash, Card.serial).where(
            Card.round_id == round_.id, Card.serial.between(first, last)
        )
    ).all()
    if len(cards) == 0 or {(h, serial) for h, serial in found} != set(by_hash.items()):
        raise InvalidInput(_l("Các thẻ này không còn in được từ trang này."))
    return cards


def card_counts(session: Session, round_id: int) -> CardCounts:
    """The round's phone cards (an appraisal round's record of a paper voter is no card)."""
    row = session.execute(
        select(
            func.count(),
            func.count().filter(Card.issued.is_(True), Card.voided.is_(False)),
            func.count().filter(Card.voided.is_(True)),
            func.count().filter(Card.used.is_(True)),
        ).where(Card.round_id == round_id, Card.medium == "phone")
    ).one()
    return CardCounts(*row)


def parse_serials(text: str) -> list[int]:
    """``"1-40, 45, 50-52"`` → the serials it names.

    :raises InvalidInput: if a part is not a number or a range.
    """
    serials: list[int] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        try:
            start, end = int(lo), int(hi or lo)
        except ValueError:
            raise InvalidInput(
                _l("Không hiểu “%(part)s”: hãy ghi số thẻ như 1-40, 45.", part=part)
            ) from None
        if start < 1 or end < start or end - start > MAX_CARDS or end > MAX_SERIAL:
            raise InvalidInput(_l("Khoảng số thẻ không hợp lệ: %(part)s", part=part))
        serials.extend(range(start, end + 1))
    if not serials:
        raise InvalidInput(_l("Hãy ghi số thẻ cần kích hoạt."))
    return serials


def issue_cards(session: Session, round_: Round, serials: Iterable[int] | None = None) -> int:
    """Activate the cards handed out: all of the round's phone cards, or those ``serials``.

    "All" leaves the records of paper voters alone (survey.paper).

    :returns: how many cards were newly issued.
    :raises NotFound: if a serial does not exist in this round.
    """
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể kích hoạt thẻ."))
    where = [Card.round_id == round_.id, Card.issued.is_(False), Card.voided.is_(False)]
    if serials is not None:
        wanted = set(serials)
        known = set(
            session.scalars(
                select(Card.serial).where(Card.round_id == round_.id, Card.serial.in_(wanted))
            )
        )
        if missing := sorted(wanted - known):
            raise NotFound(
                _l("Không có thẻ số %(serials)s.", serials=", ".join(map(str, missing[:10])))
            )
        where.append(Card.serial.in_(wanted))
    else:
        where.append(Card.medium == "phone")
    check_room(session, round_, session.scalar(select(func.count()).where(*where)) or 0)
    query = update(Card).where(*where)
    return cast(CursorResult[Any], session.execute(query.values(issued=True))).rowcount


def _card_by_serial(session: Session, round_: Round, serial: int) -> Card:
    card = session.scalar(select(Card).where(Card.round_id == round_.id, Card.serial == serial))
    if card is None:
        raise NotFound(_l("Không có thẻ số %(serials)s.", serials=serial))
    return card


def void_card(session: Session, round_: Round, serial: int) -> Card:
    """Withdraw a lost card; a card that has voted cannot be voided (its ballot stays).

    Voiding an appraisal round's record of a paper voter takes their form out of the sheets
    handed out (it never votes: paper ballots are counted by the counting committee's numbers).

    :returns: the voided card.
    """
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể hủy thẻ."))
    card = _card_by_serial(session, round_, serial)
    if card.voided:
        raise InvalidInput(_l("Thẻ số %(serial)d đã bị hủy trước đó.", serial=serial))
    # compare-and-set: a cast that wins the race keeps its ballot and the void is refused
    done = cast(CursorResult[Any], session.execute(
        update(Card).where(Card.id == card.id, Card.used.is_(False)).values(voided=True)
    ))
    if done.rowcount != 1:
        raise InvalidInput(
            _l("Thẻ số %(serial)d đã được dùng để bỏ phiếu, không thể hủy.", serial=serial)
        )
    return card


def replace_card(session: Session, round_: Round, serial: int, *,
                 seed: bytes | None = None) -> NewCard:
    """Void a lost card and create an issued replacement with the next serial.

    A named card's replacement is named for the same member. A paper voter's record is not
    replaced by a card here: it is voided first.
    """
    lost = _card_by_serial(session, round_, serial)
    if lost.medium != "phone":
        raise InvalidInput(
            _l("Số %(serial)d là phiếu giấy: hãy hủy nó và in một phiếu giấy mới.", serial=serial)
        )
    member_id = lost.member_id
    void_card(session, round_, serial)
    [card] = create_cards(session, round_, 1, seed=seed)
    if member_id is not None:
        session.execute(
            update(Card)
            .where(Card.round_id == round_.id, Card.serial == card.serial)
            .values(member_id=member_id)
        )
    issue_cards(session, round_, [card.serial])
    return card


# -- voting -------------------------------------------------------------------------------------

REJECTIONS = {
    "malformed": _l("Mã thẻ không đúng dạng. Hãy gõ đủ các chữ và số in trên thẻ."),
    "unknown": _l("Không dùng được mã này: không có thẻ nào mang mã này, hoặc thẻ đã được dùng "
                  "để bỏ phiếu (mỗi thẻ chỉ bỏ phiếu được một lần). Hãy kiểm tra lại mã trên "
                  "thẻ."),
    "not_issued": _l("Thẻ này chưa được kích hoạt. Hãy báo ban kiểm phiếu."),
    "voided": _l("Thẻ này đã bị hủy. Hãy báo ban kiểm phiếu."),
    "not_open": _l("Đợt lấy phiếu chưa mở. Hãy chờ ban kiểm phiếu thông báo."),
    "closed": _l("Đợt lấy phiếu đã kết thúc. Không thể bỏ phiếu nữa."),
    "bad_ballot": _l("Phiếu không hợp lệ: có lựa chọn không thuộc lá phiếu này."),
}

#: A used card is answered exactly as an unknown code is (the same reason, message and status,
#: and counted as a failed attempt alike), so that nobody who knows a card's code (its holder,
#: an officer who saw the codes at printing) can watch whether, or when, the card votes.
ANSWERED_AS = {"used": "unknown"}


def reject(reason: str) -> CardRejected:
    """The refusal for ``reason`` as the voter sees it, with its message."""
    reason = ANSWERED_AS.get(reason, reason)
    return CardRejected(reason, str(REJECTIONS[reason]))


class CardCheck(NamedTuple):
    """A card that can vote now, and its round, as a voter request needs them: read with one
    Core statement, without loading an ORM object."""

    round_id: int
    kind: str
    card_id: int
    #: The roster member of a named card (appraisal rounds).
    member_id: int | None


_rounds, _cards = Round.__table__, Card.__table__
#: The card and its round in one round trip.
_CARD_AND_ROUND = (
    select(_rounds.c.id, _rounds.c.kind, _rounds.c.opened_at, _rounds.c.closed_at,
           _rounds.c.published_at, _cards.c.id, _cards.c.issued, _cards.c.voided, _cards.c.used,
           _cards.c.member_id)
    .join_from(_cards, _rounds, _cards.c.round_id == _rounds.c.id)
    .where(_cards.c.code_hash == bindparam("code_hash"))
)
#: The class of the PostgreSQL advisory locks (two-key form) on rounds: a cast holds its
#: round's in share mode, the close in exclusive mode (:func:`lock_round`).
ROUND_LOCK = 7305102
#: The same, taking the round's lock in share mode as it finds the card (PostgreSQL).
_CARD_AND_ROUND_LOCKED = _CARD_AND_ROUND.add_columns(
    func.pg_advisory_xact_lock_shared(ROUND_LOCK, _rounds.c.id)
)


def lock_round(session: Session, round_id: int) -> None:
    """Take the round's lock in exclusive mode, until the transaction ends: the close.

    It waits for every cast in flight (each holds the lock in share mode from the moment it
    finds its card until it commits), and every cast that asks for it afterwards waits behind
    the close (PostgreSQL queues lock requests in order, so a stream of casts cannot starve
    it), then finds the round closed. SQLite needs nothing: a writing transaction begins with
    ``BEGIN IMMEDIATE``, which already waits for the casts in flight and holds off the rest.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(ROUND_LOCK, round_id)))


def check_card(session: Session, code: str, *, lock: bool = False) -> CardCheck:
    """The card ``code``, which must be able to vote now, and its round.

    With ``lock`` (a cast), the round's lock in share mode (:func:`lock_round`): a close
    waits for the cast to commit, and a cast that asks after the close began waits for it; the
    card is then spent only if the round is still open (:func:`spend_card`). SQLite's BEGIN
    IMMEDIATE already serialises writers, so there no lock is taken.

    A used card is refused as an unknown code is (:func:`reject`).

    :raises CardRejected: with the reason the card cannot vote.
    """
    canonical = normalize_code(code)
    if canonical is None:
        raise reject("malformed")
    connection = session.connection()
    locked = lock and connection.dialect.name == "postgresql"
    row = connection.execute(
        _CARD_AND_ROUND_LOCKED if locked else _CARD_AND_ROUND, {"code_hash": hash_code(canonical)}
    ).one_or_none()
    if row is None:
        raise reject("unknown")
    round_id, kind, opened_at, closed_at, published_at, card_id, issued, voided, used, member = (
        row[:10])
    _check_card(round_state(opened_at, closed_at, published_at), issued, voided, used)
    return CardCheck(round_id, kind, card_id, member)


def _check_card(state: RoundState, issued: bool, voided: bool, used: bool) -> None:
    if state is RoundState.draft:
        raise reject("not_open")
    if state is not RoundState.open:
        raise reject("closed")
    if voided:
        raise reject("voided")
    if not issued:
        raise reject("not_issued")
    if used:
        raise reject("used")


_SPEND = (
    update(_cards)
    .where(
        _cards.c.id == bindparam("card_id"),
        _cards.c.used.is_(False),
        _cards.c.issued.is_(True),
        _cards.c.voided.is_(False),
        # read afresh by this statement: a close that committed while the cast waited for
        # the round's lock is seen here
        select(_rounds.c.id)
        .where(_rounds.c.id == _cards.c.round_id, _rounds.c.closed_at.is_(None))
        .exists(),
    )
    .values(used=True)
)
_NEW_BALLOT = insert(Ballot.__table__)


def new_ballot(session: Session, round_id: int) -> str:
    """Store a ballot's row (a random id, its round, nothing else); return its id."""
    ballot_id = new_ballot_id()
    session.connection().execute(_NEW_BALLOT, {"id": ballot_id, "round_id": round_id})
    return ballot_id


def spend_card(session: Session, card_id: int, round_id: int) -> str | None:
    """Mark the card used, by compare-and-set, and store its ballot's row.

    :returns: the new ballot's random id; ``None`` if the card was spent, voided or never
        issued meanwhile (a second tab, a replay) or the round closed, and then nothing was
        written.
    """
    connection = session.connection()
    if connection.execute(_SPEND, {"card_id": card_id}).rowcount != 1:
        return None
    ballot_id = new_ballot_id()
    connection.execute(_NEW_BALLOT, {"id": ballot_id, "round_id": round_id})
    return ballot_id


def turnout(session: Session, round_id: int) -> tuple[int, int]:
    """``(used, issued)``: the only figure shown while a round is open."""
    counts = card_counts(session, round_id)
    return counts.used, counts.issued


def cards_for_codes(session: Session, round_: Round, codes: Iterable[str]) -> list[NewCard]:
    """The cards of ``round_`` whose codes are ``codes`` (to print a sheet just shown again).

    :raises InvalidInput: if a code is not one of this round's cards.
    """
    wanted: dict[str, str] = {}
    for code in codes:
        canonical = normalize_code(code)
        if canonical is None:
            raise InvalidInput(_l("Mã thẻ không hợp lệ."))
        wanted[hash_code(canonical)] = canonical
    if not wanted:
        raise InvalidInput(_l("Không có thẻ nào để in."))
    rows = session.execute(
        select(Card.code_hash, Card.serial).where(
            Card.round_id == round_.id, Card.code_hash.in_(list(wanted))
        )
    ).all()
    if len(rows) != len(wanted):
        raise InvalidInput(_l("Có mã không thuộc đợt lấy phiếu này."))
    return sorted((NewCard(serial, wanted[h]) for h, serial in rows if h is not None),
                  key=lambda c: c.serial)
