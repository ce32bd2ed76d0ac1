"""The organizer's pages of a nomination round: its positions and candidates."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, HiddenField, IntegerField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange

from survey.db import get_session
from survey.errors import NotFound
from survey.i18n import _, _l
from survey.kinds.nomination import positions as operations
from survey.kinds.nomination.models import MAX_SEATS, positions_of
from survey.kinds.nomination.sheet import parse_nominations
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round
from survey.web import Outcome, audit, flash_error, organizer_required, refusal_status, write
from survey.web.forms import EmptyForm, Form

bp = Blueprint("nominations", __name__)


class PositionForm(Form):
    title = StringField(_l("Chức danh quy hoạch"), validators=[DataRequired(), Length(max=250)])
    seats = IntegerField(_l("Số người quy hoạch tối đa"), default=MAX_SEATS,
                         validators=[DataRequired(), NumberRange(min=1, max=MAX_SEATS)])
    allow_write_ins = BooleanField(_l("Cho phép ghi thêm người ngoài danh sách"), default=True)


class CandidateForm(Form):
    name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=120)])
    current = StringField(_l("Chức vụ hiện tại"), validators=[Length(max=250)])


class NominationImportForm(Form):
    sheet = FileField(
        _l("Tệp danh sách quy hoạch (CSV hoặc XLSX)"),
        validators=[FileAllowed(["csv", "xlsx"], _l("Chỉ nhận tệp .csv hoặc .xlsx"))],
    )
    write_ins = BooleanField(_l("Cho phép ghi thêm người ngoài danh sách"), default=True)


class WriteInsForm(Form):
    """The switch of one position's write-in fields: ``allow`` is ``"1"`` (on) or ``"0"``."""

    allow = HiddenField(validators=[AnyOf(["0", "1"])])


def _candidate_form(position_id: int, **kwargs: object) -> CandidateForm:
    """One form per position on the page: the prefix keeps their fields' ids apart."""
    return CandidateForm(prefix=f"p{position_id}", **kwargs)


def _page(round_: Round, *, position_form: PositionForm | None = None,
          parsed: object = None, status: int = 200) -> ResponseReturnValue:
    positions = positions_of(round_)
    return render_template(
        "kinds/nomination/positions.html", round=round_,
        position_form=position_form or PositionForm(formdata=None),
        candidate_forms={p.id: _candidate_form(p.id, formdata=None) for p in positions},
        import_form=NominationImportForm(formdata=None), parsed=parsed, button=EmptyForm(),
        write_ins_forms={p.id: WriteInsForm(formdata=None, prefix=f"w{p.id}",
                                            allow="0" if p.allow_write_ins else "1")
                         for p in positions},
    ), status


def _back(round_: Round) -> ResponseReturnValue:
    return redirect(url_for("nominations.positions", round_id=round_.id))


def _found(outcome: Outcome) -> Outcome:
    """A position named in the URL that is not in the round is a 404; any other refusal is
    shown as a message."""
    if isinstance(outcome.refusal, NotFound):
        abort(404)
    if outcome.refusal:
        flash_error(outcome.refusal)
    return outcome


@bp.get("/rounds/<int:round_id>/positions")
@organizer_required
def positions(round_id: int) -> ResponseReturnValue:
    """A nomination round's positions and candidates: add by hand, or import a sheet."""
    return _page(round_or_404(round_id))


@bp.post("/rounds/<int:round_id>/positions")
@organizer_required
def add_position(round_id: int) -> ResponseReturnValue:
    """Add a position."""
    round_ = round_or_404(round_id, write=True)
    form = PositionForm()
    if not form.validate_on_submit():
        return _page(round_, position_form=form, status=422)
    with write() as outcome:
        position = operations.add_position(get_session(), round_, title=form.title.data,
                                           seats=form.seats.data,
                                           allow_write_ins=form.allow_write_ins.data)
        audit(get_session(), "position.add", round_.id, title=position.title,
              seats=position.seats)
    if outcome.refusal:
        return _page(round_, position_form=form, status=refusal_status(outcome.refusal))
    return _back(round_)


@bp.post("/rounds/<int:round_id>/positions/<int:position_id>/candidates")
@organizer_required
def add_candidate(round_id: int, position_id: int) -> ResponseReturnValue:
    """Add a candidate to a position."""
    round_ = round_or_404(round_id, write=True)
    form = _candidate_form(position_id)
    if not form.validate_on_submit():
        flash_error(_("Cần có họ và tên."))
        return _back(round_)
    with write(flash_refusal=False) as outcome:
        subject = operations.add_candidate(get_session(), round_, position_id,
                                           name=form.name.data, current=form.current.data or "")
        audit(get_session(), "candidate.add", round_.id, name=subject.name,
              position=position_id)
    _found(outcome)
    return _back(round_)


@bp.post("/rounds/<int:round_id>/positions/<int:position_id>/remove")
@organizer_required
def remove_position(round_id: int, position_id: int) -> ResponseReturnValue:
    """Remove a position and its candidates."""
    round_ = round_or_404(round_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with write(flash_refusal=False) as outcome:
        operations.remove_position(get_session(), round_, position_id)
        audit(get_session(), "position.remove", round_.id, position=position_id)
    _found(outcome)
    return _back(round_)


@bp.post("/rounds/<int:round_id>/positions/<int:position_id>/write-ins")
@organizer_required
def switch_write_ins(round_id: int, position_id: int) -> ResponseReturnValue:
    """Offer or withdraw the write-in fields of one position; only while the round is a draft."""
    round_ = round_or_404(round_id, write=True)
    form = WriteInsForm(prefix=f"w{position_id}")
    if not form.validate_on_submit():
        abort(400)
    allow = form.allow.data == "1"
    with write(flash_refusal=False) as outcome:
        operations.set_write_ins(get_session(), round_, allow, [position_id])
        audit(get_session(), "position.write_ins", round_.id, position=position_id, allow=allow)
    if refusal := _found(outcome).refusal:
        return _page(round_, status=refusal_status(refusal))
    flash(_("Đã cho phép ghi thêm người ngoài danh sách ở chức danh này.") if allow
          else _("Đã bỏ ô ghi thêm người ngoài danh sách ở chức danh này."), "info")
    return _back(round_)


@bp.post("/rounds/<int:round_id>/positions/import")
@organizer_required
def import_positions(round_id: int) -> ResponseReturnValue:
    """Replace the positions and candidates with those of a sheet; a bad row imports nothing."""
    round_ = round_or_404(round_id, write=True)
    form = NominationImportForm()
    upload = form.sheet.data
    if not form.validate_on_submit() or not upload or not upload.filename:
        flash_error(_("Hãy chọn một tệp .csv hoặc .xlsx."))
        return _back(round_)
    parsed = parse_nominations(upload.read(), upload.filename)
    if not parsed.ok:
        return _page(round_, parsed=parsed, status=422)
    with write() as outcome:
        operations.replace_nominations(get_session(), round_, parsed,
                                       allow_write_ins=form.write_ins.data)
        count = len(positions_of(round_))
        audit(get_session(), "position.import", round_.id, positions=count,
              candidates=len(round_.subjects))
    if outcome.refusal:
        return _page(round_, status=refusal_status(outcome.refusal))
    flash(_("Đã nhập %(p)d chức danh, %(n)d dòng người được giới thiệu.",
            p=count, n=len(round_.subjects)), "info")
    return _back(round_)
