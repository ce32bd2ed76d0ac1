from __future__ import annotations

from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from survey.auth.models import Role
from survey.i18n import _l
from survey.web.forms import Form

ROLE_LABELS = {
    Role.admin.value: _l("Quản trị viên"),
    Role.organizer.value: _l("Cán bộ tổ chức"),
    Role.observer.value: _l("Người xem kết quả (Ban Thường vụ)"),
}


class LoginForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=200)])


class UserForm(Form):
    username = StringField(
        _l("Tên đăng nhập"),
        validators=[
            DataRequired(),
            Length(min=2, max=80),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Chỉ dùng chữ không dấu, số, dấu . _ -")),
        ],
    )
    # SelectChoice objects: WTForms 3.3 deprecates a dict whose labels are lazy strings
    role = SelectField(
        _l("Vai trò"),
        choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()],
    )
    password = PasswordField(
        _l("Mật khẩu"),
        validators=[DataRequired(), Length(min=10, max=200, message=_l("Ít nhất 10 ký tự."))],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[EqualTo("password", message=_l("Hai mật khẩu không khớp."))],
    )


class ConfirmPasswordForm(Form):
    """Re-entering the password before a step that cannot be undone."""

    password = PasswordField(_l("Nhập lại mật khẩu của bạn để xác nhận"),
                             validators=[DataRequired(), Length(max=200)])


class PasswordForm(Form):
    """The signed-in user's own new password."""

    current = PasswordField(
        _l("Mật khẩu hiện tại"),
        validators=[DataRequired(message=_l("Hãy nhập mật khẩu hiện tại.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(message=_l("Hãy nhập mật khẩu mới.")),
                    Length(min=10, max=200, message=_l("Ít nhất 10 ký tự."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[EqualTo("password", message=_l("Hai mật khẩu không khớp."))],
        render_kw={"autocomplete": "new-password"},
    )
