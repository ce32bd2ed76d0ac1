"""A closed poll's results as a formatted Excel workbook.

Two sheets: "Kết quả" (one row per subject in ballot order, counts as numbers and percentages
as numbers with two decimals, threshold bands named and shaded) and "Thông tin đợt" (the round's
facts: attendance, ballots, rules, committee, fingerprints); the confidence vote and the
nomination share the facts.
"""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from survey.documents.xlsx import lay_out_table, style_heading, text, workbook
from survey.documents.xlsx import row as write_row
from survey.i18n import _
from survey.kinds.confidence.report import RoundReport, band_consequence, band_label, level_label


def poll_workbook(report: RoundReport) -> bytes:
    """The workbook's bytes."""
    return workbook(report.title, lambda sheet: results_sheet(sheet, report), facts(report))


def results_sheet(sheet: Worksheet, report: RoundReport) -> None:
    levels = report.levels
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Đơn vị"), _("Phiếu phát ra"),
              _("Phiếu thu về"), _("Hợp lệ"), _("Không hợp lệ")]
    for level in levels:
        header += [_("%(level)s (số phiếu)", level=level_label(level)),
                   _("%(level)s (%%)", level=level_label(level))]
    header += [_("Ngưỡng"), _("Hệ quả theo Quy định 96-QĐ/TW")]
    width = len(header)

    sheet.append([text(report.title)])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    note = _("Tỷ lệ phần trăm tính trên %(what)s (%(n)d), làm tròn 2 chữ số thập phân.",
             what=report.denominator_label, n=report.result.base)
    sheet.append([text(report.body), None, None, None, None, None, None, None, note])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=8)
    sheet.merge_cells(start_row=2, start_column=9, end_row=2, end_column=width)
    sheet.append([])
    head_row = 4
    sheet.append(header)
    style_heading(sheet, head_row, width)

    figures = report.figures
    for line in report.lines:
        row: list[object] = [line.order, text(line.name), text(line.position), text(line.unit),
                             figures.issued, figures.collected]
        if line.result is None:
            row += [None] * (width - len(row))
        else:
            row += [line.result.valid, line.result.invalid]
            for level in levels:
                row += [line.count(level), line.percent(level)]
            row += [band_label(line.band) if line.band else "",
                    band_consequence(line.band) if line.band else ""]
        write_row(sheet, row + [None] * (width - len(row)), shaded=bool(line.band),
                  percent_columns=[10 + 2 * offset for offset in range(len(levels))])
    suppressed_row(sheet, report)

    widths = [6, 24, 34, 24, 10, 10, 9, 10, 11, 9, 11, 9, 11, 9, 26, 48]
    lay_out_table(sheet, widths, columns=width, head_row=head_row, freeze_column=3)


def suppressed_row(sheet: Worksheet, report: RoundReport) -> None:
    """Under the table of a round with too few ballots: why it holds no figures."""
    if report.suppressed:
        sheet.append([])
        sheet.append([_("Chỉ thu về %(n)d phiếu, ít hơn mức tối thiểu %(min)d: kết quả không "
                        "được hiển thị để bảo vệ bí mật của người bỏ phiếu.",
                        n=report.figures.collected, min=report.result.min_ballots)])


def _source_rows(report: RoundReport) -> list[tuple[str, object]]:
    """The phone/paper split of the ballots collected, for a round with paper ballots."""
    if not report.has_paper:
        return []
    assert report.sources is not None
    return [(_("Trong đó bỏ bằng điện thoại"), report.sources.phone),
            (_("Trong đó phiếu giấy"), report.sources.paper),
            (_("Phiếu giấy không hợp lệ cả phiếu"), report.sources.paper_invalid)]


def facts(report: RoundReport, *, ballot_validity: bool = True) -> list[tuple[str, object]]:
    """The round's facts, ``(label, value)``, as the "Thông tin đợt" sheet lists them;
    ``ballot_validity``: with the counts of valid and invalid ballots."""
    figures = report.figures
    yes, no = _("Có"), _("Không")
    rows: list[tuple[str, object]] = [
        (_("Tên đợt lấy phiếu"), text(report.title)),
        (_("Cơ quan cấp trên"), text(report.parent_body)),
        (_("Cơ quan tổ chức"), text(report.body)),
        (_("Địa điểm"), text(report.place)),
        (_("Ngày"), report.held_on),
        (_("Chủ trì hội nghị"), text(report.chair)),
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
        rows.append((_("Ban kiểm phiếu – %(role)s", role=member.role_label), text(member.name)))
    if not ballot_validity:  # a nomination's lines are valid or not per position
        left_out = {_("Số phiếu hợp lệ"), _("Số phiếu không hợp lệ (không đánh dấu dòng nào)")}
        rows = [row for row in rows if row[0] not in left_out]
    return rows


