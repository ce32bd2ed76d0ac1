"""Cards and casting. Anonymity lives here: read the module docstring of ``models`` first.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from survey.ballots.cards import hash_code, new_code, normalize_code
from survey.ballots.models import Ballot, Card, Mark, new_ballot_id
from survey.errors import CardRejected, InvalidInput, NotFound, RoundStateError
from survey.i18n import _l
from survey.rounds.models import Round, RoundState
from survey.tally.confidence import Level

#: Most cards one request may create (a National Assembly sitting needs about 500).
MAX_CARDS = 2000


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


def create_cards(session: Session, round_: Round, count: int) -> list[NewCard]:
    """Create ``count`` cards with the next serials; their codes are returned, never stored."""
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể tạo thêm thẻ."))
    if not 1 <= count <= MAX_CARDS:
        raise InvalidInput(_l("Số thẻ phải từ 1 đến %(max)d.", max=MAX_CARDS))
    last = session.scalar(select(func.max(Card.serial)).where(Card.round_id == round_.id)) or 0
    cards = [NewCard(serial=last + i, code=new_code()) for i in range(1, count + 1)]
    session.execute(
        insert(Card),
        [
            {"round_id": round_.id, "serial": c.serial, "code_hash": hash_code(c.code)}
            for c in cards
        ],
    )
    return cards


def card_counts(session: Session, round_id: int) -> CardCounts:
    row = session.execute(
        select(
            func.count(),
            func.count().filter(Card.issued.is_(True), Card.voided.is_(False)),
            func.count().filter(Card.voided.is_(True)),
            func.count().filter(Card.used.is_(True)),
        ).where(Card.round_id == round_id)
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
        if start < 1 or end < start or end - start > MAX_CARDS:
            raise InvalidInput(_l("Khoảng số thẻ không hợp lệ: %(part)s", part=part))
        serials.extend(range(start, end + 1))
    if not serials:
        raise InvalidInput(_l("Hãy ghi số thẻ cần kích hoạt."))
    return serials


def issue_cards(session: Session, round_: Round, serials: Iterable[int] | None = None) -> int:
    """Activate the cards handed out: all of the round's, or those ``serials``.

    :returns: how many cards were newly issued.
    :raises NotFound: if a serial does not exist in this round.
    """
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể kích hoạt thẻ."))
    query = update(Card).where(
        Card.round_id == round_.id, Card.issued.is_(False), Card.voided.is_(False)
    )
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
        query = query.where(Card.serial.in_(wanted))
    return session.execute(query.values(issued=True)).rowcount


def _card_by_serial(session: Session, round_: Round, serial: int) -> Card:
    card = session.scalar(select(Card).where(Card.round_id == round_.id, Card.serial == serial))
    if card is None:
        raise NotFound(_l("Không có thẻ số %(serials)s.", serials=serial))
    return card


def void_card(session: Session, round_: Round, serial: int) -> None:
    """Withdraw a lost card; a card that has voted cannot be voided (its ballot stays)."""
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể hủy thẻ."))
    card = _card_by_serial(session, round_, serial)
    if card.voided:
        raise InvalidInput(_l("Thẻ số %(serial)d đã bị hủy trước đó.", serial=serial))
    # compare-and-set: a cast that wins the race keeps its ballot and the void is refused
    done = session.execute(
        update(Card).where(Card.id == card.id, Card.used.is_(False)).values(voided=True)
    )
    if done.rowcount != 1:
        raise InvalidInput(
            _l("Thẻ số %(serial)d đã được dùng để bỏ phiếu, không thể hủy.", serial=serial)
        )


def replace_card(session: Session, round_: Round, serial: int) -> NewCard:
    """Void a lost card and create an issued replacement with the next serial."""
    void_card(session, round_, serial)
    [card] = create_cards(session, round_, 1)
    issue_cards(session, round_, [card.serial])
    return card


# -- voting -------------------------------------------------------------------------------------

REJECTIONS = {
    "malformed": _l("Mã thẻ không đúng dạng. Mã gồm 20 chữ và số, như trên thẻ."),
    "unknown": _l("Không tìm thấy thẻ có mã này. Hãy kiểm tra lại mã trên thẻ."),
    "not_issued": _l("Thẻ này chưa được kích hoạt. Hãy báo ban kiểm phiếu."),
    "voided": _l("Thẻ này đã bị hủy. Hãy báo ban kiểm phiếu."),
    "used": _l("Thẻ này đã được dùng để bỏ phiếu. Mỗi thẻ chỉ bỏ phiếu được một lần."),
    "not_open": _l("Đợt lấy phiếu chưa mở. Hãy chờ ban kiểm phiếu thông báo."),
    "closed": _l("Đợt lấy phiếu đã kết thúc. Không thể bỏ phiếu nữa."),
    "bad_ballot": _l("Phiếu không hợp lệ: có lựa chọn không thuộc lá phiếu này."),
}


def _reject(reason: str) -> CardRejected:
    return CardRejected(reason, str(REJECTIONS[reason]))


def round_for_card(session: Session, code: str) -> Round:
    """The round in which the card ``code`` can vote now.

    :raises CardRejected: with the reason the card cannot vote.
    """
    canonical = normalize_code(code)
    if canonical is None:
        raise _reject("malformed")
    card = session.execute(
        select(Card.round_id, Card.issued, Card.voided, Card.used).where(
            Card.code_hash == hash_code(canonical)
        )
    ).one_or_none()
    if card is None:
        raise _reject("unknown")
    round_ = session.get(Round, card.round_id)
    assert round_ is not None
    _check_card(round_, card.issued, card.voided, card.used)
    return round_


def _check_card(round_: Round, issued: bool, voided: bool, used: bool) -> None:
    if round_.state is RoundState.draft:
        raise _reject("not_open")
    if round_.state is not RoundState.open:
        raise _reject("closed")
    if voided:
        raise _reject("voided")
    if not issued:
        raise _reject("not_issued")
    if used:
        raise _reject("used")


def cast_ballot(session: Session, code: str, choices: Mapping[int, str]) -> None:
    """Spend the card ``code`` and record its ballot, in the caller's one transaction.

    ``choices`` maps subject id to a level; a subject left out is a blank (invalid) line.

    :raises CardRejected: if the card cannot vote or a choice is not on this ballot; nothing
        has been written then.
    """
    canonical = normalize_code(code)
    if canonical is None:
        raise _reject("malformed")
    card = session.execute(
        select(Card.id, Card.round_id, Card.issued, Card.voided, Card.used).where(
            Card.code_hash == hash_code(canonical)
        )
    ).one_or_none()
    if card is None:
        raise _reject("unknown")
    # A share lock on the round: a close (which updates the row) waits for this cast to
    # finish, and a cast that comes after the close sees it. SQLite's BEGIN IMMEDIATE already
    # serialises writers, so there the lock clause is simply not rendered.
    round_ = session.execute(
        select(Round)
        .where(Round.id == card.round_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    ).scalar_one()
    _check_card(round_, card.issued, card.voided, card.used)
    check_choices(round_, choices)
    spent = session.execute(
        update(Card)
        .where(
            Card.id == card.id,
            Card.used.is_(False),
            Card.issued.is_(True),
            Card.voided.is_(False),
        )
        .values(used=True)
    )
    if spent.rowcount != 1:  # compare-and-set: a second tab or a replay gets 0 rows
        raise _reject("used")
    ballot_id = new_ballot_id()
    session.execute(insert(Ballot).values(id=ballot_id, round_id=round_.id))
    if choices:
        session.execute(
            insert(Mark),
            [{"ballot_id": ballot_id, "subject_id": s, "choice": c} for s, c in choices.items()],
        )


def check_choices(round_: Round, choices: Mapping[int, str]) -> None:
    """:raises CardRejected: if a line names a subject or level not on this round's ballot."""
    subject_ids = {subject.id for subject in round_.subjects}
    levels = {level.value for level in Level}
    if any(sid not in subject_ids or choice not in levels for sid, choice in choices.items()):
        raise _reject("bad_ballot")


def turnout(session: Session, round_id: int) -> tuple[int, int]:
    """``(used, issued)``: the only figure shown while a round is open."""
    counts = card_counts(session, round_id)
    return counts.used, counts.issued


def shuffle_ballots(session: Session, round_id: int) -> int:
    """Rewrite a round's ballots in random order under fresh random ids.

    Afterwards no ballot id, row position or transaction stamp from casting time survives,
    so nothing recorded while the round was open can be matched to a stored ballot.
    """
    rows = session.execute(
        select(Mark.ballot_id, Mark.subject_id, Mark.choice)
        .join(Ballot, Ballot.id == Mark.ballot_id)
        .where(Ballot.round_id == round_id)
    ).all()
    old_ids = list(session.scalars(select(Ballot.id).where(Ballot.round_id == round_id)))
    marks: dict[str, list[tuple[int, str]]] = {ballot_id: [] for ballot_id in old_ids}
    for ballot_id, subject_id, choice in rows:
        marks[ballot_id].append((subject_id, choice))
    ballots = list(marks.values())
    random.SystemRandom().shuffle(ballots)
    session.execute(delete(Ballot).where(Ballot.round_id == round_id))
    new_ids = [secrets.token_hex(16) for _ in ballots]
    if ballots:
        session.execute(insert(Ballot), [{"id": i, "round_id": round_id} for i in new_ids])
        mark_rows = [
            {"ballot_id": ballot_id, "subject_id": s, "choice": c}
            for ballot_id, lines in zip(new_ids, ballots, strict=True)
            for s, c in lines
        ]
        if mark_rows:
            session.execute(insert(Mark), mark_rows)
    return len(ballots)


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
    return sorted((NewCard(serial, wanted[h]) for h, serial in rows), key=lambda c: c.serial)
