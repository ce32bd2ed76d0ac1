"""The PDF documents of a confidence vote and of a nomination round: the result tables of the
minutes, and the Standing Committee's summary.

Everything else in the minutes (header, attendance, ballots, fingerprints, signatures) is drawn
by :mod:`survey.reports.pdf`, as for a confidence poll; the summary uses its parts too.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf.fonts import FontFace

from survey.i18n import _, ngettext
from survey.kinds.no_confidence import LEVEL_LABELS as NO_CONFIDENCE_LABELS
from survey.reports import kinds_summary as ks
from survey.reports.documents import Order, RoundReport, number
from survey.reports.kinds import DISMISSAL, DISMISSAL_CONSEQUENCE
from survey.reports.pdf import (
    BAND_FILL,
    HEADING_FILL,
    PT,
    TABLE_SIZE,
    _bullet,
    _Document,
    _fingerprints,
    _header,
    _situation,
    _suppressed_note,
    _t,
    _title,
    draw_bar,
    draw_legend,
)
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


# -- the Standing Committee's summary ----------------------------------------------------------


def _vote_summary(pdf: _Document, report: RoundReport, order: Order) -> None:
    result: nc.RoundResult = report.kind_result
    lines = ks.vote_lines(report, order)
    pdf.heading(_("II. NHỮNG NGƯỜI CÓ TRÊN 1/2 SỐ PHIẾU KHÔNG TÍN NHIỆM"))
    dismissed = [line for line in lines if line.dismissal]
    if dismissed:
        pdf.paragraph([("B", str(DISMISSAL) + ": "), ("", str(DISMISSAL_CONSEQUENCE))],
                      size=10.5)
        for line in dismissed:
            _bullet(pdf, [("B", _t(line.name)),
                          ("", f" – {_t(line.position)}" if line.position else ""),
                          ("", _(": %(n)d phiếu không tín nhiệm, %(p)s%%.",
                                 n=line.count("no_confidence"),
                                 p=number(line.percent("no_confidence"))))])
    else:
        pdf.paragraph([("", _("Không có người nào có trên 1/2 số phiếu không tín nhiệm."))])
    pdf.heading(_("III. KẾT QUẢ ĐỐI VỚI TỪNG NGƯỜI"))
    pdf.paragraph([("I", _("Sắp xếp: %(order)s.", order=ks.order_labels(report.kind)[order]))],
                  size=10.5, after=1.5)
    labels = [label for _level, label in ks.vote_levels()]
    heading = [_("STT"), _("Họ và tên, chức vụ"), _("Phiếu hợp lệ"),
               labels[0], "%", labels[1], "%", _("Không hợp lệ"), _("Kết luận")]
    rows = []
    for line in lines:
        name = _t(line.name) + (f"\n{_t(line.position)}" if line.position else "")
        rows.append(([
            str(line.order), name, str(line.result.valid),
            str(line.count("confidence")), number(line.percent("confidence")),
            str(line.count("no_confidence")), number(line.percent("no_confidence")),
            str(line.result.invalid), str(DISMISSAL) if line.dismissal else "",
        ], line.dismissal))
    _table(pdf, (9, 44, 13, 14, 13, 14, 13, 14, 21), heading, rows)
    pdf.ln(1.5)
    pdf.paragraph([("I", _("Tỷ lệ phần trăm tính trên tổng số phiếu thu về (%(n)d), làm tròn "
                           "đến hai chữ số thập phân.", n=result.base))], size=10.5)
    pdf.heading(_("IV. BIỂU ĐỒ"))
    draw_legend(pdf, ks.vote_legend_items())
    for line in lines:
        title = f"{line.order}. {_t(line.name)}"
        if line.position:
            title += f" – {_t(line.position)}"
        draw_bar(pdf, title, ks.vote_parts(line, result.base), bold=line.dismissal,
                 marks=ks.HALF)


def _nomination_summary(pdf: _Document, report: RoundReport, order: Order) -> None:
    result: nom.RoundResult = report.kind_result
    groups = ks.groups(report, order)
    pdf.heading(_("II. KẾT QUẢ GIỚI THIỆU"))
    for group in groups:
        pdf.ensure(pdf.line_h() * 4)
        pdf.paragraph([("B", f"{group.number}. {_t(group.result.title)} "), ("", "(" + _(
            "Số người quy hoạch tối đa: %(n)d", n=group.result.seats) + ")")], after=0.4)
        if group.nominated:
            _bullet(pdf, [("B", _("Được giới thiệu") + ": "), ("", ", ".join(
                f"{_t(e.name)} (" + _("%(n)d phiếu, %(p)s%%", n=e.votes, p=number(e.percent))
                + ")" for e in group.nominated) + ".")])
        if group.tied:
            _bullet(pdf, [("B", _("Bằng phiếu ở vị trí cuối:") + " "), ("", ", ".join(
                _t(e.name) for e in group.tied) + " — " + ngettext(
                "còn %(num)d vị trí do cấp có thẩm quyền xem xét, quyết định.",
                "còn %(num)d vị trí do cấp có thẩm quyền xem xét, quyết định.",
                group.result.open_seats))])
        if not group.nominated and not group.tied:
            _bullet(pdf, [("", _("Không có người nào có trên 1/2 số người được triệu tập "
                                 "đồng ý."))])
    for overload in result.overloads:
        pdf.paragraph([("B", _("Lưu ý:") + " "), ("", _(
            "%(name)s được giới thiệu cho %(n)d chức danh (%(titles)s), nhiều hơn 3 chức danh.",
            name=_t(overload.name), n=len(overload.positions),
            titles=", ".join(_t(t) for t in overload.positions)))], size=10.5)
    pdf.heading(_("III. KẾT QUẢ THEO TỪNG CHỨC DANH"))
    pdf.paragraph([("I", _("Sắp xếp: %(order)s.", order=ks.order_labels(report.kind)[order]))],
                  size=10.5, after=1.5)
    heading = [_("TT"), _("Họ và tên, chức vụ hiện tại"), _("Số phiếu đồng ý"),
               _("Tỷ lệ phần trăm trên số người được triệu tập"), _("Kết quả")]
    for group in groups:
        pdf.ensure(pdf.line_h() * 6)
        pdf.paragraph([("B", f"{group.number}. {_t(group.result.title)}")], after=0.4)
        pdf.paragraph([("", _(
            "Số người quy hoạch tối đa: %(n)d", n=group.result.seats) + " · " + _(
            "Phiếu hợp lệ: %(valid)d · Phiếu không hợp lệ (vượt quá số người quy hoạch tối "
            "đa): %(invalid)d", valid=group.result.valid, invalid=group.result.invalid))],
            size=10.5)
        rows = []
        for place, entry in group.entries:
            name = _t(entry.name)
            if entry.current_position:
                name += "\n" + _t(entry.current_position)
            if not entry.listed:
                name += "\n" + _("Ghi thêm")
            rows.append(([str(place), name, str(entry.votes), number(entry.percent),
                          ks.verdict(entry)], entry.nominated or entry.tied))
        _table(pdf, (10, 75, 22, 28, 30), heading, rows)
        pdf.ln(1)
    pdf.paragraph([("I", _(
        "Tỷ lệ phần trăm tính trên số người được triệu tập (%(n)d), làm tròn đến hai chữ số "
        "thập phân. Được giới thiệu khi có trên 1/2 số người được triệu tập đồng ý; nếu nhiều "
        "người đạt hơn số người quy hoạch tối đa thì lấy người có số phiếu cao hơn.",
        n=result.base))], size=10.5)
    pdf.heading(_("IV. BIỂU ĐỒ"))
    draw_legend(pdf, ks.entry_legend_items())
    for group in groups:
        pdf.ensure(pdf.line_h() * 4)
        pdf.paragraph([("B", f"{group.number}. {_t(group.result.title)}")], after=0.4)
        for place, entry in group.entries:
            draw_bar(pdf, f"{place}. {_t(entry.name)} – {ks.verdict(entry)}",
                     ks.entry_parts(entry, result.base),
                     bold=entry.nominated or entry.tied, marks=ks.HALF)


def kind_summary_pdf(report: RoundReport, order: Order | str = Order.ballot) -> bytes:
    """The Standing Committee's summary of a confidence vote or a nomination round."""
    order = Order(order)
    title = ks.title(report)
    pdf = _Document(title=f"{title.capitalize()} – {_t(report.title)}", subject=title,
                    author=_t(report.body))
    _header(pdf, report)
    _title(pdf, title, report.title)
    _situation(pdf, report)
    if report.suppressed:
        pdf.heading(_("II. KẾT QUẢ"))
        _suppressed_note(pdf, report)
    elif isinstance(report.kind_result, nc.RoundResult):
        _vote_summary(pdf, report, order)
    else:
        _nomination_summary(pdf, report, order)
    pdf.heading(_("%(n)s. PHƯƠNG PHÁP TÍNH", n="III" if report.suppressed else "V"))
    for text in ks.method_lines(report):
        _bullet(pdf, [("", text)])
    _fingerprints(pdf, report)
    return bytes(pdf.output())
