"""Vietnamese everywhere: the messages of every form, WTForms' own included, in the page's
language.

Every form of the app (every ``FlaskForm`` and sub-form under ``survey/``, found by walking the
package) is validated empty, with values of the wrong type or too long, and with values too
small or too short, in Vietnamese and in English; then every page that takes a form is posted
the same ways. A Vietnamese page shows none of WTForms' English messages; an English page shows
no Vietnamese in its errors.
"""

from __future__ import annotations

import html
import importlib
import io
import pkgutil
import re
from pathlib import Path

import flask_wtf
import pytest
import wtforms
from babel.messages.pofile import read_po
from flask import request
from flask_wtf import FlaskForm
from wtforms import fields

import survey
from survey.ballots.forms import VoteForm
from survey.ballots.operations import create_cards, issue_cards
from survey.paper.slots import record_paper_issued
from survey.procedures.operations import create_procedure
from survey.procedures.planning import add_entry
from survey.rounds.operations import record_attendance
from survey.schema import create_all
from survey.tally.procedure import Nominee, Post
from survey.web.forms import FORM_MESSAGES, MESSAGES, PLURALS, EmptyForm, Form, SubForm
from tests.conftest import PASSWORD, make_test_app
from tests.factories import NOW, draft_nomination

VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýÝ"
                 "ĂÂĐÊÔƠƯ")


def _vietnamese(text: str) -> bool:
    return bool(VIETNAMESE & set(text))


def _wtforms_catalog() -> tuple[list[str], list[str]]:
    """WTForms' messages (and Flask-WTF's file messages) in English: the singular of each, and
    every form a page may show (plurals too)."""
    with open(Path(wtforms.__file__).parent / "locale" / "wtforms.pot", "rb") as f:
        pot = read_po(f)
    singulars, shown = [], []
    for message in pot:
        if message.id:
            forms = [message.id] if isinstance(message.id, str) else list(message.id)
            singulars.append(forms[0])
            shown.extend(forms)
    source = (Path(flask_wtf.__file__).parent / "file.py").read_text(encoding="utf-8")
    for text in re.findall(r'gettext\(\s*"([^"]+)"\s*\)', source):
        if text not in singulars:
            singulars.append(text)
            shown.append(text)
    return singulars, shown


SINGULARS, ENGLISH = _wtforms_catalog()


def _pattern(template: str) -> re.Pattern[str]:
    """A message template as a pattern of the text a page shows (placeholders filled in)."""
    parts = re.split(r"%\(\w+\)[sd]|%s|\{\w+\}", template)
    return re.compile(".+?".join(re.escape(html.escape(p, quote=True)) for p in parts))


ENGLISH_PATTERNS = [_pattern(text) for text in ENGLISH]
VIETNAMESE_TEXTS = [str(text) for text in MESSAGES.values()]


def test_every_message_of_wtforms_has_a_vietnamese_text():
    assert len(SINGULARS) > 40  # the catalog of WTForms was read
    assert "File does not have an approved extension: {extensions}" in SINGULARS
    assert [text for text in SINGULARS if text not in MESSAGES and text not in PLURALS] == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_messages_speak_the_page_language(app, lang):
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        for english in MESSAGES:
            text = FORM_MESSAGES.gettext(english)
            if lang == "en":
                assert text == english
            else:
                assert _vietnamese(text) and text != english, english
        for singular in PLURALS:
            for n in (1, 2):
                text = FORM_MESSAGES.ngettext(singular, singular + "s", n)
                assert _vietnamese(text) is (lang == "vi"), (singular, n, text)
        assert FORM_MESSAGES.ngettext("Field must be at least %(min)d character long.",
                                      "x", 1 if lang == "vi" else 2) == (
            "Phải có ít nhất %(min)d ký tự." if lang == "vi"
            else "Field must be at least %(min)d characters long.")


# -- every form of the app, validated alone --------------------------------------------------


def _survey_forms() -> list[type]:
    """Every form class defined under ``survey/``: FlaskForm subclasses and sub-forms."""
    for module in pkgutil.walk_packages(survey.__path__, "survey."):
        if module.name.startswith(("survey.migrations", "survey.__main__")):
            continue
        importlib.import_module(module.name)
    found, todo = set(), [FlaskForm, wtforms.Form]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.startswith("survey."):
                found.add(cls)
    return sorted(found - {Form, SubForm}, key=lambda cls: (cls.__module__, cls.__name__))


FORMS = _survey_forms()


def test_every_form_of_the_app_is_found_and_translated():
    names = {cls.__name__ for cls in FORMS}
    assert {"NewRoundForm", "ConfirmPasswordForm", "MinutesForm", "MemberForm", "EntryForm",
            "SettingsForm", "PositionForm", "ClaimForm", "UserForm"} <= names
    untranslated = [cls.__qualname__ for cls in FORMS
                    if not issubclass(cls, (Form, SubForm))]
    assert untranslated == []


_NUMBERS = (fields.IntegerField, fields.DecimalField, fields.FloatField)
_TIMES = (fields.DateField, fields.TimeField, fields.DateTimeField, fields.DateTimeLocalField)


def _payload(cls: type, how: str, prefix: str = "") -> dict:
    """Posted data for ``cls`` as a browser posts it: every field ``empty``, or ``wrong`` (the
    wrong type, too long), or ``small`` (too small, too short)."""
    data: dict = {}
    form = cls(formdata=None, **({"meta": {"csrf": False}} if issubclass(cls, FlaskForm)
                                 else {}))
    for field in form:
        name = f"{prefix}-{field.name}" if prefix else field.name
        if isinstance(field, fields.FieldList):
            sub = field.unbound_field.args[0]  # FieldList(FormField(SubForm))
            data |= _payload(sub, how, f"{name}-0")
        elif isinstance(field, fields.BooleanField) or field.type == "CSRFTokenField":
            continue
        elif how == "empty":
            if not isinstance(field, fields.FileField):
                data[name] = ""
        elif isinstance(field, _NUMBERS):
            data[name] = "abc" if how == "wrong" else "-5"
        elif isinstance(field, _TIMES):
            data[name] = "31/02/20xx" if how == "wrong" else "0"
        elif isinstance(field, fields.SelectField):
            data[name] = "zzz"
        elif isinstance(field, fields.FileField):
            data[name] = (io.BytesIO(b"x"), "danh-sach.txt")
        elif isinstance(field, (fields.StringField, fields.PasswordField, fields.HiddenField)):
            data[name] = "x" * 2500 if how == "wrong" else "a"
    return data


def _errors(errors) -> list[str]:
    if isinstance(errors, dict):
        return [e for value in errors.values() for e in _errors(value)]
    if isinstance(errors, list | tuple):
        return [e for value in errors for e in _errors(value)]
    return [str(errors)]


def _english(text: str) -> list[str]:
    return [p.pattern for p in ENGLISH_PATTERNS if p.search(html.escape(text, quote=True))]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_form_gives_its_errors_in_the_page_language(app, lang):
    seen: set[str] = set()
    for cls in FORMS:
        for how in ("empty", "wrong", "small"):
            data = _payload(cls, how)
            with app.test_request_context("/", method="POST", data=data,
                                          headers={"Accept-Language": lang}):
                if issubclass(cls, FlaskForm):
                    form = cls(meta={"csrf": False})
                else:
                    form = cls(formdata=request.form)
                form.validate()
                errors = _errors(form.errors)
            seen.update(errors)
            for error in errors:
                if lang == "vi":
                    assert not _english(error), (cls.__name__, how, error)
                    assert _vietnamese(error), (cls.__name__, how, error)
                else:
                    assert not _vietnamese(error), (cls.__name__, how, error)
    # the forms really gave WTForms' own messages, in both languages
    expected = (["Mục này không được để trống.", "Phải là một số nguyên.",
                 "Lựa chọn không hợp lệ.", "Ngày không hợp lệ.", "Giờ không hợp lệ.",
                 "Không được dài quá 120 ký tự.", "Phải có từ 2 đến 80 ký tự.",
                 "Số phải từ 1 đến 1000."]
                if lang == "vi" else
                ["This field is required.", "Not a valid integer value.", "Not a valid choice.",
                 "Not a valid date value.", "Not a valid time value.",
                 "Field cannot be longer than 120 characters.",
                 "Field must be between 2 and 80 characters long.",
                 "Number must be between 1 and 1000."])
    assert set(expected) - seen == set()


# -- every page that takes a form, posted ------------------------------------------------------


@pytest.fixture
def world(session, make_user, make_round, make_closed, make_appraisal):
    """An administrator and a round in each state a form needs."""
    make_user("admin", "admin")
    draft = make_round(cards=3, issue=False)
    open_ = make_round(cards=3, open_=True)
    record_paper_issued(session, open_, 2)
    session.commit()
    closed = make_closed(n=6)
    appraisal = make_appraisal(open_=False)
    nomination = draft_nomination(session)
    position = nomination.positions[0].id
    record_attendance(session, nomination, summoned=1, present=1)  # one card may be issued
    create_cards(session, nomination, 1)
    issue_cards(session, nomination)
    procedure = create_procedure(session, title="Bổ nhiệm Phó Giám đốc Sở", purpose="appointment",
                                 variant="internal", body="Đảng ủy Sở", members=6,
                                 posts=[Post("Phó Giám đốc Sở", 1)], now=NOW)
    entry = add_entry(session, body="Đảng ủy Sở", source="Danh sách năm 2025", now=NOW,
                      person=Nominee("Phó Giám đốc Sở", "Lò Văn Minh", "Trưởng phòng"))
    session.commit()
    return {"draft": draft.id, "open": open_.id, "closed": closed.id,
            "appraisal": appraisal.id, "nomination": nomination.id, "position": position,
            "procedure": procedure.id, "entry": entry.id, "subject": closed.subjects[0].id}


def _pages(w: dict) -> list[tuple[str, str, str, bool]]:
    """``(form class name, path, field prefix, empty post shows an error)`` for each page."""
    d, o, c, a, n, p = (w[k] for k in ("draft", "open", "closed", "appraisal", "nomination",
                                        "position"))
    pr, e, s = w["procedure"], w["entry"], w["subject"]
    return [
        ("LoginForm", "/login", "", True),
        ("PasswordForm", "/account/password", "", True),
        ("UserForm", "/users", "", True),
        ("ConfirmPasswordForm", f"/rounds/{d}/open", "", True),
        ("ConfirmPasswordForm", f"/rounds/{o}/close", "", True),
        ("NewRoundForm", "/rounds/new", "", True),
        ("RoundDetailsForm", f"/rounds/{d}/edit", "", True),
        ("SubjectForm", f"/rounds/{d}/subjects", "", True),
        ("ImportForm", f"/rounds/{d}/import", "", True),
        ("ConfirmImportForm", f"/rounds/{d}/import/confirm", "", True),
        ("AttendanceForm", f"/rounds/{d}/attendance", "", True),
        ("CreateCardsForm", f"/rounds/{d}/cards", "", True),
        ("IssueCardsForm", f"/rounds/{d}/cards/issue", "", False),
        ("SerialForm", f"/rounds/{d}/cards/void", "", True),
        ("SerialForm", f"/rounds/{d}/cards/replace", "", True),
        ("CardsPdfForm", f"/rounds/{d}/cards/pdf", "", True),
        ("OnceForm", f"/rounds/{a}/cards/named", "", True),
        ("IssuedForm", f"/rounds/{o}/paper/issue", "issued", True),
        ("PaperVotersForm", f"/rounds/{a}/paper/voters", "voters", True),
        ("PrintForm", f"/rounds/{d}/paper/pdf", "print", True),
        ("EntryForm", f"/rounds/{o}/paper/entry", "", True),
        ("WithdrawForm", f"/rounds/{o}/paper/withdraw", "", True),
        ("SettingsForm", f"/rounds/{a}/appraisal", "", True),
        ("PositionForm", f"/rounds/{n}/positions", "", True),
        ("CandidateForm", f"/rounds/{n}/positions/{p}/candidates", f"p{p}", True),
        ("WriteInsForm", f"/rounds/{n}/positions/{p}/write-ins", f"w{p}", True),
        ("NominationImportForm", f"/rounds/{n}/positions/import", "", True),
        ("MinutesForm", f"/rounds/{c}/committee", "", False),
        ("ClaimForm", "/v", "", True),
        ("HeadDecisionForm", f"/rounds/{c}/head-decisions/{s}", f"d{s}", True),
        ("NewProcedureForm", "/procedures", "", True),
        ("MeetingForm", f"/procedures/{pr}/steps/1/meeting", "", True),
        ("NameForm", f"/procedures/{pr}/steps/2/names", "", True),
        ("PlanningEntryForm", "/planning/entries", "", True),
        ("ReasonForm", f"/planning/entries/{e}/remove", f"r{e}", True),
        ("ReviewForm", "/planning/reviews", "", True),
    ]


#: Forms no page posts with fields to check, and why.
NOT_POSTED = {
    EmptyForm: "a button's form: no field, only the CSRF token (the refused token's page is "
               "checked below)",
    VoteForm: "the voter's pages carry the card code with CardOnPage, not with this form",
}

_ERROR = re.compile(r'<(?:p|span|li)[^>]*class="(?:flash error|error)"[^>]*>(.*?)</(?:p|span|li)>'
                    r'|<ul class="errors">(.*?)</ul>', re.S)


def _shown_errors(page: str) -> list[str]:
    texts = []
    for match in _ERROR.finditer(page):
        raw = match.group(1) or match.group(2) or ""
        texts.append(html.unescape(re.sub(r"<[^>]+>", " ", raw)).strip())
    return [t for t in texts if t]


def _error_page_message(page: str) -> list[str]:
    match = re.search(r"<main[^>]*>(.*?)</main>", page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip()] if match else []


def test_every_form_class_is_posted_by_a_page_or_said_why_not(world):
    posted = {name for name, *_rest in _pages(world)}
    names = {cls.__name__ for cls in FORMS if cls not in NOT_POSTED}
    assert names - posted == {"MemberForm"}  # posted inside MinutesForm


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_shows_form_errors_in_its_language(client, world, lang):
    headers = {"Accept-Language": lang}
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    classes = {cls.__name__: cls for cls in FORMS}
    seen: set[str] = set()
    for name, path, prefix, expect_error in _pages(world):
        for how in ("empty", "wrong", "small"):
            data = _payload(classes[name], how, prefix)
            response = client.post(path, data=data, headers=headers, follow_redirects=True,
                                   content_type="multipart/form-data")
            where = f"{how} {name} at {path}: {response.status_code}"
            assert response.status_code < 500, where
            page = response.text
            assert f'<html lang="{lang}">' in page, where
            shown = _shown_errors(page)
            if response.status_code >= 400 and not shown:
                shown = _error_page_message(page)
            if how == "empty" and expect_error:
                assert shown, where
            seen.update(shown)
            if lang == "vi":
                assert not _english(page), (where, _english(page))
            else:
                assert [e for e in shown if _vietnamese(e)] == [], where
                assert not [t for t in VIETNAMESE_TEXTS if html.escape(t) in page], where
    english = {"This field is required.", "Not a valid choice.", "Not a valid integer value."}
    vietnamese = {str(MESSAGES[text]) for text in english}
    found = {m for e in seen for m in (english if lang == "en" else vietnamese) if m in e}
    assert found == (english if lang == "en" else vietnamese)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_refused_csrf_token_is_told_in_the_page_language(database_url, tmp_path, lang):
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    app.instance_path = str(tmp_path / "csrf-instance")
    with app.app_context():
        create_all()
    try:
        for path in ("/login", "/v"):
            response = app.test_client().post(path, data={"username": "x", "code": "x"},
                                              headers={"Accept-Language": lang})
            assert response.status_code == 400
            message = " ".join(_error_page_message(response.text))
            assert _vietnamese(message) is (lang == "vi"), message
            assert not [p for p in _english(response.text) if "CSRF" in p]
    finally:
        app.extensions["survey.engine"].dispose()
