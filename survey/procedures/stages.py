"""The conferences of each procedure, in order, and what each one is (docs/procedure.md).

Each stage names the kind of round that holds its ballot (``None``: a meeting without a
ballot, recorded by the officer), whether its conference is the leadership collective (whose
members are then those summoned), and whether its ballot offers write-in names.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale

from survey.i18n import _l
from survey.kinds.approval import APPROVAL, COLLECTIVE_VOTE
from survey.kinds.base import Label
from survey.kinds.nomination import NOMINATION

APPOINTMENT, PLANNING = "appointment", "planning"
INTERNAL, EXTERNAL = "internal", "external"

PURPOSES: dict[str, Label] = {
    APPOINTMENT: _l("Bổ nhiệm"),
    PLANNING: _l("Quy hoạch"),
}
VARIANTS: dict[str, Label] = {
    INTERNAL: _l("Nguồn nhân sự tại chỗ (5 bước)"),
    EXTERNAL: _l("Nguồn nhân sự từ nơi khác (3 bước)"),
}


@dataclass(frozen=True)
class Stage:
    """One conference of a procedure."""

    #: What the conference is, as the dossier names it.
    title: Label
    #: What it does, in a sentence.
    purpose: Label
    #: The kind of round of its ballot; ``None``: a meeting without a ballot.
    kind: str | None = None
    #: The leadership collective meets: its members are those summoned.
    collective: bool = False
    #: The ballot offers write-in names (a nomination by the extended conference).
    write_ins: bool = False
    #: A meeting whose attendance is recorded (a conference, not a report).
    attendance: bool = True


INTERNAL_STAGES = (
    Stage(_l("Hội nghị tập thể lãnh đạo (lần 1)"),
          _l("Thống nhất cơ cấu, tiêu chuẩn, điều kiện và nguồn nhân sự; không bỏ phiếu."),
          collective=True),
    Stage(_l("Hội nghị tập thể lãnh đạo mở rộng"),
          _l("Giới thiệu nhân sự bằng phiếu kín; được ghi thêm người ngoài danh sách."),
          kind=NOMINATION.name, write_ins=True),
    Stage(_l("Hội nghị tập thể lãnh đạo (lần 2)"),
          _l("Giới thiệu nhân sự bằng phiếu kín, trên cơ sở kết quả bước 2."),
          kind=NOMINATION.name, collective=True),
    Stage(_l("Hội nghị cán bộ chủ chốt"),
          _l("Lấy phiếu đồng ý hoặc không đồng ý đối với nhân sự bằng phiếu kín."),
          kind=APPROVAL.name),
    Stage(_l("Hội nghị tập thể lãnh đạo (lần 3)"),
          _l("Biểu quyết nhân sự bằng phiếu kín: trên 1/2 tổng số thành viên đồng ý; đúng 1/2 "
             "thì người đứng đầu quyết định."),
          kind=COLLECTIVE_VOTE.name, collective=True),
)

EXTERNAL_STAGES = (
    Stage(_l("Trao đổi với tập thể lãnh đạo nơi dự kiến bổ nhiệm"),
          _l("Thống nhất chủ trương và nhân sự dự kiến; không bỏ phiếu."), collective=True),
    Stage(_l("Tập thể lãnh đạo nơi nhân sự đang công tác"),
          _l("Biểu quyết bằng phiếu kín: trên 1/2 tổng số người được triệu tập đồng ý; đúng 1/2 "
             "thì người đứng đầu quyết định."),
          kind=COLLECTIVE_VOTE.name),
    Stage(_l("Báo cáo cấp có thẩm quyền"),
          _l("Tổng hợp, báo cáo cấp có thẩm quyền xem xét, quyết định; không bỏ phiếu."),
          attendance=False),
)

STAGES = {INTERNAL: INTERNAL_STAGES, EXTERNAL: EXTERNAL_STAGES}


def stages_of(variant: str) -> tuple[Stage, ...]:
    return STAGES[variant]


def in_vietnamese(label: Label) -> str:
    """A label as it is stored and printed: titles and documents stay Vietnamese whatever the
    language of the officer's screen."""
    with force_locale("vi"):
        return str(label)


__all__ = ["APPOINTMENT", "EXTERNAL", "INTERNAL", "PLANNING", "PURPOSES", "STAGES", "Stage",
           "VARIANTS", "in_vietnamese", "stages_of"]
