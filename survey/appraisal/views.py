"""Appraisal rounds in the browser: the voter's form (reached through the /v pages of
:mod:`survey.ballots.views`, which hand appraisal cards over to the functions here) and the
organizer's pages for the rules and the named cards."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from survey.appraisal import operations
from survey.appraisal.forms import SettingsForm
from survey.appraisal.operations import SKIP, Line
from survey.ballots.forms import VoteForm
from survey.ballots.operations import CardCheck, check_card, reject
from survey.db import get_session
from survey.errors import CardRejected, SurveyError
from survey.i18n import _
from survey.rounds.models import Round, RoundKind, Subject
from survey.tally.appraisal import Level
from survey.web import audit, flash_error, organizer_required, round_or_404

bp = Blueprint("appraisal", __name__)

def level_labels() -> dict[str, str]:
    """The level names in this request's language."""
    return {
        Level.excellent.value: _("Hoàn thành xuất sắc nhiệm vụ"),
        Level.good.value: _("Hoàn thành tốt nhiệm vụ"),
        Level.completed.value: _("Hoàn thành nhiệm vụ"),
        Level.failed.value: _("Không hoàn thành nhiệm vụ"),
        SKIP: _("Không có ý kiến"),
    }


# -- the voter's pages ---------------------------------------------------------------------------

Rejected = Callable[[CardRejected], object]


def _groups(subjects: list[Subject]) -> list[tuple[str, list[Subject]]]:
    """Subjects grouped by unit, in ballot order of each unit's first subject."""
    groups: dict[str, list[Subject]] = {}
    for subject in subjects:
        groups.setdefault(subject.unit, []).append(subject)
    return list(groups.items())


def _ballot(round_: Round, code: str, lines: dict[int, Line], subjects: list[Subject],
            status: int = 200):
    form = VoteForm(formdata=None, code=code)
    answered = sum(1 for s in subjects if lines.get(s.id, Line()).level)
    return render_template(
        "ballots/appraisal_ballot.html", round=round_, form=form, lines=lines,
        groups=_groups(subjects), total=len(subjects), answered=answered,
        levels=[level.value for level in Level], labels=level_labels(), empty=Line(),
    ), status


def claim(session: Session, card: CardCheck, code: str, rejected: Rejected):
    """The first view of a named card's ballot: every line but the member's own."""
    try:
        member = operations.card_member(session, card.member_id)
    except CardRejected as exc:
        return rejected(exc)
    round_ = session.get(Round, card.round_id)
    return _ballot(round_, code, {}, operations.ballot_subjects(round_, member))


def _posted(session: Session):
    form = VoteForm(formdata=request.form)
    if not form.validate_on_submit():
        abort(400)
    code = form.code.data
    card = check_card(session, code)
    if card.kind != RoundKind.appraisal:
        raise reject("bad_ballot")
    member = operations.card_member(session, card.member_id)
    round_ = session.get(Round, card.round_id)
    subjects = operations.ballot_subjects(round_, member)
    lines = operations.read_lines(request.form)
    operations.check_lines(subjects, lines)
    return round_, code, subjects, lines


def edit(session: Session, rejected: Rejected):
    """Back to the form from the review, every answer kept."""
    try:
        round_, code, subjects, lines = _posted(session)
    except CardRejected as exc:
        return rejected(exc)
    return _ballot(round_, code, lines, subjects)


def review(session: Session, rejected: Rejected):
    """The answers listed before the final submit; warns, never refuses, on a level that
    contradicts the scores; a line with a bad score goes back to the form."""
    try:
        round_, code, subjects, lines = _posted(session)
    except CardRejected as exc:
        return rejected(exc)
    if any(line.errors for line in lines.values()):
        return _ballot(round_, code, lines, subjects, 422)
    untouched = [s for s in subjects if not lines.get(s.id, Line()).level]
    contradictions = [s for s in subjects if s.id in lines and lines[s.id].contradiction]
    return render_template(
        "ballots/appraisal_review.html", round=round_, form=VoteForm(formdata=None, code=code),
        lines=lines, groups=_groups(subjects), untouched=untouched,
        contradictions=contradictions, labels=level_labels(), empty=Line(), skip=SKIP,
    )


def cast(session: Session, code: str) -> None:
    """Spend the card and store the appraisal (the caller commits, or rolls back)."""
    operations.cast_appraisal(session, code, request.form)


# -- the organizer's pages -----------------------------------------------------------------------


def _round(round_id: int, *, write: bool = False) -> Round:
    round_ = round_or_404(round_id, write=write)
    if round_.kind != RoundKind.appraisal:
        abort(404)
    return round_


@bp.route("/rounds/<int:round_id>/appraisal", methods=["GET", "POST"])
@organizer_required
def settings(round_id: int):
    """The rules of an appraisal round (frozen at open) and its roster by unit."""
    round_ = _round(round_id, write=request.method == "POST")
    db = get_session()
    form = SettingsForm(obj=round_)
    status = 200
    if form.validate_on_submit():
        try:
            operations.update_settings(db, round_, operations.Settings(
                min_raters=form.min_raters.data, quota_percent=form.quota_percent.data,
                quota_group=form.quota_group.data, same_unit_only=form.same_unit_only.data,
            ))
            audit(db, "appraisal.settings", round_.id, min_raters=round_.min_raters,
                  quota_percent=round_.quota_percent, quota_group=round_.quota_group,
                  same_unit_only=round_.same_unit_only)
        except SurveyError as exc:
            db.rollback()
            flash_error(exc)
            status = 409
        else:
            db.commit()
            flash(_("Đã lưu."), "info")
            return redirect(url_for("rounds.show", round_id=round_.id))
    elif request.method == "POST":
        status = 422
    members = operations.roster(db, round_.id)
    return render_template(
        "appraisal/settings.html", round=round_, form=form,
        units=operations.roster_units(members), members=len(members),
    ), status


@bp.post("/rounds/<int:round_id>/cards/named")
@organizer_required
def create_named_cards(round_id: int):
    """One card per roster member without one; the sheet shows each member's name."""
    round_ = _round(round_id, write=True)
    db = get_session()
    try:
        made = operations.create_named_cards(db, round_)
        audit(db, "cards.create_named", round_.id, count=len(made),
              serials=f"{made[0].card.serial}-{made[-1].card.serial}")
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return redirect(url_for("rounds.show", round_id=round_id) + "#cards")
    db.commit()
    from survey.ballots.views import _sheet

    return _sheet(round_, [named.card for named in made])


def round_context(session: Session, round_: Round) -> dict:
    """What the round page and the projector add for an appraisal round: turnout per unit."""
    if round_.kind != RoundKind.appraisal:
        return {}
    return {"unit_turnout": operations.turnout_by_unit(session, round_.id)}
