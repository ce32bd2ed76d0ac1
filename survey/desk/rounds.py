"""Organizer pages for rounds: create, subjects, attendance, open, close, publish."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from survey.auth.forms import ConfirmPasswordForm
from survey.ballots.forms import CreateCardsForm, IssueCardsForm, SerialForm
from survey.ballots.operations import card_counts, turnout
from survey.db import get_session, transaction
from survey.desk import operations
from survey.desk.forms import (
    AttendanceForm,
    ConfirmImportForm,
    ImportForm,
    NewRoundForm,
    RoundDetailsForm,
    SubjectForm,
)
from survey.desk.purge import PURGE_PENDING, purge_engine, purge_pending
from survey.errors import NotFound, RoundStateError
from survey.i18n import _, _l
from survey.kinds import kind_named, kind_of
from survey.kinds.base import ListImport
from survey.rounds import operations as rounds
from survey.rounds.importing import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, SubjectRow, parse_subjects
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round, RoundState
from survey.web import audit, flash_error, organizer_required, refusal_status, write
from survey.web.forms import EmptyForm

bp = Blueprint("rounds", __name__)


def _now() -> datetime:
    return datetime.now(UTC)


def _back(round_: Round, anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for("rounds.show", round_id=round_.id) + (f"#{anchor}" if anchor else ""))


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """The list of rounds: all for organizers, published ones for readers."""
    rounds_ = rounds.list_rounds(get_session(), published_only=not current_user.can_organize)
    return render_template("rounds/index.html", rounds=rounds_)


@bp.get("/rounds/new")
@organizer_required
def new() -> ResponseReturnValue:
    """The form of a new round."""
    form = NewRoundForm()
    form.min_ballots.data = 5
    return render_template("rounds/new.html", form=form, parsed=None)


def _uploaded_list(form: NewRoundForm) -> ListImport | None:
    """The list sent with a new round, read the way its kind reads lists; ``None``: none sent."""
    upload = form.subjects_file.data
    if not (upload and upload.filename):
        return None
    return kind_named(form.kind.data).read_list(upload.read(), upload.filename)


@bp.post("/rounds/new")
@organizer_required
def create() -> ResponseReturnValue:
    """Create a round: details, and optionally its list."""
    form = NewRoundForm()
    if not form.validate_on_submit():
        return render_template("rounds/new.html", form=form, parsed=None)
    parsed = _uploaded_list(form)
    if parsed is not None and not parsed.ok:
        return render_template("rounds/new.html", form=form, parsed=parsed), 422
    with write() as outcome:
        round_ = operations.create_round(
            get_session(), title=form.title.data, body=form.body.data or "",
            body_kind=form.body_kind.data, kind=form.kind.data, place=form.place.data or "",
            held_on=form.held_on.data, summoned=form.summoned.data,
            denominator=form.denominator.data, min_ballots=form.min_ballots.data, now=_now(),
        )
        if parsed is not None:
            kind_of(round_).replace_list(get_session(), round_, parsed)
        audit(get_session(), "round.create", round_.id, title=round_.title,
              subjects=len(round_.subjects))
    if outcome.refusal:
        return render_template("rounds/new.html", form=form, parsed=None)
    flash(_("Đã tạo đợt lấy phiếu."), "info")
    return _back(round_)


@bp.get("/rounds/<int:round_id>")
@organizer_required
def show(round_id: int) -> ResponseReturnValue:
    """A round's page: every step of running it, in order."""
    round_ = round_or_404(round_id)
    db = get_session()
    return render_template(
        "rounds/show.html", round=round_, kind=kind_of(round_),
        counts=card_counts(db, round_.id),
        attendance=AttendanceForm(summoned=round_.summoned, present=round_.present,
                                  formdata=None),
        create_cards=CreateCardsForm(formdata=None), issue_cards=IssueCardsForm(formdata=None),
        serial_form=SerialForm(formdata=None), button=EmptyForm(),
        purge_pending=PURGE_PENDING if round_.purge_pending else None,
        **kind_of(round_).round_context(db, round_),
    )


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit(round_id: int) -> ResponseReturnValue:
    """Edit a draft round's details."""
    round_ = round_or_404(round_id, write=request.method == "POST")
    form = RoundDetailsForm(obj=round_)
    if not form.validate_on_submit():
        return render_template("rounds/edit.html", round=round_, form=form)
    with write() as outcome:
        rounds.update_round(
            get_session(), round_, title=form.title.data, body=form.body.data or "",
            body_kind=form.body_kind.data, place=form.place.data or "",
            held_on=form.held_on.data, denominator=form.denominator.data,
            min_ballots=form.min_ballots.data,
        )
        audit(get_session(), "round.update", round_.id, title=round_.title,
              denominator=round_.denominator, min_ballots=round_.min_ballots)
    if outcome.refusal:
        return render_template("rounds/edit.html", round=round_, form=form), \
            refusal_status(outcome.refusal)
    flash(_("Đã lưu."), "info")
    return _back(round_)


def _subjects_page(round_: Round, form: SubjectForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "rounds/subjects.html", round=round_, form=form, import_form=ImportForm(formdata=None),
        button=EmptyForm(),
    ), status


@bp.get("/rounds/<int:round_id>/subjects")
@organizer_required
def subjects(round_id: int) -> ResponseReturnValue:
    """The ballot's list: add, remove, reorder, import from a file."""
    return _subjects_page(round_or_404(round_id), SubjectForm(formdata=None))


@bp.post("/rounds/<int:round_id>/subjects")
@organizer_required
def add_subject(round_id: int) -> ResponseReturnValue:
    """Add one subject at the end of the list."""
    round_ = round_or_404(round_id, write=True)
    form = SubjectForm()
    if not form.validate_on_submit():
        return _subjects_page(round_, form)
    with write() as outcome:
        subject = rounds.add_subject(get_session(), round_, name=form.name.data,
                                     position=form.position.data or "",
                                     unit=form.unit.data or "")
        audit(get_session(), "subject.add", round_.id, name=subject.name, order=subject.order)
    if outcome.refusal:
        return _subjects_page(round_, form, refusal_status(outcome.refusal))
    return redirect(url_for("rounds.subjects", round_id=round_.id) + "#add")


@bp.post("/rounds/<int:round_id>/subjects/<int:subject_id>/<any(up, down, remove):action>")
@organizer_required
def change_subject(round_id: int, subject_id: int, action: str) -> ResponseReturnValue:
    """Move a subject up or down, or remove it."""
    round_ = round_or_404(round_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with write(flash_refusal=False) as outcome:
        if action == "remove":
            rounds.remove_subject(get_session(), round_, subject_id)
        else:
            rounds.move_subject(get_session(), round_, subject_id, -1 if action == "up" else 1)
        audit(get_session(), f"subject.{action}", round_.id, subject=subject_id)
    if isinstance(outcome.refusal, NotFound):
        abort(404)
    if outcome.refusal:
        flash_error(outcome.refusal)
    return redirect(url_for("rounds.subjects", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/import")
@organizer_required
def import_preview(round_id: int) -> ResponseReturnValue:
    """Show what a subject file holds, naming each bad row; nothing is imported yet."""
    round_ = round_or_404(round_id)
    try:
        round_.require_draft()  # no preview, and no confirm button, for a frozen list
    except RoundStateError as exc:
        flash_error(exc)
        return _subjects_page(round_, SubjectForm(formdata=None), 409)
    form = ImportForm()
    upload = form.subjects_file.data
    if not form.validate_on_submit() or not upload or not upload.filename:
        flash_error(_("Hãy chọn một tệp .csv hoặc .xlsx."))
        return redirect(url_for("rounds.subjects", round_id=round_.id))
    parsed = parse_subjects(upload.read(), upload.filename,
                            max_rows=kind_of(round_).max_list_rows)
    confirm = ConfirmImportForm(formdata=None)
    if parsed.ok:
        confirm.rows.data = json.dumps(
            [[row.name, row.position, row.unit] for row in parsed.rows], ensure_ascii=False
        )
    return render_template(
        "rounds/import.html", round=round_, parsed=parsed, confirm=confirm,
        filename=upload.filename,
    ), 200 if parsed.ok else 422


def _confirmed_rows(data: str) -> list[SubjectRow]:
    """The previewed rows as they came back from the browser: exactly three strings each."""
    rows: list[SubjectRow] = []
    try:
        for line, row in enumerate(json.loads(data or ""), start=1):
            if not (isinstance(row, list) and len(row) == 3
                    and all(isinstance(cell, str) for cell in row)):
                raise ValueError
            name, position, unit = (" ".join(cell.split()) for cell in row)
            if not name or len(name) > MAX_NAME_LENGTH:
                raise ValueError
            rows.append(
                SubjectRow(line, name, position[:MAX_TEXT_LENGTH], unit[:MAX_TEXT_LENGTH])
            )
    except (ValueError, TypeError):
        return []
    return rows


@bp.post("/rounds/<int:round_id>/import/confirm")
@organizer_required
def import_confirm(round_id: int) -> ResponseReturnValue:
    """Replace the ballot's list with the previewed rows."""
    round_ = round_or_404(round_id, write=True)
    form = ConfirmImportForm()
    rows = _confirmed_rows(form.rows.data)
    if not form.validate_on_submit() or not rows:
        flash_error(_("Dữ liệu nhập không hợp lệ. Hãy tải tệp lên lại."))
        return redirect(url_for("rounds.subjects", round_id=round_.id))
    with write() as outcome:
        operations.replace_subjects(get_session(), round_, rows)
        audit(get_session(), "subject.import", round_.id, subjects=len(rows))
    if outcome.done:
        flash(_("Đã nhập %(n)d người vào danh sách.", n=len(rows)), "info")
    return redirect(url_for("rounds.subjects", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/attendance")
@organizer_required
def attendance(round_id: int) -> ResponseReturnValue:
    """Record how many were summoned and how many are present."""
    round_ = round_or_404(round_id, write=True)
    form = AttendanceForm()
    if not form.validate_on_submit() or form.present.data is None:
        flash_error(_("Hãy ghi số người được triệu tập và số người có mặt (số nguyên)."))
        return _back(round_, "attendance")
    with write() as outcome:
        operations.record_attendance(get_session(), round_, summoned=form.summoned.data,
                                 present=form.present.data)
        audit(get_session(), "round.attendance", round_.id, summoned=round_.summoned,
              present=round_.present)
    if outcome.done and not round_.has_quorum:
        flash_error(_("Chưa đủ 2/3 số người được triệu tập có mặt: chưa thể mở bỏ phiếu."))
    elif outcome.done:
        flash(_("Đã ghi số người có mặt. Đủ điều kiện tiến hành."), "info")
    return _back(round_, "attendance")


STEPS = {
    "open": (operations.open_round, RoundState.draft),
    "close": (operations.close_round, RoundState.open),
    "publish": (operations.publish_round, RoundState.closed),
}

DONE = {
    "open": _l("Đã mở bỏ phiếu."),
    "close": _l("Đã kết thúc bỏ phiếu."),
    "publish": _l("Đã công bố kết quả."),
}

#: Where each step leads once done.
AFTER = {"open": "rounds.turnout_page", "close": "reports.results", "publish": "rounds.show"}


def _confirm_page(round_: Round, form: ConfirmPasswordForm, step: str,
                  status: int = 200) -> ResponseReturnValue:
    used, issued = turnout(get_session(), round_.id)
    return render_template(
        "rounds/confirm.html", round=round_, form=form, step=step, used=used, issued=issued,
        ready=round_.state is STEPS[step][1],
    ), status


@bp.get("/rounds/<int:round_id>/<any(open, close, publish):step>")
@organizer_required
def confirm(round_id: int, step: str) -> ResponseReturnValue:
    """Open, close or publish a round: the page that asks for the password again."""
    return _confirm_page(round_or_404(round_id), ConfirmPasswordForm(), step)


def _refuse_password(round_: Round, step: str) -> None:
    """A wrong password is audited on its own: nothing else of the step is written."""
    with transaction(get_session()) as db:
        audit(db, f"round.{step}.refused", round_.id, reason="password")
    flash_error(_("Mật khẩu không đúng."))


@bp.post("/rounds/<int:round_id>/<any(open, close, publish):step>")
@organizer_required
def transition(round_id: int, step: str) -> ResponseReturnValue:
    """Open, close or publish a round, after the organizer re-enters their password."""
    round_ = round_or_404(round_id, write=True)
    form = ConfirmPasswordForm()
    if not form.validate_on_submit():
        return _confirm_page(round_, form, step)
    if not current_user.check_password(form.password.data):
        _refuse_password(round_, step)
        return _confirm_page(round_, form, step, 403)
    with write() as outcome:
        # the clock is read by the step itself: a close reads it once the casts in flight
        # are done (survey.desk.operations.close_round)
        STEPS[step][0](get_session(), round_, _now)
        audit(get_session(), f"round.{step}", round_.id)
    if outcome.refusal:
        return _confirm_page(round_, form, step, 409)
    if round_.purge_pending and not purge_pending(purge_engine(current_app)).done:
        flash_error(str(PURGE_PENDING))
    flash(str(DONE[step]), "info")
    return redirect(url_for(AFTER[step], round_id=round_.id))


@bp.route("/rounds/<int:round_id>/delete", methods=["GET", "POST"])
@organizer_required
def delete(round_id: int) -> ResponseReturnValue:
    """Delete a draft round."""
    round_ = round_or_404(round_id, write=request.method == "POST")
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("rounds/delete.html", round=round_, form=form, refusal=None)
    title = round_.title
    with write(flash_refusal=False) as outcome:
        operations.delete_round(get_session(), round_)
        audit(get_session(), "round.delete", round_id, title=title)
    if outcome.refusal:
        return render_template("rounds/delete.html", round=round_, form=form,
                               refusal=str(outcome.refusal)), 409
    flash(_("Đã xóa đợt lấy phiếu."), "info")
    return redirect(url_for("rounds.index"))


@bp.get("/rounds/<int:round_id>/turnout")
@organizer_required
def turnout_page(round_id: int) -> ResponseReturnValue:
    """Live turnout for the projector: only how many cards have voted."""
    round_ = round_or_404(round_id)
    used, issued = turnout(get_session(), round_.id)
    return render_template("rounds/turnout.html", round=round_, used=used, issued=issued,
                           kind=kind_of(round_),
                           **kind_of(round_).round_context(get_session(), round_))
