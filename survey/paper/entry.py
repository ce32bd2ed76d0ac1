"""Entering paper ballots: each is read twice, by two people, and counted once two entries
agree, exactly as a phone ballot is stored (docs/paper-ballots.md).

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.ballots.models import Card
from survey.ballots.operations import spend_card
from survey.errors import InvalidInput, NotFound, RoundStateError
from survey.i18n import _l
from survey.kinds import kind_of
from survey.kinds.paper import BLANK, INVALID, Reading
from survey.paper.models import PaperEntry
from survey.paper.slots import PAPER, layout_for, serial_list
from survey.rounds.models import Round, RoundState, Subject
from survey.tally.nomination import name_key


def read_ballot(
    round_: Round,
    invalid: bool,
    lines: Mapping[int, str],
    *,
    subjects: Sequence[Subject] | None = None,
    write_ins: Mapping[int, Sequence[str]] | None = None,
    scores: Mapping[int, tuple[str, str]] | None = None,
) -> Reading:
    """Check one entry against the round's paper ballot.

    ``subjects`` are the lines printed on this ballot (all the round's by default; an appraisal
    form leaves out its member's own line). A line not printed may be posted only as blank.

    :raises InvalidInput: naming the lines (by their number on paper) left unchosen, if any.
    """
    layout = layout_for(round_)
    if invalid:
        return Reading(True, {})
    printed = list(round_.subjects if subjects is None else subjects)
    allowed = layout.values | {BLANK, INVALID}
    printed_ids = {s.id for s in printed}
    lines = {sid: mark for sid, mark in lines.items()
             if sid in printed_ids or mark != BLANK}
    if any(sid not in printed_ids or mark not in allowed for sid, mark in lines.items()):
        raise InvalidInput(_l("Có lựa chọn không thuộc phiếu này."))
    missing = [s.order for s in printed if s.id not in lines]
    if missing:
        raise InvalidInput(
            _l("Chưa chọn ở dòng %(lines)s: mỗi dòng cần một mức, “để trống” hoặc “không hợp lệ”.",
               lines=serial_list(missing))
        )
    return kind_of(round_).paper_read(round_, Reading(False, dict(lines)), printed,
                                      write_ins or {}, scores or {})


def form_subjects(session: Session, round_: Round, serial: int | None) -> list[Subject]:
    """The lines printed on paper ballot ``serial``: the round's subjects, or for a named form
    its member's ballot (without their own line)."""
    return kind_of(round_).paper_lines(session, round_, serial)


def differing_lines(round_: Round, a: Reading, b: Reading) -> list[int]:
    """The line numbers (STT) where two readings differ; every line if only one is invalid.

    On a nomination ballot a difference in a position's write-ins is shown on the lines of
    that position's candidates (or as line 0 for a position without candidates).
    """
    if a.invalid or b.invalid:
        return [] if a.invalid == b.invalid else [s.order for s in round_.subjects]
    orders = {s.order for s in round_.subjects
              if a.lines.get(s.id) != b.lines.get(s.id)
              or a.scores.get(s.id, (None, None)) != b.scores.get(s.id, (None, None))}
    for pid in set(a.write_ins) | set(b.write_ins):
        if sorted(map(name_key, a.write_ins.get(pid, ()))) != sorted(
                map(name_key, b.write_ins.get(pid, ()))):
            orders.update(s.order for s in round_.subjects if s.position_id == pid)
            if not any(s.position_id == pid for s in round_.subjects):
                orders.add(0)
    return sorted(orders)


@dataclass(frozen=True)
class EntryOutcome:
    serial: int
    #: Which entry of this serial this one is (a correction keeps its number).
    number: int
    corrected: bool
    #: Two entries agreed and the ballot is now counted.
    counted: bool
    #: Line numbers where this entry differs from another one (empty when counted or first).
    differs: tuple[int, ...] = ()
    #: The other entries' numbers that it differs from.
    others: tuple[int, ...] = ()


def _locked_open_round(session: Session, round_: Round) -> Round:
    # An exclusive lock on the round row: paper entries of a round run one at a time (two
    # people entering the same serial at once cannot both be "the second"), and a close waits
    # for an entry in flight, then sees what it left.
    session.execute(
        select(Round.id).where(Round.id == round_.id).with_for_update()
    )
    session.refresh(round_)
    if round_.state is not RoundState.open:
        raise RoundStateError(_l("Chỉ nhập phiếu giấy khi đợt đang bỏ phiếu."))
    return round_


def _paper_slot(session: Session, round_: Round, serial: int) -> Card:
    slot = session.scalar(select(Card).where(Card.round_id == round_.id, Card.serial == serial))
    if slot is None:
        raise NotFound(_l("Không có phiếu số %(serials)s.", serials=serial))
    if slot.medium != PAPER:
        raise InvalidInput(
            _l("Số %(serials)s là thẻ điện thoại, không phải phiếu giấy.", serials=serial)
        )
    if slot.voided:
        raise InvalidInput(_l("Phiếu giấy số %(serial)d đã bị hủy.", serial=serial))
    if not slot.issued:
        raise InvalidInput(
            _l("Phiếu giấy số %(serial)d chưa được phát: hãy ghi nó vào “Phát phiếu giấy” "
               "trước.", serial=serial)
        )
    if slot.used:
        raise InvalidInput(
            _l("Phiếu giấy số %(serial)d đã được tính (hai lần nhập đã khớp nhau).",
               serial=serial)
        )
    return slot


def enter_paper_ballot(
    session: Session,
    round_: Round,
    *,
    serial: int,
    user_id: int,
    reading: Reading,
    correct: bool = False,
) -> EntryOutcome:
    """Record one person's entry of paper ballot ``serial``; count it once two agree.

    With ``correct``, the person replaces their own earlier entry of this serial; otherwise a
    person who already entered it is refused (two entries must be by two people).

    :raises SurveyError: if the round is not open, the serial is not an issued paper ballot
        still to be counted, or the person may not make this entry; nothing is written then.
    """
    _locked_open_round(session, round_)
    slot = _paper_slot(session, round_, serial)
    if not reading.invalid and kind_of(round_).named_cards:
        printed = {s.id for s in form_subjects(session, round_, serial)}
        if slot.member_id is None or not set(reading.lines) <= printed:
            raise InvalidInput(_l("Có lựa chọn không thuộc phiếu này."))
    entries = list(session.scalars(
        select(PaperEntry)
        .where(PaperEntry.round_id == round_.id, PaperEntry.serial == serial)
        .order_by(PaperEntry.number)
    ))
    mine = next((e for e in entries if e.user_id == user_id), None)
    if mine is not None and not correct:
        raise InvalidInput(
            _l("Bạn đã nhập phiếu số %(serial)d rồi: lần nhập khác phải do người khác thực "
               "hiện. Để sửa lần nhập của mình, hãy dùng “Sửa lần nhập của tôi”.", serial=serial)
        )
    if mine is None and correct:
        raise InvalidInput(
            _l("Bạn chưa nhập phiếu số %(serial)d nên không có lần nhập nào để sửa.",
               serial=serial)
        )
    if mine is not None:
        mine.invalid, mine.lines = reading.invalid, reading.stored()
        entry = mine
    else:
        number = (entries[-1].number if entries else 0) + 1
        entry = PaperEntry(
            round_id=round_.id, serial=serial, number=number, user_id=user_id,
            invalid=reading.invalid, lines=reading.stored(),
        )
        session.add(entry)
        entries.append(entry)
    session.flush()

    others = [e for e in entries if e is not entry]
    agreeing = next((e for e in others if Reading.of(e).agrees_with(reading)), None)
    if agreeing is not None:
        number = entry.number
        _count_paper_ballot(session, round_, slot, reading, entries)
        return EntryOutcome(serial, number, correct, counted=True)
    differs: set[int] = set()
    for other in others:
        differs.update(differing_lines(round_, reading, Reading.of(other)))
    return EntryOutcome(
        serial, entry.number, correct, counted=False, differs=tuple(sorted(differs)),
        others=tuple(e.number for e in others),
    )


def _count_paper_ballot(
    session: Session, round_: Round, slot: Card, reading: Reading, entries: list[PaperEntry]
) -> None:
    """Store the agreed ballot exactly like an electronic one and forget its entries.

    The slot is marked used (like a card that voted) in the same transaction, with the same
    compare-and-set; the ballot gets a random id and no serial. A blank or over-marked line
    has no mark (invalid for that subject only); a wholly invalid ballot has none at all and
    is counted in the round's counter of invalid paper ballots.
    """
    ballot_id = spend_card(session, slot.id, round_.id)
    if ballot_id is None:  # cannot happen under the round lock; refuse rather than count twice
        raise InvalidInput(
            _l("Phiếu giấy số %(serial)d đã được tính (hai lần nhập đã khớp nhau).",
               serial=slot.serial)
        )
    if reading.invalid:  # no line at all
        round_.paper_invalid += 1
    else:
        kind_of(round_).paper_store(session, round_, ballot_id, reading)
    for entry in entries:
        session.delete(entry)
    session.expire(slot)  # spent in SQL above
    session.flush()


