from __future__ import annotations

from wtforms import BooleanField, HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from survey.ballots.operations import MAX_CARDS, MAX_SERIAL
from survey.i18n import _l
from survey.web.forms import Form


class CreatePaperForm(Form):
    count = IntegerField(
        _l("Số phiếu giấy cần in"), validators=[DataRequired(), NumberRange(min=1, max=MAX_CARDS)]
    )


class PaperSerialsForm(Form):
    serials = StringField(
        _l("Số phiếu (ví dụ 41-45, 48)"), validators=[Optional(), Length(max=2000)]
    )


class EntryForm(Form):
    """One paper ballot as read by one person; the lines are ``s<subject id>`` radios."""

    serial = IntegerField(
        _l("Số phiếu"),
        validators=[
            DataRequired(_l("Hãy ghi số phiếu in trên phiếu giấy.")),
            NumberRange(min=1, max=MAX_SERIAL),
        ],
    )
    invalid = BooleanField(
        _l("Cả phiếu không hợp lệ (không do ban kiểm phiếu phát, gạch tên, ghi thêm tên…)")
    )
    #: "1": replace my own earlier entry of this serial.
    correct = HiddenField()
