"""The nomination round's parts of its minutes, summary (A4 PDF) and workbook; the rest is the
documents toolkit's (:mod:`survey.documents`)."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.worksheet.worksheet import Worksheet

from survey.documents.charts import HALF, draw_bar, draw_legend
from survey.documents.minutes import (
    issued_and_collected,
    minutes_pdf,
)
from survey.documents.pdf import Document, ruled_table
from survey.documents.text import number, printed
from survey.documents.xlsx import BOLD, lay_out_table, row, text, top, workbook
from survey.i18n import _, ngettext
from survey.kinds.confidence.documents import lines_summary_pdf, suppressed_note
from survey.kinds.confidence.report import Order, RoundReport
from survey.kinds.confidence.sheet import facts, suppressed_row
from survey.kinds.nomination import summary as ks
from survey.tally import nomination as nom

WIDTHS = (10, 75, 22, 28, 30)


def _heading() -> list[str]:
    return [_("TT"), _("Họ và tên, chức vụ hiện tại"), _("Số phiếu đồng ý"),
            _("Tỷ lệ phần trăm trên số người được triệu tập"), _("Kết quả")]


def _position_head(pdf: Document, number_: int, position: nom.PositionResult) -> None:
    pdf.ensure(pdf.line_h() * 6)
    pdf.paragraph([("B", f"{number_}. {printed(position.title)}")], after=0.4)
    pdf.paragraph([("", _(
        "Số người quy hoạch tối đa: %(n)d", n=position.seats) + " · " + _(
        "Phiếu hợp lệ: %(valid)d · Phiếu không hợp lệ (vượt quá số người quy hoạch tối "
        "đa): %(invalid)d", valid=position.valid, invalid=position.invalid))], size=10.5)


def _entries_table(pdf: Document, entries: Iterable[tuple[int, nom.Entry]], *,
                   summary: bool = False) -> None:
    """A position's entries; the summary names every verdict and shades the ties too."""
    rows = []
    for place, entry in entries:
        name = printed(entry.name)
        if entry.current_position:
            name += "\n" + printed(entry.current_position)
        if not entry.listed:
            name += "\n" + _("Ghi thêm")
        verdict = ks.verdict(entry) if summary else _minutes_verdict(entry)
        rows.append(([str(place), name, str(entry.votes), number(entry.percent), verdict],
                     entry.nominated or (summary and entry.tied)))
    ruled_table(pdf, WIDTHS, _heading(), rows, figures=(0, 2, 3))
    pdf.ln(1)


def _minutes_verdict(entry: nom.Entry) -> str:
    if entry.nominated:
        return _("Được giới thiệu")
    return _("Bằng phiếu ở vị trí cuối") if entry.tied else ""


def _method_note(pdf: Document, result: nom.RoundResult) -> None:
    pdf.paragraph([("I", _(
        "Tỷ lệ phần trăm tính trên số người được triệu tập (%(n)d), làm tròn đến hai chữ số "
        "thập phân. Được giới thiệu khi có trên 1/2 số người được triệu tập đồng ý; nếu nhiều "
        "người đạt hơn số người quy hoạch tối đa thì lấy người có số phiếu cao hơn.",
        n=result.base))], size=10.5)


def _tie_text(tied: Iterable[nom.Entry], open_seats: int) -> str:
    return ", ".join(printed(e.name) for e in tied) + " — " + ngettext(
        "còn %(num)d vị trí do cấp có thẩm quyền xem xét, quyết định.",
        "còn %(num)d vị trí do cấp có thẩm quyền xem xét, quyết định.", open_seats)


def _overloads(pdf: Document, result: nom.RoundResult) -> None:
    for overload in result.overloads:
        pdf.paragraph([("B", _("Lưu ý:") + " "), ("", overload_text(overload))], size=10.5)


def overload_text(overload: nom.Overload) -> str:
    return _("%(name)s được giới thiệu cho %(n)d chức danh (%(titles)s), nhiều hơn 3 chức danh.",
             name=printed(overload.name), n=len(overload.positions),
             titles=", ".join(printed(t) for t in overload.positions))


def results_section(pdf: Document, report: RoundReport) -> None:
    """Part III of the minutes: each position's table, ties and overloads."""
    if report.suppressed:
        suppressed_note(pdf, report)
        return
    result: nom.RoundResult = report.kind_result
    _method_note(pdf, result)
    for number_, position in enumerate(result.positions, start=1):
        _position_head(pdf, number_, position)
        _entries_table(pdf, enumerate(position.entries, start=1))
        if position.tie:
            pdf.paragraph([("B", _("Bằng phiếu ở vị trí cuối:") + " "),
                           ("", _tie_text(position.tied, position.open_seats))], size=10.5)
    _overloads(pdf, result)


def nomination_minutes_pdf(report: RoundReport) -> bytes:
    """The minutes of the count of a nomination round (its lines are valid per position: no
    count of valid and invalid ballots)."""
    return minutes_pdf(
        report, ballots=lambda pdf: issued_and_collected(pdf, report),
        results_title=_("III. KẾT QUẢ KIỂM PHIẾU ĐỐI VỚI TỪNG NGƯỜI"),
        results=lambda pdf: results_section(pdf, report),
    )


def _summary_results(pdf: Document, report: RoundReport, order: Order) -> None:
    result: nom.RoundResult = report.kind_result
    groups = ks.groups(report, order)
    pdf.heading(_("II. KẾT QUẢ GIỚI THIỆU"))
    for group in groups:
        pdf.ensure(pdf.line_h() * 4)
        pdf.paragraph([("B", f"{group.number}. {printed(group.result.title)} "), ("", "(" + _(
            "Số người quy hoạch tối đa: %(n)d", n=group.result.seats) + ")")], after=0.4)
        if group.nominated:
            pdf.bullet([("B", _("Được giới thiệu") + ": "), ("", ", ".join(
                f"{printed(e.name)} (" + _("%(n)d phiếu, %(p)s%%", n=e.votes,
                                           p=number(e.percent))
                + ")" for e in group.nominated) + ".")])
        if group.tied:
            pdf.bullet([("B", _("Bằng phiếu ở vị trí cuối:") + " "),
                        ("", _tie_text(group.tied, group.result.open_seats))])
        if not group.nominated and not group.tied:
            pdf.bullet([("", _("Không có người nào có trên 1/2 số người được triệu tập "
                               "đồng ý."))])
    _overloads(pdf, result)
    pdf.heading(_("III. KẾT QUẢ THEO TỪNG CHỨC DANH"))
    pdf.paragraph([("I", _("Sắp xếp: %(order)s.", order=ks.ORDERS[order]))],
                  size=10.5, after=1.5)
    for group in groups:
        _position_head(pdf, group.number, group.result)
        _entries_table(pdf, group.entries, summary=True)
    _method_note(pdf, result)
    pdf.heading(_("IV. BIỂU ĐỒ"))
    draw_legend(pdf, ks.entry_legend_items(), ks.FILLS)
    for group in groups:
        pdf.ensure(pdf.line_h() * 4)
        pdf.paragraph([("B", f"{group.number}. {printed(group.result.title)}")], after=0.4)
        for place, entry in group.entries:
            draw_bar(pdf, f"{place}. {printed(entry.name)} – {ks.verdict(entry)}",
                     ks.entry_parts(entry, result.base), ks.FILLS,
                     bold=entry.nominated or entry.tied, marks=HALF)


def nomination_summary_pdf(report: RoundReport, order: Order | str = Order.ballot) -> bytes:
    """The Standing Committee's summary of a nomination round."""
    order = Order(order)
    return lines_summary_pdf(report, ks.title(report),
                             lambda pdf: _summary_results(pdf, report, order),
                             ks.method_lines(report))


def _sheet(sheet: Worksheet, report: RoundReport) -> None:
    result: nom.RoundResult = report.kind_result
    header = [_("Chức danh quy hoạch"), _("Số người quy hoạch tối đa"), _("TT"), _("Họ và tên"),
              _("Chức vụ hiện tại"), _("Ghi thêm"), _("Số phiếu đồng ý"),
              _("Tỷ lệ phần trăm trên số người được triệu tập"), _("Kết quả"),
              _("Phiếu hợp lệ của chức danh"), _("Phiếu không hợp lệ của chức danh")]
    top(sheet, report.title, report.body, _(
        "Tỷ lệ phần trăm tính trên số người được triệu tập (%(n)d), làm tròn 2 chữ số thập "
        "phân; được giới thiệu khi trên 1/2 số người được triệu tập đồng ý.", n=result.base),
        header)
    for group in ks.groups(report):
        position = group.result
        for place, entry in group.entries:
            row(sheet, [
                text(position.title), position.seats, place, text(entry.name),
                text(entry.current_position), "" if entry.listed else _("có"), entry.votes,
                entry.percent, ks.verdict(entry), position.valid, position.invalid,
            ], shaded=entry.nominated or entry.tied, percent_columns=(8,), bold_column=4)
    if result.overloads:
        sheet.append([])
    for overload in result.overloads:
        sheet.append([_("Lưu ý:") + " " + overload_text(overload)])
        sheet.cell(sheet.max_row, 1).font = BOLD
    suppressed_row(sheet, report)
    lay_out_table(sheet, (30, 12, 6, 26, 30, 8, 10, 14, 24, 12, 14), columns=len(header),
                  freeze_column=5)


def nomination_workbook(report: RoundReport) -> bytes:
    """The nomination round's workbook: "Kết quả" and "Thông tin đợt" (without the counts of
    valid and invalid ballots: its lines are valid per position)."""
    return workbook(report.title, lambda sheet: _sheet(sheet, report),
                    facts(report, ballot_validity=False))
