"""The head's decision at exactly half of the members (docs/rules.md#the-heads-decision):
recorded by the officer after the count, on the closed round, audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from survey.errors import InvalidInput, NotFound, RoundStateError
from survey.i18n import _l
from survey.kinds.approval.models import HeadDecision, head_decisions
from survey.kinds.approval.results import approval_result
from survey.rounds.models import Round
from survey.tally.approval import Outcome

#: The name the leadership collective's vote is stored under.
KIND = "collective_vote"

#: The longest note kept with a decision.
MAX_NOTE = 500


def pending_subjects(session: Session, round_: Round) -> list[int]:
    """The ids of people at exactly half whose decision is not recorded yet."""
    if round_.kind != KIND or not round_.results_ready:
        return []
    result = approval_result(session, round_, decisive=True)
    decided = head_decisions(session, round_.id)
    return [s.id for s, line in zip(round_.subjects, result.subjects, strict=False)
            if line.outcome is Outcome.head_decides and s.id not in decided]


def record_head_decision(session: Session, round_: Round, subject_id: int, *, agreed: bool,
                         note: str, actor: str, now: datetime) -> HeadDecision:
    """Record the head's decision on a person who got exactly half of the members' agreement.

    :raises RoundStateError: if the round is not a closed vote of a leadership collective, or
        its figures are withheld.
    :raises NotFound: if the person is not on the round's list.
    :raises InvalidInput: if the person's result is not exactly half, or a decision is already
        recorded, or the note is too long.
    """
    if round_.kind != KIND or not round_.results_ready:
        raise RoundStateError(_l("Chỉ ghi quyết định của người đứng đầu sau khi kết thúc một "
                                 "đợt biểu quyết của tập thể lãnh đạo."))
    index = next((i for i, s in enumerate(round_.subjects) if s.id == subject_id), None)
    if index is None:
        raise NotFound(_l("Không có người này trong danh sách."))
    result = approval_result(session, round_, decisive=True)
    if result.suppressed:
        raise RoundStateError(_l("Đợt này thu về quá ít phiếu: không có kết quả để dựa vào."))
    if result.subjects[index].outcome is not Outcome.head_decides:
        raise InvalidInput(_l("Người đứng đầu chỉ quyết định khi đúng 1/2 tổng số thành viên "
                              "đồng ý."))
    if subject_id in head_decisions(session, round_.id):
        raise InvalidInput(_l("Quyết định của người đứng đầu đối với người này đã được ghi."))
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise InvalidInput(_l("Ghi chú dài tối đa %(n)d ký tự.", n=MAX_NOTE))
    decision = HeadDecision(round_id=round_.id, subject_id=subject_id, agreed=agreed, note=note,
                            recorded_by=actor, recorded_at=now)
    session.add(decision)
    session.flush()
    return decision
