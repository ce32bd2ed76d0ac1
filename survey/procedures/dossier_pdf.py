"""The dossier as one PDF: the cover, then each conference's minutes in order.

A ballot step's minutes are its kind's own minutes of the count, drawn into this file
(:func:`survey.documents.minutes.bound_into`); a meeting without a ballot gets a page of its
own: date, attendance and quorum, what it concluded, whom it considered.
"""

from __future__ import annotations

from datetime import tzinfo

from sqlalchemy.orm import Session

from survey.documents.minutes import bound_into, draw_heading
from survey.documents.pdf import WIDTH, Document, ruled_table
from survey.documents.text import count_text, number, printed
from survey.i18n import _
from survey.kinds import kind_of
from survey.procedures.dossier import Dossier, StepSheet, cell_text, verdict
from survey.reports.report import build_frame


def _title(dossier: Dossier) -> str:
    if dossier.procedure.purpose == "planning":
        return _("HỒ SƠ QUY TRÌNH QUY HOẠCH CÁN BỘ")
    return _("HỒ SƠ QUY TRÌNH BỔ NHIỆM CÁN BỘ")


def _date(sheet: StepSheet) -> str:
    held = sheet.held_on
    return held.strftime("%d/%m/%Y") if held else "—"


def _attendance(sheet: StepSheet) -> str:
    if sheet.summoned is None:
        return "—"
    return f"{sheet.summoned} / {sheet.present if sheet.present is not None else '—'}"


def _steps_table(pdf: Document, dossier: Dossier) -> None:
    heading = [_("Bước"), _("Hội nghị"), _("Ngày"), _("Triệu tập / có mặt"),
               _("Phiếu phát ra / thu về"), _("Tình trạng")]
    rows = []
    for sheet in dossier.steps:
        ballots = (f"{sheet.figures.issued} / {sheet.figures.collected}"
                   if sheet.figures is not None else _("Không bỏ phiếu")
                   if sheet.view.stage.kind is None else "—")
        rows.append(([str(sheet.order), sheet.title, _date(sheet), _attendance(sheet), ballots,
                      sheet.state], False))
    ruled_table(pdf, (11, 55, 22, 24, 26, 27), heading, rows)
    pdf.ln(1.5)


def _cover_table(pdf: Document, dossier: Dossier) -> None:
    """Who passed which step with which share."""
    steps = dossier.steps
    step_w = (WIDTH - 53) / len(steps)
    heading = [_("STT"), _("Họ và tên, chức danh")] + [_("Bước %(n)d", n=s.order) for s in steps]
    rows = []
    for number_, row in enumerate(dossier.cover, start=1):
        cells = [cell_text(standing, ballot=sheet.view.stage.kind is not None)
                 for standing, sheet in zip(row.steps, steps, strict=True)]
        final = row.steps[-1]
        rows.append(([str(number_), f"{printed(row.name)}\n{printed(row.post)}", *cells],
                     final is not None and final.passed))
    if rows:
        ruled_table(pdf, (8, 45, *[step_w] * len(steps)), heading, rows)
    else:
        pdf.paragraph([("", _("Chưa có ai trong danh sách của bước nào."))])
    pdf.paragraph([("I", _("Tỷ lệ ở mỗi bước bỏ phiếu tính trên số người được triệu tập của "
                           "hội nghị đó, làm tròn đến hai chữ số thập phân."))], size=10.5)


def _outcome(pdf: Document, dossier: Dossier) -> None:
    outcome = dossier.outcome
    if outcome is None:
        pdf.paragraph([("", _("Quy trình chưa xong: bước cuối chưa có kết quả."))])
    elif not outcome:
        pdf.paragraph([("", _("Không có người nào đạt ở bước cuối."))])
    else:
        for standing in outcome:
            share = (_(" (%(p)s%%)", p=number(standing.percent))
                     if standing.percent is not None else "")
            pdf.bullet([("B", printed(standing.name)),
                        ("", f" – {printed(standing.post)}{share}: {verdict(standing)}.")])


def _changes(pdf: Document, dossier: Dossier) -> None:
    changes = [(sheet.order, change) for sheet in dossier.steps for change in sheet.changes]
    if not changes:
        pdf.paragraph([("", _("Không có thay đổi nào ngoài kết quả của bước trước."))])
    for order, change in changes:
        what = _("Thêm") if change.action == "add" else _("Bớt")
        pdf.bullet([("", _("Bước %(n)d, %(what)s ", n=order, what=what.lower())),
                    ("B", printed(change.name)), ("", f" ({printed(change.post)}). "),
                    ("I", _("Lý do: %(reason)s", reason=printed(change.reason))),
                    ("", _(" — %(actor)s, %(at)s UTC.", actor=change.actor,
                           at=change.at.strftime("%d/%m/%Y %H:%M")))])


def _decisions(pdf: Document, dossier: Dossier) -> None:
    if not dossier.decisions:
        pdf.paragraph([("", _("Không có người nào đạt đúng 1/2 ở bước biểu quyết."))])
    for decision in dossier.decisions:
        said = _("đồng ý") if decision.agreed else _("không đồng ý")
        note = f" {printed(decision.note)}." if decision.note else ""
        pdf.bullet([("", _("Bước %(n)d: ", n=decision.step)), ("B", printed(decision.name)),
                    ("", _(" – người đứng đầu %(said)s.", said=said) + note),
                    ("", _(" Ghi bởi %(actor)s, %(at)s UTC.", actor=decision.recorded_by,
                           at=decision.recorded_at.strftime("%d/%m/%Y %H:%M")))])


def _trends(pdf: Document, dossier: Dossier) -> None:
    if not dossier.trends:
        pdf.paragraph([("", _("Không có đợt nào trước đây của cùng cơ quan có người trong "
                              "quy trình này."))])
    for name, points in dossier.trends:
        line = " → ".join(
            f"{p.on.strftime('%m/%Y')} {printed(p.what)}: "
            + ", ".join(f"{label} {number(share)}%" for label, share in p.shares)
            for p in points)
        pdf.bullet([("B", printed(name) + ": "), ("", line)])
    pdf.paragraph([("I", _("Cùng một người được nhận ra theo họ và tên, như cột “Lần trước” "
                           "của báo cáo lấy phiếu tín nhiệm."))], size=10.5)


def _cover(pdf: Document, dossier: Dossier) -> None:
    procedure = dossier.procedure
    draw_heading(pdf, dossier)
    pdf.title_block(_title(dossier), printed(procedure.title))
    posts = "; ".join(_("%(title)s (%(n)d người)", title=printed(p.title), n=p.seats)
                      for p in procedure.posts)
    pdf.paragraph([("", _("Quy trình: ")), ("B", dossier.variant_label), ("", ". ")])
    pdf.paragraph([("", _("Chức danh: ")), ("B", posts), ("", ". ")])
    pdf.paragraph([("", _("Số thành viên tập thể lãnh đạo: ")),
                   ("B", count_text(procedure.members, _("người"))), ("", ".")])
    for heading, section in (
        (_("I. CÁC HỘI NGHỊ CỦA QUY TRÌNH"), _steps_table),
        (_("II. KẾT QUẢ QUA TỪNG BƯỚC"), _cover_table),
        (_("III. KẾT QUẢ CUỐI CÙNG"), _outcome),
        (_("IV. THAY ĐỔI DANH SÁCH VÀ LÝ DO"), _changes),
        (_("V. QUYẾT ĐỊNH CỦA NGƯỜI ĐỨNG ĐẦU"), _decisions),
        (_("VI. KẾT QUẢ CÁC ĐỢT TRƯỚC ĐÂY"), _trends),
    ):
        pdf.heading(heading)
        section(pdf, dossier)
    pdf.heading(_("VII. MÃ ĐẦU CHUỖI NHẬT KÝ THAO TÁC"))
    pdf.hash_line(dossier.audit_head or "—")


def _meeting(pdf: Document, dossier: Dossier, sheet: StepSheet) -> None:
    """A meeting without a ballot, on a page of its own."""
    pdf.add_page()
    draw_heading(pdf, dossier)
    pdf.title_block(_("BIÊN BẢN HỘI NGHỊ"), _("Bước %(n)d: %(title)s", n=sheet.order,
                                              title=sheet.title))
    step = sheet.view.step
    pdf.paragraph([("", _("Ngày họp: ")), ("B", _date(sheet)), ("", ".")])
    if sheet.view.stage.attendance:
        people = _("người")
        pdf.bullet([("", _("Tổng số người được triệu tập: ")),
                    ("B", count_text(step.summoned, people)), ("", ".")])
        pdf.bullet([("", _("Số người có mặt: ")), ("B", count_text(step.present, people)),
                    ("", ".")])
        pdf.bullet([("", _("Số người có mặt đạt từ 2/3 trở lên số người được triệu tập: hội "
                           "nghị đủ điều kiện tiến hành.") if step.has_quorum
                     else _("Số người có mặt chưa đạt 2/3 số người được triệu tập."))])
    pdf.paragraph([("", printed(str(sheet.view.stage.purpose)))])
    if step.note:
        pdf.paragraph([("B", _("Nội dung: ")), ("", printed(step.note))])
    rows = [([str(p.order), printed(p.name), printed(p.current), printed(p.post)], False)
            for p in step.people]
    if rows:
        ruled_table(pdf, (10, 55, 50, 50), [_("STT"), _("Họ và tên"), _("Chức vụ hiện tại"),
                                            _("Chức danh")], rows)


def dossier_pdf(session: Session, dossier: Dossier, *, tz: tzinfo) -> bytes:
    """The dossier: its cover, then every conference held, in order."""
    pdf = Document(title=_("Hồ sơ quy trình – %(title)s",
                           title=printed(dossier.procedure.title)),
                   subject=_title(dossier), author=printed(dossier.procedure.body))
    _cover(pdf, dossier)
    for sheet in dossier.steps:
        round_ = sheet.view.round
        if sheet.view.stage.kind is None and sheet.view.step.recorded_at is not None:
            _meeting(pdf, dossier, sheet)
        elif round_ is not None and round_.results_ready:
            kind = kind_of(round_)
            report = kind.report(session, round_, build_frame(session, round_, tz=tz),
                                 published_only=False)
            with bound_into(pdf):
                kind.minutes_pdf(report)
    return pdf.finished()


__all__ = ["dossier_pdf"]
