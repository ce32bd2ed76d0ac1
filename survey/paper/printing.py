"""Printed paper ballots: one A4 page per ballot, in the layout of the minutes (fpdf2).

The header is the minutes' own (:func:`survey.documents.minutes.draw_heading`): the body on
the left, the Party or national heading on the right. Then the kind's title, the round's name,
the table (STT, Họ và tên, Chức vụ, one empty box per level), the instruction line, the serial
number and a box for the counting committee's stamp. A long list flows onto a second page
whose table heading repeats; the serial is printed at the foot of every page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from fpdf.enums import RenderStyle, XPos, YPos

from survey.documents.minutes import draw_heading
from survey.documents.pdf import LEFT, PT, SERIF, WIDTH, Document
from survey.documents.text import printed
from survey.i18n import _
from survey.kinds import kind_of
from survey.kinds.paper import PaperLayout
from survey.rounds.models import BodyKind, Round, Subject

TABLE_SIZE = 9.5
STAMP_W, STAMP_H = 60.0, 28.0


@dataclass(frozen=True)
class Heading:
    """What the minutes' header block reads, for a ballot (no count has ended yet)."""

    body: str
    parent_body: str
    body_kind: str
    locality: str
    held_on: date | None

    @property
    def is_party(self) -> bool:
        return self.body_kind == BodyKind.party

    def place_date_text(self) -> str:
        locality = self.locality or "……………"
        if self.held_on is None:
            when = _("ngày …… tháng …… năm ……")
        else:
            d = self.held_on
            when = _("ngày %(d)02d tháng %(m)02d năm %(y)d", d=d.day, m=d.month, y=d.year)
        return _("%(place)s, %(date)s", place=locality, date=when)


class Ballots(Document):
    serial = 0

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(SERIF, "B", 10)
        self.set_text_color(0)
        self.cell(0, 5, _("Phiếu số %(serial)d", serial=self.serial), align="R")


def paper_ballots_pdf(
    round_: Round,
    layout: PaperLayout,
    serials: Sequence[int],
    forms: Mapping[int, Sequence[Subject]] | None = None,
) -> bytes:
    """The paper ballots ``serials`` of ``round_``, one per page (more if the list is long).

    ``forms`` gives the lines of each named appraisal form, by serial.

    :raises ValueError: if ``serials`` is empty.
    """
    if not serials:
        raise ValueError("no paper ballots to print")
    title = str(layout.title)
    pdf = Ballots(title=f"{title} – {printed(round_.title)}", subject=title,
                  author=printed(round_.body))
    heading = Heading(round_.body, round_.parent_body, round_.body_kind, round_.locality,
                       round_.held_on)
    for index, serial in enumerate(serials):
        if index:
            pdf.add_page()
        pdf.serial = serial
        _ballot(pdf, round_, layout, heading, serial, (forms or {}).get(serial))
    return bytes(pdf.output())


def _ballot(pdf: Ballots, round_: Round, layout: PaperLayout, heading: Heading,
            serial: int, subjects: Sequence[Subject] | None = None) -> None:
    draw_heading(pdf, heading)
    pdf.centred(str(layout.title), "B", 16)
    pdf.ln(0.5)
    pdf.centred(printed(round_.title), "B", 12.5, WIDTH - 20, LEFT + 10)
    pdf.ln(4)

    kind_of(round_).paper_table(pdf, round_, list(round_.subjects if subjects is None
                                                  else subjects))
    pdf.ln(2)
    pdf.paragraph([("I", str(layout.instruction))], indent=0, size=10.5)

    # the serial on the left, the stamp box on the right, kept together
    pdf.ln(3)
    pdf.ensure(STAMP_H + 4)
    top = pdf.get_y()
    pdf.set_xy(LEFT, top + 4)
    pdf.font("", 11)
    pdf.cell(WIDTH - STAMP_W - 5, 6, _("Số phiếu:"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(LEFT)
    pdf.font("B", 24)
    pdf.cell(WIDTH - STAMP_W - 5, 12, str(serial), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    box_x = LEFT + WIDTH - STAMP_W
    pdf.set_line_width(0.3)
    pdf.set_dash_pattern(dash=1.5, gap=1.0)
    pdf.rect(box_x, top, STAMP_W, STAMP_H, style=RenderStyle.D)
    pdf.set_dash_pattern()
    pdf.set_xy(box_x, top + 1.5)
    pdf.font("I", 9)
    pdf.multi_cell(STAMP_W, 9 * PT * 1.3, _("Dấu của Ban kiểm phiếu"), align="C")
    pdf.set_y(top + STAMP_H + 2)
