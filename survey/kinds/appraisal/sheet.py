"""An appraisal round's results as a formatted Excel workbook (openpyxl).

Two sheets, as for the other kinds (:mod:`survey.documents.xlsx`):
"Kết quả", one row per subject in the roster's order, numbers stored as numbers (counts as
integers, percentages and scores as numbers with two decimals), and "Thông tin đợt", the round's
facts, rules, quota per group, cohort and fingerprints. A subject rated by fewer than the minimum
has its name and a note, and no figure at all.
"""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from survey.documents.frame import Frame
from survey.documents.xlsx import (
    BOLD,
    Fact,
    lay_out_table,
    row,
    style_heading,
    text,
    workbook,
)
from survey.i18n import _
from survey.kinds.appraisal.results import AppraisalReport, level_label
from survey.tally.appraisal import Level


def appraisal_xlsx(frame: Frame, report: AppraisalReport) -> bytes:
    """The workbook's bytes."""
    return workbook(report.round.title, lambda sheet: _results_sheet(sheet, report),
                    _facts(frame, report))


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
    sheet.append([text(report.round.title)])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([_("Tỷ lệ mỗi mức tính trên số người đánh giá người đó, làm tròn 2 chữ số "
                    "thập phân. Người được ít hơn %(min)d người đánh giá không có số liệu.",
                    min=result.min_raters)])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.append([])
    head_row = 4
    sheet.append(header)
    style_heading(sheet, head_row, width, height=60)
    first_figure = 6  # column F: the first level's count
    for line in report.lines:
        s, r = line.subject, line.rating
        values: list[object] = [s.order, text(s.name), text(s.position), text(s.unit)]
        if r.suppressed:
            values += [None] * (width - len(values) - 1)
            values.append(_("Dưới mức tối thiểu người đánh giá: không ghi số liệu"))
            row(sheet, values, shaded=False)
            continue
        assert r.counts is not None and r.percent is not None
        values.append(r.raters)
        for level in Level:
            values += [r.counts[level.value], r.percent[level.value]]
        for stats in (r.general, r.tasks, r.total):
            assert stats is not None
            values += [stats.mean, stats.median]
        values.append(level_label(r.median_level) if r.median_level else "")
        values.append(" / ".join(level_label(level) for level in r.majority))
        values.append(_("Đồng số phiếu giữa các mức") if r.tied else "")
        start = first_figure + 2 * len(Level)
        row(sheet, values, shaded=False,
            percent_columns=[first_figure + 1 + 2 * offset for offset in range(len(Level))]
            + list(range(start, start + 6)))
        if r.tied:
            sheet.cell(sheet.max_row, width - 1).font = BOLD
    widths = [6, 24, 24, 20, 10] + [11, 9] * len(Level) + [11] * 6 + [24, 24, 30]
    lay_out_table(sheet, widths, columns=width, head_row=head_row, freeze_column=3)


def _facts(frame: Frame, report: AppraisalReport) -> list[Fact]:
    result = report.result
    cohort = result.cohort
    round_ = report.round
    yes, no = _("Có"), _("Không")
    rows: list[Fact] = [
        (_("Tên đợt đánh giá"), text(frame.title), False),
        (_("Cơ quan cấp trên"), text(frame.parent_body), False),
        (_("Cơ quan tổ chức"), text(frame.body), False),
        (_("Địa điểm"), text(frame.place), False),
        (_("Ngày"), frame.held_on, False),
        (_("Chủ trì hội nghị"), text(frame.chair), False),
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
        rows.append((_("Tỷ lệ xuất sắc – %(where)s", where=text(where)),
                     _("%(e)d xuất sắc, %(g)d tốt, tối đa %(a)d: %(verdict)s", e=q.excellent,
                       g=q.good, a=q.allowed, verdict=verdict), q.breach))
    rows += [
        (_("Kiểm phiếu kết thúc lúc"), frame.count_ended_at, False),
        (_("Mã kiểm tra bộ phiếu (SHA-256)"), frame.fingerprint or "", False),
        (_("Mã đầu chuỗi nhật ký thao tác"), frame.audit_head or "", False),
    ]
    for member in frame.signers:
        rows.append((_("Ban kiểm phiếu – %(role)s", role=member.role_label), text(member.name),
                     False))
    return rows
