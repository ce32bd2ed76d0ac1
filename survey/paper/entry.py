"""Entering paper ballots: each is read twice, by two people, and counted once two entries
agree, exactly as a phone ballot is stored (docs/paper-ballots.md). A ballot is known by the
number the counting committee wrote on it as it came out of the box (its counting number):
the sheets themselves are identical.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.ballots.models import CountedPaper
from survey.ballots.operations import new_ballot
from survey.errors import InvalidInput, NotFound, RoundStateError
from survey.i18n import _l
from survey.kinds import kind_of
from survey.kinds.paper import BLANK, INVALID, PaperGroup, Reading
from survey.paper.models import PaperEntry
from survey.paper.slots import counted_paper, layout_for, lock_round, number_list, paper_issued
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
    form of one unit lists that unit's). A line not printed may be posted only as blank.

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
               lines=number_list(missing))
        )
    return kind_of(round_).paper_read(round_, Reading(False, dict(lines)), printed,
                                      write_ins or {}, scores or {})


def paper_groups(round_: Round) -> list[PaperGroup]:
    """The round's groups of identical paper ballots (one, or an appraisal form per unit)."""
    return kind_of(round_).paper_groups(round_)


def group_at(round_: Round, index: int | None) -> PaperGroup:
    """The group numbered ``index`` (from 1, as the pages name it); the only one by default.

    :raises NotFound: if there is no such group, or none was named where several exist.
    """
    groups = paper_groups(round_)
    if index is None and len(groups) == 1:
        return groups[0]
    if index is None or not 1 <= index <= len(groups):
        raise NotFound(_l("Hãy chọn mẫu phiếu giấy (đơn vị ghi trên phiếu)."))
    return groups[index - 1]


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
    counting_number: int
    #: Which entry of this ballot this one is (a correction keeps its number).
    number: int
    corrected: bool
    #: Two entries agreed and the ballot is now counted.
    counted: bool
    #: Line numbers where this entry differs from another one (empty when counted or first).
    differs: tuple[int, ...] = ()
    #: The other entries' numbers that it differs from.
    others: tuple[int, ...] = ()


def _open_round(session: Session, round_: Round) -> Round:
    # the round row's lock: entries of a round run one at a time (see lock_round)
    lock_round(session, round_)
    if round_.state is not RoundState.open:
        raise RoundStateError(_l("Chỉ nhập phiếu giấy khi đợt đang bỏ phiếu."))
    return round_


def _check_number(session: Session, round_: Round, counting_number: int) -> None:
    """:raises InvalidInput: if that ballot is counted already, or every paper ballot handed
    out is (a box cannot hold more paper ballots than were handed out)."""
    done = session.get(CountedPaper, (round_.id, counting_number))
    if done is not None:
        raise InvalidInput(
            _l("Phiếu giấy số %(serial)d đã được tính (hai lần nhập đã khớp nhau).",
               serial=counting_number)
        )
    issued = paper_issued(session, round_)
    if counted_paper(session, round_.id) >= issued:
        raise InvalidInput(
            _l("Đã tính đủ %(n)d phiếu giấy đã phát: không thể tính thêm. Hãy kiểm tra số phiếu "
               "giấy đã phát.", n=issued)
        )


def enter_paper_ballot(
    session: Session,
    round_: Round,
    *,
    counting_number: int,
    user_id: int,
    reading: Reading,
    correct: bool = False,
) -> EntryOutcome:
    """Record one person's entry of the paper ballot numbered ``counting_number``; count it
    once two agree.

    With ``correct``, the person replaces their own earlier entry of this ballot; otherwise a
    person who already entered it is refused (two entries must be by two people).

    :raises SurveyError: if the round is not open, the ballot is counted already or no paper
        ballot handed out is left to count, or the person may not make this entry; nothing is
        written then.
    """
    _open_round(session, round_)
    _check_number(session, round_, counting_number)
    entries = list(session.scalars(
        select(PaperEntry)
        .where(PaperEntry.round_id == round_.id, PaperEntry.counting_number == counting_number)
        .order_by(PaperEntry.number)
    ))
    mine = next((e for e in entries if e.user_id == user_id), None)
    if mine is not None and not correct:
        raise InvalidInput(
            _l("Bạn đã nhập phiếu số %(serial)d rồi: lần nhập khác phải do người khác thực "
               "hiện. Để sửa lần nhập của mình, hãy dùng “Sửa lần nhập của tôi”.",
               serial=counting_number)
        )
    if mine is None and correct:
        raise InvalidInput(
            _l("Bạn chưa nhập phiếu số %(serial)d nên không có lần nhập nào để sửa.",
               serial=counting_number)
        )
    if mine is not None:
        mine.invalid, mine.lines = reading.invalid, reading.stored()
        entry = mine
    else:
        number = (entries[-1].number if entries else 0) + 1
        entry = PaperEntry(
            round_id=round_.id, counting_number=counting_number, number=number,
            user_id=user_id, invalid=reading.invalid, lines=reading.stored(),
        )
        session.add(entry)
        entries.append(entry)
    session.flush()

    others = [e for e in entries if e is not entry]
    agreeing = next((e for e in others if Reading.of(e).agrees_with(reading)), None)
    if agreeing is not None:
        number = entry.number
        _count_paper_ballot(session, round_, counting_number, reading, entries)
        return EntryOutcome(counting_number, number, correct, counted=True)
    differs: set[int] = set()
    for other in others:
        differs.update(differing_lines(round_, reading, Reading.of(other)))
    return EntryOutcome(
        counting_number, entry.number, correct, counted=False,
        differs=tuple(sorted(differs)), others=tuple(e.number for e in others),
    )


def withdraw_entry(session: Session, round_: Round, *, counting_number: int,
                   user_id: int) -> int:
    """Delete one's own entry of a ballot not yet counted (a counting number typed wrongly).

    :returns: the withdrawn entry's number.
    :raises SurveyError: if the round is not open or the person has no such entry.
    """
    _open_round(session, round_)
    mine = session.scalar(select(PaperEntry).where(
        PaperEntry.round_id == round_.id, PaperEntry.counting_number == counting_number,
        PaperEntry.user_id == user_id,
    ))
    if mine is None:
        raise NotFound(_l("Bạn không có lần nhập nào của phiếu số %(serial)d chưa được tính.",
                          serial=counting_number))
    number = mine.number
    session.delete(mine)
    session.flush()
    return number


def _count_paper_ballot(
    session: Session, round_: Round, counting_number: int, reading: Reading,
    entries: list[PaperEntry],
) -> None:
    """Store the agreed ballot exactly like an electronic one and forget its entries.

    The counting number is recorded as counted in the same transaction (its primary key is
    the compare-and-set: a ballot is never counted twice); the ballot gets a random id and
    nothing else. A blank or over-marked line has no mark (invalid for that subject only); a
    wholly invalid ballot has none at all and is counted in the round's counter of invalid
    paper ballots.
    """
    session.add(CountedPaper(round_id=round_.id, counting_number=counting_number))
    session.flush()  # a second count of this number fails here, before anything is stored
    ballot_id = new_ballot(session, round_.id)
    if reading.invalid:  # no line at all
        round_.paper_invalid += 1
    else:
        kind_of(round_).paper_store(session, round_, ballot_id, reading)
    for entry in entries:
        session.delete(entry)
    session.flush()
