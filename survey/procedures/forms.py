"""The forms of the procedure and planning pages, and the reading of their lists of people."""

from __future__ import annotations

from collections.abc import Sequence

from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from survey.desk.forms import BODY_KINDS
from survey.errors import InvalidInput
from survey.i18n import _l
from survey.procedures.planning import ADD, REMOVE, Proposal
from survey.procedures.stages import PURPOSES, VARIANTS
from survey.tally.nomination import name_key
from survey.tally.procedure import Nominee, Post
from survey.web.forms import Form, choices


class NewProcedureForm(Form):
    title = StringField(_l("Tên quy trình"), validators=[DataRequired(), Length(max=300)])
    purpose = SelectField(_l("Mục đích"), choices=choices(PURPOSES))
    variant = SelectField(_l("Nguồn nhân sự"), choices=choices(VARIANTS))
    body = StringField(_l("Cơ quan, đơn vị"), validators=[Length(max=300)])
    body_kind = SelectField(_l("Loại cơ quan"), choices=choices(BODY_KINDS))
    place = StringField(_l("Địa điểm họp"), validators=[Length(max=200)])
    members = IntegerField(_l("Số thành viên tập thể lãnh đạo"),
                           validators=[DataRequired(), NumberRange(min=1, max=500)])
    min_ballots = IntegerField(_l("Số phiếu tối thiểu để hiện kết quả"), default=5,
                               validators=[DataRequired(), NumberRange(min=1, max=1000)])
    posts = TextAreaField(_l("Chức danh (mỗi dòng một chức danh: tên; số người)"),
                          validators=[DataRequired(), Length(max=4000)])


class MeetingForm(Form):
    held_on = DateField(_l("Ngày họp"), validators=[Optional()])
    summoned = IntegerField(_l("Số người được triệu tập"), validators=[Optional()])
    present = IntegerField(_l("Số người có mặt"), validators=[Optional()])
    note = TextAreaField(_l("Nội dung, kết luận"), validators=[Length(max=2000)])
    people = TextAreaField(_l("Nhân sự được xem xét (mỗi dòng: họ và tên; chức vụ hiện tại; "
                              "chức danh)"), validators=[Length(max=8000)])


class NameForm(Form):
    """Add a person to a step's list, or remove one, with the reason."""

    action = HiddenField(validators=[AnyOf([ADD, REMOVE])])
    post = SelectField(_l("Chức danh"), validate_choice=False)
    name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=120)])
    current = StringField(_l("Chức vụ hiện tại"), validators=[Length(max=250)])
    reason = StringField(_l("Lý do"), validators=[DataRequired(), Length(max=500)])


class PlanningEntryForm(Form):
    """A person put on a planning list directly, with the reason."""

    body = StringField(_l("Cơ quan, đơn vị"), validators=[Length(max=300)])
    post = StringField(_l("Chức danh"), validators=[DataRequired(), Length(max=250)])
    name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=120)])
    current = StringField(_l("Chức vụ hiện tại"), validators=[Length(max=250)])
    reason = StringField(_l("Lý do"), validators=[DataRequired(), Length(max=500)])


class ReasonForm(Form):
    reason = StringField(_l("Lý do"), validators=[DataRequired(), Length(max=500)])


class ReviewForm(Form):
    body = StringField(_l("Cơ quan, đơn vị"), validators=[Length(max=300)])
    year = IntegerField(_l("Năm rà soát"), validators=[DataRequired(),
                                                       NumberRange(min=2000, max=2100)])
    members = IntegerField(_l("Số thành viên tập thể lãnh đạo"),
                           validators=[DataRequired(), NumberRange(min=1, max=500)])
    proposals = TextAreaField(
        _l("Đề xuất (mỗi dòng: + hoặc -; chức danh; họ và tên; chức vụ hiện tại; lý do)"),
        validators=[DataRequired(), Length(max=8000)])


def _cells(line: str) -> list[str]:
    return [" ".join(cell.split()) for cell in line.split(";")]


def read_posts(text: str) -> list[Post]:
    """``title; seats`` per line (seats 1 when left out).

    :raises InvalidInput: naming the line that cannot be read.
    """
    posts = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = _cells(line)
        seats = cells[1] if len(cells) > 1 and cells[1] else "1"
        if len(cells) > 2 or not seats.isdigit():
            raise InvalidInput(_l("Dòng %(n)d: cần “tên chức danh; số người”.", n=number))
        posts.append(Post(cells[0], int(seats)))
    return posts


def read_people(text: str, posts: Sequence[str]) -> list[Nominee]:
    """``name; current position; post`` per line; the post may be left out when there is one.

    :raises InvalidInput: naming the line that cannot be read.
    """
    people = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = _cells(line) + ["", ""]
        post = cells[2] or (posts[0] if len(posts) == 1 else "")
        match = [p for p in posts if name_key(p) == name_key(post)]
        if not cells[0] or not match or len(cells) > 5:
            raise InvalidInput(_l("Dòng %(n)d: cần “họ và tên; chức vụ hiện tại; chức danh” "
                                  "với một chức danh của quy trình.", n=number))
        people.append(Nominee(match[0], cells[0], cells[1]))
    return people


def read_proposals(text: str, entries: Sequence[tuple[int, str, str]]) -> list[Proposal]:
    """``+; post; name; current position; reason`` (add) or ``-; post; name; reason`` (remove
    someone on the list, ``entries`` being ``(id, post, name)``), per line.

    :raises InvalidInput: naming the line that cannot be read.
    """
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = _cells(line)
        if cells[0] == "+" and len(cells) == 5 and all(cells[1:3]):
            out.append(Proposal(ADD, cells[4], person=Nominee(cells[1], cells[2], cells[3])))
            continue
        if cells[0] == "-" and len(cells) == 4:
            found = [i for i, post, name in entries
                     if name_key(post) == name_key(cells[1])
                     and name_key(name) == name_key(cells[2])]
            if found:
                out.append(Proposal(REMOVE, cells[3], entry_id=found[0]))
                continue
        raise InvalidInput(_l("Dòng %(n)d: cần “+; chức danh; họ và tên; chức vụ hiện tại; lý "
                              "do” hoặc “-; chức danh; họ và tên; lý do” với một người đang "
                              "trong quy hoạch.", n=number))
    return out
