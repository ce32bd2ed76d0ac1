"""Organizer pages of the two kinds beside the poll: a nomination round's positions and
candidates, and a confidence vote prepared from a closed poll."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, HiddenField, IntegerField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange

from survey.db import get_session
from survey.errors import NotFound, RoundStateError, SurveyError
from survey.i18n import _, _l
from survey.rounds import nomination
from survey.rounds.forms import EmptyForm
from survey.rounds.models import MAX_SEATS, Round
from survey.rounds.no_confidence import derive_no_confidence
from survey.web import audit, flash_error, organizer_required, round_or_404

bp = Blueprint("nominations", __name__)


class PositionForm(FlaskForm):
    title = StringField(_l("Chức danh quy hoạch"), validators=[DataRequired(), Length(max=250)])
    seats = IntegerField(_l("Số người quy hoạch tối đa"), default=MAX_SEATS,
                         validators=[DataRequired(), NumberRange(min=1, max=MAX_SEATS)])
    allow_write_ins = BooleanField(_l("Cho phép ghi thêm người ngoài danh sách"), default=True)


class CandidateForm(FlaskForm):
    name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=120)])
    current = StringField(_l("Chức vụ hiện tại"), validators=[Length(max=250)])


class NominationImportForm(FlaskForm):
    sheet = FileField(
        _l("Tệp danh sách quy hoạch (CSV hoặc XLSX)"),
        validators=[FileAllowed(["csv", "xlsx"], _l("Chỉ nhận tệp .csv hoặc .xlsx"))],
    )
    write_ins = BooleanField(_l("Cho phép ghi thêm người ngoài danh sách"), default=True)


class WriteInsForm(FlaskForm):
    """The switch of one position's write-in fields: ``allow`` is ``"1"`` (on) or ``"0"``."""

    allow = HiddenField(validators=[AnyOf(["0", "1"])])


def _candidate_form(position_id: int, **kwargs) -> CandidateForm:
    """One form per position on the page: the prefix keeps their fields' ids apart."""
    return CandidateForm(prefix=f"p{position_id}", **kwargs)


def _page(round_: Round, *, position_form=None, parsed=None, status: int = 200):
    return render_template(
        "rounds/positions.html", round=round_,
        position_form=position_form or PositionForm(formdata=None),
        candidate_forms={p.id: _candidate_form(p.id, formdata=None) for p in round_.positions},
        import_form=NominationImportForm(formdata=None), parsed=parsed, button=EmptyForm(),
        write_ins_forms={p.id: WriteInsForm(formdata=None, prefix=f"w{p.id}",
                                            allow="0" if p.allow_write_ins else "1")
                         for p in round_.positions},
    ), status


def _done(db, round_: Round, action: str, message: str | None = None, **details):
    audit(db, action, round_.id, **details)
    db.commit()
    if message:
        flash(message, "info")
    return redirect(url_for("nominations.positions", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/positions", methods=["GET", "POST"])
@organizer_required
def positions(round_id: int):
    """A nomination round's positions and candidates: add by hand, or import a sheet."""
    round_ = round_or_404(round_id, write=request.method == "POST")
    if request.method == "GET":
        return _page(round_)
    form = PositionForm()
    if not form.validate_on_submit():
        return _page(round_, position_form=form, status=422)
    db = get_session()
    try:
        position = nomination.add_position(db, round_, title=form.title.data,
                                           seats=form.seats.data,
                                           allow_write_ins=form.allow_write_ins.data)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return _page(round_, position_form=form,
                     status=409 if isinstance(exc, RoundStateError) else 422)
    return _done(db, round_, "position.add", None, title=position.title, seats=position.seats)


@bp.post("/rounds/<int:round_id>/positions/<int:position_id>/candidates")
@organizer_required
def add_candidate(round_id: int, position_id: int):
    """Add a candidate to a position."""
    round_ = round_or_404(round_id, write=True)
    form = _candidate_form(position_id)
    if not form.validate_on_submit():
        flash_error(_("Cần có họ và tên."))
        return redirect(url_for("nominations.positions", round_id=round_.id))
    db = get_session()
    try:
        subject = nomination.add_candidate(db, round_, position_id, name=form.name.data,
                                           current=form.current.data or "")
    except NotFound:
        abort(404)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return redirect(url_for("nominations.positions", round_id=round_.id))
    return _done(db, round_, "candidate.add", None, name=subject.name, position=position_id)


@bp.post("/rounds/<int:round_id>/positions/<int:position_id>/remove")
@organizer_required
def remove_position(round_id: int, position_id: int):
    """Remove a position and its candidates."""
    round_ = round_or_404(round_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db = get_session()
    try:
        nomination.remove_position(db, round_, position_id)
    except NotFound:
        abort(404)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return redirect(url_for("nominations.positions", round_id=round_.id))
    return _done(db, round_, "position.remove", None, position=position_id)


@bp.post("/rounds/<int:round_id>/positions/<int:position_id>/write-ins")
@organizer_required
def switch_write_ins(round_id: int, position_id: int):
    """Offer or withdraw the write-in fields of one position; only while the round is a draft."""
    round_ = round_or_404(round_id, write=True)
    form = WriteInsForm(prefix=f"w{position_id}")
    if not form.validate_on_submit():
        abort(400)
    allow = form.allow.data == "1"
    db = get_session()
    try:
        nomination.set_write_ins(db, round_, allow, [position_id])
    except NotFound:
        abort(404)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return _page(round_, status=409 if isinstance(exc, RoundStateError) else 422)
    message = (_("Đã cho phép ghi thêm người ngoài danh sách ở chức danh này.") if allow
               else _("Đã bỏ ô ghi thêm người ngoài danh sách ở chức danh này."))
    return _done(db, round_, "position.write_ins", message, position=position_id, allow=allow)


@bp.post("/rounds/<int:round_id>/positions/import")
@organizer_required
def import_positions(round_id: int):
    """Replace the positions and candidates with those of a sheet; a bad row imports nothing."""
    round_ = round_or_404(round_id, write=True)
    form = NominationImportForm()
    upload = form.sheet.data
    if not form.validate_on_submit() or not upload or not upload.filename:
        flash_error(_("Hãy chọn một tệp .csv hoặc .xlsx."))
        return redirect(url_for("nominations.positions", round_id=round_.id))
    parsed = nomination.parse_nominations(upload.read(), upload.filename)
    if not parsed.ok:
        return _page(round_, parsed=parsed, status=422)
    db = get_session()
    try:
        nomination.replace_nominations(db, round_, parsed,
                                       allow_write_ins=form.write_ins.data)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return _page(round_, status=409 if isinstance(exc, RoundStateError) else 422)
    return _done(
        db, round_, "position.import",
        _("Đã nhập %(p)d chức danh, %(n)d dòng người được giới thiệu.",
          p=len(round_.positions), n=len(round_.subjects)),
        positions=len(round_.positions), candidates=len(round_.subjects),
    )


@bp.post("/rounds/<int:round_id>/derive")
@organizer_required
def derive(round_id: int):
    """Prepare a confidence vote for those over half "low" in this closed poll."""
    poll = round_or_404(round_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db = get_session()
    try:
        round_ = derive_no_confidence(db, poll, now=datetime.now(UTC))
        audit(db, "round.derive", round_.id, source=poll.id, subjects=len(round_.subjects))
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return redirect(url_for("rounds.show", round_id=poll.id) + "#results")
    db.commit()
    flash(_("Đã tạo đợt bỏ phiếu tín nhiệm với %(n)d người. Hãy tạo và phát thẻ rồi mở bỏ "
            "phiếu.", n=len(round_.subjects)), "info")
    return redirect(url_for("rounds.show", round_id=round_.id))
