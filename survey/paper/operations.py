"""Paper ballots: create and issue their slots, enter them twice, count them when two agree.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from survey.auth.models import User
from survey.ballots.models import Card, Mark
from survey.ballots.operations import MAX_CARDS, issue_cards, spend_card
from survey.errors import InvalidInput, NotFound, RoundStateError
from survey.i18n import _l
from survey.kinds import kind_of
from survey.kinds.appraisal import paper as paper_appraisal
from survey.kinds.nomination import paper as paper_nomination
from survey.kinds.nomination.models import positions_of
from survey.kinds.paper import (
    APPRAISAL,
    BLANK,
    INVALID,
    NOMINATION,
    NoPaperBallot,
    PaperLayout,
    Reading,
)
from survey.paper.models import PaperEntry
from survey.rounds.models import Round, RoundState, Subject
from survey.tally.nomination import name_key

PAPER = "paper"

#: Serials listed in a refusal before "…".
LISTED = 20


def _serial_list(serials: Iterable[int]) -> str:
    serials = sorted(serials)
    text = ", ".join(map(str, serials[:LISTED]))
    return text + (", …" if len(serials) > LISTED else "")


def layout_for(round_: Round) -> PaperLayout:
    """The paper ballot of ``round_``'s kind.

    :raises NoPaperBallot: if that kind has none (nothing is printed or entered then).
    """
    layout = kind_of(round_).paper
    if layout is None:
        raise NoPaperBallot(_l("Loại đợt này chưa có phiếu giấy."))
    return layout


# -- slots ---------------------------------------------------------------------------------------


def create_paper_ballots(session: Session, round_: Round, count: int) -> list[int]:
    """Take ``count`` new serials for paper ballots (no code: a phone can never use them).

    :returns: the new serials, to print.
    """
    if layout_for(round_).form == APPRAISAL:  # named forms: create_paper_forms
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
        raise NotFound(_l("Không có phiếu số %(serials)s.", serials=_serial_list(missing)))
    if phones := [s for s, medium in found.items() if medium != PAPER]:
        raise InvalidInput(
            _l("Số %(serials)s là thẻ điện thoại, không phải phiếu giấy.",
               serials=_serial_list(phones))
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


# -- entry ---------------------------------------------------------------------------------------


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
               lines=_serial_list(missing))
        )
    reading = Reading(False, dict(lines))
    if layout.form == NOMINATION:
        return paper_nomination.read(round_, reading, write_ins or {})
    if layout.form == APPRAISAL:
        return paper_appraisal.read(printed, reading, scores or {})
    return reading


def form_subjects(session: Session, round_: Round, serial: int | None) -> list[Subject]:
    """The lines printed on paper ballot ``serial``: the round's subjects, or for an appraisal
    form its member's ballot (without their own line)."""
    if layout_for(round_).form == APPRAISAL:
        subjects = paper_appraisal.form_subjects(session, round_, serial)
        if subjects is not None:
            return subjects
    return list(round_.subjects)


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
    if not reading.invalid and layout_for(round_).form == APPRAISAL:
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
    layout: PaperLayout = layout_for(round_)
    ballot_id = spend_card(session, slot.id, round_.id)
    if ballot_id is None:  # cannot happen under the round lock; refuse rather than count twice
        raise InvalidInput(
            _l("Phiếu giấy số %(serial)d đã được tính (hai lần nhập đã khớp nhau).",
               serial=slot.serial)
        )
    if reading.invalid:
        pass  # no line at all
    elif layout.form == NOMINATION:
        paper_nomination.store(session, round_, ballot_id, reading)
    elif layout.form == APPRAISAL:
        paper_appraisal.store(session, round_, ballot_id, reading)
    else:
        marks = [
            {"ballot_id": ballot_id, "subject_id": sid, "choice": mark}
            for sid, mark in reading.lines.items()
            if mark in layout.values
        ]
        if marks:
            session.execute(insert(Mark.__table__), marks)
    if reading.invalid:
        round_.paper_invalid += 1
    for entry in entries:
        session.delete(entry)
    session.expire(slot)  # spent in SQL above
    session.flush()


# -- reconciliation ------------------------------------------------------------------------------


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
            for position in positions_of(round_):
                keys = {tuple(sorted(map(name_key, r.write_ins.get(position.id, ()))))
                        for r in readings}
                if len(keys) > 1:
                    lines.append(LineDifference(
                        0, str(_l("Ghi thêm – %(title)s", title=position.title)),
                        tuple(whole if r.invalid else "; ".join(r.write_ins.get(position.id, ()))
                              or "—" for r in readings),
                    ))
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
    return session.execute(
        delete(PaperEntry).where(PaperEntry.round_id == round_id, PaperEntry.serial == serial)
    ).rowcount


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
                            serials=_serial_list(waiting))))
    if disputed:
        parts.append(str(_l("hai lần nhập khác nhau: số %(serials)s",
                            serials=_serial_list(disputed))))
    raise RoundStateError(
        _l("Chưa thể kết thúc: còn phiếu giấy chưa được tính (%(details)s). Hãy nhập đủ và "
           "giải quyết mọi khác biệt trước.", details="; ".join(parts))
    )
