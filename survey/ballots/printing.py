"""The printable sheet of voting cards: an A4 PDF, eight cards a page, QR codes drawn as vectors.

The card codes exist only in this output (the server keeps their hashes), so this module only
renders what it is given and never stores or logs anything.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from fpdf import FPDF

from survey.ballots.cards import qr_matrix
from survey.ballots.fitting import fit_title, wrap

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"

# Sheet geometry, in millimetres. The page margin keeps every card inside the printable area
# of office printers (4-5 mm is unprintable on most), and the cards tile the rest exactly.
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 10.0
COLS, ROWS = 2, 4
PER_PAGE = COLS * ROWS
CARD_W = (PAGE_W - 2 * MARGIN) / COLS  # 95 mm
CARD_H = (PAGE_H - 2 * MARGIN) / ROWS  # 69.25 mm
PAD = 5.0

# The QR box includes the 4-module quiet zone; a version 3-5 symbol inside it is 31-33 mm wide.
QR_BOX = 40.0
QR_LEFT = 1.0  # the quiet zone is white anyway, so it may lie in the card's padding
QR_TOP = 17.0
COLUMN_LEFT = QR_LEFT + QR_BOX + 1.5  # the text column right of the QR code
CODE_BASELINE = 62.5
NOTES_GAP = 1.5  # between the serial (or the holder's name) and the instructions
# Crop marks: solid ticks in the page margin on the line of every cut, and a small cross at
# every corner shared by cards, so that a guillotine can be set without the dashed lines.
CROP_FROM, CROP_TO = 1.5, 6.0  # mm outside the cards' edge
CROP_ARM = 2.5  # mm, each arm of a corner's cross
FOOTER_LEFT = MARGIN + 8.0  # clear of the crop mark below the middle cut

PT = 25.4 / 72  # one point in millimetres
_DARK_RUN = re.compile(b"\x01+")  # dark modules, in ``bytes(row)`` of a QR matrix

SANS, MONO = "DejaVuSans", "DejaVuSansMono"
GREY, CUT_GREY = 85, 165


@dataclass(frozen=True)
class PrintedCard:
    """One card as printed: the only place where its code appears in clear."""

    serial: int
    #: the code in its typed form, ``ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345``
    code: str
    #: the QR content, ``http://192.168.1.10:8000/v#ABCD-EFGH-JKLM-NPQR-STUV``
    url: str
    #: named cards: the member's full name, printed on the card
    holder: str | None = None


def cards_pdf(*, title: str, body: str, vote_address: str, cards: Sequence[PrintedCard],
              progress: Callable[[int], object] | None = None) -> bytes:
    """The A4 sheets for ``cards``, in the given order, eight to a page.

    :param title: the round's title, printed on every card (at most two lines).
    :param body: the organising body, printed above the title; may be empty.
    :param vote_address: the address to type by hand when the QR code cannot be scanned.
    :param progress: called with the number of cards drawn after each page.
    :raises ValueError: if ``cards`` is empty.
    """
    if not cards:
        raise ValueError("no cards to print")
    title, body = _clean(title), _clean(body)
    sheet = _Sheet(title=title, body=body, vote_address=_clean(vote_address))
    pages = math.ceil(len(cards) / PER_PAGE)
    for page in range(pages):
        chunk = cards[page * PER_PAGE : (page + 1) * PER_PAGE]
        sheet.add_page(chunk, page=page + 1, pages=pages)
        if progress is not None:
            progress(len(chunk))
    return bytes(sheet.pdf.output())


def _clean(text: str) -> str:
    """One line of NFC text: decomposed Vietnamese (from some keyboards) has no shaping here."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class _Sheet:
    """The PDF being built, with what every card shares laid out once."""

    def __init__(self, *, title: str, body: str, vote_address: str) -> None:
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.add_font(SANS, "", FONT_DIR / "DejaVuSans.ttf")
        pdf.add_font(SANS, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        pdf.add_font(MONO, "", FONT_DIR / "DejaVuSansMono.ttf")
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.set_title(title)
        if body:
            pdf.set_author(body)
        pdf.set_subject(_("Thẻ biểu quyết"))
        pdf.set_creator("survey")
        pdf.set_lang("vi")
        self.pdf = pdf
        inner = CARD_W - 2 * PAD
        column = CARD_W - PAD - COLUMN_LEFT

        # Shared by every card, so wrapped once.
        pdf.set_font(SANS, "", 6.5)
        self.body_line = wrap(pdf, body.upper(), inner, 1)[0] if body else ""
        self.title_size, self.title_lines = fit_title(pdf, title, inner)
        self.column = column
        self.instruction = _(
            "Quét mã QR bằng điện thoại, hoặc mở %(address)s và nhập mã.", address=vote_address
        )
        self.warning = _("Mỗi thẻ chỉ bỏ phiếu được một lần. Không để người khác xem thẻ.")
        self.holder_label = _("Họ và tên:")
        self.code_label = _("Mã thẻ:")
        pdf.set_font(SANS, "", 8)
        self.code_label_w = pdf.get_string_width(self.code_label)
        self._notes: dict[float, tuple[float, list[tuple[str, str]]]] = {}
        self._code_sizes: dict[int, float] = {}

    def add_page(self, cards: Sequence[PrintedCard], *, page: int, pages: int) -> None:
        pdf = self.pdf
        pdf.add_page()
        for index, card in enumerate(cards):
            row, col = divmod(index, COLS)
            self._card(card, MARGIN + col * CARD_W, MARGIN + row * CARD_H)
        self._cut_lines(len(cards))
        self._crop_marks(len(cards))
        pdf.set_font(SANS, "", 6.5)
        pdf.set_text_color(GREY)
        footer = _(
            "Trang %(page)s/%(pages)s (thẻ số %(first)s–%(last)s)",
            page=page,
            pages=pages,
            first=cards[0].serial,
            last=cards[-1].serial,
        )
        pdf.text(FOOTER_LEFT, PAGE_H - MARGIN + 5, footer)

    def _card(self, card: PrintedCard, x: float, y: float) -> None:
        pdf = self.pdf
        left = x + PAD

        # Header: organising body and round title, across the card.
        baseline = y + PAD + 1.8
        if self.body_line:
            pdf.set_font(SANS, "", 6.5)
            pdf.set_text_color(GREY)
            pdf.text(left, baseline, self.body_line)
            baseline += 4.2
        else:
            baseline += 2.0
        pdf.set_font(SANS, "B", self.title_size)
        pdf.set_text_color(0)
        for line in self.title_lines:
            pdf.text(left, baseline, line)
            baseline += self.title_size * PT * 1.2

        self._qr(qr_matrix(card.url), x + QR_LEFT, y + QR_TOP)

        # Text column right of the QR code: serial, holder, then the instructions at the bottom.
        cx = x + COLUMN_LEFT
        pdf.set_font(SANS, "B", 16)
        pdf.set_text_color(0)
        pdf.text(cx, y + QR_TOP + 4.6, _("Thẻ số %(serial)s", serial=card.serial))
        top = y + QR_TOP + 7.0  # below the serial's baseline
        holder = _clean(card.holder or "")
        if holder:
            pdf.set_font(SANS, "", 7)
            pdf.set_text_color(GREY)
            pdf.text(cx, y + QR_TOP + 10.0, self.holder_label)
            pdf.set_text_color(0)
            size, name_lines = self._holder_lines(holder)
            leading = size * PT * 1.15
            baseline = y + QR_TOP + 10.2 + leading
            for line in name_lines:
                pdf.text(cx, baseline, line)
                baseline += leading
            top = baseline - leading + 2.6  # below the name's descenders
        # The instructions follow at once (no gap to fill), at the largest size that fits
        # above the QR code's bottom edge.
        size, lines = self._notes_for(y + QR_TOP + QR_BOX - 1.0 - top)
        leading = size * PT * 1.3
        baseline = top + NOTES_GAP + size * PT * 0.75
        pdf.set_text_color(0)
        for style, line in lines:
            pdf.set_font(SANS, style, size)
            pdf.text(cx, baseline, line)
            baseline += leading

        # The code to type, under the QR code, in a monospaced face that tells 8 from B.
        pdf.set_font(SANS, "", 8)
        pdf.set_text_color(GREY)
        pdf.text(left, y + CODE_BASELINE, self.code_label)
        pdf.set_text_color(0)
        self._fit_code(card.code, CARD_W - 2 * PAD - self.code_label_w - 2.0)
        pdf.text(left + self.code_label_w + 2.0, y + CODE_BASELINE, card.code)

    def _fit_code(self, code: str, width: float) -> None:
        """The monospaced face at 12 pt, or smaller until ``code`` fits in ``width``: a code of
        28 symbols in 7 groups is wider than one of 20. Every character of a monospaced face
        has the same width, so the size is worked out once per length of code."""
        if (size := self._code_sizes.get(len(code))) is None:
            size = 12.0
            self.pdf.set_font(MONO, "", size)
            while size > 8.0 and self.pdf.get_string_width(code) > width:
                size -= 0.5
                self.pdf.set_font(MONO, "", size)
            self._code_sizes[len(code)] = size
        self.pdf.set_font(MONO, "", size)

    def _holder_lines(self, holder: str) -> tuple[float, list[str]]:
        """A name is never cut if it fits in two lines at 8 pt; the font is left set."""
        pdf = self.pdf
        for size in (10.0, 9.0, 8.0):
            pdf.set_font(SANS, "B", size)
            lines = wrap(pdf, holder, self.column, 3)
            if len(lines) <= 2:
                return size, lines
        return size, lines

    def _notes_for(self, height: float) -> tuple[float, list[tuple[str, str]]]:
        """The instructions at the largest size (7.5 pt down to 6 pt) that fits ``height`` mm."""
        key = round(height, 2)
        if key not in self._notes:
            self._notes[key] = self._fit_notes(height)
        return self._notes[key]

    def _fit_notes(self, height: float) -> tuple[float, list[tuple[str, str]]]:
        pdf = self.pdf
        height -= NOTES_GAP
        for size in (8.0, 7.5, 7.0, 6.5, 6.0):
            leading = size * PT * 1.3
            fits = int((height - size * PT * 0.75) // leading) + 1  # first line: its cap height
            lines: list[tuple[str, str]] = []
            for style, text in (("", self.instruction), ("B", self.warning)):
                pdf.set_font(SANS, style, size)
                lines += [(style, line) for line in wrap(pdf, text, self.column, 99)]
            if len(lines) <= fits or size == 6.0:
                if len(lines) > fits:
                    # An absurdly long address: keep the warning, shorten the instruction.
                    pdf.set_font(SANS, "", size)
                    warning = [line for line in lines if line[0] == "B"]
                    room = max(fits - len(warning), 1)
                    instruction = wrap(pdf, self.instruction, self.column, room)
                    lines = [("", line) for line in instruction] + warning
                return size, lines
        raise AssertionError("unreachable")

    def _qr(self, matrix: list[list[bool]], x: float, y: float) -> None:
        """``matrix`` as filled squares in a ``QR_BOX`` square; its quiet zone stays white.

        Dark modules are merged into horizontal runs, and runs repeated on the next row into one
        rectangle, all filled as one path: drawing them one ``rect`` at a time cost 2 s for 600
        cards.
        """
        pdf = self.pdf
        k = pdf.k
        scale = QR_BOX / len(matrix) * k  # one module, in points
        # a coordinate system of modules, from the box's top left corner, y downwards
        ops = [f"q {scale:.4f} 0 0 {-scale:.4f} {x * k:.3f} {(pdf.h - y) * k:.3f} cm"]
        open_runs: dict[tuple[int, int], int] = {}  # (start, end) -> first row
        for r, row in enumerate([*matrix, []]):
            runs = {m.span() for m in _DARK_RUN.finditer(bytes(row))}
            for run in [run for run in open_runs if run not in runs]:
                first = open_runs.pop(run)
                ops.append(f"{run[0]} {first} {run[1] - run[0]} {r - first} re")
            for run in runs:
                open_runs.setdefault(run, r)
        pdf.set_fill_color(0)
        # fpdf2 has no public call for a path of many rectangles; _out appends raw operators
        # to the page, as its own rect() does one rectangle at a time.
        pdf._out("\n".join([*ops, "f Q"]))

    def _cut_lines(self, count: int) -> None:
        """Light dashed lines around and between the ``count`` cards on this page."""
        pdf = self.pdf
        pdf.set_draw_color(CUT_GREY)
        pdf.set_line_width(0.2)
        pdf.set_dash_pattern(dash=2.0, gap=1.5)
        rows = math.ceil(count / COLS)
        in_last_row = count - (rows - 1) * COLS
        for r in range(rows + 1):
            width = COLS if r < rows else in_last_row
            y = MARGIN + r * CARD_H
            pdf.line(MARGIN, y, MARGIN + width * CARD_W, y)
        for c in range(COLS + 1):
            height = rows if c <= in_last_row else rows - 1
            x = MARGIN + c * CARD_W
            pdf.line(x, MARGIN, x, MARGIN + height * CARD_H)
        pdf.set_dash_pattern()


    def _crop_marks(self, count: int) -> None:
        """Solid marks where the cuts meet the page margin, and a cross at each inner corner."""
        pdf = self.pdf
        pdf.set_draw_color(0)
        pdf.set_line_width(0.15)
        rows = math.ceil(count / COLS)
        in_last_row = count - (rows - 1) * COLS
        right, bottom = MARGIN + COLS * CARD_W, MARGIN + rows * CARD_H
        for c in range(COLS + 1):
            x = MARGIN + c * CARD_W
            pdf.line(x, MARGIN - CROP_TO, x, MARGIN - CROP_FROM)
            low = bottom if c <= in_last_row else bottom - CARD_H
            pdf.line(x, low + CROP_FROM, x, low + CROP_TO)
        for r in range(rows + 1):
            y = MARGIN + r * CARD_H
            width = COLS if r < rows else in_last_row
            pdf.line(MARGIN - CROP_TO, y, MARGIN - CROP_FROM, y)
            edge = MARGIN + width * CARD_W if r == rows else right
            pdf.line(edge + CROP_FROM, y, edge + CROP_TO, y)
        for r in range(1, rows):
            for c in range(1, COLS):
                x, y = MARGIN + c * CARD_W, MARGIN + r * CARD_H
                pdf.line(x - CROP_ARM, y, x + CROP_ARM, y)
                pdf.line(x, y - CROP_ARM, x, y + CROP_ARM)
