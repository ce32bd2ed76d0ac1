"""The workbook of a confidence vote and of a nomination round (openpyxl).

The same two sheets as a poll's (:mod:`survey.reports.xlsx`): "Kết quả", one row per subject
(per candidate and written-in name for a nomination), counts and percentages stored as numbers,
the consequence named and the row shaded; and "Thông tin đợt", the round's facts.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from survey.i18n import _
from survey.reports import kinds_summary as ks
from survey.reports.documents import RoundReport
from survey.reports.kinds import DISMISSAL
from survey.reports.xlsx import (
    BAND_FILL,
    BOLD,
    BORDER,
    CENTRE,
    HEADING_FILL,
    PERCENT_FORMAT,
    WRAP,
    _t,
    facts,
    lay_out_table,
    write_facts,
)
from survey.tally import no_confidence as nc
from survey.tally import nomination as nom

HEAD_ROW = 4


def kind_xlsx(report: RoundReport) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    results = book.active
    assert results is not None
    results.title = _("Kết quả")
    if isinstance(report.kind_result, nc.RoundResult):
        _vote_sheet(results, report, report.kind_result)
    else:
        _nomination_sheet(results, report, report.kind_result)
    write_facts(book.create_sheet(_("Thông tin đợt")), facts(report))
    book.properties.title = _t(report.title)
    book.properties.creator = "survey"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _top(sheet: Worksheet, report: RoundReport, header: Sequence[str], note: str) -> None:
    """Title, body and the note on percentages, then the heading row (row 4)."""
    width = len(header)
    sheet.append([_t(report.title)])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([_t(report.body)])
    sheet.append([note])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    sheet.append(list(header))
    for column in range(1, width + 1):
        cell = sheet.cell(HEAD_ROW, column)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADING_FILL, BORDER, CENTRE
    sheet.row_dimensions[HEAD_ROW].height = 45


def _row(sheet: Worksheet, values: Sequence[object], *, shaded: bool,
         percent_columns: Sequence[int], bold_column: int) -> None:
    sheet.append(list(values))
    index = sheet.max_row
    for column in range(1, len(values) + 1):
        cell = sheet.cell(index, column)
        cell.border = BORDER
        cell.alignment = WRAP
        if shaded:
            cell.fill = BAND_FILL
    for column in percent_columns:
        sheet.cell(index, column).number_format = PERCENT_FORMAT
    if shaded:
        sheet.cell(index, bold_column).font = BOLD


def _finish(sheet: Worksheet, report: RoundReport, widths: Sequence[int], width: int,
            *, freeze_column: int) -> None:
    if report.suppressed:
        sheet.append([])
        sheet.append([_("Chỉ thu về %(n)d phiếu, ít hơn mức tối thiểu %(min)d: kết quả không "
                        "được hiển thị để bảo vệ bí mật của người bỏ phiếu.",
                        n=report.figures.collected, min=report.kind_result.min_ballots)])
    lay_out_table(sheet, widths, columns=width, head_row=HEAD_ROW, freeze_column=freeze_column)


def _vote_sheet(sheet: Worksheet, report: RoundReport, result: nc.RoundResult) -> None:
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Phiếu phát ra"), _("Phiếu thu về"),
              _("Hợp lệ"), _("Không hợp lệ")]
    for _level, label in ks.vote_levels():
        header += [_("%(level)s (số phiếu)", level=label), _("%(level)s (%%)", level=label)]
    header.append(_("Kết luận"))
    _top(sheet, report, header, _(
        "Tỷ lệ phần trăm tính trên tổng số phiếu thu về (%(n)d), làm tròn 2 chữ số thập phân; "
        "đề nghị miễn nhiệm khi trên 1/2 không tín nhiệm.", n=result.base))
    figures = report.figures
    lines = {line.order: line for line in ks.vote_lines(report)}
    for name, position, order in report.kind_subjects:
        row: list[object] = [order, _t(name), _t(position), figures.issued, figures.collected]
        line = lines.get(order)
        if line is None:  # suppressed
            row += [None] * (len(header) - len(row))
        else:
            row += [line.result.valid, line.result.invalid]
            for level, _label in ks.vote_levels():
                row += [line.count(level), line.percent(level)]
            row.append(str(DISMISSAL) if line.dismissal else "")
        _row(sheet, row, shaded=bool(line and line.dismissal), percent_columns=(9, 11),
             bold_column=2)
    _finish(sheet, report, (6, 24, 34, 10, 10, 9, 10, 11, 9, 11, 9, 24), len(header),
            freeze_column=3)


def _nomination_sheet(sheet: Worksheet, report: RoundReport, result: nom.RoundResult) -> None:
    header = [_("Chức danh quy hoạch"), _("Số người quy hoạch tối đa"), _("TT"), _("Họ và tên"),
              _("Chức vụ hiện tại"), _("Ghi thêm"), _("Số phiếu đồng ý"),
              _("Tỷ lệ phần trăm trên số người được triệu tập"), _("Kết quả"),
              _("Phiếu hợp lệ của chức danh"), _("Phiếu không hợp lệ của chức danh")]
    _top(sheet, report, header, _(
        "Tỷ lệ phần trăm tính trên số người được triệu tập (%(n)d), làm tròn 2 chữ số thập "
        "phân; được giới thiệu khi trên 1/2 số người được triệu tập đồng ý.", n=result.base))
    for group in ks.groups(report):
        position = group.result
        for place, entry in group.entries:
            _row(sheet, [
                _t(position.title), position.seats, place, _t(entry.name),
                _t(entry.current_position), "" if entry.listed else _("có"), entry.votes,
                entry.percent, ks.verdict(entry), position.valid, position.invalid,
            ], shaded=entry.nominated or entry.tied, percent_columns=(8,), bold_column=4)
    if result.overloads:
        sheet.append([])
    for overload in result.overloads:
        sheet.append([_("Lưu ý:") + " " + _(
            "%(name)s được giới thiệu cho %(n)d chức danh (%(titles)s), nhiều hơn 3 chức danh.",
            name=_t(overload.name), n=len(overload.positions),
            titles=", ".join(_t(t) for t in overload.positions))])
        sheet.cell(sheet.max_row, 1).font = BOLD
    _finish(sheet, report, (30, 12, 6, 26, 30, 8, 10, 14, 24, 12, 14), len(header),
            freeze_column=5)
