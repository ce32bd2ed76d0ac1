"""A paper ballot's table laid out on the sides of one sheet, and drawn.

Row heights are computed, not tried: each cell's text is wrapped word by word with the font's
own glyph widths (which grow in proportion to the type size), so the layout at every size is
known before anything is drawn, and the drawing follows it line for line. The layout picks the
largest type, from 10 down to 7.5 points, that puts the ballot on one side, else on both sides
of the sheet; a list too long for that takes more sides at 7.5 points. The last side always
holds numbered lines of the table: when the foot (the instruction and the stamp box) would stand
alone, or with blank lines for names written in only, the last lines go over with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fpdf.enums import RenderStyle

from survey.documents.pdf import HEADING_FILL, PT, SERIF, Document
from survey.i18n import _
from survey.kinds.paper import TABLE_WIDTH, PaperCell, PaperRow, PaperTable

PAGE_H = 297.0
#: A ballot's margins (mm): its table spans :data:`survey.kinds.paper.TABLE_WIDTH`.
SHEET_LEFT, SHEET_TOP, SHEET_BOTTOM = 18.0, 14.0, 15.0
SHEET_RIGHT = 210.0 - SHEET_LEFT - TABLE_WIDTH
#: The type sizes of a ballot's table (points), the largest first.
SIZES = (10.0, 9.75, 9.5, 9.25, 9.0, 8.75, 8.5, 8.25, 8.0, 7.75, 7.5)
LEADING = 1.2
PAD_X = 1.0
#: Space above and below a cell's text at 10 points (it shrinks with the type).
PAD_Y = 1.1
#: The shading of a title row (a nomination's position): lighter than the heading's.
TITLE_FILL = 246
#: How much smaller the heading's type is than the lines' (points), and its smallest size.
HEADING_LESS, MIN_HEADING = 0.75, 6.5
#: Space between the table and the foot (mm).
FOOT_GAP = 3.0
#: Lines that go over with the foot when it would stand alone on a side.
KEPT_WITH_FOOT = 3


class BallotSheet(Document):
    """Pages of paper ballots. The footer numbers the sides of the ballot being drawn
    ("Trang 1/2") when it has more than one; a one-sided ballot has none. Nothing on a page
    differs from one copy of a ballot to the next."""

    def __init__(self, *, title: str, subject: str, author: str) -> None:
        super().__init__(title=title, subject=subject, author=author)
        self.set_margins(SHEET_LEFT, SHEET_TOP, SHEET_RIGHT)
        self.set_auto_page_break(True, SHEET_BOTTOM)
        self.set_y(SHEET_TOP)
        #: The page the ballot being drawn began on, and its number of sides.
        self.first_page = 1
        self.sides = 1
        self._widths: dict[tuple[str, str], float] = {}

    def footer(self) -> None:
        side = self.page_no() - self.first_page + 1
        if self.sides < 2 or not 1 <= side <= self.sides:
            return
        self.set_y(-11)
        self.set_font(SERIF, "I", 8.5)
        self.set_text_color(0)
        text = _("Trang %(side)d/%(sides)d", side=side, sides=self.sides)
        if side < self.sides:
            text += " – " + _("xem tiếp mặt sau")
        self.cell(0, 4, text, align="C")

    def unit_width(self, text: str, style: str) -> float:
        """The width of ``text`` at 1 point, in mm (glyph widths add up: no kerning)."""
        key = (text, style)
        if key not in self._widths:
            self.set_font(SERIF, style, 1)
            self._widths[key] = self.get_string_width(text)
        return self._widths[key]

    def wrap(self, text: str, style: str, size: float, room: float) -> tuple[str, ...]:
        """``text`` broken into lines no wider than ``room`` mm at ``size`` points: at spaces,
        and inside a word only when the word alone is wider."""
        lines: list[str] = []
        line, width = "", 0.0
        space = self.unit_width(" ", style) * size
        for word in text.split():
            word_w = self.unit_width(word, style) * size
            if line and width + space + word_w <= room:
                line, width = f"{line} {word}", width + space + word_w
                continue
            if line:
                lines.append(line)
            line, width = word, word_w
            while width > room and len(line) > 1:  # a word wider than the cell
                cut = len(line) - 1
                while cut > 1 and self.unit_width(line[:cut], style) * size > room:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
                width = self.unit_width(line, style) * size
        lines.append(line)
        return tuple(lines)


@dataclass(frozen=True)
class Placed:
    """A row as laid out: each cell's lines, and the row's height."""

    cells: tuple[PaperCell, ...]
    lines: tuple[tuple[str, ...], ...]
    height: float
    #: The type size of its text (points).
    size: float
    fill: int | None = None


@dataclass(frozen=True)
class Layout:
    """A ballot's table at one type size, side by side."""

    size: float
    widths: tuple[float, ...]
    #: Where the table begins on the first side.
    top: float
    #: The rows of each side, the heading (and a title carried over) included.
    sides: tuple[tuple[Placed, ...], ...]

    @property
    def pages(self) -> int:
        return len(self.sides)


def _placed(pdf: BallotSheet, widths: Sequence[float], cells: Sequence[PaperCell], size: float,
            fill: int | None = None, least: float = 0.0) -> Placed:
    line_h = size * PT * LEADING
    lines, column = [], 0
    for cell in cells:
        width = sum(widths[column:column + cell.span])
        column += cell.span
        lines.append(pdf.wrap(cell.text, cell.style, size, width - 2 * PAD_X))
    pad = PAD_Y * size / SIZES[0]
    height = max(max(map(len, lines)) * line_h + 2 * pad, least)
    return Placed(tuple(cells), tuple(lines), height, size, fill)


def heading_size(pdf: BallotSheet, table: PaperTable, size: float) -> float:
    """The heading's type: a little smaller than the lines', and smaller still where a word
    of a column's heading would not fit its column (a word is never broken in a heading)."""
    best, column = size - HEADING_LESS, 0
    for cell in table.heading:
        room = sum(table.widths[column:column + cell.span]) - 2 * PAD_X
        column += cell.span
        for word in cell.text.split():
            best = min(best, room / pdf.unit_width(word, "B"))
    return max(best, MIN_HEADING)


def _continued(row: PaperRow) -> PaperRow:
    first, *rest = row.cells
    marked = PaperCell(f"{first.text} {_('(tiếp)')}", first.style, first.left, first.span)
    return PaperRow((marked, *rest), title=True)


def paginate(pdf: BallotSheet, table: PaperTable, size: float, top: float, foot: float,
             break_at: int | None = None) -> Layout:
    """``table`` at ``size`` from ``top`` on the first side, each side under the heading; a new
    side before row ``break_at`` if given. ``foot`` is the height the last side keeps below
    the table (the instruction and the stamp box)."""
    bottom = PAGE_H - SHEET_BOTTOM
    heading = _placed(pdf, table.widths, [PaperCell(c.text, "B", c.left, c.span)
                                          for c in table.heading],
                      heading_size(pdf, table, size), HEADING_FILL)
    rows = [_placed(pdf, table.widths, r.cells, size, TITLE_FILL if r.title else None, r.least)
            for r in table.rows]
    sides: list[list[Placed]] = [[heading]]
    firsts = [0]  # the index of each side's first row
    y, title = top + heading.height, None
    for index, (row, placed) in enumerate(zip(table.rows, rows, strict=True)):
        kept = rows[index + 1].height if row.title and index + 1 < len(rows) else 0.0
        if len(sides[-1]) > 1 and (index == break_at or y + placed.height + kept > bottom):
            sides.append([heading])
            firsts.append(index)
            y = SHEET_TOP + heading.height
            if title is not None and not row.title:
                carried = _placed(pdf, table.widths, _continued(title).cells, size, TITLE_FILL)
                sides[-1].append(carried)
                y += carried.height
        sides[-1].append(placed)
        y += placed.height
        title = row if row.title else title
    layout = Layout(size, table.widths, top, tuple(tuple(side) for side in sides))
    # the last numbered line (a subject, not a blank line for names written in)
    numbered = max((i for i, r in enumerate(table.rows) if not r.title and r.cells[0].text),
                   default=len(table.rows))
    alone = numbered < firsts[-1]  # the last side would hold only blank lines
    if (y + FOOT_GAP + foot <= bottom and not alone) or break_at is not None:
        return layout
    # the foot would stand alone on a side (or with blank lines only): the last lines go over
    # with it, the last numbered line among them (and a title with them)
    lowest = (firsts[-2] if alone else firsts[-1]) + 1  # a side keeps one line at least
    start = max(min(len(table.rows) - KEPT_WITH_FOOT, numbered), lowest)
    while start > lowest and table.rows[start - 1].title:
        start -= 1
    if start >= len(table.rows):
        return layout
    return paginate(pdf, table, size, top, foot, break_at=start)


def fit(pdf: BallotSheet, table: PaperTable, top: float, foot: float) -> Layout:
    """The layout of the largest type that puts the ballot on one side, else on two; a longer
    list at the smallest type."""
    layouts = [paginate(pdf, table, size, top, foot) for size in SIZES]
    for sides in (1, 2):
        for layout in layouts:
            if layout.pages <= sides:
                return layout
    return layouts[-1]


def draw(pdf: BallotSheet, layout: Layout) -> None:
    """Draw the table from ``layout.top`` on the current page, adding the pages it takes."""
    pdf.set_auto_page_break(False)
    pdf.set_line_width(0.2)
    y = layout.top
    for index, side in enumerate(layout.sides):
        if index:
            pdf.add_page()
            y = SHEET_TOP
        for placed in side:
            _row(pdf, layout, placed, y)
            y += placed.height
    pdf.set_auto_page_break(True, SHEET_BOTTOM)
    pdf.set_xy(SHEET_LEFT, y)


def _row(pdf: BallotSheet, layout: Layout, placed: Placed, y: float) -> None:
    size = placed.size
    line_h = size * PT * LEADING
    x, column = SHEET_LEFT, 0
    for cell, lines in zip(placed.cells, placed.lines, strict=True):
        width = sum(layout.widths[column:column + cell.span])
        column += cell.span
        if placed.fill is not None:
            pdf.set_fill_color(placed.fill)
        pdf.rect(x, y, width, placed.height,
                 style=RenderStyle.DF if placed.fill is not None else RenderStyle.D)
        if cell.text:
            pdf.set_font(SERIF, cell.style, size)
            text_y = y + (placed.height - len(lines) * line_h) / 2
            for number, line in enumerate(lines):
                pdf.set_xy(x + PAD_X, text_y + number * line_h)
                pdf.cell(width - 2 * PAD_X, line_h, line, align="L" if cell.left else "C")
        x += width
    pdf.set_fill_color(255)
