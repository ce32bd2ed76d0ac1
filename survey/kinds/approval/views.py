"""The organizer's page of a leadership collective's vote: the head's decision at exactly half."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from survey.db import get_session
from survey.errors import NotFound
from survey.i18n import _, _l
from survey.kinds.approval.decisions import MAX_NOTE, record_head_decision
from survey.rounds.lookup import round_or_404
from survey.web import audit, organizer_required, write
from survey.web.forms import Form, choices

bp = Blueprint("approval", __name__)


class HeadDecisionForm(Form):
    """The head's decision on one person; ``prefix`` keeps each person's fields apart."""

    decision = RadioField(_l("Quyết định của người đứng đầu"),
                          choices=choices({"agree": _l("Đồng ý"),
                                           "disagree": _l("Không đồng ý")}),
                          validators=[DataRequired()])
    note = StringField(_l("Ghi chú (người quyết định, văn bản, lý do)"),
                       validators=[Length(max=MAX_NOTE)])


def decision_form(subject_id: int, **kwargs: object) -> HeadDecisionForm:
    return HeadDecisionForm(prefix=f"d{subject_id}", **kwargs)


@bp.post("/rounds/<int:round_id>/head-decisions/<int:subject_id>")
@organizer_required
def head_decision(round_id: int, subject_id: int) -> ResponseReturnValue:
    """Record the head's decision on a person who got exactly half of the members."""
    round_ = round_or_404(round_id, write=True)
    form = decision_form(subject_id)
    if not form.validate_on_submit():
        abort(400)
    with write() as outcome:
        decision = record_head_decision(
            get_session(), round_, subject_id, agreed=form.decision.data == "agree",
            note=form.note.data or "", actor=current_user.username, now=datetime.now(UTC))
        audit(get_session(), "round.head_decision", round_.id, subject=subject_id,
              agreed=decision.agreed, note=decision.note)
    if isinstance(outcome.refusal, NotFound):
        abort(404)
    if outcome.done:
        flash(_("Đã ghi quyết định của người đứng đầu."), "info")
    return redirect(url_for("reports.results", round_id=round_.id) + "#decisions")
