"""The votes of agreement's parts of their minutes, summary (A4 PDF) and workbook; the rest is
the documents toolkit's (:mod:`survey.documents`)."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.worksheet.worksheet import Worksheet

from survey.documents.charts import HALF, draw_bar, draw_legend
from survey.documents.minutes import minutes_pdf
from survey.documents.pdf import Document, ruled_table
from survey.documents.text import number, printed
from survey.documents.xlsx import lay_out_table, row, text, top, workbook
from survey.i18n import _
from survey.kinds.approval import summary as ks
from survey.kinds.approval.results import OUTCOME_LABELS
from survey.kinds.confidence.documents import ballots_section, lines_summary_pdf, suppressed_note
from survey.kinds.confidence.report import Order, RoundReport
from survey.kinds.confidence.sheet import facts, suppressed_row
from survey.tally import approval as ap

WIDTHS = (9, 44, 13, 14, 13, 14, 13, 14, 31)


def _table(pdf: Document, lines: Sequence[ks.AgreementLine], decisive: bool) -> None:
    """One row per person: valid lines, each level's count and share, the conclusion."""
    labels = [label for _level, label in ks.levels()]
    heading = [_("STT"), _("Họ và tên, chức danh đề nghị"), _("Phiếu hợp lệ"),
               labels[0], "%", labels[1], "%", _("Không hợp lệ"),
               _("Kết luận") if decisive else ""]
    rows = []
    for line in lines:
        name = printed(line.name) + (f"\n{printed(line.position)}" if line.position else "")
        rows.append(([
            str(line.order), name, str(line.result.valid),
            str(line.count("agree")), number(line.percent("agree")),
            str(line.count("disagree")), number(line.percent("disagree")),
            str(line.result.invalid), line.conclusion,
        ], line.marked))
    ruled_table(pdf, WIDTHS, heading, rows)
    pdf.ln(1.5)


def _base_note(pdf: Document, result: ap.RoundResult) -> None:
    pdf.paragraph([("I", _("Tỷ lệ phần trăm tính trên tổng số người được triệu tập (%(n)d), "
                           "làm tròn đến hai chữ số thập phân.", n=result.base))], size=10.5)


def _conclusions(pdf: Document, lines: Sequence[ks.AgreementLine]) -> None:
    """Who is approved, and who is left to the head, in words."""
    for outcome in (ap.Outcome.approved, ap.Outcome.head_decides):
        named = [printed(line.name) for line in lines if line.outcome is outcome]
        if named:
            pdf.paragraph([("B", f"{OUTCOME_LABELS[outcome]}: "),
                           ("", ", ".join(named) + ".")], size=10.5)
    if not any(line.marked for line in lines):
        pdf.paragraph([("", _("Không có người nào được trên 1/2 tổng số thành viên đồng ý."))],
                      size=10.5)


def results_section(pdf: Document, report: RoundReport) -> None:
    """Part III of the minutes: the table in ballot order, then the conclusions."""
    if report.suppressed:
        suppressed_note(pdf, report)
        return
    result: ap.RoundResult = report.kind_result
    lines = ks.agreement_lines(report)
    _table(pdf, lines, result.decisive)
    _base_note(pdf, result)
    if result.decisive:
        _conclusions(pdf, lines)


def agreement_minutes_pdf(report: RoundReport) -> bytes:
    """The minutes of the count of a vote of agreement."""
    return minutes_pdf(
        report, ballots=lambda pdf: ballots_section(pdf, report),
        results_title=_("III. KẾT QUẢ KIỂM PHIẾU ĐỐI VỚI TỪNG NGƯỜI"),
        results=lambda pdf: results_section(pdf, report),
    )


def _summary_results(pdf: Document, report: RoundReport, order: Order) -> None:
    result: ap.RoundResult = report.kind_result
    lines = ks.agreement_lines(report, order)
    pdf.heading(_("II. KẾT LUẬN") if result.decisive else _("II. TỶ LỆ ĐỒNG Ý"))
    if result.decisive:
        _conclusions(pdf, lines)
    else:
        for line in sorted(lines, key=lambda item: item.order):
            pdf.bullet([("B", printed(line.name)), ("", _(": %(n)d phiếu đồng ý, %(p)s%%.",
                        n=line.count("agree"), p=number(line.percent("agree"))))])
    pdf.heading(_("III. KẾT QUẢ ĐỐI VỚI TỪNG NGƯỜI"))
    pdf.paragraph([("I", _("Sắp xếp: %(order)s.", order=ks.ORDERS[order]))],
                  size=10.5, after=1.5)
    _table(pdf, lines, result.decisive)
    _base_note(pdf, result)
    pdf.heading(_("IV. BIỂU ĐỒ"))
    draw_legend(pdf, ks.legend_items(), ks.FILLS)
    for line in lines:
        title = f"{line.order}. {printed(line.name)}"
        if line.position:
            title += f" – {printed(line.position)}"
        draw_bar(pdf, title, ks.parts(line, result.base), ks.FILLS, bold=line.marked,
                 marks=HALF)


def agreement_summary_pdf(report: RoundReport, order: Order | str = Order.ballot) -> bytes:
    """The summary of a vote of agreement."""
    order = Order(order)
    return lines_summary_pdf(report, ks.title(report),
                             lambda pdf: _summary_results(pdf, report, order),
                             ks.method_lines(report))


def _sheet(sheet: Worksheet, report: RoundReport) -> None:
    result: ap.RoundResult = report.kind_result
    header = [_("STT"), _("Họ và tên"), _("Chức danh đề nghị"), _("Phiếu phát ra"),
              _("Phiếu thu về"), _("Hợp lệ"), _("Không hợp lệ")]
    for _level, label in ks.levels():
        header += [_("%(level)s (số phiếu)", level=label), _("%(level)s (%%)", level=label)]
    header.append(_("Kết luận"))
    top(sheet, report.title, report.body, _(
        "Tỷ lệ phần trăm tính trên tổng số người được triệu tập (%(n)d), làm tròn 2 chữ số "
        "thập phân.", n=result.base), header)
    figures = report.figures
    lines = {line.order: line for line in ks.agreement_lines(report)}
    for name, position, order in report.kind_subjects:
        values: list[object] = [order, text(name), text(position), figures.issued,
                                figures.collected]
        line = lines.get(order)
        if line is None:  # suppressed
            values += [None] * (len(header) - len(values))
        else:
            values += [line.result.valid, line.result.invalid]
            for level, _label in ks.levels():
                values += [line.count(level), line.percent(level)]
            values.append(line.conclusion)
        row(sheet, values, shaded=bool(line and line.marked), percent_columns=(9, 11))
    suppressed_row(sheet, report)
    lay_out_table(sheet, (6, 24, 34, 10, 10, 9, 10, 11, 9, 11, 9, 30), columns=len(header))


def agreement_workbook(report: RoundReport) -> bytes:
    """The workbook: "Kết quả" and "Thông tin đợt"."""
    return workbook(report.title, lambda sheet: _sheet(sheet, report), facts(report))
