"""An appraisal round's results as a formatted Excel workbook (openpyxl).

Two sheets, as for the other kinds (:mod:`survey.reports.xlsx`, whose styles are reused):
"Kết quả", one row per subject in the roster's order, numbers stored as numbers (counts as
integers, percentages and scores as numbers with two decimals), and "Thông tin đợt", the round's
facts, rules, quota per group, cohort and fingerprints. A subject rated by fewer than the minimum
has its name and a note, and no figure at all.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from survey.i18n import _
from survey.reports.appraisal import AppraisalReport, level_label
from survey.reports.documents import RoundReport
from survey.reports.xlsx import (
    BAND_FILL,
    BOLD,
    BORDER,
    CENTRE,
    HEADING_FILL,
    PERCENT_FORMAT,
    WRAP,
    _t,
    lay_out_table,
)
from survey.tally.appraisal import Level


def appraisal_xlsx(frame: RoundReport, report: AppraisalReport) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Kết quả")
    _results_sheet(sheet, report)
    _facts_sheet(book.create_sheet(_("Thông tin đợt")), frame, report)
    book.properties.title = _t(report.round.title)
    book.properties.creator = "survey"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header() -> list[str]:
    header = [_("STT"), _("Họ và tên"), _("Chức vụ"), _("Đơn vị"), _("Số người đánh giá")]
    for level in Level:
        header += [_("%(level)s (số người)", level=level_label(level)),
                   _("%(level)s (%%)", level=level_label(level))]
    header += [
        _("Điểm chung: trung bình"), _("Điểm chung: trung vị"),
        _("Điểm nhiệm vụ: trung bình"), _("Điểm nhiệm vụ: trung vị"),
        _("Tổng điểm: trung bình"), _("Tổng điểm: trung vị"),
        _("Mức theo trung vị tổng điểm"), _("Mức đa số"), _("Ghi chú"),
    ]
    return header


def _results_sheet(sheet: Worksheet, report: AppraisalReport) -> None:
    header = _header()
    width = len(header)
    result = report.result
    sheet.append([_t(report.round.title)])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([_("Tỷ lệ mỗi mức tính trên số người đánh giá người đó, làm tròn 2 chữ số "
                    "thập phân. Người được ít hơn %(min)d người đánh giá không có số liệu.",
                    min=result.min_raters)])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.append([])
    head_row = 4
    sheet.append(header)
    for column in range(1, width + 1):
        cell = sheet.cell(head_row, column)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADING_FILL, BORDER, CENTRE
    sheet.row_dimensions[head_row].height = 60
    first_figure = 6  # column F: the first level's count
    for line in report.lines:
        s, r = line.subject, line.rating
        row: list[object] = [s.order, _t(s.name), _t(s.position), _t(s.unit)]
        if r.suppressed:
            row += [None] * (width - len(row) - 1)
            row.append(_("Dưới mức tối thiểu người đánh giá: không ghi số liệu"))
        else:
            assert r.counts is not None and r.percent is not None
            row.append(r.raters)
            for level in Level:
                row += [r.counts[level.value], r.percent[level.value]]
            for stats in (r.general, r.tasks, r.total):
                assert stats is not None
                row += [stats.mean, stats.median]
            row.append(level_label(r.median_level) if r.median_level else "")
            row.append(" / ".join(level_label(level) for level in r.majority))
            row.append(_("Đồng số phiếu giữa các mức") if r.tied else "")
        sheet.append(row)
        index = sheet.max_row
        for column in range(1, width + 1):
            cell = sheet.cell(index, column)
            cell.border = BORDER
            cell.alignment = WRAP
        if not r.suppressed:
            for offset in range(len(Level)):
                sheet.cell(index, first_figure + 1 + 2 * offset).number_format = PERCENT_FORMAT
            start = first_figure + 2 * len(Level)
            for column in range(start, start + 6):
                sheet.cell(index, column).number_format = PERCENT_FORMAT
            if r.tied:
                sheet.cell(index, width - 1).font = BOLD
    widths = [6, 24, 24, 20, 10] + [11, 9] * len(Level) + [11] * 6 + [24, 24, 30]
    lay_out_table(sheet, widths, columns=width, head_row=head_row, freeze_column=3)


def _facts_sheet(sheet: Worksheet, frame: RoundReport, report: AppraisalReport) -> None:
    result = report.result
    cohort = result.cohort
    round_ = report.round
    yes, no = _("Có"), _("Không")
    rows: list[tuple[str, object, bool]] = [
        (_("Tên đợt đánh giá"), _t(frame.title), False),
        (_("Cơ quan cấp trên"), _t(frame.parent_body), False),
        (_("Cơ quan tổ chức"), _t(frame.body), False),
        (_("Địa điểm"), _t(frame.place), False),
        (_("Ngày"), frame.held_on, False),
        (_("Chủ trì hội nghị"), _t(frame.chair), False),
        (_("Số người được triệu tập"), round_.summoned, False),
        (_("Số người có mặt"), round_.present, False),
        (_("Số phiếu phát ra"), report.issued, False),
        (_("Số phiếu thu về"), report.collected, False),
        (_("Số người đánh giá tối thiểu"), result.min_raters, False),
        (_("Tỷ lệ xuất sắc tối đa, tính bằng phần trăm số hoàn thành tốt"),
         result.quota_percent, False),
        (_("Tính tỷ lệ trong"),
         _("từng đơn vị") if result.quota_group.value == "unit" else _("cả đợt"), False),
        (_("Chỉ đánh giá người cùng đơn vị"), yes if round_.same_unit_only else no, False),
        (_("Số người có kết quả"), result.shown, False),
        (_("Số người dưới mức tối thiểu (không ghi số liệu)"), result.suppressed, False),
        (_("Hoàn thành nhiệm vụ trở lên (người)"), cohort.completed_or_better, False),
        (_("Hoàn thành nhiệm vụ trở lên (%)"), cohort.percent["completed_or_better"], True),
        (_("Hoàn thành tốt nhiệm vụ trở lên (người)"), cohort.good_or_better, False),
        (_("Hoàn thành tốt nhiệm vụ trở lên (%)"), cohort.percent["good_or_better"], True),
        (_("Hoàn thành xuất sắc nhiệm vụ (người)"), cohort.excellent, False),
        (_("Hoàn thành xuất sắc nhiệm vụ (%)"), cohort.percent["excellent"], True),
        (_("Đồng số phiếu giữa các mức (người)"), cohort.undecided, False),
    ]
    for q in result.quota:
        where = q.group or _("Cả đợt")
        verdict = _("vượt tỷ lệ") if q.breach else _("trong tỷ lệ")
        rows.append((_("Tỷ lệ xuất sắc – %(where)s", where=_t(where)),
                     _("%(e)d xuất sắc, %(g)d tốt, tối đa %(a)d: %(verdict)s", e=q.excellent,
                       g=q.good, a=q.allowed, verdict=verdict), q.breach))
    rows += [
        (_("Kiểm phiếu kết thúc lúc"), frame.count_ended_at, False),
        (_("Mã kiểm tra bộ phiếu (SHA-256)"), frame.fingerprint or "", False),
        (_("Mã đầu chuỗi nhật ký thao tác"), frame.audit_head or "", False),
    ]
    for member in frame.signers:
        rows.append((_("Ban kiểm phiếu – %(role)s", role=member.role_label), _t(member.name),
                     False))
    sheet.append([_("Thông tin"), _("Giá trị")])
    for column in (1, 2):
        cell = sheet.cell(1, column)
        cell.font, cell.fill, cell.border = BOLD, HEADING_FILL, BORDER
    for label, value, flagged in rows:
        sheet.append([label, value])
        index = sheet.max_row
        sheet.cell(index, 1).font = BOLD
        for column in (1, 2):
            cell = sheet.cell(index, column)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True, horizontal="left")
            if flagged is True and isinstance(value, str):
                cell.fill = BAND_FILL
        if isinstance(value, datetime):
            sheet.cell(index, 2).number_format = "dd/mm/yyyy hh:mm"
        elif isinstance(value, date):
            sheet.cell(index, 2).number_format = "dd/mm/yyyy"
        elif flagged is True:
            sheet.cell(index, 2).number_format = PERCENT_FORMAT
    sheet.column_dimensions["A"].width = 46
    sheet.column_dimensions["B"].width = 70
