"""The A4 page every document of a round is printed on (fpdf2).

The look follows Vietnamese administrative documents (Decree 30/2020/NĐ-CP; Party documents
alike): 30 mm left margin, a centred bold title in capitals, justified paragraphs with an
indented first line, ruled tables whose heading repeats on every page. The face is DejaVu Serif,
bundled in ``survey/static/fonts``, which covers every Vietnamese letter; hashes are set in
DejaVu Sans Mono. Everything prints in black and white.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from fpdf.table import Table

from survey.i18n import _

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
SERIF, MONO = "DejaVuSerif", "DejaVuSansMono"

PAGE_W = 210.0
LEFT, RIGHT, TOP, BOTTOM = 30.0, 15.0, 20.0, 20.0
WIDTH = PAGE_W - LEFT - RIGHT  # 165 mm
#: One point in millimetres.
PT = 25.4 / 72

BODY_SIZE = 11.5
LEADING = 1.35  # line height, in multiples of the font size
TABLE_SIZE = 9.0
#: Light grey: a shaded row (a threshold band, a breach) is visible in black and white.
BAND_FILL = 225
HEADING_FILL = 238

#: A paragraph: ``(style, text)`` runs, the style ``""``, ``"B"`` or ``"I"``.
Runs = Sequence[tuple[str, str]]


class Document(FPDF):
    """An A4 page in the documents' style, with the helpers every document uses."""

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

    def paragraph(self, runs: Runs, *, indent: float = 10.0, align: str = "J",
                  size: float = BODY_SIZE, after: float = 1.2, left: float = 0.0) -> None:
        """A paragraph of ``(style, text)`` runs, justified, first line indented."""
        with self.text_columns(text_align=align, line_height=LEADING,
                               l_margin=LEFT + left) as columns:
            with columns.paragraph(first_line_indent=indent, bottom_margin=after) as par:
                for style, text in runs:
                    self.font(style, size)
                    par.write(text)
        self.font("", size)

    def bullet(self, runs: Runs) -> None:
        """A paragraph led by a dash, as the minutes list their figures."""
        self.paragraph([("", "- "), *runs], indent=10.0, after=0.6)

    def heading(self, text: str) -> None:
        self.ensure(self.line_h() * 4)
        self.ln(1.5)
        self.paragraph([("B", text)], indent=10.0, after=1.0)

    def title_block(self, title: str, subtitle: str) -> None:
        """The document's title in capitals, and under it what it is about."""
        self.centred(title, "B", 14.5)
        self.ln(0.5)
        self.centred(subtitle, "B", 12.5, WIDTH - 20, LEFT + 10)
        self.ln(4)

    def hash_line(self, value: str) -> None:
        """A fingerprint on a line of its own, in the monospaced face."""
        self.set_font(MONO, "", 8.5)
        self.set_x(LEFT + 10)
        self.cell(WIDTH - 10, 8.5 * PT * 1.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)
        self.font()

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit below the current position."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()


def fit_size(pdf: Document, text: str, style: str, size: float, width: float) -> float:
    """The largest size, down from ``size``, at which ``text`` fits ``width`` on one line."""
    room = width - 2 * pdf.c_margin - 0.5
    pdf.font(style, size)
    while size > 8 and pdf.get_string_width(text) > room:
        size -= 0.25
        pdf.font(style, size)
    return size


def wrapped(pdf: Document, text: str, style: str, size: float, width: float) -> list[str]:
    """``text`` as the lines it takes in ``width`` mm."""
    pdf.font(style, size)
    # fpdf2 types the result as any output's (its annotation has no overload per output)
    lines: list[str] = pdf.multi_cell(width, 5, text, dry_run=True, output="LINES")  # type: ignore[assignment]
    return lines


def ellipsis(pdf: Document, text: str, width: float) -> str:
    """``text``, cut with "…" if it does not fit ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip(" ,–") + "…"


@contextmanager
def table(pdf: Document, widths: Sequence[float], *, size: float = TABLE_SIZE,
          heading_size: float = 8.5, heading_rows: int = 1,
          padding: tuple[float, float] = (0.9, 1.0), **options: Any) -> Iterator[Table]:
    """A ruled table in the documents' style: the heading rows shaded and repeated on each
    page, cells centred unless a row says otherwise."""
    pdf.font("", size)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        num_heading_rows=heading_rows,
        repeat_headings=1,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL, size_pt=heading_size),
        text_align="CENTER",
        v_align="MIDDLE",
        line_height=size * PT * 1.25,
        padding=padding,
        **options,
    ) as made:
        yield made
    pdf.font()


def ruled_table(pdf: Document, widths: Sequence[float], heading: Sequence[str],
                rows: Sequence[tuple[Sequence[str], bool]]) -> None:
    """A table of text rows under one heading row; a ``True`` row is shaded, and its second
    column (the name) is bold in every row."""
    bold = FontFace(emphasis="BOLD")
    with table(pdf, widths) as made:
        row = made.row()
        for text in heading:
            row.cell(text)
        for cells, shaded in rows:
            row = made.row()
            style = FontFace(fill_color=BAND_FILL if shaded else None)
            for index, text in enumerate(cells):
                row.cell(text, align="LEFT" if index == 1 else "CENTER",
                         style=bold.replace(fill_color=style.fill_color) if index == 1
                         else style)


__all__ = [
    "BAND_FILL", "BODY_SIZE", "Document", "HEADING_FILL", "LEFT", "MONO", "PT", "SERIF",
    "TABLE_SIZE", "WIDTH", "ellipsis", "fit_size", "ruled_table", "table", "wrapped",
]
