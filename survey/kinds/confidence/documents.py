"""The confidence poll's parts of its minutes and summary (A4 PDF): the per-subject table,
the bands, the charts; the rest is the documents toolkit's (:mod:`survey.documents`)."""

from __future__ import annotations

from collections.abc import Sequence

from fpdf.enums import CellBordersLayout
from fpdf.fonts import FontFace

from survey.documents.charts import draw_bar, draw_legend
from survey.documents.minutes import (
    Section,
    document,
    draw_heading,
    issued_and_collected,
    method_section,
    minutes_pdf,
    situation,
    summary_close,
    summary_document,
)
from survey.documents.pdf import BAND_FILL, Document, fitted_widths, table
from survey.documents.text import count_text, number, printed, signed
from survey.i18n import _
from survey.kinds.confidence import charts
from survey.kinds.confidence.report import (
    ORDER_LABELS,
    Line,
    Order,
    RoundReport,
    band_consequence,
    band_label,
    level_label,
)
from survey.tally.confidence import Band, Level

#: Footnote marks in the results table, per band.
BAND_MARKS = {Band.over_half_low: "(1)", Band.two_thirds_low: "(2)"}


def ballots_section(pdf: Document, report: RoundReport) -> None:
    """Part II of the minutes: ballots issued and collected, valid and invalid."""
    issued_and_collected(pdf, report)
    if report.suppressed:
        return
    unit = _("phiếu")
    pdf.bullet([("", _("Số phiếu hợp lệ: ")), ("B", count_text(report.valid_ballots, unit)),
                  ("", ".")])
    pdf.bullet([("", _("Số phiếu không hợp lệ: ")), ("B", count_text(report.blank, unit)),
                  ("", report.invalid_note())])
    pdf.paragraph([("I", _("Một dòng không đánh dấu chỉ không hợp lệ đối với người ở dòng đó; "
                           "số phiếu hợp lệ và không hợp lệ đối với từng người được ghi trong "
                           "bảng dưới đây."))], size=10.5)


def suppressed_note(pdf: Document, report: RoundReport) -> None:
    pdf.paragraph([("B", _(
        "Chỉ thu về %(n)d phiếu, ít hơn mức tối thiểu %(min)d: kết quả đối với từng người "
        "không được ghi để bảo vệ bí mật của người bỏ phiếu.",
        n=report.figures.collected, min=report.result.min_ballots))])


def _results_table(pdf: Document, report: RoundReport, lines: Sequence[Line], *,
                   with_earlier: bool = False) -> None:
    """The per-subject table: counts and percentages per level, valid and invalid lines."""
    bold = FontFace(emphasis="BOLD")
    small = FontFace(size_pt=8.0)
    levels = report.levels
    widths = _widths(pdf, report, lines)
    top_borders = CellBordersLayout.LEFT | CellBordersLayout.RIGHT | CellBordersLayout.TOP
    mid_borders = CellBordersLayout.LEFT | CellBordersLayout.RIGHT
    end_borders = CellBordersLayout.LEFT | CellBordersLayout.RIGHT | CellBordersLayout.BOTTOM
    with table(pdf, widths, heading_rows=2) as made:
        row = made.row()
        row.cell(_("STT"), rowspan=2)
        row.cell(_("Họ và tên, chức vụ"), rowspan=2)
        row.cell(_("Phiếu hợp lệ"), rowspan=2)
        for level in levels:
            row.cell(level_label(level), colspan=2)
        row.cell(_("Không hợp lệ"), rowspan=2)
        row = made.row()
        for _level in levels:
            row.cell(_("Số phiếu"))
            row.cell(_("Tỷ lệ") + " %")
        for line in lines:
            extra = [printed(line.position)] if line.position else []
            if with_earlier and line.earlier is not None:
                extra.append(_earlier_text(line))
            span = 1 + len(extra)
            fill = BAND_FILL if line.band else None
            row = made.row()
            style = FontFace(fill_color=fill)
            row.cell(str(line.order), rowspan=span, style=style)
            name = printed(line.name) + (f" {BAND_MARKS[line.band]}" if line.band else "")
            row.cell(name, align="LEFT", style=bold.replace(fill_color=fill),
                     border=top_borders if extra else CellBordersLayout.INHERIT)
            assert line.result is not None
            row.cell(str(line.result.valid), rowspan=span, style=style)
            for level in levels:
                row.cell(str(line.count(level)), rowspan=span, style=style)
                row.cell(number(line.percent(level)), rowspan=span,
                         style=bold.replace(fill_color=fill) if level is Level.low and line.band
                         else style)
            row.cell(str(line.result.invalid), rowspan=span, style=style)
            for index, text in enumerate(extra):
                last = index == len(extra) - 1
                row = made.row()
                row.cell(text, align="LEFT", style=small.replace(fill_color=fill),
                         border=end_borders if last else mid_borders)


def _widths(pdf: Document, report: RoundReport, lines: Sequence[Line]) -> list[float]:
    """The table's columns as wide as their figures (a "100,00" never breaks), and the name
    column the rest of the line."""
    columns: dict[int, list[str]] = {0: [str(line.order) for line in lines]}
    columns[2] = [str(line.result.valid) for line in lines if line.result is not None]
    for index, level in enumerate(report.levels):
        columns[3 + 2 * index] = [str(line.count(level)) for line in lines]
        columns[4 + 2 * index] = [number(line.percent(level)) for line in lines]
    columns[3 + 2 * len(report.levels)] = [
        str(line.result.invalid) for line in lines if line.result is not None]
    headings = {0: _("STT"), 2: _("Phiếu hợp lệ"), 3 + 2 * len(report.levels): _("Không hợp lệ")}
    for index in range(len(report.levels)):
        headings[3 + 2 * index] = _("Số phiếu")
        headings[4 + 2 * index] = _("Tỷ lệ") + " %"
    return fitted_widths(pdf, [10, 50] + [13] * (2 + 2 * len(report.levels)), columns, headings)


def _earlier_text(line: Line) -> str:
    earlier = line.earlier
    assert earlier is not None
    change = line.change(Level.low)
    assert change is not None
    return _(
        "Lần trước (%(date)s): thấp %(before)s%%, nay %(now)s%% (%(change)s điểm %%)",
        date=earlier.date.strftime("%d/%m/%Y"),
        before=number(earlier.percent[Level.low.value]),
        now=number(line.percent(Level.low)),
        change=signed(change),
    )


def _band_notes(pdf: Document, report: RoundReport) -> None:
    pdf.ln(1.5)
    pdf.paragraph([("I", _("Tỷ lệ phần trăm tính trên %(what)s (%(n)d), làm tròn đến hai chữ "
                           "số thập phân.", what=report.denominator_label,
                           n=report.result.base))], size=10.5)
    any_band = False
    for band in (Band.over_half_low, Band.two_thirds_low):
        lines = report.banded(band)
        if not lines:
            continue
        any_band = True
        names = ", ".join(printed(line.name) for line in lines)
        pdf.paragraph([("B", f"{BAND_MARKS[band]} {band_label(band)}: "), ("", names + ".")],
                      size=10.5)
    if not any_band:
        pdf.paragraph([("", _("Không có người nào có trên 1/2 số phiếu tín nhiệm thấp."))],
                      size=10.5)


def results_section(pdf: Document, report: RoundReport) -> None:
    """Part III of the minutes: the table in ballot order and the bands under it."""
    if report.suppressed:
        suppressed_note(pdf, report)
        return
    pdf.paragraph([("I", _("Theo thứ tự trên phiếu."))], size=10.5, after=1.5)
    _results_table(pdf, report, report.lines)
    _band_notes(pdf, report)


def poll_minutes_pdf(report: RoundReport) -> bytes:
    """The minutes of the count (biên bản kiểm phiếu) of a closed confidence poll."""
    return minutes_pdf(
        report, ballots=lambda pdf: ballots_section(pdf, report),
        results_title=_("III. KẾT QUẢ KIỂM PHIẾU ĐỐI VỚI TỪNG NGƯỜI"),
        results=lambda pdf: results_section(pdf, report),
    )


# -- the summary ---------------------------------------------------------------------------------


def lines_summary_pdf(report: RoundReport, title: str, results: Section,
                      method_lines: Sequence[str]) -> bytes:
    """The summary of a kind whose results follow the poll's frame (a confidence vote, a
    nomination round): the situation, the kind's ``results`` (or the note that they are
    withheld), and the method."""
    pdf = summary_document(report, title, title, f"{title.capitalize()} – %(title)s")
    situation(pdf, report)
    if report.suppressed:
        pdf.heading(_("II. KẾT QUẢ"))
        suppressed_note(pdf, report)
    else:
        results(pdf)
    method_section(pdf, _("%(n)s. PHƯƠNG PHÁP TÍNH", n="III" if report.suppressed else "V"),
                   method_lines, report)
    return pdf.finished()


def _chart(pdf: Document, line: Line, base: int) -> None:
    """One subject's bar, drawn with the same geometry as the SVG."""
    name = f"{line.order}. {printed(line.name)}"
    if line.position:
        name += f" – {printed(line.position)}"
    draw_bar(pdf, name, charts.segments(line, base), charts.FILLS, bold=bool(line.band),
             note=_earlier_text(line) if line.earlier is not None else None, marks=charts.MARKS)


def summary_pdf(report: RoundReport, order: Order | str = Order.ballot) -> bytes:
    """The Standing Committee's summary of a closed confidence poll."""
    order = Order(order)
    pdf = document(report, _("Báo cáo kết quả – %(title)s"),
                   _("Báo cáo kết quả lấy phiếu tín nhiệm"))
    draw_heading(pdf, report, report.report_number_text())
    pdf.title_block(_("BÁO CÁO KẾT QUẢ LẤY PHIẾU TÍN NHIỆM"), printed(report.title))
    situation(pdf, report)
    if report.suppressed:
        pdf.heading(_("II. KẾT QUẢ"))
        suppressed_note(pdf, report)
    else:
        pdf.heading(_("II. NHỮNG NGƯỜI CÓ TRÊN 1/2 SỐ PHIẾU TÍN NHIỆM THẤP"))
        _bands_section(pdf, report)
        pdf.heading(_("III. KẾT QUẢ ĐỐI VỚI TỪNG NGƯỜI"))
        pdf.paragraph([("I", _("Sắp xếp: %(order)s.", order=ORDER_LABELS[order]))],
                      size=10.5, after=1.5)
        _results_table(pdf, report, report.sorted_lines(order), with_earlier=True)
        _band_notes(pdf, report)
        pdf.heading(_("IV. BIỂU ĐỒ"))
        draw_legend(pdf, charts.legend_items(report.result.denominator.value), charts.FILLS)
        for line in report.sorted_lines(order):
            _chart(pdf, line, report.result.base)
    pdf.heading(_("%(n)s. PHƯƠNG PHÁP TÍNH", n="III" if report.suppressed else "V"))
    for text in report.method_lines():
        pdf.bullet([("", text)])
    if report.has_earlier:
        pdf.bullet([("", _(
            "“Lần trước” là kết quả của cùng người đó (cùng họ tên) trong đợt lấy phiếu gần "
            "nhất trước đây của cùng cơ quan; thay đổi tính bằng điểm phần trăm."))])
    summary_close(pdf, report)
    return pdf.finished()


def _bands_section(pdf: Document, report: RoundReport) -> None:
    any_band = False
    for band in (Band.two_thirds_low, Band.over_half_low):
        lines = report.banded(band)
        if not lines:
            continue
        any_band = True
        pdf.ensure(pdf.line_h() * 5)
        pdf.paragraph([("B", band_label(band) + ": "), ("", band_consequence(band))],
                      size=10.5)
        for line in lines:
            pdf.bullet([("B", printed(line.name)),
                          ("", f" – {printed(line.position)}" if line.position else ""),
                          ("", _(": %(n)d phiếu tín nhiệm thấp, %(p)s%%.",
                                 n=line.count(Level.low), p=number(line.percent(Level.low))))])
    if not any_band:
        pdf.paragraph([("", _("Không có người nào có trên 1/2 số phiếu tín nhiệm thấp."))])


__all__ = ["ballots_section", "lines_summary_pdf", "poll_minutes_pdf", "results_section",
           "summary_pdf", "suppressed_note"]
