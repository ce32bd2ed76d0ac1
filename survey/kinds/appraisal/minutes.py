"""The minutes of the count of an appraisal round (A4 PDF), and the texts its pages share.

The header, the opening, the counting committee, the attendance and the signatures are the
documents toolkit's (:mod:`survey.documents.minutes`); only the per-subject table and the quota
and cohort notes are the appraisal's.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf.fonts import FontFace

from survey.documents.frame import Frame
from survey.documents.minutes import minutes_pdf as frame_minutes_pdf
from survey.documents.pdf import Document, fitted_widths, table
from survey.documents.text import number, printed
from survey.i18n import _
from survey.kinds.appraisal.results import AppraisalLine, AppraisalReport, level_label
from survey.tally.appraisal import Level


def rules_text(report: AppraisalReport) -> list[str]:
    result = report.result
    group = _("từng đơn vị") if result.quota_group.value == "unit" else _("cả đợt")
    texts = [
        _("Người được đánh giá bởi ít hơn %(min)d người không được ghi số liệu và nhận xét, "
          "và không được tính vào bất kỳ số tổng hợp nào.", min=result.min_raters),
        _("Tỷ lệ mỗi mức tính trên số người đánh giá người đó (không tính phiếu “Không có ý "
          "kiến”), làm tròn 2 chữ số thập phân. Tổng điểm chỉ tính ở phiếu cho cả hai điểm; "
          "trung vị của số chẵn giá trị là trung bình của hai giá trị giữa."),
        _("Số “Hoàn thành xuất sắc” không vượt quá %(p)d%% số “Hoàn thành tốt”, tính trong "
          "%(group)s, theo mức đa số của mỗi người; người có các mức đồng số phiếu không được "
          "tính vào mức nào.", p=result.quota_percent, group=group),
    ]
    if report.round.same_unit_only:
        texts.append(_("Mỗi người chỉ đánh giá những người cùng đơn vị."))
    if report.paper:
        texts.append(paper_text(report))
    return texts


def paper_text(report: AppraisalReport) -> str:
    """How paper forms differ from the phone's ("" when none was counted)."""
    if not report.paper:
        return ""
    return _(
        "Trong số phiếu thu về có %(n)d phiếu giấy. Phiếu giấy của mỗi nhóm giống hệt nhau và "
        "có đủ tên trong nhóm, kể cả người điền phiếu, để không ai biết phiếu nào của ai; người "
        "điền được hướng dẫn để trống dòng của chính mình, nhưng một dấu ở dòng đó không thể "
        "phân biệt với các dấu khác nên vẫn được tính. Trên điện thoại, dòng của chính người "
        "đánh giá không có trên phiếu.", n=report.paper)


def quota_texts(report: AppraisalReport) -> list[tuple[bool, str]]:
    out = []
    for q in report.result.quota:
        where = q.group or _("Cả đợt")
        text = _(
            "%(where)s: %(e)d xuất sắc, %(g)d tốt; tối đa được %(allowed)d (%(p)d%%).",
            where=where, e=q.excellent, g=q.good, allowed=q.allowed, p=q.quota_percent,
        )
        if q.breach:
            text += " " + _("VƯỢT tỷ lệ: cấp có thẩm quyền xem xét, quyết định.")
        out.append((q.breach, text))
    return out


def cohort_text(report: AppraisalReport) -> str:
    c = report.result.cohort
    text = _(
        "Trong %(n)d người có kết quả: %(a)s%% hoàn thành nhiệm vụ trở lên, %(b)s%% hoàn "
        "thành tốt nhiệm vụ trở lên, %(c)s%% hoàn thành xuất sắc nhiệm vụ.",
        n=c.subjects, a=number(c.percent["completed_or_better"]),
        b=number(c.percent["good_or_better"]), c=number(c.percent["excellent"]),
    )
    if c.undecided:
        text += " " + _("%(n)d người có các mức đồng số phiếu, không tính vào mức nào.",
                        n=c.undecided)
    return text


def _ballots(pdf: Document, report: AppraisalReport) -> None:
    unit = _("phiếu")
    pdf.bullet([("", _("Số phiếu phát ra: ")), ("B", f"{report.issued} {unit}"), ("", ".")])
    pdf.bullet([("", _("Số phiếu thu về: ")), ("B", f"{report.collected} {unit}"), ("", ".")])
    for text in rules_text(report):
        pdf.paragraph([("I", text)], size=10.5)


def _results(pdf: Document, report: AppraisalReport) -> None:
    pdf.paragraph([("I", _("Theo thứ tự trong danh sách."))], size=10.5, after=1.5)
    _table(pdf, report)
    pdf.ln(1.5)
    pdf.paragraph([("B", _("Tỷ lệ xuất sắc: "))], size=10.5, after=0.3)
    for breach, text in quota_texts(report):
        pdf.paragraph([("B" if breach else "", text)], size=10.5)
    pdf.paragraph([("", cohort_text(report))], size=10.5)


def minutes_pdf(frame: Frame, report: AppraisalReport) -> bytes:
    """The minutes of the count of an appraisal round, A4."""
    return frame_minutes_pdf(
        frame, ballots=lambda pdf: _ballots(pdf, report),
        results_title=_("III. KẾT QUẢ ĐÁNH GIÁ ĐỐI VỚI TỪNG NGƯỜI"),
        results=lambda pdf: _results(pdf, report),
    )


#: Short level names for the narrow table columns.
def short_labels() -> dict[Level, str]:
    return {
        Level.excellent: _("Xuất sắc"),
        Level.good: _("Tốt"),
        Level.completed: _("Hoàn thành"),
        Level.failed: _("Không HT"),
    }


def figure_widths(pdf: Document, widths: Sequence[float], lines: Sequence[AppraisalLine],
                  headings: Sequence[str]) -> list[float]:
    """``widths`` with the figure columns (order, raters, each level's count and share, mean
    and median) as wide as their content on one line; the name column takes the rest."""
    rated = [line.rating for line in lines if not line.rating.suppressed]
    columns: dict[int, list[str]] = {0: [str(line.subject.order) for line in lines],
                                     2: [str(r.raters) for r in rated]}
    for index, level in enumerate(Level, start=3):
        columns[index] = [f"{r.counts[level.value]}\n{number(r.percent[level.value])}%"
                          for r in rated if r.counts is not None and r.percent is not None]
    mean = 3 + len(Level)
    columns[mean] = [number(r.total.mean) for r in rated
                     if r.total is not None and r.total.mean is not None]
    columns[mean + 1] = [number(r.total.median) for r in rated
                         if r.total is not None and r.total.median is not None]
    return fitted_widths(pdf, widths, columns, {i: headings[i] for i in columns},
                         size=8.0, heading_size=7.5, padding=0.8)


def _table(pdf: Document, report: AppraisalReport) -> None:
    bold = FontFace(emphasis="BOLD")
    short = short_labels()
    headings = (_("STT"), _("Họ và tên, chức vụ, đơn vị"), _("Số người đánh giá"),
                *(short[level] for level in Level),
                _("Tổng điểm TB"), _("Tổng điểm trung vị"), _("Mức đa số"),
                _("Mức theo trung vị"))
    widths = figure_widths(pdf, (8, 36, 12, 13, 13, 13, 13, 13, 14, 16, 14), report.lines,
                           headings)
    with table(pdf, widths, size=8.0, heading_size=7.5, padding=(0.8, 0.8)) as made:
        row = made.row()
        for text in headings:
            row.cell(text)
        for line in report.lines:
            s, r = line.subject, line.rating
            row = made.row()
            row.cell(str(s.order))
            who = printed(s.name)
            detail = ", ".join(printed(t) for t in (s.position, s.unit) if t)
            row.cell(who + (f"\n{detail}" if detail else ""), align="LEFT")
            if r.suppressed:  # not even how many rated: nothing but the note
                row.cell(_("Dưới %(min)d người đánh giá: không ghi số liệu",
                           min=report.result.min_raters), colspan=9)
                continue
            assert r.counts is not None and r.percent is not None and r.total is not None
            row.cell(str(r.raters))
            for level in Level:
                row.cell(f"{r.counts[level.value]}\n{number(r.percent[level.value])}%")
            row.cell(number(r.total.mean) if r.total.mean is not None else "—")
            row.cell(number(r.total.median) if r.total.median is not None else "—")
            majority = " / ".join(short[level] for level in r.majority) or "—"
            row.cell(majority + (" " + _("(đồng phiếu)") if r.tied else ""),
                     style=bold if r.tied else None)
            row.cell(short[r.median_level] if r.median_level else "—")
    pdf.font()


__all__ = ["figure_widths", "level_label", "minutes_pdf"]
