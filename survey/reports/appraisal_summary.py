"""The Standing Committee's summary of an appraisal round: order, charts, method (HTML side).

The PDF is drawn by :mod:`survey.reports.appraisal_summary_pdf` from the same pieces. A subject
rated by fewer than the minimum has no figure, no bar and no comment here (comments are never in
the summary), and it is sorted after the shown subjects whatever the order, so that its place
says nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from survey.i18n import _, _l
from survey.reports.appraisal import AppraisalLine, AppraisalReport, level_label
from survey.reports.charts import BAR_H, BAR_W, BAR_Y, HEIGHT, LEFT_PAD, MIN_LABEL_W, WIDTH
from survey.reports.charts import _f as fmt
from survey.reports.charts import _hatch as svg_hatch
from survey.reports.documents import number
from survey.tally.appraisal import Level


class SummaryOrder(StrEnum):
    """How the summary sorts its per-subject table and its charts."""

    ballot = "ballot"  # the roster's order
    excellent = "excellent"  # share of "excellent", highest first
    failed = "failed"  # share of "failed", highest first


ORDER_LABELS = {
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

#: Fill of each level: (SVG fill, grey 0-255 for the PDF, white text), best first, left to right.
FILLS = {
    Level.excellent.value: ("#3a3a3a", 58, True),
    Level.good.value: ("#8c8c8c", 140, False),
    Level.completed.value: ("#d9d9d9", 217, False),
    Level.failed.value: ("hatch", 255, False),
}


@dataclass(frozen=True)
class Segment:
    level: Level
    start: Decimal  # fraction of the bar's width
    width: Decimal
    count: int
    percent: Decimal


def segments(line: AppraisalLine) -> list[Segment]:
    """The parts of a shown subject's bar; a suppressed subject has none."""
    rating = line.rating
    if rating.suppressed or not rating.raters:
        return []
    assert rating.counts is not None and rating.percent is not None
    parts, start = [], Decimal(0)
    for level in Level:
        count = rating.counts[level.value]
        width = Decimal(count) / Decimal(rating.raters)
        parts.append(Segment(level, start, width, count, rating.percent[level.value]))
        start += width
    return parts


def description(line: AppraisalLine) -> str:
    parts = [f"{level_label(p.level)} {number(p.percent)}%" for p in segments(line)]
    return f"{line.subject.order}. {line.subject.name}: " + ", ".join(parts)


def bar_svg(line: AppraisalLine, *, chart_id: str | int) -> Markup:
    """One subject's stacked bar as inline SVG, printable in black and white."""
    pattern = f"ahatch-{chart_id}"
    out = [
        f'<svg class="bar-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label={quoteattr(description(line))} xmlns="http://www.w3.org/2000/svg">',
        f"<defs>{svg_hatch(pattern)}</defs>",
    ]
    for part in segments(line):
        if part.width <= 0:
            continue
        fill, _grey, light_text = FILLS[part.level.value]
        x = LEFT_PAD + BAR_W * part.start
        w = BAR_W * part.width
        paint = f"url(#{pattern})" if fill == "hatch" else fill
        out.append(
            f'<rect x="{fmt(x)}" y="{BAR_Y}" width="{fmt(w)}" height="{BAR_H}" fill="{paint}" '
            'stroke="#000" stroke-width="0.6"/>'
        )
        if w >= MIN_LABEL_W:
            colour = "#fff" if light_text else "#000"
            halo = "" if light_text else ' paint-order="stroke" stroke="#fff" stroke-width="3"'
            out.append(
                f'<text x="{fmt(x + w / 2)}" y="{BAR_Y + BAR_H / 2 + 3.5}" '
                f'text-anchor="middle" font-size="10" font-weight="bold" fill="{colour}"'
                f"{halo}>{escape(number(part.percent))}</text>"
            )
    out.append(
        f'<text x="{LEFT_PAD}" y="{HEIGHT - 1}" font-size="8">0%</text>'
        f'<text x="{WIDTH - LEFT_PAD}" y="{HEIGHT - 1}" font-size="8" '
        'text-anchor="end">100%</text></svg>'
    )
    return Markup("".join(out))


def legend() -> list[tuple[Markup, str]]:
    """The key to the fills: ``(swatch SVG, label)`` pairs."""
    out = []
    for level in Level:
        fill = FILLS[level.value][0]
        paint = f"url(#ahatch-legend-{level.value})" if fill == "hatch" else fill
        swatch = (
            '<svg class="swatch" viewBox="0 0 16 12" aria-hidden="true" '
            'xmlns="http://www.w3.org/2000/svg">'
            f"<defs>{svg_hatch(f'ahatch-legend-{level.value}')}</defs>"
            f'<rect x="0.5" y="0.5" width="15" height="11" fill="{paint}" stroke="#000" '
            'stroke-width="0.8"/></svg>'
        )
        out.append((Markup(swatch), level_label(level)))
    return out
