"""The dossier as a workbook: the cover table, the conferences, each step's results, the
changes of the lists, the head's decisions and the earlier rounds."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from survey.documents.xlsx import row, style_heading, text
from survey.i18n import _
from survey.procedures.dossier import Dossier, StepSheet, verdict


def _table(sheet: Worksheet, header: list[str], widths: list[int]) -> None:
    sheet.append(header)
    style_heading(sheet, sheet.max_row, len(header), height=30)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _cover(sheet: Worksheet, dossier: Dossier) -> None:
    procedure = dossier.procedure
    sheet.append([text(procedure.title)])
    sheet.append([_("Quy trình"), dossier.purpose_label, dossier.variant_label])
    sheet.append([_("Cơ quan"), text(procedure.body)])
    sheet.append([_("Số thành viên tập thể lãnh đạo"), procedure.members])
    sheet.append([_("Mã đầu chuỗi nhật ký thao tác"), dossier.audit_head or "—"])
    sheet.append([])
    header = [_("STT"), _("Họ và tên"), _("Chức danh")]
    for step in dossier.steps:
        header += [_("Bước %(n)d (%%)", n=step.order), _("Bước %(n)d (kết quả)", n=step.order)]
    _table(sheet, header, [6, 26, 30] + [11, 18] * len(dossier.steps))
    for number_, cover in enumerate(dossier.cover, start=1):
        values: list[object] = [number_, text(cover.name), text(cover.post)]
        percents = []
        for index, (standing, step) in enumerate(zip(cover.steps, dossier.steps, strict=True)):
            if standing is None:
                values += [None, "—"]
            elif step.view.stage.kind is None:
                values += [None, _("Có tên")]
            else:
                values += [standing.percent, verdict(standing)]
                percents.append(4 + 2 * index)
        final = cover.steps[-1]
        row(sheet, values, shaded=final is not None and final.passed, percent_columns=percents)


def _steps(sheet: Worksheet, dossier: Dossier) -> None:
    _table(sheet, [_("Bước"), _("Hội nghị"), _("Số đợt"), _("Ngày"), _("Triệu tập"),
                   _("Có mặt"), _("Phiếu phát ra"), _("Phiếu thu về"), _("Tình trạng")],
           [7, 44, 9, 12, 11, 10, 12, 12, 16])
    for step in dossier.steps:
        figures = step.figures
        round_ = step.view.round
        row(sheet, [step.order, step.title, round_.id if round_ else None, step.held_on,
                    step.summoned, step.present, figures.issued if figures else None,
                    figures.collected if figures else None, step.state], shaded=False)
        if step.held_on is not None:
            sheet.cell(sheet.max_row, 4).number_format = "dd/mm/yyyy"


def _step(sheet: Worksheet, step: StepSheet) -> None:
    sheet.append([text(step.title)])
    figures = step.figures
    if figures is not None:
        sheet.append([_("Triệu tập"), figures.summoned, _("Có mặt"), figures.present,
                      _("Phiếu phát ra"), figures.issued, _("Phiếu thu về"), figures.collected])
    _table(sheet, [_("Chức danh"), _("Họ và tên"), _("Chức vụ hiện tại"), _("Số phiếu"),
                   _("Tính trên"), _("Tỷ lệ %"), _("Kết quả"), _("Ghi thêm")],
           [28, 26, 28, 10, 10, 10, 24, 10])
    ballot = step.view.stage.kind is not None
    for standing in step.view.standings or []:
        row(sheet, [text(standing.post), text(standing.name), text(standing.current),
                    standing.votes, standing.base, standing.percent,
                    verdict(standing) if ballot else _("Có tên"),
                    _("có") if standing.written_in else ""],
            shaded=standing.passed and ballot, percent_columns=(6,), bold_column=2)
    if step.view.standings is None:
        sheet.append([_("Chưa có kết quả.")])
    for change in step.changes:
        sheet.append([_("Thêm") if change.action == "add" else _("Bớt"), text(change.name),
                      text(change.post), None, None, None, text(change.reason)])


def _changes_and_decisions(sheet: Worksheet, dossier: Dossier) -> None:
    _table(sheet, [_("Bước"), _("Thao tác"), _("Họ và tên"), _("Chức danh"), _("Lý do"),
                   _("Người ghi"), _("Thời điểm (UTC)")], [7, 22, 26, 28, 44, 16, 18])
    for step in dossier.steps:
        for change in step.changes:
            row(sheet, [step.order, _("Thêm") if change.action == "add" else _("Bớt"),
                        text(change.name), text(change.post), text(change.reason),
                        change.actor, change.at], shaded=False)
    for decision in dossier.decisions:
        row(sheet, [decision.step, _("Người đứng đầu quyết định"), text(decision.name),
                    _("Đồng ý") if decision.agreed else _("Không đồng ý"), text(decision.note),
                    decision.recorded_by, decision.recorded_at], shaded=False)


def _trends(sheet: Worksheet, dossier: Dossier) -> None:
    _table(sheet, [_("Họ và tên"), _("Thời gian"), _("Đợt"), _("Mức"), _("Tỷ lệ %")],
           [26, 12, 50, 24, 10])
    for name, points in dossier.trends:
        for point in points:
            for label, share in point.shares:
                row(sheet, [text(name), point.on, text(point.what), label, share],
                    shaded=False, percent_columns=(5,), bold_column=1)
                sheet.cell(sheet.max_row, 2).number_format = "mm/yyyy"


def dossier_workbook(dossier: Dossier) -> bytes:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = _("Tổng hợp")
    _cover(cover, dossier)
    _steps(book.create_sheet(_("Các hội nghị")), dossier)
    for step in dossier.steps:
        _step(book.create_sheet(_("Bước %(n)d", n=step.order)), step)
    _changes_and_decisions(book.create_sheet(_("Thay đổi, quyết định")), dossier)
    _trends(book.create_sheet(_("Các đợt trước")), dossier)
    book.properties.title = text(dossier.procedure.title)
    book.properties.creator = "survey"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["dossier_workbook"]
