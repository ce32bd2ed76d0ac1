"""The organizer's forms for a round's details, list and attendance."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from survey import kinds
from survey.i18n import _l
from survey.rounds.models import BodyKind
from survey.web.forms import EmptyForm, Form, choices

BODY_KINDS = {
    BodyKind.party.value: _l("Cơ quan Đảng (ĐẢNG CỘNG SẢN VIỆT NAM)"),
    BodyKind.state.value: _l("Cơ quan nhà nước (CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM)"),
}

DENOMINATORS = {
    "collected": _l("Số phiếu thu về (theo Quy định 96-QĐ/TW)"),
    "present": _l("Số người có mặt"),
    "summoned": _l("Số người được triệu tập"),
}


class RoundDetailsForm(Form):
    title = StringField(_l("Tên đợt lấy phiếu"), validators=[DataRequired(), Length(max=300)])
    body = StringField(_l("Cơ quan tổ chức"), validators=[Length(max=300)])
    body_kind = SelectField(_l("Loại cơ quan (tiêu đề biên bản)"), choices=choices(BODY_KINDS))
    place = StringField(_l("Địa điểm"), validators=[Length(max=200)])
    held_on = DateField(_l("Ngày"), validators=[Optional()])
    denominator = SelectField(_l("Tỷ lệ phần trăm tính trên"), choices=choices(DENOMINATORS))
    min_ballots = IntegerField(
        _l("Số phiếu tối thiểu để hiện kết quả"),
        default=5,
        validators=[DataRequired(), NumberRange(min=1, max=1000)],
    )


class NewRoundForm(RoundDetailsForm):
    kind = SelectField(
        _l("Loại đợt"),
        choices=choices(kinds.labels()),
        default="confidence",
    )
    summoned = IntegerField(
        _l("Số người được triệu tập"), validators=[Optional(), NumberRange(min=1, max=100000)]
    )
    subjects_file = FileField(
        _l("Danh sách người được lấy phiếu (CSV hoặc XLSX, có thể bổ sung sau)"),
        validators=[FileAllowed(["csv", "xlsx"], _l("Chỉ nhận tệp .csv hoặc .xlsx"))],
    )


class ImportForm(Form):
    subjects_file = FileField(
        _l("Tệp danh sách (CSV hoặc XLSX)"),
        validators=[FileAllowed(["csv", "xlsx"], _l("Chỉ nhận tệp .csv hoặc .xlsx"))],
    )


class ConfirmImportForm(Form):
    #: The previewed rows as JSON; parsed and checked again on confirm.
    rows = HiddenField(validators=[DataRequired()])


class SubjectForm(Form):
    name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=120)])
    position = StringField(_l("Chức vụ"), validators=[Length(max=250)])
    unit = StringField(_l("Đơn vị"), validators=[Length(max=250)])


class AttendanceForm(Form):
    summoned = IntegerField(
        _l("Số người được triệu tập"), validators=[DataRequired(), NumberRange(min=1, max=100000)]
    )
    present = IntegerField(
        _l("Số người có mặt"), validators=[Optional(), NumberRange(min=0, max=100000)]
    )


__all__ = ["AttendanceForm", "ConfirmImportForm", "EmptyForm", "ImportForm", "NewRoundForm",
           "RoundDetailsForm", "SubjectForm"]
