from __future__ import annotations

import secrets
from types import SimpleNamespace

from flask import abort, current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from survey.ballots.operations import MAX_CARDS, MAX_SERIAL
from survey.i18n import _l
from survey.web.forms import Form


class ClaimForm(Form):
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


class VoteForm(Form):
    """The card code travels in the form, never in a cookie; the choices are ``s<id>`` radios."""

    code = HiddenField(validators=[DataRequired(), Length(max=64)])


class CardOnPage:
    """The card code as a voter page carries it: what :class:`VoteForm` gives those pages
    (``code.data``, ``meta.csrf``, ``hidden_tag()``), without WTForms building fields and
    widgets on every request. The CSRF token of every POST is checked by the app's
    ``CSRFProtect`` before any view runs, so nothing here checks it again.
    """

    def __init__(self, code: str) -> None:
        self.code = SimpleNamespace(data=code)
        self.meta = SimpleNamespace(csrf=current_app.config.get("WTF_CSRF_ENABLED", True))

    @classmethod
    def posted(cls) -> CardOnPage:
        """The code of the posted form; a missing or overlong one is a 400, as in VoteForm."""
        code = request.form.get("code", "")
        if not code.strip() or len(code) > 64:
            abort(400)
        return cls(code)

    def hidden_tag(self) -> Markup:
        html = f'<input id="code" name="code" type="hidden" value="{escape(self.code.data)}">'
        if self.meta.csrf:
            token = generate_csrf()
            html += f'\n<input id="csrf_token" name="csrf_token" type="hidden" value="{token}">'
        return Markup(html)


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


class OnceForm(Form):
    """A form accepted once (:func:`survey.ballots.issuing.spend_form_token`): each page
    that shows it gives it a fresh token."""

    #: sent by the form (InputRequired: the default, a fresh token, fills only the page)
    once = HiddenField(validators=[InputRequired(), Length(max=64)], default=new_form_token)


class CreateCardsForm(OnceForm):
    count = IntegerField(
        _l("Số thẻ cần in"), validators=[DataRequired(), NumberRange(min=1, max=MAX_CARDS)]
    )


class IssueCardsForm(Form):
    serials = StringField(
        _l("Số thẻ (ví dụ 1-40, 45); để trống để kích hoạt tất cả"),
        validators=[Optional(), Length(max=2000)],
    )


class SerialForm(Form):
    serial = IntegerField(
        _l("Số thẻ"), validators=[DataRequired(), NumberRange(min=1, max=MAX_SERIAL)]
    )


class CardsPdfForm(Form):
    """The button that draws the batch just made as a PDF (the batch's secret is in the
    officer's session, never in a form)."""
