from __future__ import annotations

from wtforms import BooleanField, HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from survey.ballots.operations import MAX_CARDS, MAX_SERIAL
from survey.i18n import _l
from survey.web.forms import Form

#: Most copies of one paper ballot a PDF holds (identical sheets: print or copy more).
MAX_COPIES = 500


class IssuedForm(Form):
    count = IntegerField(
        _l("Số phiếu giấy đã phát (tổng cộng)"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_CARDS)],
    )


class PaperVotersForm(Form):
    """Named kinds: the roster numbers (STT) of those who vote on paper."""

    orders = StringField(
        _l("STT của những người bỏ phiếu bằng giấy (ví dụ 3, 7-9)"),
        validators=[Optional(), Length(max=2000)],
    )


class PrintForm(Form):
    copies = IntegerField(
        _l("Số bản in"), default=1,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_COPIES)],
    )
    #: The group (appraisal unit) to print, from 1; empty: every group.
    group = IntegerField(_l("Mẫu phiếu"), validators=[Optional(), NumberRange(min=0)])


class EntryForm(Form):
    """One paper ballot as read by one person; the lines are ``s<subject id>`` radios."""

    number = IntegerField(
        _l("Số thứ tự kiểm phiếu (ghi trên phiếu khi lấy ra khỏi hòm)"),
        validators=[
            DataRequired(_l("Hãy ghi số thứ tự mà ban kiểm phiếu đã ghi trên phiếu.")),
            NumberRange(min=1, max=MAX_SERIAL),
        ],
    )
    invalid = BooleanField(
        _l("Cả phiếu không hợp lệ (không có dấu của ban kiểm phiếu, gạch tên, ghi thêm tên…)")
    )
    #: "1": replace my own earlier entry of this ballot.
    correct = HiddenField()
    #: The group (appraisal unit) whose form this is, from 1; empty when the round has one.
    group = HiddenField()


class WithdrawForm(Form):
    number = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_SERIAL)])
