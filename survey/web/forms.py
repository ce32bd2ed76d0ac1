"""Form pieces every blueprint uses: the base forms, whose built-in messages speak the page's
language, and the choices of a select field.

WTForms writes its own messages ("This field is required.", "Not a valid choice.") in English
and ships no Vietnamese catalog. Every form of the app derives from :class:`Form` (a sub-form
inside a ``FormField`` from :class:`SubForm`), whose ``meta`` hands WTForms :data:`MESSAGES`:
each of its messages as Vietnamese source text, translated back into English by the app's own
catalog on English pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import get_translations
from flask_wtf import FlaskForm
from wtforms import Form as PlainForm
from wtforms import SelectChoice

from survey.i18n import _l


def choices(labels: Mapping[str, object]) -> list[SelectChoice]:
    """``SelectChoice`` objects: WTForms 3.3 deprecates a dict whose labels are lazy strings."""
    return [SelectChoice(value, label) for value, label in labels.items()]


#: Every message WTForms (and Flask-WTF's file validators) can give, by its English text. The
#: placeholders are WTForms' own: it fills them in after the translation.
MESSAGES: dict[str, Any] = {
    "This field is required.": _l("Mục này không được để trống."),
    "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
    "Not a valid integer value.": _l("Phải là một số nguyên."),
    "Not a valid decimal value.": _l("Phải là một số thập phân."),
    "Not a valid float value.": _l("Phải là một số."),
    "Not a valid date value.": _l("Ngày không hợp lệ."),
    "Not a valid time value.": _l("Giờ không hợp lệ."),
    "Not a valid datetime value.": _l("Ngày giờ không hợp lệ."),
    "Not a valid week value.": _l("Tuần không hợp lệ."),
    "Number must be at least %(min)s.": _l("Số phải từ %(min)s trở lên."),
    "Number must be at most %(max)s.": _l("Số không được lớn hơn %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Số phải từ %(min)s đến %(max)s."),
    "Date must be at least %(min)s.": _l("Ngày phải từ %(min)s trở đi."),
    "Date must be at most %(max)s.": _l("Ngày không được sau %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Ngày phải từ %(min)s đến %(max)s."),
    "Field must be between %(min)d and %(max)d characters long.":
        _l("Phải có từ %(min)d đến %(max)d ký tự."),
    "Field must be equal to %(other_name)s.": _l("Phải trùng với mục %(other_name)s."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
    "Invalid email address.": _l("Địa chỉ email không hợp lệ."),
    "Invalid IP address.": _l("Địa chỉ IP không hợp lệ."),
    "Invalid Mac address.": _l("Địa chỉ MAC không hợp lệ."),
    "Invalid URL.": _l("Địa chỉ URL không hợp lệ."),
    "Invalid UUID.": _l("Mã UUID không hợp lệ."),
    "Invalid value, must be one of: %(values)s.":
        _l("Giá trị không hợp lệ, phải là một trong: %(values)s."),
    "Invalid value, can't be any of: %(values)s.":
        _l("Giá trị không hợp lệ, không được là: %(values)s."),
    "This field cannot be edited.": _l("Không được sửa mục này."),
    "This field is disabled and cannot have a value.":
        _l("Mục này đã bị khóa, không được có giá trị."),
    "Invalid CSRF Token.": _l("Mã bảo vệ biểu mẫu không hợp lệ."),
    "CSRF token missing.": _l("Thiếu mã bảo vệ biểu mẫu."),
    "CSRF failed.": _l("Kiểm tra mã bảo vệ biểu mẫu không thành công."),
    "CSRF token expired.": _l("Mã bảo vệ biểu mẫu đã hết hạn."),
    "Invalid Choice: could not coerce.": _l("Lựa chọn không hợp lệ: không đọc được giá trị."),
    "Choices cannot be None.": _l("Chưa có danh sách lựa chọn."),
    "Invalid choice(s): one or more data inputs could not be coerced.":
        _l("Lựa chọn không hợp lệ: có giá trị không đọc được."),
    "Invalid field name '%s'.": _l("Tên mục không hợp lệ: '%s'."),
    "File does not have an approved extension: {extensions}":
        _l("Không nhận loại tệp này; chỉ nhận: {extensions}"),
    "File does not have an approved extension.": _l("Không nhận loại tệp này."),
}


def _catalog() -> Any:
    return get_translations()


#: WTForms' messages with a plural, by the English singular: Vietnamese has one form, English two
#: (the catalog's ``msgstr[0]`` and ``msgstr[1]``).
PLURALS: dict[str, Callable[[int], str]] = {
    "Field must be at least %(min)d character long.": lambda n: _catalog().ungettext(
        "Phải có ít nhất %(min)d ký tự.", "Phải có ít nhất %(min)d ký tự.", n),
    "Field cannot be longer than %(max)d character.": lambda n: _catalog().ungettext(
        "Không được dài quá %(max)d ký tự.", "Không được dài quá %(max)d ký tự.", n),
    "Field must be exactly %(max)d character long.": lambda n: _catalog().ungettext(
        "Phải có đúng %(max)d ký tự.", "Phải có đúng %(max)d ký tự.", n),
    "'%(value)s' is not a valid choice for this field.": lambda n: _catalog().ungettext(
        "'%(value)s' không phải là lựa chọn hợp lệ của mục này.",
        "'%(value)s' không phải là lựa chọn hợp lệ của mục này.", n),
}


class FormMessages:
    """What WTForms asks for its messages (``gettext``, ``ngettext``): the page's language.

    A message missing from the tables stays as WTForms wrote it; a test keeps the tables
    complete.
    """

    def gettext(self, string: str) -> str:
        message = MESSAGES.get(string)
        return string if message is None else str(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        message = PLURALS.get(singular)
        if message is None:
            return singular if n == 1 else plural
        return message(n)


FORM_MESSAGES = FormMessages()


class _TranslatedMeta:
    def get_translations(self, form: object) -> FormMessages:
        return FORM_MESSAGES


class Form(FlaskForm):  # Flask-WTF ships no types
    """The base of every form of the app: CSRF-protected, its built-in messages translated."""

    class Meta(_TranslatedMeta):
        pass


class SubForm(PlainForm):  # WTForms ships no types
    """A form inside a ``FormField`` (the outer form carries the CSRF token), translated too."""

    class Meta(_TranslatedMeta):
        pass


class EmptyForm(Form):
    """A form with only the CSRF token, for buttons."""


__all__ = ["FORM_MESSAGES", "MESSAGES", "PLURALS", "EmptyForm", "Form", "FormMessages",
           "SubForm", "choices"]
