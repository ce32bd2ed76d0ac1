"""A closed round's results as a formatted Excel workbook (openpyxl).

Two sheets: "Kết quả" (one row per subject in ballot order, counts as numbers and percentages
as numbers with two decimals, threshold bands named and shaded) and "Thông tin đợt" (the round's
facts: attendance, ballots, rules, committee, fingerprints). Numbers are stored as numbers, so
Excel shows them with the reader's decimal separator and can sum them.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from survey.i18n import _
from survey.reports.documents import RoundReport, band_consequence, band_label, level_label

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADING_FILL = PatternFill("solid", fgColor="E6E6E6")
BAND_FILL = PatternFill("solid", fgColor="F2D0D0")
BOLD = Font(bold=True)
PERCENT_FORMAT = "0.00"
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)


def _t(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def results_xlsx(report: RoundReport) -> bytes:
    """The workbook's bytes."""
    if report.kind_result is not None:  # a confidence vote or a nomination round
        from survey.reports.kinds_xlsx import kind_xlsx

        return kind_xlsx(report)
    book = Workbook()
    results = book.active
    assert results is not None
    results.title = _("Kết quả")
    _results_sheet(results, report)
    _facts_sheet(book.create_sheet(_("Thông tin đợt")), report)
    book.properties.title = _t(report.title)
    book.properties.creator = "survey"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _results_sheet(sheet: Worksheet, report: RoundReport) -> None:
    levels = report.levels
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Đơn vị"), _("Phiếu phát ra"),
              _("Phiếu thu về"), _("Hợp lệ"), _("Không hợp lệ")]
    for level in levels:
        header += [_("%(level)s (số phiếu)", level=level_label(level)),
                   _("%(level)s (%%)", level=level_label(level))]
    header += [_("Ngưỡng"), _("Hệ quả theo Quy định 96-QĐ/TW")]
    width = len(header)

    sheet.append([_t(report.title)])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    note = _("Tỷ lệ phần trăm tính trên %(what)s (%(n)d), làm tròn 2 chữ số thập phân.",
             what=report.denominator_label, n=report.result.base)
    sheet.append([_t(report.body), None, None, None, None, None, None, None, note])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=8)
    sheet.merge_cells(start_row=2, start_column=9, end_row=2, end_column=width)
    sheet.append([])
    head_row = 4
    sheet.append(header)
    for column in range(1, width + 1):
        cell = sheet.cell(head_row, column)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADING_FILL, BORDER, CENTRE
    sheet.row_dimensions[head_row].height = 45

    figures = report.figures
    for line in report.lines:
        row: list[object] = [line.order, _t(line.name), _t(line.position), _t(line.unit),
                             figures.issued, figures.collected]
        if line.result is None:
            row += [None] * (width - len(row))
        else:
            row += [line.result.valid, line.result.invalid]
            for level in levels:
                row += [line.count(level), line.percent(level)]
            row += [band_label(line.band) if line.band else "",
                    band_consequence(line.band) if line.band else ""]
        sheet.append(row)
        index = sheet.max_row
        for column in range(1, width + 1):
            cell = sheet.cell(index, column)
            cell.border = BORDER
            cell.alignment = WRAP
            if line.band:
                cell.fill = BAND_FILL
        for offset in range(len(levels)):
            sheet.cell(index, 10 + 2 * offset).number_format = PERCENT_FORMAT
        if line.band:
            sheet.cell(index, 2).font = BOLD
    if report.suppressed:
        sheet.append([])
        sheet.append([_("Chỉ thu về %(n)d phiếu, ít hơn mức tối thiểu %(min)d: kết quả không "
                        "được hiển thị để bảo vệ bí mật của người bỏ phiếu.",
                        n=figures.collected, min=report.result.min_ballots)])

    widths = [6, 24, 34, 24, 10, 10, 9, 10, 11, 9, 11, 9, 11, 9, 26, 48]
    lay_out_table(sheet, widths, columns=width, head_row=head_row, freeze_column=3)


def lay_out_table(sheet: Worksheet, widths: list[int], *, columns: int, head_row: int,
                  freeze_column: int = 3) -> None:
    """A results sheet's layout: column widths, the header row frozen, filtered and repeated on
    every printed page, landscape A4 fitted to the page's width."""
    for column, value in enumerate(widths[:columns], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = value
    sheet.freeze_panes = sheet.cell(head_row + 1, freeze_column)
    last = max(sheet.max_row, head_row + 1)
    sheet.auto_filter.ref = f"A{head_row}:{get_column_letter(columns)}{last}"
    sheet.print_title_rows = f"{head_row}:{head_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _source_rows(report: RoundReport) -> list[tuple[str, object]]:
    """The phone/paper split of the ballots collected, for a round with paper ballots."""
    if not report.has_paper:
        return []
    assert report.sources is not None
    return [(_("Trong đó bỏ bằng điện thoại"), report.sources.phone),
            (_("Trong đó phiếu giấy"), report.sources.paper),
            (_("Phiếu giấy không hợp lệ cả phiếu"), report.sources.paper_invalid)]


def _facts_sheet(sheet: Worksheet, report: RoundReport) -> None:
    write_facts(sheet, facts(report))


def facts(report: RoundReport) -> list[tuple[str, object]]:
    """The round's facts, ``(label, value)``, as the "Thông tin đợt" sheet lists them."""
    figures = report.figures
    yes, no = _("Có"), _("Không")
    rows: list[tuple[str, object]] = [
        (_("Tên đợt lấy phiếu"), _t(report.title)),
        (_("Cơ quan cấp trên"), _t(report.parent_body)),
        (_("Cơ quan tổ chức"), _t(report.body)),
        (_("Địa điểm"), _t(report.place)),
        (_("Ngày"), report.held_on),
        (_("Chủ trì hội nghị"), _t(report.chair)),
        (_("Số người được triệu tập"), figures.summoned),
        (_("Số người có mặt"), figures.present),
        (_("Số người vắng mặt"), report.absent),
        (_("Đủ 2/3 số người được triệu tập"), yes if report.quorum else no),
        (_("Số phiếu phát ra"), figures.issued),
        (_("Số phiếu thu về"), figures.collected),
        *_source_rows(report),
        (_("Số phiếu hợp lệ"), report.valid_ballots),
        (_("Số phiếu không hợp lệ (không đánh dấu dòng nào)"), report.blank),
        (_("Tỷ lệ phần trăm tính trên"), f"{report.denominator_label} ({report.result.base})"),
        (_("Số phiếu tối thiểu để hiện kết quả"), report.result.min_ballots),
        (_("Kiểm phiếu kết thúc lúc"), report.count_ended_at),
        (_("Mã kiểm tra bộ phiếu (SHA-256)"), report.fingerprint or ""),
        (_("Mã đầu chuỗi nhật ký thao tác"), report.audit_head or ""),
    ]
    for member in report.signers:
        rows.append((_("Ban kiểm phiếu – %(role)s", role=member.role_label), _t(member.name)))
    if report.kind == "nomination":  # its lines are valid or not per position, as in the minutes
        left_out = {_("Số phiếu hợp lệ"), _("Số phiếu không hợp lệ (không đánh dấu dòng nào)")}
        rows = [row for row in rows if row[0] not in left_out]
    return rows


def write_facts(sheet: Worksheet, rows: list[tuple[str, object]]) -> None:
    """The facts sheet: a bold label and its value per row, dates formatted as dates."""
    sheet.append([_("Thông tin"), _("Giá trị")])
    for column in (1, 2):
        cell = sheet.cell(1, column)
        cell.font, cell.fill, cell.border = BOLD, HEADING_FILL, BORDER
    for label, value in rows:
        sheet.append([label, value])
        index = sheet.max_row
        sheet.cell(index, 1).font = BOLD
        for column in (1, 2):
            sheet.cell(index, column).border = BORDER
            sheet.cell(index, column).alignment = Alignment(vertical="top", wrap_text=True,
                                                            horizontal="left")
        if isinstance(value, datetime):
            sheet.cell(index, 2).number_format = "dd/mm/yyyy hh:mm"
        elif isinstance(value, date):
            sheet.cell(index, 2).number_format = "dd/mm/yyyy"
    sheet.column_dimensions["A"].width = 46
    sheet.column_dimensions["B"].width = 70
