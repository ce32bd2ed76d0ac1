"""Printed paper ballots: identical sheets, each ballot on one sheet of A4 (fpdf2).

The header is the minutes' own (:func:`survey.documents.minutes.draw_heading`): the body on
the left, the Party or national heading on the right. Then the kind's title, the round's name
(and a unit's, for a unit's appraisal form), the table (STT, Họ và tên, Chức vụ, one empty box
per level), and at the foot the instruction beside a box for the counting committee's stamp.
Nothing on a sheet tells it from another of its group: no number, no name. The counting
committee numbers the ballots as they come out of the box.

The table takes one side of the sheet at the largest legible type that allows it, else both
sides ("Trang 1/2 – xem tiếp mặt sau"); see :mod:`survey.paper.sheet`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fpdf.enums import RenderStyle, XPos, YPos

from survey.documents.minutes import draw_heading
from survey.documents.pdf import PT, wrapped
from survey.documents.text import printed
from survey.i18n import _
from survey.kinds import kind_of
from survey.kinds.paper import PaperGroup, PaperLayout
from survey.paper.sheet import FOOT_GAP, BallotSheet, Layout, draw, fit
from survey.rounds.models import BodyKind, Round

STAMP_W, STAMP_H = 58.0, 26.0
INSTRUCTION_SIZE = 10.0
LABEL_SIZE = 11.5


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


def heading_of(round_: Round) -> Heading:
    return Heading(round_.body, round_.parent_body, round_.body_kind, round_.locality,
                   round_.held_on)


def paper_ballots_pdf(round_: Round, layout: PaperLayout,
                      groups: Sequence[tuple[PaperGroup, int]]) -> bytes:
    """``copies`` identical paper ballots of each ``(group, copies)``, one after another.

    When any ballot takes both sides of its sheet, a one-sided ballot is followed by a blank
    page, so that the PDF printed on both sides puts one ballot on each sheet.

    :raises ValueError: if nothing is to be printed.
    """
    if not groups or any(copies < 1 for _group, copies in groups):
        raise ValueError("no paper ballots to print")
    title = str(layout.title)
    pdf = BallotSheet(title=f"{title} – {printed(round_.title)}", subject=title,
                      author=printed(round_.body))
    heading = heading_of(round_)
    kind = kind_of(round_)
    instruction = str(layout.instruction)
    # every ballot's header is the same but for a unit's name: the first one, on the first
    # page, tells where each group's table begins
    below_titles = _titles(pdf, round_, layout, heading)
    foot = max(_instruction_height(pdf, instruction), STAMP_H)
    layouts = [fit(pdf, kind.paper_table(round_, group.subjects),
                   below_titles + _label_height(pdf, group), foot)
               for group, _copies in groups]
    duplex = any(laid.pages > 1 for laid in layouts)
    started = False
    for (group, copies), laid in zip(groups, layouts, strict=True):
        for _copy in range(copies):
            if started:
                pdf.add_page()
                _titles(pdf, round_, layout, heading)
            started = True
            _ballot(pdf, group, laid, instruction)
            if duplex and laid.pages % 2:
                pdf.add_page()  # the back of a one-sided ballot stays blank
    return bytes(pdf.output())


def _titles(pdf: BallotSheet, round_: Round, layout: PaperLayout, heading: Heading) -> float:
    """The header, the ballot's title and the round's name; returns where they end."""
    draw_heading(pdf, heading)
    pdf.centred(str(layout.title), "B", 15.5, pdf.epw, pdf.l_margin)
    pdf.ln(0.5)
    pdf.centred(printed(round_.title), "B", 12.5, pdf.epw - 20, pdf.l_margin + 10)
    return pdf.get_y()


def _label_text(group: PaperGroup) -> str:
    return _("Đơn vị: %(unit)s", unit=printed(group.label)) if group.label else ""


def _label_height(pdf: BallotSheet, group: PaperGroup) -> float:
    """The height of a unit's name under the round's, and the space before the table."""
    text = _label_text(group)
    lines = len(wrapped(pdf, text, "", LABEL_SIZE, pdf.epw - 20)) if text else 0
    return lines * pdf.line_h(LABEL_SIZE) + 3


def _ballot(pdf: BallotSheet, group: PaperGroup, laid: Layout, instruction: str) -> None:
    """One ballot below its titles: the unit's name, the table, the foot."""
    pdf.first_page, pdf.sides = pdf.page, laid.pages
    if text := _label_text(group):
        pdf.centred(text, "", LABEL_SIZE, pdf.epw - 20, pdf.l_margin + 10)
    draw(pdf, laid)
    _foot(pdf, instruction)


def _instruction_height(pdf: BallotSheet, instruction: str) -> float:
    return len(wrapped(pdf, instruction, "I", INSTRUCTION_SIZE, pdf.epw - STAMP_W - 6)) * (
        INSTRUCTION_SIZE * PT * 1.3)


def _foot(pdf: BallotSheet, instruction: str) -> None:
    """The instruction beside the stamp box (the layout left room for them)."""
    top = pdf.get_y() + FOOT_GAP
    pdf.set_xy(pdf.l_margin, top)
    pdf.font("I", INSTRUCTION_SIZE)
    pdf.multi_cell(pdf.epw - STAMP_W - 6, INSTRUCTION_SIZE * PT * 1.3, instruction, align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    box_x = pdf.l_margin + pdf.epw - STAMP_W
    pdf.set_line_width(0.3)
    pdf.set_dash_pattern(dash=1.5, gap=1.0)
    pdf.rect(box_x, top, STAMP_W, STAMP_H, style=RenderStyle.D)
    pdf.set_dash_pattern()
    pdf.set_xy(box_x, top + 1.5)
    pdf.font("I", 9)
    pdf.multi_cell(STAMP_W, 9 * PT * 1.3, _("Dấu của Ban kiểm phiếu"), align="C")
