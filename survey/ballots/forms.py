from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from survey.ballots.operations import MAX_CARDS
from survey.i18n import _l


class ClaimForm(FlaskForm):
    code = StringField(
        _l("Mã trên thẻ"),
        validators=[DataRequired(_l("Hãy nhập mã in trên thẻ.")), Length(max=64)],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "placeholder": "ABCD-EFGH-JKLM-NPQR-STUV",
        },
    )


class VoteForm(FlaskForm):
    """The card code travels in the form, never in a cookie; the choices are ``s<id>`` radios."""

    code = HiddenField(validators=[DataRequired(), Length(max=64)])


class CreateCardsForm(FlaskForm):
    count = IntegerField(
        _l("Số thẻ cần in"), validators=[DataRequired(), NumberRange(min=1, max=MAX_CARDS)]
    )


class IssueCardsForm(FlaskForm):
    serials = StringField(
        _l("Số thẻ (ví dụ 1-40, 45); để trống để kích hoạt tất cả"),
        validators=[Optional(), Length(max=2000)],
    )


class SerialForm(FlaskForm):
    serial = IntegerField(_l("Số thẻ"), validators=[DataRequired(), NumberRange(min=1)])


class CardsPdfForm(FlaskForm):
    #: The codes just shown on the sheet, one per line; each is checked against its hash.
    codes = HiddenField(validators=[DataRequired(), Length(max=64 * MAX_CARDS)])
