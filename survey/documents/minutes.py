"""The parts every official document of a round shares, and the minutes of the count around
the results a kind supplies.

The header follows Decree 30/2020/NĐ-CP (Party documents alike): two centred blocks, the body
on the left, the national or Party heading on the right with the place and date in italics;
signature blocks carry "(Ký, ghi rõ họ tên)".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from survey.documents.frame import HEAD, MEMBER, SECRETARY, Frame, Member
from survey.documents.pdf import LEFT, PAGE_W, RIGHT, WIDTH, Document, fit_size, wrapped
from survey.documents.text import count_text, number, printed
from survey.i18n import _

#: Height of one row of signature blocks: title, hint, room to sign, name.
SIGNATURE_H = 38.0

#: A part of a document a kind draws: the results of its round.
Section = Callable[[Document], None]

#: The document the minutes are bound into, while a dossier gathers several rounds' minutes in
#: one file (:func:`bound_into`); ``None``: each minutes is a file of its own.
_binding: ContextVar[Document | None] = ContextVar("survey_minutes_binding", default=None)


@contextmanager
def bound_into(pdf: Document) -> Iterator[Document]:
    """Inside the block, every minutes of the count (whatever the round's kind) is drawn into
    ``pdf``, from a new page, and :func:`minutes_pdf` returns no bytes of its own."""
    token = _binding.set(pdf)
    try:
        yield pdf
    finally:
        _binding.reset(token)


class Heading(Protocol):
    """What the header blocks read: a round's frame, or a ballot's heading."""

    @property
    def body(self) -> str: ...
    @property
    def parent_body(self) -> str: ...
    @property
    def is_party(self) -> bool: ...
    def place_date_text(self) -> str: ...


def document(frame: Frame, title: str, subject: str) -> Document:
    """A new document of the round, its PDF properties set."""
    return Document(title=title % {"title": printed(frame.title)}, subject=subject,
                    author=printed(frame.body))


def draw_heading(pdf: Document, heading: Heading) -> None:
    """The two header blocks: the body (left), the national or Party heading (right)."""
    top = pdf.get_y()
    left_x, left_w, gap = LEFT - 8, 84.0, 2.0  # the left block may reach into the margin
    right_x = left_x + left_w + gap
    right_w = PAGE_W - RIGHT + 4 - right_x
    size = 12.0

    # left: superior body, the body in bold, then "*" (Party) or a short rule (state)
    pdf.set_y(top)
    if heading.parent_body:
        parent = printed(heading.parent_body).upper()
        pdf.centred(parent, "", fit_size(pdf, parent, "", size, left_w), left_w, left_x)
    body = printed(heading.body).upper() or "……………………"
    body_size = size
    while body_size > 10 and len(wrapped(pdf, body, "B", body_size, left_w)) > 2:
        body_size -= 0.5
    pdf.centred(body, "B", body_size, left_w, left_x)
    if heading.is_party:
        pdf.centred("*", "B", size, left_w, left_x)
    else:
        y = pdf.get_y() + 1.8
        middle = left_x + left_w / 2
        pdf.set_line_width(0.3)
        pdf.line(middle - 12, y, middle + 12, y)
        pdf.set_y(y + 1.5)
    left_end = pdf.get_y()

    # right: the heading, underlined, then the place and date in italics
    pdf.set_y(top)
    if heading.is_party:
        lines = [_("ĐẢNG CỘNG SẢN VIỆT NAM")]
    else:
        lines = [_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), _("Độc lập - Tự do - Hạnh phúc")]
    for index, text in enumerate(lines):
        last = index == len(lines) - 1
        line_size = fit_size(pdf, text, "B",
                             size if not last or heading.is_party else size + 0.5, right_w)
        pdf.centred(text, "B", line_size, right_w, right_x)
        if last:
            width = pdf.get_string_width(text)
            y = pdf.get_y() + 0.3
            pdf.set_line_width(0.3)
            pdf.line(right_x + (right_w - width) / 2, y, right_x + (right_w + width) / 2, y)
    pdf.set_y(pdf.get_y() + 3)
    pdf.centred(printed(heading.place_date_text()), "I", size - 0.5, right_w, right_x)
    pdf.set_y(max(left_end, pdf.get_y()) + 6)


def attendance(pdf: Document, frame: Frame) -> None:
    """Summoned, present (with the share), absent, and whether the conference may proceed."""
    figures = frame.figures
    people = _("người")
    pdf.bullet([("", _("Tổng số người được triệu tập: ")),
                ("B", count_text(figures.summoned, people)), ("", ".")])
    present = [("", _("Số người có mặt: ")), ("B", count_text(figures.present, people))]
    if frame.present_percent is not None:
        present.append(("", _(" (đạt %(p)s%% số người được triệu tập)",
                              p=number(frame.present_percent))))
    pdf.bullet([*present, ("", ".")])
    pdf.bullet([("", _("Số người vắng mặt: ")), ("B", count_text(frame.absent, people)),
                ("", ".")])
    if frame.quorum:
        verdict = _("Số người có mặt đạt từ 2/3 trở lên số người được triệu tập: hội nghị đủ "
                    "điều kiện tiến hành.")
    else:
        verdict = _("Số người có mặt chưa đạt 2/3 số người được triệu tập.")
    pdf.bullet([("", verdict)])


def issued_and_collected(pdf: Document, frame: Frame, *, split: bool = True) -> None:
    """Ballots issued and collected; ``split``: with how many of them were paper ballots."""
    figures = frame.figures
    unit = _("phiếu")
    pdf.bullet([("", _("Số phiếu phát ra: ")), ("B", count_text(figures.issued, unit)),
                ("", ".")])
    collected = [("", _("Số phiếu thu về: ")), ("B", count_text(figures.collected, unit))]
    if split and frame.has_paper:
        assert frame.sources is not None
        collected.append(("", _(" (%(phone)d phiếu bỏ bằng điện thoại, %(paper)d phiếu giấy)",
                                phone=frame.sources.phone, paper=frame.sources.paper)))
    pdf.bullet([*collected, ("", ".")])


def fingerprints(pdf: Document, frame: Frame) -> None:
    """The ballot file's fingerprint and the audit chain's head, for checking elsewhere."""
    pdf.ensure(pdf.line_h() * 6)
    if frame.fingerprint:
        pdf.paragraph([("", _("Mã kiểm tra bộ phiếu (SHA-256 của tệp phiếu xuất sau khi kết "
                              "thúc bỏ phiếu, dùng để kiểm lại trên máy khác):"))],
                      size=10.5, after=0.3)
        pdf.hash_line(frame.fingerprint)
    else:
        pdf.paragraph([("", _("Không xuất tệp phiếu: số phiếu thu về ít hơn mức tối thiểu."))],
                      size=10.5)
    pdf.paragraph([("", _("Mã đầu chuỗi nhật ký thao tác:"))], size=10.5, after=0.3)
    pdf.hash_line(frame.audit_head or "—")


def _signature_title(role: str) -> str:
    if role == HEAD:
        return _("TRƯỞNG BAN KIỂM PHIẾU")
    if role == SECRETARY:
        return _("THƯ KÝ")
    return _("ỦY VIÊN")


def signature_blocks(frame: Frame) -> list[tuple[str, Member | None] | None]:
    """The blocks in reading order, two to a row, the head's at the top right (where the
    signing authority signs); ``None`` leaves a place empty. Without a committee entered,
    blank blocks for a head and two members, to be filled in by hand."""
    head = frame.head
    others: list[tuple[str, Member | None] | None] = [
        (m.role, m) for m in frame.signers if m is not head
    ]
    if head is None and not others:
        return [(MEMBER, None), (HEAD, None), (MEMBER, None)]
    if head is None:
        return others
    if not others:
        return [None, (head.role, head)]
    return [others[0], (head.role, head), *others[1:]]


def signatures(pdf: Document, frame: Frame) -> None:
    blocks = signature_blocks(frame)
    column_w = WIDTH / 2
    pdf.ln(4)
    for start in range(0, len(blocks), 2):
        pdf.ensure(SIGNATURE_H)
        y = pdf.get_y()
        for column, block in enumerate(blocks[start : start + 2]):
            if block is None:
                continue
            role, member = block
            x = LEFT + column * column_w
            pdf.set_xy(x, y)
            pdf.centred(_signature_title(role), "B", 11, column_w, x)
            pdf.centred(_("(Ký, ghi rõ họ tên)"), "I", 10, column_w, x)
            pdf.set_xy(x, y + SIGNATURE_H - 9)
            name = printed(member.name) if member else "……………………………"
            pdf.centred(name, "B", 11, column_w, x)
        pdf.set_y(y + SIGNATURE_H)


def minutes_pdf(frame: Frame, *, ballots: Section, results_title: str,
                results: Section) -> bytes:
    """The minutes of the count (biên bản kiểm phiếu): the round's frame around the kind's
    ``ballots`` section (part II, after the ballots issued and collected) and its ``results``
    (part III, headed ``results_title``)."""
    pdf = _binding.get()
    bound = pdf is not None
    if pdf is None:
        pdf = document(frame, _("Biên bản kiểm phiếu – %(title)s"), _("Biên bản kiểm phiếu"))
    else:
        pdf.add_page()
    draw_heading(pdf, frame)
    pdf.title_block(_("BIÊN BẢN KIỂM PHIẾU"), printed(frame.title))

    pdf.paragraph([("", printed(frame.opening_text()))])
    pdf.paragraph([("", _("Chủ trì hội nghị: ")),
                   ("B", printed(frame.chair) or "……………………………………"), ("", ".")])
    pdf.paragraph([("", _("Ban kiểm phiếu gồm các đồng chí:"))], after=0.6)
    members = list(frame.signers) or [Member("", HEAD), Member("", MEMBER), Member("", MEMBER)]
    for index, member in enumerate(members, start=1):
        pdf.paragraph([("", f"{index}. "), ("B", printed(member.name) or "……………………………"),
                       ("", f" – {member.role_label}.")], after=0.6)

    pdf.heading(_("I. SỐ NGƯỜI THAM DỰ"))
    attendance(pdf, frame)
    pdf.heading(_("II. SỐ PHIẾU"))
    ballots(pdf)
    pdf.heading(results_title)
    results(pdf)
    # The end of the count, the fingerprints, and at least the first row of signatures stay on
    # one page: a page of signatures alone could be attached to any minutes.
    pdf.ln(1.5)
    pdf.ensure(pdf.line_h() * 11 + SIGNATURE_H + 6)
    pdf.paragraph([("", frame.ended_text())])
    fingerprints(pdf, frame)
    pdf.paragraph([("", _("Biên bản được Ban kiểm phiếu thông qua và cùng ký tên dưới đây."))])
    signatures(pdf, frame)
    return b"" if bound else bytes(pdf.output())


def summary_document(frame: Frame, title: str, subject: str,
                     document_title: str | None = None) -> Document:
    """A summary for the Standing Committee: its header and ``title``, the round's name.

    ``document_title`` is the file's title (``%(title)s`` is the round's)."""
    pdf = document(frame, document_title or _("Báo cáo kết quả – %(title)s"), subject)
    draw_heading(pdf, frame)
    pdf.title_block(title, printed(frame.title))
    return pdf


def method_section(pdf: Document, heading: str, lines: Sequence[str], frame: Frame) -> None:
    """A summary's last part: how the figures are computed, then the fingerprints."""
    pdf.heading(heading)
    for text in lines:
        pdf.bullet([("", text)])
    fingerprints(pdf, frame)


def situation(pdf: Document, frame: Frame) -> None:
    """A summary's first part: the conference, attendance, ballots (phones and paper)."""
    pdf.heading(_("I. TÌNH HÌNH CHUNG"))
    pdf.paragraph([("", printed(frame.opening_text()))])
    figures = frame.figures
    pdf.paragraph([("", _(
        "Triệu tập %(summoned)s người, có mặt %(present)s, vắng %(absent)s; số phiếu phát ra "
        "%(issued)d, số phiếu thu về %(collected)d.",
        summoned=figures.summoned if figures.summoned is not None else "—",
        present=figures.present if figures.present is not None else "—",
        absent=frame.absent if frame.absent is not None else "—",
        issued=figures.issued, collected=figures.collected)
        + (" " + frame.sources_sentence() if frame.has_paper else ""))])


__all__ = [
    "SIGNATURE_H", "Heading", "Section", "attendance", "bound_into", "document", "draw_heading",
    "fingerprints", "issued_and_collected", "method_section", "minutes_pdf", "signature_blocks",
    "signatures", "situation", "summary_document",
]
