"""The organizer's form of an appraisal round's rules."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange

from survey.i18n import _l
from survey.web.forms import Form

QUOTA_GROUPS = {
    "round": _l("Cả đợt"),
    "unit": _l("Từng đơn vị"),
}


class SettingsForm(Form):
    min_raters = IntegerField(
        _l("Số người đánh giá tối thiểu để hiện kết quả của một người"),
        validators=[InputRequired(), NumberRange(min=1, max=100)],
    )
    quota_percent = IntegerField(
        _l("Số “Hoàn thành xuất sắc” tối đa (phần trăm của số “Hoàn thành tốt”)"),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    quota_group = SelectField(
        _l("Tính tỷ lệ trong"),
        choices=[SelectChoice(value, label) for value, label in QUOTA_GROUPS.items()],
    )
    same_unit_only = BooleanField(_l("Mỗi người chỉ đánh giá những người cùng đơn vị"))
