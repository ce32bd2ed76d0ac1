"""The form of the minutes' details and the counting committee."""

from __future__ import annotations

from wtforms import (
    DateTimeLocalField,
    FieldList,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import Length, Optional

from survey.documents.frame import ROLE_LABELS
from survey.i18n import _l
from survey.reports.operations import MAX_MEMBERS
from survey.rounds.models import CommitteeRole
from survey.web.forms import Form, SubForm


class MemberForm(SubForm):
    """One line of the committee (a sub-form: the outer form carries the CSRF token)."""

    name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=120)])
    role = SelectField(
        _l("Vai trò"),
        choices=[SelectChoice(role.value, ROLE_LABELS[role]) for role in CommitteeRole],
        default=CommitteeRole.member.value,
    )


class MinutesForm(Form):
    parent_body = StringField(
        _l("Cơ quan cấp trên (dòng đầu tiêu đề, có thể bỏ trống)"),
        validators=[Length(max=300)],
    )
    locality = StringField(_l("Địa danh (ghi trước ngày tháng)"), validators=[Length(max=100)])
    chair = StringField(_l("Chủ trì hội nghị"), validators=[Length(max=300)])
    minutes_number = StringField(_l("Số biên bản (sau “Số:”, bỏ trống: để trống viết tay)"),
                                 validators=[Length(max=40)])
    report_number = StringField(_l("Số báo cáo (sau “Số:”, bỏ trống: để trống viết tay)"),
                                validators=[Length(max=40)])
    conference_time = TimeField(_l("Giờ khai mạc hội nghị"), validators=[Optional()])
    count_ended_at = DateTimeLocalField(
        _l("Kiểm phiếu kết thúc lúc (bỏ trống: giờ kết thúc bỏ phiếu)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )
    members = FieldList(FormField(MemberForm), min_entries=0, max_entries=MAX_MEMBERS)
