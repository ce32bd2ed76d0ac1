"""A confidence vote (bỏ phiếu tín nhiệm) prepared from a closed confidence poll."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from survey.errors import InvalidInput, RoundStateError
from survey.i18n import _l
from survey.reports.queries import confidence_result
from survey.rounds.importing import SubjectRow
from survey.rounds.models import Round, RoundKind
from survey.rounds.operations import create_round
from survey.tally.confidence import Band


def derive_no_confidence(session: Session, poll: Round, *, now: datetime,
                         title: str | None = None) -> Round:
    """A draft ``no_confidence`` round with the poll's subjects in the "over half, under two
    thirds low" band, in ballot order, and its body, place and attendance; it still needs
    cards (and an updated attendance if the conference differs) before it opens.

    :raises RoundStateError: if the poll is not closed or its figures are suppressed.
    :raises InvalidInput: if the round is not a confidence poll or nobody is in the band.
    """
    if poll.kind != RoundKind.confidence:
        raise InvalidInput(_l("Chỉ tạo được đợt bỏ phiếu tín nhiệm từ một đợt lấy phiếu tín "
                              "nhiệm."))
    if not poll.results_ready:
        raise RoundStateError(_l("Kết quả chỉ xem được sau khi kết thúc bỏ phiếu."))
    result = confidence_result(session, poll)
    if result.suppressed:
        raise RoundStateError(_l("Đợt này thu về quá ít phiếu: không có kết quả để dựa vào."))
    rows = [
        SubjectRow(subject.order, subject.name, subject.position, subject.unit)
        for subject, line in zip(poll.subjects, result.subjects, strict=True)
        if line.band is Band.over_half_low
    ]
    if not rows:
        raise InvalidInput(_l("Không có người nào có trên 1/2 đến dưới 2/3 số phiếu tín nhiệm "
                              "thấp: không cần bỏ phiếu tín nhiệm."))
    round_ = create_round(
        session,
        title=title or str(_l("Bỏ phiếu tín nhiệm – %(title)s", title=poll.title)),
        now=now,
        body=poll.body,
        body_kind=poll.body_kind,
        kind=RoundKind.no_confidence,
        place=poll.place,
        held_on=poll.held_on,
        summoned=poll.summoned,
        min_ballots=poll.min_ballots,
        subjects=rows,
    )
    round_.present = poll.present
    round_.parent_body = poll.parent_body
    round_.locality = poll.locality
    session.flush()
    return round_
