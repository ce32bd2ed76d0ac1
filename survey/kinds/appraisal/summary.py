"""The Standing Committee's summary of an appraisal round: order, charts, method (HTML side).

The PDF is drawn by :mod:`survey.kinds.appraisal.summary_pdf` from the same pieces. A subject
rated by fewer than the minimum has no figure, no bar and no comment here (comments are never in
the summary), and it is sorted after the shown subjects whatever the order, so that its place
says nothing either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from markupsafe import Markup

from survey.documents.charts import Fill, Segment, stack, svg_bar, swatches
from survey.documents.text import number
from survey.i18n import _, _l
from survey.kinds.appraisal.results import AppraisalLine, AppraisalReport, level_label
from survey.kinds.base import Label
from survey.tally.appraisal import Level


class SummaryOrder(StrEnum):
    """How the summary sorts its per-subject table and its charts."""

    ballot = "ballot"  # the roster's order
    excellent = "excellent"  # share of "excellent", highest first
    failed = "failed"  # share of "failed", highest first


ORDER_LABELS: Mapping[str, Label] = {
    SummaryOrder.ballot: _l("Theo thứ tự trong danh sách"),
    SummaryOrder.excellent: _l("Theo tỷ lệ hoàn thành xuất sắc nhiệm vụ (cao xuống thấp)"),
    SummaryOrder.failed: _l("Theo tỷ lệ không hoàn thành nhiệm vụ (cao xuống thấp)"),
}


def sorted_lines(report: AppraisalReport, order: SummaryOrder | str) -> list[AppraisalLine]:
    """The lines in ``order``; ties and subjects below the minimum keep the roster's order,
    and the latter always come last (except in the roster's order itself)."""
    order = SummaryOrder(order)
    lines = list(report.lines)
    if order is SummaryOrder.ballot:
        return lines
    shown = [line for line in lines if not line.rating.suppressed]
    hidden = [line for line in lines if line.rating.suppressed]
    key = order.value

    def share(line: AppraisalLine) -> Decimal:
        assert line.rating.percent is not None
        return line.rating.percent[key]

    # stable sort: equal shares stay in the roster's order
    return sorted(shown, key=share, reverse=True) + hidden


def method_lines(report: AppraisalReport) -> list[str]:
    """The summary's method section."""
    result = report.result
    group = _("từng đơn vị") if result.quota_group.value == "unit" else _("cả đợt")
    return [
        _("Tổng điểm 100 = tiêu chí chung (tối đa 30) + kết quả thực hiện nhiệm vụ (tối đa 70). "
          "Khung điểm: từ 90 trở lên hoàn thành xuất sắc; từ 70 đến dưới 90 hoàn thành tốt; từ "
          "50 đến dưới 70 hoàn thành nhiệm vụ; dưới 50 không hoàn thành nhiệm vụ."),
        _("Mỗi người phải được ít nhất %(min)d người đánh giá; người dưới mức này không có số "
          "liệu, biểu đồ hay nhận xét nào và không được tính vào bất kỳ số tổng hợp nào.",
          min=result.min_raters),
        _("Tỷ lệ mỗi mức tính trên số người đánh giá người đó (không tính “Không có ý kiến”). "
          "Mức của mỗi người trong số tổng hợp là mức được đề xuất nhiều nhất; khi các mức đồng "
          "số phiếu, người đó không được tính vào mức nào."),
        _("Tỷ lệ xuất sắc: số “Hoàn thành xuất sắc” không vượt quá %(p)d%% số “Hoàn thành tốt”, "
          "tính trong %(group)s; vượt tỷ lệ chỉ được nêu để cấp có thẩm quyền xem xét, không "
          "tự động thay đổi kết quả của ai.", p=result.quota_percent, group=group),
        _("Trung bình và trung vị tính chính xác từ các điểm đã cho; tổng điểm chỉ tính ở phiếu "
          "cho cả hai điểm; trung vị của số chẵn giá trị là trung bình cộng của hai giá trị "
          "giữa."),
        _("Mọi tỷ lệ và điểm được làm tròn 2 chữ số thập phân, từ 5 trở lên làm tròn lên."),
    ]


@dataclass(frozen=True)
class QuotaRow:
    group: str
    excellent: int
    good: int
    allowed: int
    share: Decimal | None
    quota_percent: int
    breach: bool


def quota_rows(report: AppraisalReport) -> list[QuotaRow]:
    return [
        QuotaRow(q.group or str(_("Cả đợt")), q.excellent, q.good, q.allowed, q.share,
                 q.quota_percent, q.breach)
        for q in report.result.quota
    ]


# -- the stacked bar: the four proposed levels, 100 % = the subject's raters -------------------

#: Fill of each level, best first, left to right.
FILLS: dict[str, Fill] = {
    Level.excellent.value: ("#3a3a3a", 58, True),
    Level.good.value: ("#8c8c8c", 140, False),
    Level.completed.value: ("#d9d9d9", 217, False),
    Level.failed.value: ("hatch", 255, False),
}


def segments(line: AppraisalLine) -> list[Segment]:
    """The parts of a shown subject's bar (100 % = the subject's raters); a suppressed subject
    has none."""
    rating = line.rating
    if rating.suppressed or not rating.raters:
        return []
    assert rating.counts is not None and rating.percent is not None
    return stack([(level.value, rating.counts[level.value], rating.percent[level.value])
                  for level in Level], rating.raters)


def description(line: AppraisalLine) -> str:
    parts = [f"{level_label(p.key)} {number(p.percent)}%" for p in segments(line)
             if p.percent is not None]
    return f"{line.subject.order}. {line.subject.name}: " + ", ".join(parts)


def bar_svg(line: AppraisalLine, *, chart_id: str | int) -> Markup:
    """One subject's stacked bar as inline SVG, printable in black and white."""
    return svg_bar(segments(line), FILLS, label=description(line), pattern=f"ahatch-{chart_id}")


def legend() -> list[tuple[Markup, str]]:
    """The key to the fills: ``(swatch SVG, label)`` pairs."""
    return swatches([(level.value, level_label(level)) for level in Level], FILLS,
                    prefix="ahatch-legend-")
