"""The Standing Committee's summary of an appraisal round as an A4 PDF (fpdf2).

The header, title, hash and bullet helpers are the confidence documents' own
(:mod:`survey.reports.pdf`); the bars have the SVG's geometry and fills
(:mod:`survey.reports.appraisal_summary`) and print in black and white.
"""

from __future__ import annotations

from fpdf.enums import RenderStyle
from fpdf.fonts import FontFace

from survey.i18n import _
from survey.reports import pdf as base
from survey.reports.appraisal import AppraisalLine, AppraisalReport, level_label
from survey.reports.appraisal_documents import cohort_text, short_labels
from survey.reports.appraisal_summary import (
    FILLS,
    ORDER_LABELS,
    SummaryOrder,
    method_lines,
    quota_rows,
    segments,
    sorted_lines,
)
from survey.reports.documents import RoundReport, number
from survey.tally.appraisal import Level


def summary_pdf(frame: RoundReport, report: AppraisalReport,
                order: SummaryOrder | str = SummaryOrder.ballot) -> bytes:
    """The summary's bytes."""
    order = SummaryOrder(order)
    result = report.result
    round_ = report.round
    pdf = base._Document(title=_("Báo cáo kết quả – %(title)s", title=base._t(frame.title)),
                         subject=_("Báo cáo kết quả đánh giá, xếp loại chất lượng"),
                         author=base._t(frame.body))
    base._header(pdf, frame)
    base._title(pdf, _("BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG"), frame.title)

    pdf.heading(_("I. TÌNH HÌNH CHUNG"))
    pdf.paragraph([("", base._t(frame.opening_text()))])
    pdf.paragraph([("", _(
        "Triệu tập %(summoned)s người, có mặt %(present)s; số phiếu phát ra %(issued)d, số "
        "phiếu thu về %(collected)d.",
        summoned=round_.summoned if round_.summoned is not None else "—",
        present=round_.present if round_.present is not None else "—",
        issued=report.issued, collected=report.collected))])
    pdf.paragraph([("", _(
        "%(shown)d người có kết quả; %(hidden)d người được ít hơn %(min)d người đánh giá nên "
        "không ghi số liệu.", shown=result.shown, hidden=result.suppressed,
        min=result.min_raters))])

    pdf.heading(_("II. TỔNG HỢP"))
    pdf.paragraph([("", cohort_text(report))])
    pdf.paragraph([("B", _("Tỷ lệ xuất sắc so với tốt"))], after=0.8)
    _quota_table(pdf, report)

    pdf.heading(_("III. KẾT QUẢ ĐỐI VỚI TỪNG NGƯỜI"))
    pdf.paragraph([("I", _("Sắp xếp: %(order)s.", order=ORDER_LABELS[order]))], size=10.5,
                  after=1.5)
    lines = sorted_lines(report, order)
    _table(pdf, lines)

    pdf.ensure(50)  # the heading, the legend and the first bar stay together
    pdf.heading(_("IV. BIỂU ĐỒ"))
    _legend(pdf)
    for line in lines:
        if not line.rating.suppressed:
            _chart(pdf, line)

    pdf.heading(_("V. PHƯƠNG PHÁP TÍNH"))
    for text in method_lines(report):
        base._bullet(pdf, [("", text)])
    base._fingerprints(pdf, frame)
    return bytes(pdf.output())


def _quota_table(pdf: base._Document, report: AppraisalReport) -> None:
    rows = quota_rows(report)
    if not rows:
        pdf.paragraph([("", _("Không có nhóm nào có kết quả."))], size=10.5)
        return
    pdf.font("", base.TABLE_SIZE)
    heading = FontFace(emphasis="BOLD", fill_color=base.HEADING_FILL, size_pt=8.5)
    bold = FontFace(emphasis="BOLD", fill_color=base.BAND_FILL)
    widths = (45, 18, 18, 26, 26, 32)
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", num_heading_rows=1,
                   headings_style=heading, text_align="CENTER", v_align="MIDDLE",
                   line_height=base.TABLE_SIZE * base.PT * 1.25, padding=(0.9, 1.0)) as table:
        row = table.row()
        for text in (_("Nhóm"), _("Xuất sắc"), _("Tốt"), _("Tối đa được"),
                     _("Xuất sắc / tốt") + " (%)", _("Kết luận")):
            row.cell(text)
        for q in rows:
            style = bold if q.breach else None
            row = table.row()
            row.cell(base._t(q.group), align="LEFT", style=style)
            row.cell(str(q.excellent), style=style)
            row.cell(str(q.good), style=style)
            row.cell(f"{q.allowed} ({q.quota_percent}%)", style=style)
            row.cell(number(q.share) if q.share is not None else "—", style=style)
            row.cell(_("vượt tỷ lệ") if q.breach else _("trong tỷ lệ"), style=style)
    pdf.font()
    if any(q.breach for q in rows):
        pdf.ln(1)
        pdf.paragraph([("I", _("Vượt tỷ lệ chỉ được nêu ra; không kết quả nào bị thay đổi: cấp "
                               "có thẩm quyền xem xét, quyết định."))], size=10.5)


def _table(pdf: base._Document, lines: list[AppraisalLine]) -> None:
    size = 8.0
    pdf.font("", size)
    heading = FontFace(emphasis="BOLD", fill_color=base.HEADING_FILL, size_pt=7.5)
    bold = FontFace(emphasis="BOLD")
    short = short_labels()
    widths = (8, 36, 12, 15, 15, 15, 15, 13, 13, 23)
    with pdf.table(
        col_widths=widths, width=sum(widths), align="LEFT", num_heading_rows=1,
        repeat_headings=1, headings_style=heading, text_align="CENTER", v_align="MIDDLE",
        line_height=size * base.PT * 1.25, padding=(0.8, 0.8),
    ) as table:
        row = table.row()
        for text in (_("STT"), _("Họ và tên, chức vụ, đơn vị"), _("Số người đánh giá"),
                     *(short[level] for level in Level),
                     _("Tổng điểm TB"), _("Tổng điểm trung vị"), _("Mức đa số")):
            row.cell(text)
        for line in lines:
            s, r = line.subject, line.rating
            row = table.row()
            row.cell(str(s.order))
            detail = ", ".join(base._t(t) for t in (s.position, s.unit) if t)
            row.cell(base._t(s.name) + (f"\n{detail}" if detail else ""), align="LEFT")
            if r.suppressed:
                row.cell(_("Dưới mức tối thiểu người đánh giá: không ghi số liệu"), colspan=8)
                continue
            assert r.counts is not None and r.percent is not None and r.total is not None
            row.cell(str(r.raters))
            for level in Level:
                row.cell(f"{r.counts[level.value]}\n{number(r.percent[level.value])}%")
            row.cell(number(r.total.mean) if r.total.mean is not None else "—")
            row.cell(number(r.total.median) if r.total.median is not None else "—")
            majority = " / ".join(short[level] for level in r.majority) or "—"
            row.cell(majority + (" " + _("(đồng phiếu)") if r.tied else ""),
                     style=bold if r.tied else None)
    pdf.font()


def _fill(pdf: base._Document, key: str, x: float, y: float, w: float, h: float) -> None:
    fill, grey, _light = FILLS[key]
    pdf.set_fill_color(grey)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0)
    pdf.rect(x, y, w, h, style=RenderStyle.DF)
    if fill == "hatch":
        base._hatch(pdf, x, y, w, h)


def _legend(pdf: base._Document) -> None:
    pdf.ensure(14)
    y = pdf.get_y() + 1
    x = base.LEFT
    pdf.set_font(base.SERIF, "", 8.5)
    for level in Level:
        text = level_label(level)
        width = 7.5 + pdf.get_string_width(text) + 5
        if x + width > base.LEFT + base.WIDTH:
            x, y = base.LEFT, y + 5.5
        _fill(pdf, level.value, x, y, 6, 4)
        pdf.text(x + 7.5, y + 3.3, text)
        x += width
    pdf.set_y(y + 7)
    pdf.font()


def _chart(pdf: base._Document, line: AppraisalLine) -> None:
    label_h, bar_h, scale_h = 5.5, 7.0, 4.0
    height = label_h + bar_h + scale_h + 2.5
    pdf.ensure(height)
    top = pdf.get_y()
    s = line.subject
    name = f"{s.order}. {base._t(s.name)}" + (f" – {base._t(s.position)}" if s.position else "")
    pdf.font("", 9.5)
    pdf.set_x(base.LEFT)
    pdf.cell(base.WIDTH, label_h - 1, base._ellipsis(pdf, name, base.WIDTH))
    y = top + label_h
    x0, width = base.LEFT, base.WIDTH
    for part in segments(line):
        if part.width <= 0:
            continue
        x = x0 + width * float(part.start)
        w = width * float(part.width)
        _fill(pdf, part.level.value, x, y, w, bar_h)
        if w >= 11:
            light_text = FILLS[part.level.value][2]
            pdf.set_font(base.SERIF, "B", 8)
            text = number(part.percent)
            tw = pdf.get_string_width(text)
            tx, ty = x + (w - tw) / 2, y + bar_h / 2
            if not light_text:
                pdf.set_fill_color(255)
                pdf.rect(tx - 0.6, ty - 1.9, tw + 1.2, 3.8, style=RenderStyle.F)
            pdf.set_text_color(255 if light_text else 0)
            pdf.text(tx, ty + 1.1, text)
            pdf.set_text_color(0)
    scale_y = y + bar_h + 3.6
    pdf.set_font(base.SERIF, "", 7)
    pdf.text(x0, scale_y, "0%")
    pdf.text(x0 + width - pdf.get_string_width("100%"), scale_y, "100%")
    pdf.set_y(top + height)
    pdf.font()
