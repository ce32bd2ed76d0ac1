"""The Standing Committee's summary of an appraisal round as an A4 PDF.

The header, title, hashes and bars are the documents toolkit's (:mod:`survey.documents`); the
bars have the page's fills (:mod:`survey.kinds.appraisal.summary`) and print in black and white.
"""

from __future__ import annotations

from fpdf.fonts import FontFace

from survey.documents.charts import draw_bar, draw_legend
from survey.documents.frame import Frame
from survey.documents.minutes import method_section, summary_document
from survey.documents.pdf import BAND_FILL, Document, table
from survey.documents.text import number, printed
from survey.i18n import _
from survey.kinds.appraisal.minutes import (
    cohort_text,
    figure_widths,
    paper_text,
    short_labels,
)
from survey.kinds.appraisal.results import AppraisalLine, AppraisalReport, level_label
from survey.kinds.appraisal.summary import (
    FILLS,
    ORDER_LABELS,
    SummaryOrder,
    method_lines,
    quota_rows,
    segments,
    sorted_lines,
)
from survey.tally.appraisal import Level


def summary_pdf(frame: Frame, report: AppraisalReport,
                order: SummaryOrder | str = SummaryOrder.ballot) -> bytes:
    """The summary's bytes."""
    order = SummaryOrder(order)
    result = report.result
    round_ = report.round
    pdf = summary_document(frame, _("BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG"),
                           _("Báo cáo kết quả đánh giá, xếp loại chất lượng"))

    pdf.heading(_("I. TÌNH HÌNH CHUNG"))
    pdf.paragraph([("", printed(frame.opening_text()))])
    pdf.paragraph([("", _(
        "Triệu tập %(summoned)s người, có mặt %(present)s; số phiếu phát ra %(issued)d, số "
        "phiếu thu về %(collected)d.",
        summoned=round_.summoned if round_.summoned is not None else "—",
        present=round_.present if round_.present is not None else "—",
        issued=report.issued, collected=report.collected))])
    if report.paper:
        pdf.paragraph([("", paper_text(report))])
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
    draw_legend(pdf, [(level.value, level_label(level)) for level in Level], FILLS, size=8.5,
                wrap=True)
    for line in lines:
        if not line.rating.suppressed:
            s = line.subject
            name = f"{s.order}. {printed(s.name)}" + (
                f" – {printed(s.position)}" if s.position else "")
            draw_bar(pdf, name, segments(line), FILLS)

    method_section(pdf, _("V. PHƯƠNG PHÁP TÍNH"), method_lines(report), frame)
    return pdf.finished()


def _quota_table(pdf: Document, report: AppraisalReport) -> None:
    rows = quota_rows(report)
    if not rows:
        pdf.paragraph([("", _("Không có nhóm nào có kết quả."))], size=10.5)
        return
    bold = FontFace(emphasis="BOLD", fill_color=BAND_FILL)
    with table(pdf, (45, 18, 18, 26, 26, 32)) as made:
        row = made.row()
        for text in (_("Nhóm"), _("Xuất sắc"), _("Tốt"), _("Tối đa được"),
                     _("Xuất sắc / tốt") + " (%)", _("Kết luận")):
            row.cell(text)
        for q in rows:
            style = bold if q.breach else None
            row = made.row()
            row.cell(printed(q.group), align="LEFT", style=style)
            row.cell(str(q.excellent), style=style)
            row.cell(str(q.good), style=style)
            row.cell(f"{q.allowed} ({q.quota_percent}%)", style=style)
            row.cell(number(q.share) if q.share is not None else "—", style=style)
            row.cell(_("vượt tỷ lệ") if q.breach else _("trong tỷ lệ"), style=style)
    if any(q.breach for q in rows):
        pdf.ln(1)
        pdf.paragraph([("I", _("Vượt tỷ lệ chỉ được nêu ra; không kết quả nào bị thay đổi: cấp "
                               "có thẩm quyền xem xét, quyết định."))], size=10.5)


def _table(pdf: Document, lines: list[AppraisalLine]) -> None:
    bold = FontFace(emphasis="BOLD")
    short = short_labels()
    headings = (_("STT"), _("Họ và tên, chức vụ, đơn vị"), _("Số người đánh giá"),
                *(short[level] for level in Level),
                _("Tổng điểm TB"), _("Tổng điểm trung vị"), _("Mức đa số"))
    widths = figure_widths(pdf, (8, 36, 12, 15, 15, 15, 15, 13, 13, 23), lines, headings)
    with table(pdf, widths, size=8.0, heading_size=7.5, padding=(0.8, 0.8)) as made:
        row = made.row()
        for text in headings:
            row.cell(text)
        for line in lines:
            s, r = line.subject, line.rating
            row = made.row()
            row.cell(str(s.order))
            detail = ", ".join(printed(t) for t in (s.position, s.unit) if t)
            row.cell(printed(s.name) + (f"\n{detail}" if detail else ""), align="LEFT")
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
