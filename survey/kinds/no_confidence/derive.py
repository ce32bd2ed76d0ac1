"""A confidence vote prepared from a closed confidence poll, in one step (web and CLI)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from survey.db import get_session
from survey.errors import InvalidInput, RoundStateError
from survey.i18n import _, _l
from survey.kinds.confidence import CONFIDENCE, confidence_result
from survey.rounds.importing import SubjectRow
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round
from survey.rounds.operations import create_round
from survey.tally.confidence import Band
from survey.web import audit, organizer_required, write
from survey.web.forms import EmptyForm

#: The name the confidence vote is stored under (:class:`survey.kinds.no_confidence.NoConfidence`).
KIND = "no_confidence"

bp = Blueprint("no_confidence", __name__)


def derive_no_confidence(session: Session, poll: Round, *, now: datetime,
                         title: str | None = None) -> Round:
    """A draft ``no_confidence`` round with the poll's subjects in the "over half, under two
    thirds low" band, in ballot order, and its body, place and attendance; it still needs
    cards (and an updated attendance if the conference differs) before it opens.

    :raises RoundStateError: if the poll is not closed or its figures are suppressed.
    :raises InvalidInput: if the round is not a confidence poll or nobody is in the band.
    """
    if poll.kind != CONFIDENCE.name:
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
        kind=KIND,
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


@bp.post("/rounds/<int:round_id>/derive")
@organizer_required
def derive(round_id: int) -> ResponseReturnValue:
    """Prepare a confidence vote for those over half "low" in this closed poll."""
    poll = round_or_404(round_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with write() as outcome:
        round_ = derive_no_confidence(get_session(), poll, now=datetime.now(UTC))
        audit(get_session(), "round.derive", round_.id, source=poll.id,
              subjects=len(round_.subjects))
    if not outcome.done:
        return redirect(url_for("rounds.show", round_id=poll.id) + "#results")
    flash(_("Đã tạo đợt bỏ phiếu tín nhiệm với %(n)d người. Hãy tạo và phát thẻ rồi mở bỏ "
            "phiếu.", n=len(round_.subjects)), "info")
    return redirect(url_for("rounds.show", round_id=round_.id))
