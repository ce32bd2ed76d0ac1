"""The minutes of the count and the Standing Committee's summary as A4 PDF (fpdf2).

The look follows Vietnamese administrative documents (Decree 30/2020/NĐ-CP; Party documents
alike): 30 mm left margin, two centred header blocks (the body on the left; the national or
Party heading on the right, with the place and date in italics), a centred bold title in
capitals, justified paragraphs with an indented first line, ruled tables whose heading repeats
on every page, signature blocks with "(Ký, ghi rõ họ tên)". The face is DejaVu Serif, bundled in
``survey/static/fonts``, which covers every Vietnamese letter; hashes are set in DejaVu Sans Mono.
Everything prints in black and white.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import CellBordersLayout, RenderStyle, XPos, YPos
from fpdf.fonts import FontFace

from survey.i18n import _
from survey.reports import charts
from survey.reports.documents import (
    ORDER_LABELS,
    Line,
    Member,
    Order,
    RoundReport,
    band_consequence,
    band_label,
    level_label,
    number,
    signed,
)
from survey.rounds.models import CommitteeRole
from survey.tally.confidence import Band, Level

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
SERIF, MONO = "DejaVuSerif", "DejaVuSansMono"

PAGE_W = 210.0
LEFT, RIGHT, TOP, BOTTOM = 30.0, 15.0, 20.0, 20.0
WIDTH = PAGE_W - LEFT - RIGHT  # 165 mm
PT = 25.4 / 72

BODY_SIZE = 11.5
LEADING = 1.35  # line height, in multiples of the font size
TABLE_SIZE = 9.0
BAND_FILL = 225  # light grey: visible in black and white, text stays readable
HEADING_FILL = 238

#: Height of one row of signature blocks: title, hint, room to sign, name.
SIGNATURE_H = 38.0

#: Footnote marks in the results table, per band.
BAND_MARKS = {Band.over_half_low: "(1)", Band.two_thirds_low: "(2)"}


def _t(text: str | None) -> str:
    """User text as printed: NFC (decomposed Vietnamese has no shaping here), single spaces."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


class _Document(FPDF):
    def __init__(self, *, title: str, subject: str, author: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(SERIF, "", FONT_DIR / "DejaVuSerif.ttf")
        self.add_font(SERIF, "B", FONT_DIR / "DejaVuSerif-Bold.ttf")
        self.add_font(SERIF, "I", FONT_DIR / "DejaVuSerif-Italic.ttf")
        self.add_font(MONO, "", FONT_DIR / "DejaVuSansMono.ttf")
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, BOTTOM)
        self.set_title(title)
        self.set_subject(subject)
        if author:
            self.set_author(author)
        self.set_creator("survey")
        self.set_lang("vi")
        self.c_margin = 0.5
        self.add_page()

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(SERIF, "", 8.5)
        self.set_text_color(0)
        self.cell(0, 5, _("Trang %(page)s/%(pages)s", page=self.page_no(), pages="{nb}"),
                  align="C")

    # -- text helpers ----------------------------------------------------------------------

    def font(self, style: str = "", size: float = BODY_SIZE) -> None:
        self.set_font(SERIF, style, size)

    def line_h(self, size: float = BODY_SIZE) -> float:
        return size * PT * LEADING

    def centred(self, text: str, style: str = "B", size: float = BODY_SIZE,
                width: float = WIDTH, x: float = LEFT) -> None:
        self.font(style, size)
        self.set_x(x)
        self.multi_cell(width, self.line_h(size), text, align="C",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, runs: Sequence[tuple[str, str]], *, indent: float = 10.0,
                  align: str = "J", size: float = BODY_SIZE, after: float = 1.2,
                  left: float = 0.0) -> None:
        """A paragraph of ``(style, text)`` runs, justified, first line indented."""
        with self.text_columns(text_align=align, line_height=LEADING,
                               l_margin=LEFT + left) as columns:
            with columns.paragraph(first_line_indent=indent, bottom_margin=after) as par:
                for style, text in runs:
                    self.font(style, size)
                    par.write(text)
        self.font("", size)

    def heading(self, text: str) -> None:
        self.ensure(self.line_h() * 4)
        self.ln(1.5)
        self.paragraph([("B", text)], indent=10.0, after=1.0)

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit below the current position."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()


# -- shared parts --------------------------------------------------------------------------------


def _fit(pdf: _Document, text: str, style: str, size: float, width: float) -> float:
    """The largest size, down from ``size``, at which ``text`` fits ``width`` on one line."""
    room = width - 2 * pdf.c_margin - 0.5
    pdf.font(style, size)
    while size > 8 and pdf.get_string_width(text) > room:
        size -= 0.25
        pdf.font(style, size)
    return size


def _lines(pdf: _Document, text: str, style: str, size: float, width: float) -> list[str]:
    pdf.font(style, size)
    return pdf.multi_cell(width, 5, text, dry_run=True, output="LINES")


def _header(pdf: _Document, report: RoundReport) -> None:
    """The two header blocks: the body (left), the national or Party heading (right)."""
    top = pdf.get_y()
    left_x, left_w, gap = LEFT - 8, 84.0, 2.0  # the left block may reach into the margin
    right_x = left_x + left_w + gap
    right_w = PAGE_W - RIGHT + 4 - right_x
    size = 12.0

    # left: superior body, the body in bold, then "*" (Party) or a short rule (state)
    pdf.set_y(top)
    if report.parent_body:
        parent = _t(report.parent_body).upper()
        pdf.centred(parent, "", _fit(pdf, parent, "", size, left_w), left_w, left_x)
    body = _t(report.body).upper() or "……………………"
    body_size = size
    while body_size > 10 and len(_lines(pdf, body, "B", body_size, left_w)) > 2:
        body_size -= 0.5
    pdf.centred(body, "B", body_size, left_w, left_x)
    if report.is_party:
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
    if report.is_party:
        lines = [_("ĐẢNG CỘNG SẢN VIỆT NAM")]
    else:
        lines = [_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), _("Độc lập - Tự do - Hạnh phúc")]
    for index, text in enumerate(lines):
        last = index == len(lines) - 1
        line_size = _fit(pdf, text, "B", size if not last or report.is_party else size + 0.5,
                         right_w)
        pdf.centred(text, "B", line_size, right_w, right_x)
        if last:
            width = pdf.get_string_width(text)
            y = pdf.get_y() + 0.3
            pdf.set_line_width(0.3)
            pdf.line(right_x + (right_w - width) / 2, y, right_x + (right_w + width) / 2, y)
    pdf.set_y(pdf.get_y() + 3)
    pdf.centred(_t(report.place_date_text()), "I", size - 0.5, right_w, right_x)
    pdf.set_y(max(left_end, pdf.get_y()) + 6)


def _title(pdf: _Document, title: str, subtitle: str) -> None:
    pdf.centred(title, "B", 14.5)
    pdf.ln(0.5)
    pdf.centred(_t(subtitle), "B", 12.5, WIDTH - 20, LEFT + 10)
    pdf.ln(4)


def _bullet(pdf: _Document, runs: Sequence[tuple[str, str]]) -> None:
    pdf.paragraph([("", "- "), *runs], indent=10.0, after=0.6)


def _count_text(n: int | None, unit: str) -> str:
    return "—" if n is None else f"{n} {unit}"


def _attendance(pdf: _Document, report: RoundReport) -> None:
    figures = report.figures
    people = _("người")
    _bullet(pdf, [("", _("Tổng số người được triệu tập: ")),
                  ("B", _count_text(figures.summoned, people)), ("", ".")])
    present = [("", _("Số người có mặt: ")), ("B", _count_text(figures.present, people))]
    if report.present_percent is not None:
        present.append(("", _(" (đạt %(p)s%% số người được triệu tập)",
                               p=number(report.present_percent))))
    _bullet(pdf, [*present, ("", ".")])
    _bullet(pdf, [("", _("Số người vắng mặt: ")), ("B", _count_text(report.absent, people)),
                  ("", ".")])
    if report.quorum:
        verdict = _("Số người có mặt đạt từ 2/3 trở lên số người được triệu tập: hội nghị đủ "
                    "điều kiện tiến hành.")
    else:
        verdict = _("Số người có mặt chưa đạt 2/3 số người được triệu tập.")
    _bullet(pdf, [("", verdict)])


def _ballots(pdf: _Document, report: RoundReport) -> None:
    figures = report.figures
    unit = _("phiếu")
    _bullet(pdf, [("", _("Số phiếu phát ra: ")), ("B", _count_text(figures.issued, unit)),
                  ("", ".")])
    collected = [("", _("Số phiếu thu về: ")), ("B", _count_text(figures.collected, unit))]
    if report.has_paper:
        assert report.sources is not None
        collected.append(("", _(" (%(phone)d phiếu bỏ bằng điện thoại, %(paper)d phiếu giấy)",
                                phone=report.sources.phone, paper=report.sources.paper)))
    _bullet(pdf, [*collected, ("", ".")])
    if report.suppressed or report.kind == "nomination":  # its lines are invalid per position
        return
    _bullet(pdf, [("", _("Số phiếu hợp lệ: ")), ("B", _count_text(report.valid_ballots, unit)),
                  ("", ".")])
    _bullet(pdf, [("", _("Số phiếu không hợp lệ: ")), ("B", _count_text(report.blank, unit)),
                  ("", report.invalid_note())])
    pdf.paragraph([("I", _("Một dòng không đánh dấu chỉ không hợp lệ đối với người ở dòng đó; "
                           "số phiếu hợp lệ và không hợp lệ đối với từng người được ghi trong "
                           "bảng dưới đây."))], size=10.5)


def _suppressed_note(pdf: _Document, report: RoundReport) -> None:
    pdf.paragraph([("B", _(
        "Chỉ thu về %(n)d phiếu, ít hơn mức tối thiểu %(min)d: kết quả đối với từng người "
        "không được ghi để bảo vệ bí mật của người bỏ phiếu.",
        n=report.figures.collected, min=report.result.min_ballots))])


def _results_table(pdf: _Document, report: RoundReport, lines: Sequence[Line], *,
                   with_earlier: bool = False) -> None:
    """The per-subject table: counts and percentages per level, valid and invalid lines."""
    pdf.font("", TABLE_SIZE)
    heading = FontFace(emphasis="BOLD", fill_color=HEADING_FILL, size_pt=8.5)
    bold = FontFace(emphasis="BOLD")
    small = FontFace(size_pt=8.0)
    levels = report.levels
    widths = (10, 50, 12, 13, 13, 13, 13, 13, 13, 15)
    top_borders = CellBordersLayout.LEFT | CellBordersLayout.RIGHT | CellBordersLayout.TOP
    mid_borders = CellBordersLayout.LEFT | CellBordersLayout.RIGHT
    end_borders = CellBordersLayout.LEFT | CellBordersLayout.RIGHT | CellBordersLayout.BOTTOM
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        num_heading_rows=2,
        repeat_headings=1,
        headings_style=heading,
        text_align="CENTER",
        v_align="MIDDLE",
        line_height=TABLE_SIZE * PT * 1.25,
        padding=(0.9, 1.0),
    ) as table:
        row = table.row()
        row.cell(_("STT"), rowspan=2)
        row.cell(_("Họ và tên, chức vụ"), rowspan=2)
        row.cell(_("Phiếu hợp lệ"), rowspan=2)
        for level in levels:
            row.cell(level_label(level), colspan=2)
        row.cell(_("Không hợp lệ"), rowspan=2)
        row = table.row()
        for _level in levels:
            row.cell(_("Số phiếu"))
            row.cell(_("Tỷ lệ") + " %")
        for line in lines:
            extra = [_t(line.position)] if line.position else []
            if with_earlier and line.earlier is not None:
                extra.append(_earlier_text(line))
            span = 1 + len(extra)
            fill = BAND_FILL if line.band else None
            row = table.row()
            style = FontFace(fill_color=fill)
            row.cell(str(line.order), rowspan=span, style=style)
            name = _t(line.name) + (f" {BAND_MARKS[line.band]}" if line.band else "")
            row.cell(name, align="LEFT", style=bold.replace(fill_color=fill),
                     border=top_borders if extra else CellBordersLayout.INHERIT)
            assert line.result is not None
            row.cell(str(line.result.valid), rowspan=span, style=style)
            for level in levels:
                row.cell(str(line.count(level)), rowspan=span, style=style)
                row.cell(number(line.percent(level)), rowspan=span,
                         style=bold.replace(fill_color=fill) if level is Level.low and line.band
                         else style)
            row.cell(str(line.result.invalid), rowspan=span, style=style)
            for index, text in enumerate(extra):
                last = index == len(extra) - 1
                row = table.row()
                row.cell(text, align="LEFT", style=small.replace(fill_color=fill),
                         border=end_borders if last else mid_borders)
    pdf.font()


def _earlier_text(line: Line) -> str:
    earlier = line.earlier
    assert earlier is not None
    change = line.change(Level.low)
    assert change is not None
    return _(
        "Lần trước (%(date)s): thấp %(before)s%%, nay %(now)s%% (%(change)s điểm %%)",
        date=earlier.date.strftime("%d/%m/%Y"),
        before=number(earlier.percent[Level.low.value]),
        now=number(line.percent(Level.low)),
        change=signed(change),
    )


def _band_notes(pdf: _Document, report: RoundReport) -> None:
    pdf.ln(1.5)
    pdf.paragraph([("I", _("Tỷ lệ phần trăm tính trên %(what)s (%(n)d), làm tròn đến hai chữ "
                           "số thập phân.", what=report.denominator_label,
                           n=report.result.base))], size=10.5)
    any_band = False
    for band in (Band.over_half_low, Band.two_thirds_low):
        lines = report.banded(band)
        if not lines:
            continue
        any_band = True
        names = ", ".join(_t(line.name) for line in lines)
        pdf.paragraph([("B", f"{BAND_MARKS[band]} {band_label(band)}: "), ("", names + ".")],
                      size=10.5)
    if not any_band:
        pdf.paragraph([("", _("Không có người nào có trên 1/2 số phiếu tín nhiệm thấp."))],
                      size=10.5)


def _fingerprints(pdf: _Document, report: RoundReport) -> None:
    pdf.ensure(pdf.line_h() * 6)
    if report.fingerprint:
        pdf.paragraph([("", _("Mã kiểm tra bộ phiếu (SHA-256 của tệp phiếu xuất sau khi kết "
                              "thúc bỏ phiếu, dùng để kiểm lại trên máy khác):"))],
                      size=10.5, after=0.3)
        _hash(pdf, report.fingerprint)
    else:
        pdf.paragraph([("", _("Không xuất tệp phiếu: số phiếu thu về ít hơn mức tối thiểu."))],
                      size=10.5)
    pdf.paragraph([("", _("Mã đầu chuỗi nhật ký thao tác:"))], size=10.5, after=0.3)
    _hash(pdf, report.audit_head or "—")


def _hash(pdf: _Document, value: str) -> None:
    pdf.set_font(MONO, "", 8.5)
    pdf.set_x(LEFT + 10)
    pdf.cell(WIDTH - 10, 8.5 * PT * 1.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.font()


def _signature_title(role: str) -> str:
    if role == CommitteeRole.head:
        return _("TRƯỞNG BAN KIỂM PHIẾU")
    if role == CommitteeRole.secretary:
        return _("THƯ KÝ")
    return _("ỦY VIÊN")


def _signature_blocks(report: RoundReport) -> list[tuple[str, Member | None] | None]:
    """The blocks in reading order, two to a row, the head's at the top right (where the
    signing authority signs); ``None`` leaves a place empty. Without a committee entered,
    blank blocks for a head and two members, to be filled in by hand."""
    head = report.head
    others = [(m.role, m) for m in report.signers if m is not head]
    if head is None and not others:
        return [(CommitteeRole.member, None), (CommitteeRole.head, None),
                (CommitteeRole.member, None)]
    if head is None:
        return list(others)
    if not others:
        return [None, (head.role, head)]
    return [others[0], (head.role, head), *others[1:]]


def _signatures(pdf: _Document, report: RoundReport) -> None:
    blocks = _signature_blocks(report)
    block_h = SIGNATURE_H
    column_w = WIDTH / 2
    pdf.ln(4)
    for start in range(0, len(blocks), 2):
        pdf.ensure(block_h)
        y = pdf.get_y()
        for column, block in enumerate(blocks[start : start + 2]):
            if block is None:
                continue
            role, member = block
            x = LEFT + column * column_w
            pdf.set_xy(x, y)
            pdf.centred(_signature_title(role), "B", 11, column_w, x)
            pdf.centred(_("(Ký, ghi rõ họ tên)"), "I", 10, column_w, x)
            pdf.set_xy(x, y + block_h - 9)
            name = _t(member.name) if member else "……………………………"
            pdf.centred(name, "B", 11, column_w, x)
        pdf.set_y(y + block_h)


# -- the minutes ---------------------------------------------------------------------------------


def minutes_pdf(report: RoundReport) -> bytes:
    """The minutes of the count (biên bản kiểm phiếu) of a closed round."""
    pdf = _Document(title=_("Biên bản kiểm phiếu – %(title)s", title=_t(report.title)),
                    subject=_("Biên bản kiểm phiếu"), author=_t(report.body))
    _header(pdf, report)
    _title(pdf, _("BIÊN BẢN KIỂM PHIẾU"), report.title)

    pdf.paragraph([("", _t(report.opening_text()))])
    pdf.paragraph([("", _("Chủ trì hội nghị: ")),
                   ("B", _t(report.chair) or "……………………………………"), ("", ".")])
    pdf.paragraph([("", _("Ban kiểm phiếu gồm các đồng chí:"))], after=0.6)
    members = list(report.signers) or [
        Member("", CommitteeRole.head), Member("", CommitteeRole.member),
        Member("", CommitteeRole.member),
    ]
    for index, member in enumerate(members, start=1):
        pdf.paragraph([("", f"{index}. "), ("B", _t(member.name) or "……………………………"),
                       ("", f" – {member.role_label}.")], after=0.6)

    pdf.heading(_("I. SỐ NGƯỜI THAM DỰ"))
    _attendance(pdf, report)
    pdf.heading(_("II. SỐ PHIẾU"))
    _ballots(pdf, report)
    pdf.heading(_("III. KẾT QUẢ KIỂM PHIẾU ĐỐI VỚI TỪNG NGƯỜI"))
    if report.suppressed:
        _suppressed_note(pdf, report)
    elif report.kind_result is not None:
        from survey.reports.kinds_pdf import kind_tables

        kind_tables(pdf, report)
    else:
        pdf.paragraph([("I", _("Theo thứ tự trên phiếu."))], size=10.5, after=1.5)
        _results_table(pdf, report, report.lines)
        _band_notes(pdf, report)
    # The end of the count, the fingerprints, and at least the first row of signatures stay on
    # one page: a page of signatures alone could be attached to any minutes.
    pdf.ln(1.5)
    pdf.ensure(pdf.line_h() * 11 + SIGNATURE_H + 6)
    pdf.paragraph([("", report.ended_text())])
    _fingerprints(pdf, report)
    pdf.paragraph([("", _("Biên bản được Ban kiểm phiếu thông qua và cùng ký tên dưới đây."))])
    _signatures(pdf, report)
    return bytes(pdf.output())


# -- the summary ---------------------------------------------------------------------------------


def _chart(pdf: _Document, line: Line, base: int) -> None:
    """One subject's bar, drawn with the same geometry as the SVG."""
    name = f"{line.order}. {_t(line.name)}"
    if line.position:
        name += f" – {_t(line.position)}"
    draw_bar(pdf, name, charts.segments(line, base), bold=bool(line.band),
             note=_earlier_text(line) if line.earlier is not None else None)


def draw_bar(pdf: _Document, title: str, parts: Sequence[charts.Segment], *, bold: bool,
             note: str | None = None,
             marks: Sequence[tuple[str, Decimal]] = charts.MARKS) -> None:
    """A titled bar of ``parts`` (see :mod:`survey.reports.charts`) across the text width."""
    label_h, bar_h, scale_h = 5.5, 7.0, 4.0
    earlier_h = 4.0 if note is not None else 0.0
    height = label_h + bar_h + scale_h + earlier_h + 2.5
    pdf.ensure(height)
    top = pdf.get_y()
    pdf.font("B" if bold else "", 9.5)
    pdf.set_x(LEFT)
    pdf.cell(WIDTH, label_h - 1, _ellipsis(pdf, title, WIDTH))
    y = top + label_h
    x0, width = LEFT, WIDTH
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0)
    for part in parts:
        if part.width <= 0:
            continue
        x = x0 + width * float(part.start)
        w = width * float(part.width)
        fill, grey, light_text = charts.FILLS[part.key]
        pdf.set_fill_color(grey)
        pdf.rect(x, y, w, bar_h, style=RenderStyle.DF)
        if fill == "hatch":
            _hatch(pdf, x, y, w, bar_h)
        if part.key != "rest" and w >= 11:
            pdf.set_font(SERIF, "B", 8)
            text = part.label
            tw = pdf.get_string_width(text)
            tx, ty = x + (w - tw) / 2, y + bar_h / 2
            if not light_text:
                pdf.set_fill_color(255)
                pdf.rect(tx - 0.6, ty - 1.9, tw + 1.2, 3.8, style=RenderStyle.F)
            pdf.set_text_color(255 if light_text else 0)
            pdf.text(tx, ty + 1.1, text)
            pdf.set_text_color(0)
    scale_y = y + bar_h + 3.6
    pdf.set_font(SERIF, "", 7)
    for label, fraction in marks:
        x = x0 + width * float(fraction)
        # a white line under the dashes keeps the mark visible on the dark fill
        pdf.set_draw_color(255)
        pdf.set_line_width(0.9)
        pdf.line(x, y + 0.3, x, y + bar_h - 0.3)
        pdf.set_draw_color(0)
        pdf.set_dash_pattern(dash=1.0, gap=0.7)
        pdf.set_line_width(0.35)
        pdf.line(x, y - 1.0, x, y + bar_h + 1.0)
        pdf.set_dash_pattern()
        pdf.text(x - pdf.get_string_width(label) / 2, scale_y, label)
    pdf.set_line_width(0.2)
    pdf.text(x0, scale_y, "0%")
    pdf.text(x0 + width - pdf.get_string_width("100%"), scale_y, "100%")
    if note is not None:
        pdf.set_font(SERIF, "I", 8)
        pdf.text(x0, scale_y + earlier_h, note)
    pdf.set_y(top + height)
    pdf.font()


def _hatch(pdf: _Document, x: float, y: float, w: float, h: float) -> None:
    """Diagonal hatching inside a rectangle (the "low" fill), outlined again on top."""
    with pdf.rect_clip(x, y, w, h):
        pdf.set_line_width(0.25)
        offset = -h
        while offset < w:
            pdf.line(x + offset, y + h, x + offset + h, y)
            offset += 1.6
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, h, style=RenderStyle.D)


def _ellipsis(pdf: _Document, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip(" ,–") + "…"


def _legend(pdf: _Document, report: RoundReport) -> None:
    items = [(level.value, level_label(level)) for level in charts.STACK]
    items.append(("rest", charts.rest_label(report.result.denominator.value)))
    draw_legend(pdf, items)


def draw_legend(pdf: _Document, items: Sequence[tuple[str, str]]) -> None:
    """The key to the bars' fills: ``(key of charts.FILLS, label)`` pairs on one line."""
    pdf.ensure(8)
    y = pdf.get_y() + 1
    x = LEFT
    pdf.set_font(SERIF, "", 9)
    for key, text in items:
        fill, grey, _light = charts.FILLS[key]
        pdf.set_fill_color(grey)
        pdf.set_line_width(0.2)
        pdf.rect(x, y, 6, 4, style=RenderStyle.DF)
        if fill == "hatch":
            _hatch(pdf, x, y, 6, 4)
        pdf.text(x + 7.5, y + 3.3, text)
        x += 7.5 + pdf.get_string_width(text) + 6
    pdf.set_y(y + 7)
    pdf.font()


def _situation(pdf: _Document, report: RoundReport) -> None:
    """A summary's first part: the conference, attendance, ballots (phones and paper)."""
    pdf.heading(_("I. TÌNH HÌNH CHUNG"))
    pdf.paragraph([("", _t(report.opening_text()))])
    figures = report.figures
    pdf.paragraph([("", _(
        "Triệu tập %(summoned)s người, có mặt %(present)s, vắng %(absent)s; số phiếu phát ra "
        "%(issued)d, số phiếu thu về %(collected)d.",
        summoned=figures.summoned if figures.summoned is not None else "—",
        present=figures.present if figures.present is not None else "—",
        absent=report.absent if report.absent is not None else "—",
        issued=figures.issued, collected=figures.collected)
        + (" " + report.sources_sentence() if report.has_paper else ""))])


def summary_pdf(report: RoundReport, order: Order | str = Order.ballot) -> bytes:
    """The Standing Committee's summary of a closed round."""
    if report.kind_result is not None:  # a confidence vote or a nomination round
        from survey.reports.kinds_pdf import kind_summary_pdf

        return kind_summary_pdf(report, order)
    order = Order(order)
    pdf = _Document(title=_("Báo cáo kết quả – %(title)s", title=_t(report.title)),
                    subject=_("Báo cáo kết quả lấy phiếu tín nhiệm"), author=_t(report.body))
    _header(pdf, report)
    _title(pdf, _("BÁO CÁO KẾT QUẢ LẤY PHIẾU TÍN NHIỆM"), report.title)

    _situation(pdf, report)

    if report.suppressed:
        pdf.heading(_("II. KẾT QUẢ"))
        _suppressed_note(pdf, report)
    else:
        pdf.heading(_("II. NHỮNG NGƯỜI CÓ TRÊN 1/2 SỐ PHIẾU TÍN NHIỆM THẤP"))
        _bands_section(pdf, report)
        pdf.heading(_("III. KẾT QUẢ ĐỐI VỚI TỪNG NGƯỜI"))
        pdf.paragraph([("I", _("Sắp xếp: %(order)s.", order=ORDER_LABELS[order]))],
                      size=10.5, after=1.5)
        _results_table(pdf, report, report.sorted_lines(order), with_earlier=True)
        _band_notes(pdf, report)
        pdf.heading(_("IV. BIỂU ĐỒ"))
        _legend(pdf, report)
        for line in report.sorted_lines(order):
            _chart(pdf, line, report.result.base)
    pdf.heading(_("%(n)s. PHƯƠNG PHÁP TÍNH", n="III" if report.suppressed else "V"))
    for text in report.method_lines():
        _bullet(pdf, [("", text)])
    if report.has_earlier:
        _bullet(pdf, [("", _(
            "“Lần trước” là kết quả của cùng người đó (cùng họ tên) trong đợt lấy phiếu gần "
            "nhất trước đây của cùng cơ quan; thay đổi tính bằng điểm phần trăm."))])
    _fingerprints(pdf, report)
    return bytes(pdf.output())


def _bands_section(pdf: _Document, report: RoundReport) -> None:
    any_band = False
    for band in (Band.two_thirds_low, Band.over_half_low):
        lines = report.banded(band)
        if not lines:
            continue
        any_band = True
        pdf.ensure(pdf.line_h() * 5)
        pdf.paragraph([("B", band_label(band) + ": "), ("", band_consequence(band))],
                      size=10.5)
        for line in lines:
            _bullet(pdf, [("B", _t(line.name)),
                          ("", f" – {_t(line.position)}" if line.position else ""),
                          ("", _(": %(n)d phiếu tín nhiệm thấp, %(p)s%%.",
                                 n=line.count(Level.low), p=number(line.percent(Level.low))))])
    if not any_band:
        pdf.paragraph([("", _("Không có người nào có trên 1/2 số phiếu tín nhiệm thấp."))])


__all__ = ["minutes_pdf", "summary_pdf"]
