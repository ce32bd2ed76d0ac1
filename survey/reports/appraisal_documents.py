"""The minutes of the count of an appraisal round (HTML and A4 PDF), and its pages' data.

The header, the opening, the counting committee, the attendance and the signatures are the
confidence minutes' own (:mod:`survey.reports.documents`, :mod:`survey.reports.pdf`); only the
per-subject table and the quota and cohort notes are the appraisal's.
"""

from __future__ import annotations

from datetime import tzinfo

from fpdf.fonts import FontFace
from sqlalchemy.orm import Session

from survey.i18n import _
from survey.kinds.counts import round_figures
from survey.reports import pdf as base
from survey.reports.appraisal import AppraisalReport, level_label
from survey.reports.ballots_export import ballot_file, sha256_hex
from survey.reports.documents import Member, RoundReport, local_time, number
from survey.rounds.models import CommitteeRole, Round
from survey.security import audit
from survey.tally.appraisal import Level
from survey.tally.confidence import tally_round


def minutes_frame(session: Session, round_: Round, *, tz: tzinfo) -> RoundReport:
    """The shared parts of the minutes (header, committee, attendance, ballots, end)."""
    assert round_.results_ready and round_.closed_at is not None
    figures = round_figures(session, round_)
    return RoundReport(
        round_id=round_.id, kind=round_.kind, state=round_.state, title=round_.title,
        body=round_.body, parent_body=round_.parent_body, body_kind=round_.body_kind,
        locality=round_.locality, place=round_.place, held_on=round_.held_on,
        conference_time=round_.conference_time, chair=round_.chair,
        committee=tuple(Member(m.name, m.role) for m in round_.counting_committee),
        figures=figures,
        result=tally_round(figures, [], min_ballots=1),  # no confidence lines: only the counts
        blank=None, lines=(),
        count_ended_at=round_.count_ended_at or local_time(round_.closed_at, tz),
        fingerprint=sha256_hex(ballot_file(session, round_)), audit_head=audit.head(session),
    )


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
    return texts


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


def minutes_pdf(frame: RoundReport, report: AppraisalReport) -> bytes:
    """The minutes of the count of an appraisal round, A4."""
    pdf = base._Document(title=_("Biên bản kiểm phiếu – %(title)s", title=base._t(frame.title)),
                         subject=_("Biên bản kiểm phiếu"), author=base._t(frame.body))
    base._header(pdf, frame)
    base._title(pdf, _("BIÊN BẢN KIỂM PHIẾU"), frame.title)
    pdf.paragraph([("", base._t(frame.opening_text()))])
    pdf.paragraph([("", _("Chủ trì hội nghị: ")),
                   ("B", base._t(frame.chair) or "……………………………………"), ("", ".")])
    pdf.paragraph([("", _("Ban kiểm phiếu gồm các đồng chí:"))], after=0.6)
    members = list(frame.signers) or [
        Member("", CommitteeRole.head), Member("", CommitteeRole.member),
        Member("", CommitteeRole.member),
    ]
    for index, member in enumerate(members, start=1):
        pdf.paragraph([("", f"{index}. "), ("B", base._t(member.name) or "……………………………"),
                       ("", f" – {member.role_label}.")], after=0.6)
    pdf.heading(_("I. SỐ NGƯỜI THAM DỰ"))
    base._attendance(pdf, frame)
    pdf.heading(_("II. SỐ PHIẾU"))
    unit = _("phiếu")
    base._bullet(pdf, [("", _("Số phiếu phát ra: ")), ("B", f"{report.issued} {unit}"),
                       ("", ".")])
    base._bullet(pdf, [("", _("Số phiếu thu về: ")), ("B", f"{report.collected} {unit}"),
                       ("", ".")])
    for text in rules_text(report):
        pdf.paragraph([("I", text)], size=10.5)
    pdf.heading(_("III. KẾT QUẢ ĐÁNH GIÁ ĐỐI VỚI TỪNG NGƯỜI"))
    pdf.paragraph([("I", _("Theo thứ tự trong danh sách."))], size=10.5, after=1.5)
    _table(pdf, report)
    pdf.ln(1.5)
    pdf.paragraph([("B", _("Tỷ lệ xuất sắc: "))], size=10.5, after=0.3)
    for breach, text in quota_texts(report):
        pdf.paragraph([("B" if breach else "", text)], size=10.5)
    pdf.paragraph([("", cohort_text(report))], size=10.5)
    pdf.ln(1.5)
    pdf.ensure(pdf.line_h() * 11 + base.SIGNATURE_H + 6)
    pdf.paragraph([("", frame.ended_text())])
    base._fingerprints(pdf, frame)
    pdf.paragraph([("", _("Biên bản được Ban kiểm phiếu thông qua và cùng ký tên dưới đây."))])
    base._signatures(pdf, frame)
    return bytes(pdf.output())


#: Short level names for the narrow table columns.
def short_labels() -> dict[Level, str]:
    return {
        Level.excellent: _("Xuất sắc"),
        Level.good: _("Tốt"),
        Level.completed: _("Hoàn thành"),
        Level.failed: _("Không HT"),
    }


def _table(pdf: base._Document, report: AppraisalReport) -> None:
    size = 8.0
    pdf.font("", size)
    heading = FontFace(emphasis="BOLD", fill_color=base.HEADING_FILL, size_pt=7.5)
    bold = FontFace(emphasis="BOLD")
    short = short_labels()
    widths = (8, 36, 12, 13, 13, 13, 13, 13, 14, 16, 14)
    with pdf.table(
        col_widths=widths, width=sum(widths), align="LEFT", num_heading_rows=1,
        repeat_headings=1, headings_style=heading, text_align="CENTER", v_align="MIDDLE",
        line_height=size * base.PT * 1.25, padding=(0.8, 0.8),
    ) as table:
        row = table.row()
        for text in (_("STT"), _("Họ và tên, chức vụ, đơn vị"), _("Số người đánh giá"),
                     *(short[level] for level in Level),
                     _("Tổng điểm TB"), _("Tổng điểm trung vị"), _("Mức đa số"),
                     _("Mức theo trung vị")):
            row.cell(text)
        for line in report.lines:
            s, r = line.subject, line.rating
            row = table.row()
            row.cell(str(s.order))
            who = base._t(s.name)
            detail = ", ".join(base._t(t) for t in (s.position, s.unit) if t)
            row.cell(who + (f"\n{detail}" if detail else ""), align="LEFT")
            row.cell(str(r.raters))
            if r.suppressed:
                row.cell(_("Dưới %(min)d người đánh giá: không ghi số liệu",
                           min=report.result.min_raters), colspan=8)
                continue
            assert r.counts is not None and r.percent is not None and r.total is not None
            for level in Level:
                row.cell(f"{r.counts[level.value]}\n{number(r.percent[level.value])}%")
            row.cell(number(r.total.mean) if r.total.mean is not None else "—")
            row.cell(number(r.total.median) if r.total.median is not None else "—")
            majority = " / ".join(short[level] for level in r.majority) or "—"
            row.cell(majority + (" " + _("(đồng phiếu)") if r.tied else ""),
                     style=bold if r.tied else None)
            row.cell(short[r.median_level] if r.median_level else "—")
    pdf.font()


__all__ = ["level_label", "minutes_frame", "minutes_pdf"]
