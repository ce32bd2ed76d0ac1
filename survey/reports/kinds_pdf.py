"""The result tables of a confidence vote and of a nomination round in the PDF minutes.

Everything else in those minutes (header, attendance, ballots, fingerprints, signatures) is
drawn by :mod:`survey.reports.pdf`, as for a confidence poll.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf.fonts import FontFace

from survey.ballots.levels import NO_CONFIDENCE_LABELS
from survey.i18n import _, ngettext
from survey.reports.documents import RoundReport, number
from survey.reports.kinds import DISMISSAL, DISMISSAL_CONSEQUENCE
from survey.reports.pdf import BAND_FILL, HEADING_FILL, PT, TABLE_SIZE, _Document, _t
from survey.tally import no_confidence as nc
from survey.tally import nomination as nom


def _table(pdf: _Document, widths: Sequence[float], heading: Sequence[str],
           rows: Sequence[tuple[Sequence[str], bool]]) -> None:
    """A ruled table whose heading repeats on each page; a ``True`` row is shaded."""
    pdf.font("", TABLE_SIZE)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=widths, width=sum(widths), align="LEFT", num_heading_rows=1,
        repeat_headings=1,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL, size_pt=8.5),
        text_align="CENTER", v_align="MIDDLE", line_height=TABLE_SIZE * PT * 1.25,
        padding=(0.9, 1.0),
    ) as table:
        row = table.row()
        for text in heading:
            row.cell(text)
        for cells, shaded in rows:
            row = table.row()
            style = FontFace(fill_color=BAND_FILL if shaded else None)
            for index, text in enumerate(cells):
                row.cell(text, align="LEFT" if index == 1 else "CENTER",
                         style=bold.replace(fill_color=style.fill_color) if index == 1
                         else style)
    pdf.font()


def _no_confidence(pdf: _Document, report: RoundReport, result: nc.RoundResult) -> None:
    labels = [str(NO_CONFIDENCE_LABELS[level]) for level in nc.Level]
    heading = [_("STT"), _("Họ và tên, chức vụ"), _("Phiếu hợp lệ"),
               labels[0], "%", labels[1], "%", _("Không hợp lệ"), _("Kết luận")]
    rows = []
    for subject, line in zip(report.kind_subjects, result.subjects, strict=True):
        name = _t(subject[0]) + (f"\n{_t(subject[1])}" if subject[1] else "")
        rows.append(([
            str(subject[2]), name, str(line.valid),
            str(line.counts.confidence), number(line.percent["confidence"]),
            str(line.counts.no_confidence), number(line.percent["no_confidence"]),
            str(line.invalid), str(DISMISSAL) if line.dismissal else "",
        ], line.dismissal))
    _table(pdf, (9, 44, 13, 14, 13, 14, 13, 14, 21), heading, rows)
    pdf.ln(1.5)
    pdf.paragraph([("I", _("Tỷ lệ phần trăm tính trên tổng số phiếu thu về (%(n)d), làm tròn "
                           "đến hai chữ số thập phân.", n=result.base))], size=10.5)
    dismissed = [_t(s[0]) for s, line in zip(report.kind_subjects, result.subjects, strict=True)
                 if line.dismissal]
    if dismissed:
        pdf.paragraph([("B", str(DISMISSAL_CONSEQUENCE) + " "), ("", ", ".join(dismissed) + ".")],
                      size=10.5)
    else:
        pdf.paragraph([("", _("Không có người nào có trên 1/2 số phiếu không tín nhiệm."))],
                      size=10.5)


def _verdict(entry: nom.Entry) -> str:
    if entry.nominated:
        return _("Được giới thiệu")
    return _("Bằng phiếu ở vị trí cuối") if entry.tied else ""


def _nomination(pdf: _Document, result: nom.RoundResult) -> None:
    pdf.paragraph([("I", _(
        "Tỷ lệ phần trăm tính trên số người được triệu tập (%(n)d), làm tròn đến hai chữ số "
        "thập phân. Được giới thiệu khi có trên 1/2 số người được triệu tập đồng ý; nếu nhiều "
        "người đạt hơn số người quy hoạch tối đa thì lấy người có số phiếu cao hơn.",
        n=result.base))], size=10.5)
    heading = [_("TT"), _("Họ và tên, chức vụ hiện tại"), _("Số phiếu đồng ý"),
               _("Tỷ lệ phần trăm trên số người được triệu tập"), _("Kết quả")]
    for number_, position in enumerate(result.positions, start=1):
        pdf.ensure(pdf.line_h() * 6)
        pdf.paragraph([("B", f"{number_}. {_t(position.title)}")], after=0.4)
        pdf.paragraph([("", _(
            "Số người quy hoạch tối đa: %(n)d", n=position.seats) + " · " + _(
            "Phiếu hợp lệ: %(valid)d · Phiếu không hợp lệ (vượt quá số người quy hoạch tối "
            "đa): %(invalid)d", valid=position.valid, invalid=position.invalid))], size=10.5)
        rows = []
        for index, entry in enumerate(position.entries, start=1):
            name = _t(entry.name)
            if entry.current_position:
                name += "\n" + _t(entry.current_position)
            if not entry.listed:
                name += "\n" + _("Ghi thêm")
            rows.append(([str(index), name, str(entry.votes), number(entry.percent),
                          _verdict(entry)], entry.nominated))
        _table(pdf, (10, 75, 22, 28, 30), heading, rows)
        pdf.ln(1)
        if position.tie:
            pdf.paragraph([("B", _("Bằng phiếu ở vị trí cuối:") + " "), ("", ", ".join(
                _t(e.name) for e in position.tied) + " — " + ngettext(
                "còn %(num)d vị trí do cấp có thẩm quyền xem xét, quyết định.",
                "còn %(num)d vị trí do cấp có thẩm quyền xem xét, quyết định.",
                position.open_seats))], size=10.5)
    for overload in result.overloads:
        pdf.paragraph([("B", _("Lưu ý:") + " "), ("", _(
            "%(name)s được giới thiệu cho %(n)d chức danh (%(titles)s), nhiều hơn 3 chức danh.",
            name=_t(overload.name), n=len(overload.positions),
            titles=", ".join(_t(t) for t in overload.positions)))], size=10.5)


def kind_tables(pdf: _Document, report: RoundReport) -> None:
    """Section III of the minutes for a confidence vote or a nomination round."""
    result = report.kind_result
    if isinstance(result, nc.RoundResult):
        _no_confidence(pdf, report, result)
    else:
        _nomination(pdf, result)
