"""Organizer pages for rounds: create, subjects, attendance, open, close, publish."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from survey.appraisal.views import round_context as appraisal_context
from survey.auth.forms import ConfirmPasswordForm
from survey.ballots.forms import CreateCardsForm, IssueCardsForm, SerialForm
from survey.ballots.operations import card_counts, turnout
from survey.db import begin_write, compact, get_session
from survey.errors import NotFound, RoundStateError, SurveyError
from survey.i18n import _, _l
from survey.rounds import operations
from survey.rounds.forms import (
    AttendanceForm,
    ConfirmImportForm,
    EmptyForm,
    ImportForm,
    NewRoundForm,
    RoundDetailsForm,
    SubjectForm,
)
from survey.rounds.importing import (
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    ImportResult,
    SubjectRow,
    parse_subjects,
)
from survey.rounds.models import Round, RoundKind, RoundState
from survey.rounds.nomination import parse_nominations, replace_nominations
from survey.web import audit, flash_error, organizer_required, round_or_404

bp = Blueprint("rounds", __name__)


def _now() -> datetime:
    return datetime.now(UTC)


def _back(round_: Round, anchor: str = ""):
    return redirect(url_for("rounds.show", round_id=round_.id) + (f"#{anchor}" if anchor else ""))


@bp.get("/")
@login_required
def index():
    """The list of rounds: all for organizers, published ones for readers."""
    rounds = operations.list_rounds(get_session(), published_only=not current_user.can_organize)
    return render_template("rounds/index.html", rounds=rounds)


@bp.route("/rounds/new", methods=["GET", "POST"])
@organizer_required
def new():
    """Create a round: details, and optionally its subject list."""
    form = NewRoundForm()
    if form.validate_on_submit():
        rows: tuple[SubjectRow, ...] = ()
        sheet = None
        upload = form.subjects_file.data
        if upload and upload.filename and form.kind.data == RoundKind.nomination:
            # positions, seats and candidates from one sheet (survey.rounds.nomination)
            sheet = parse_nominations(upload.read(), upload.filename)
            if not sheet.ok:
                return render_template("rounds/new.html", form=form, parsed=sheet), 422
        elif upload and upload.filename:
            parsed = parse_subjects(upload.read(), upload.filename)
            if not parsed.ok:
                return render_template("rounds/new.html", form=form, parsed=parsed), 422
            rows = parsed.rows
        db = begin_write(get_session())
        try:
            round_ = operations.create_round(
                db,
                title=form.title.data,
                body=form.body.data or "",
                body_kind=form.body_kind.data,
                kind=form.kind.data,
                place=form.place.data or "",
                held_on=form.held_on.data,
                summoned=form.summoned.data,
                denominator=form.denominator.data,
                min_ballots=form.min_ballots.data,
                subjects=rows,
                now=_now(),
            )
            if sheet is not None:
                replace_nominations(db, round_, sheet)
            audit(db, "round.create", round_.id, title=round_.title,
                  subjects=len(round_.subjects))
        except SurveyError as exc:
            db.rollback()
            flash_error(exc)
        else:
            db.commit()
            flash(_("Đã tạo đợt lấy phiếu."), "info")
            return _back(round_)
    elif request.method == "GET":
        form.min_ballots.data = 5
    return render_template("rounds/new.html", form=form, parsed=None)


@bp.get("/rounds/<int:round_id>")
@organizer_required
def show(round_id: int):
    """A round's page: every step of running it, in order."""
    round_ = round_or_404(round_id)
    db = get_session()
    attendance = AttendanceForm(
        summoned=round_.summoned, present=round_.present, formdata=None
    )
    return render_template(
        "rounds/show.html",
        round=round_,
        counts=card_counts(db, round_.id),
        attendance=attendance,
        create_cards=CreateCardsForm(formdata=None),
        issue_cards=IssueCardsForm(formdata=None),
        serial_form=SerialForm(formdata=None),
        button=EmptyForm(),
        **appraisal_context(db, round_),
    )


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit(round_id: int):
    """Edit a draft round's details."""
    round_ = round_or_404(round_id, write=request.method == "POST")
    form = RoundDetailsForm(obj=round_)
    status = 200
    if form.validate_on_submit():
        db = get_session()
        try:
            operations.update_round(
                db,
                round_,
                title=form.title.data,
                body=form.body.data or "",
                body_kind=form.body_kind.data,
                place=form.place.data or "",
                held_on=form.held_on.data,
                denominator=form.denominator.data,
                min_ballots=form.min_ballots.data,
            )
            audit(db, "round.update", round_.id, title=round_.title,
                  denominator=round_.denominator, min_ballots=round_.min_ballots)
        except SurveyError as exc:
            db.rollback()
            flash_error(exc)
            status = 409 if isinstance(exc, RoundStateError) else 422
        else:
            db.commit()
            flash(_("Đã lưu."), "info")
            return _back(round_)
    return render_template("rounds/edit.html", round=round_, form=form), status


@bp.route("/rounds/<int:round_id>/subjects", methods=["GET", "POST"])
@organizer_required
def subjects(round_id: int):
    """The ballot's list: add, remove, reorder, import from a file."""
    round_ = round_or_404(round_id, write=request.method == "POST")
    form = SubjectForm()
    status = 200
    if form.validate_on_submit():
        db = get_session()
        try:
            subject = operations.add_subject(
                db, round_, name=form.name.data, position=form.position.data or "",
                unit=form.unit.data or "",
            )
            audit(db, "subject.add", round_.id, name=subject.name, order=subject.order)
        except SurveyError as exc:
            db.rollback()
            flash_error(exc)
            status = 409 if isinstance(exc, RoundStateError) else 422
        else:
            db.commit()
            return redirect(url_for("rounds.subjects", round_id=round_.id) + "#add")
    return _subjects_page(round_, form), status


def _subjects_page(round_: Round, form: SubjectForm) -> str:
    return render_template(
        "rounds/subjects.html", round=round_, form=form, import_form=ImportForm(formdata=None),
        button=EmptyForm(),
    )


@bp.post("/rounds/<int:round_id>/subjects/<int:subject_id>/<any(up, down, remove):action>")
@organizer_required
def change_subject(round_id: int, subject_id: int, action: str):
    """Move a subject up or down, or remove it."""
    round_ = round_or_404(round_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db = get_session()
    try:
        if action == "remove":
            operations.remove_subject(db, round_, subject_id)
        else:
            operations.move_subject(db, round_, subject_id, -1 if action == "up" else 1)
        audit(db, f"subject.{action}", round_.id, subject=subject_id)
    except NotFound:
        abort(404)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
    else:
        db.commit()
    return redirect(url_for("rounds.subjects", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/import")
@organizer_required
def import_preview(round_id: int):
    """Show what a subject file holds, naming each bad row; nothing is imported yet."""
    round_ = round_or_404(round_id)
    try:
        round_.require_draft()  # no preview, and no confirm button, for a frozen list
    except RoundStateError as exc:
        flash_error(exc)
        return _subjects_page(round_, SubjectForm(formdata=None)), 409
    form = ImportForm()
    upload = form.subjects_file.data
    if not form.validate_on_submit() or not upload or not upload.filename:
        flash_error(_("Hãy chọn một tệp .csv hoặc .xlsx."))
        return redirect(url_for("rounds.subjects", round_id=round_.id))
    parsed = parse_subjects(upload.read(), upload.filename)
    confirm = ConfirmImportForm(formdata=None)
    if parsed.ok:
        confirm.rows.data = json.dumps(
            [[row.name, row.position, row.unit] for row in parsed.rows], ensure_ascii=False
        )
    status = 200 if parsed.ok else 422
    return render_template(
        "rounds/import.html", round=round_, parsed=parsed, confirm=confirm,
        filename=upload.filename,
    ), status


@bp.post("/rounds/<int:round_id>/import/confirm")
@organizer_required
def import_confirm(round_id: int):
    """Replace the ballot's list with the previewed rows."""
    round_ = round_or_404(round_id, write=True)
    form = ConfirmImportForm()
    rows: list[SubjectRow] = []
    try:
        data = json.loads(form.rows.data or "")
        for line, row in enumerate(data, start=1):
            # the rows came back from the browser: exactly three strings each, as previewed
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
        rows = []
    if not form.validate_on_submit() or not rows:
        flash_error(_("Dữ liệu nhập không hợp lệ. Hãy tải tệp lên lại."))
        return redirect(url_for("rounds.subjects", round_id=round_.id))
    db = get_session()
    try:
        operations.replace_subjects(db, round_, rows)
        audit(db, "subject.import", round_.id, subjects=len(rows))
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
    else:
        db.commit()
        flash(_("Đã nhập %(n)d người vào danh sách.", n=len(rows)), "info")
    return redirect(url_for("rounds.subjects", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/attendance")
@organizer_required
def attendance(round_id: int):
    """Record how many were summoned and how many are present."""
    round_ = round_or_404(round_id, write=True)
    form = AttendanceForm()
    db = get_session()
    if not form.validate_on_submit() or form.present.data is None:
        flash_error(_("Hãy ghi số người được triệu tập và số người có mặt (số nguyên)."))
        return _back(round_, "attendance")
    try:
        operations.record_attendance(
            db, round_, summoned=form.summoned.data, present=form.present.data
        )
        audit(db, "round.attendance", round_.id, summoned=round_.summoned,
              present=round_.present)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
    else:
        db.commit()
        if not round_.has_quorum:
            flash_error(_("Chưa đủ 2/3 số người được triệu tập có mặt: chưa thể mở bỏ phiếu."))
        else:
            flash(_("Đã ghi số người có mặt. Đủ điều kiện tiến hành."), "info")
    return _back(round_, "attendance")


STEPS = {
    "open": (operations.open_round, RoundState.draft),
    "close": (operations.close_round, RoundState.open),
    "publish": (operations.publish_round, RoundState.closed),
}


@bp.route("/rounds/<int:round_id>/<any(open, close, publish):step>", methods=["GET", "POST"])
@organizer_required
def transition(round_id: int, step: str):
    """Open, close or publish a round, after the organizer re-enters their password."""
    round_ = round_or_404(round_id, write=request.method == "POST")
    operation, expected = STEPS[step]
    form = ConfirmPasswordForm()
    status = 200
    if form.validate_on_submit():
        db = get_session()
        if not current_user.check_password(form.password.data):
            db.rollback()
            begin_write(db)
            audit(db, f"round.{step}.refused", round_.id, reason="password")
            db.commit()
            flash_error(_("Mật khẩu không đúng."))
            status = 403
        else:
            try:
                operation(db, round_, _now())
                audit(db, f"round.{step}", round_.id)
            except SurveyError as exc:
                db.rollback()
                flash_error(exc)
                status = 409
            else:
                db.commit()
                if step == "close":
                    compact()
                flash(str(DONE[step]), "info")
                if step == "open":
                    return redirect(url_for("rounds.turnout_page", round_id=round_.id))
                if step == "close":
                    return redirect(url_for("reports.results", round_id=round_.id))
                return _back(round_)
    used, issued = turnout(get_session(), round_.id)
    return render_template(
        "rounds/confirm.html", round=round_, form=form, step=step, used=used, issued=issued,
        ready=round_.state is expected,
    ), status


DONE = {
    "open": _l("Đã mở bỏ phiếu."),
    "close": _l("Đã kết thúc bỏ phiếu."),
    "publish": _l("Đã công bố kết quả."),
}


@bp.route("/rounds/<int:round_id>/delete", methods=["GET", "POST"])
@organizer_required
def delete(round_id: int):
    """Delete a draft round."""
    round_ = round_or_404(round_id, write=request.method == "POST")
    form = EmptyForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            title = round_.title
            operations.delete_round(db, round_)
            audit(db, "round.delete", round_id, title=title)
        except SurveyError as exc:
            db.rollback()
            return render_template(
                "rounds/delete.html", round=round_, form=form, refusal=str(exc)
            ), 409
        db.commit()
        flash(_("Đã xóa đợt lấy phiếu."), "info")
        return redirect(url_for("rounds.index"))
    return render_template("rounds/delete.html", round=round_, form=form, refusal=None)


@bp.get("/rounds/<int:round_id>/turnout")
@organizer_required
def turnout_page(round_id: int):
    """Live turnout for the projector: only how many cards have voted."""
    round_ = round_or_404(round_id)
    used, issued = turnout(get_session(), round_.id)
    return render_template("rounds/turnout.html", round=round_, used=used, issued=issued,
                           **appraisal_context(get_session(), round_))


__all__ = ["bp", "ImportResult"]
