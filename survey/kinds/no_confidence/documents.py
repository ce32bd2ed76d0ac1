"""The confidence vote's parts of its minutes, summary (A4 PDF) and workbook; the rest is the
documents toolkit's (:mod:`survey.documents`)."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.worksheet.worksheet import Worksheet

from survey.documents.charts import HALF, draw_bar, draw_legend
from survey.documents.minutes import minutes_pdf
from survey.documents.pdf import Document, ruled_table
from survey.documents.text import number, printed
from survey.documents.xlsx import lay_out_table, row, text, top, workbook
from survey.i18n import _
from survey.kinds.confidence.documents import ballots_section, lines_summary_pdf, suppressed_note
from survey.kinds.confidence.report import Order, RoundReport
from survey.kinds.confidence.sheet import facts, suppressed_row
from survey.kinds.no_confidence import summary as ks
from survey.kinds.no_confidence.results import DISMISSAL, DISMISSAL_CONSEQUENCE
from survey.tally import no_confidence as nc

WIDTHS = (9, 44, 13, 14, 13, 14, 13, 14, 21)


def _table(pdf: Document, lines: Sequence[ks.VoteLine]) -> None:
    """One row per subject: valid lines, each level's count and share, the conclusion."""
    labels = [label for _level, label in ks.vote_levels()]
    heading = [_("STT"), _("Họ và tên, chức vụ"), _("Phiếu hợp lệ"),
               labels[0], "%", labels[1], "%", _("Không hợp lệ"), _("Kết luận")]
    rows = []
    for line in lines:
        name = printed(line.name) + (f"\n{printed(line.position)}" if line.position else "")
        rows.append(([
            str(line.order), name, str(line.result.valid),
            str(line.count("confidence")), number(line.percent("confidence")),
            str(line.count("no_confidence")), number(line.percent("no_confidence")),
            str(line.result.invalid), str(DISMISSAL) if line.dismissal else "",
        ], line.dismissal))
    ruled_table(pdf, WIDTHS, heading, rows, figures=(0, 2, 3, 4, 5, 6, 7))
    pdf.ln(1.5)


def _base_note(pdf: Document, result: nc.RoundResult) -> None:
    pdf.paragraph([("I", _("Tỷ lệ phần trăm tính trên tổng số phiếu thu về (%(n)d), làm tròn "
                           "đến hai chữ số thập phân.", n=result.base))], size=10.5)


def results_section(pdf: Document, report: RoundReport) -> None:
    """Part III of the minutes: the table in ballot order, then who is proposed for dismissal."""
    if report.suppressed:
        suppressed_note(pdf, report)
        return
    result: nc.RoundResult = report.kind_result
    lines = ks.vote_lines(report)
    _table(pdf, lines)
    _base_note(pdf, result)
    dismissed = [printed(line.name) for line in lines if line.dismissal]
    if dismissed:
        pdf.paragraph([("B", str(DISMISSAL_CONSEQUENCE) + " "), ("", ", ".join(dismissed) + ".")],
                      size=10.5)
    else:
        pdf.paragraph([("", _("Không có người nào có trên 1/2 số phiếu không tín nhiệm."))],
                      size=10.5)


def vote_minutes_pdf(report: RoundReport) -> bytes:
    """The minutes of the count of a confidence vote."""
    return minutes_pdf(
        report, ballots=lambda pdf: ballots_section(pdf, report),
        results_title=_("III. KẾT QUẢ KIỂM PHIẾU ĐỐI VỚI TỪNG NGƯỜI"),
        results=lambda pdf: results_section(pdf, report),
    )


def _summary_results(pdf: Document, report: RoundReport, order: Order) -> None:
    result: nc.RoundResult = report.kind_result
    lines = ks.vote_lines(report, order)
    pdf.heading(_("II. NHỮNG NGƯỜI CÓ TRÊN 1/2 SỐ PHIẾU KHÔNG TÍN NHIỆM"))
    dismissed = [line for line in lines if line.dismissal]
    if dismissed:
        pdf.paragraph([("B", str(DISMISSAL) + ": "), ("", str(DISMISSAL_CONSEQUENCE))],
                      size=10.5)
        for line in dismissed:
            pdf.bullet([("B", printed(line.name)),
                        ("", f" – {printed(line.position)}" if line.position else ""),
                        ("", _(": %(n)d phiếu không tín nhiệm, %(p)s%%.",
                               n=line.count("no_confidence"),
                               p=number(line.percent("no_confidence"))))])
    else:
        pdf.paragraph([("", _("Không có người nào có trên 1/2 số phiếu không tín nhiệm."))])
    pdf.heading(_("III. KẾT QUẢ ĐỐI VỚI TỪNG NGƯỜI"))
    pdf.paragraph([("I", _("Sắp xếp: %(order)s.", order=ks.ORDERS[order]))],
                  size=10.5, after=1.5)
    _table(pdf, lines)
    _base_note(pdf, result)
    pdf.heading(_("IV. BIỂU ĐỒ"))
    draw_legend(pdf, ks.vote_legend_items(), ks.FILLS)
    for line in lines:
        title = f"{line.order}. {printed(line.name)}"
        if line.position:
            title += f" – {printed(line.position)}"
        draw_bar(pdf, title, ks.vote_parts(line, result.base), ks.FILLS, bold=line.dismissal,
                 marks=HALF)


def vote_summary_pdf(report: RoundReport, order: Order | str = Order.ballot) -> bytes:
    """The Standing Committee's summary of a confidence vote."""
    order = Order(order)
    return lines_summary_pdf(report, ks.title(report),
                             lambda pdf: _summary_results(pdf, report, order),
                             ks.method_lines(report))


def _sheet(sheet: Worksheet, report: RoundReport) -> None:
    result: nc.RoundResult = report.kind_result
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Phiếu phát ra"), _("Phiếu thu về"),
              _("Hợp lệ"), _("Không hợp lệ")]
    for _level, label in ks.vote_levels():
        header += [_("%(level)s (số phiếu)", level=label), _("%(level)s (%%)", level=label)]
    header.append(_("Kết luận"))
    top(sheet, report.title, report.body, _(
        "Tỷ lệ phần trăm tính trên tổng số phiếu thu về (%(n)d), làm tròn 2 chữ số thập phân; "
        "đề nghị miễn nhiệm khi trên 1/2 không tín nhiệm.", n=result.base), header)
    figures = report.figures
    lines = {line.order: line for line in ks.vote_lines(report)}
    for name, position, order in report.kind_subjects:
        values: list[object] = [order, text(name), text(position), figures.issued,
                                figures.collected]
        line = lines.get(order)
        if line is None:  # suppressed
            values += [None] * (len(header) - len(values))
        else:
            values += [line.result.valid, line.result.invalid]
            for level, _label in ks.vote_levels():
                values += [line.count(level), line.percent(level)]
            values.append(str(DISMISSAL) if line.dismissal else "")
        row(sheet, values, shaded=bool(line and line.dismissal), percent_columns=(9, 11))
    suppressed_row(sheet, report)
    lay_out_table(sheet, (6, 24, 34, 10, 10, 9, 10, 11, 9, 11, 9, 24), columns=len(header))


def vote_workbook(report: RoundReport) -> bytes:
    """The confidence vote's workbook: "Kết quả" and "Thông tin đợt"."""
    return workbook(report.title, lambda sheet: _sheet(sheet, report), facts(report))
