"""The A4 page every document of a round is printed on (fpdf2).

The look follows Vietnamese administrative documents (Decree 30/2020/NĐ-CP; Party documents
alike): 30 mm left margin, a centred bold title in capitals, justified paragraphs with an
indented first line, ruled tables whose heading repeats on every page. The face is Liberation
Serif, metric-compatible with Times New Roman (the face official documents are set in), bundled in
``survey/static/fonts`` with its licence and covering every Vietnamese letter; DejaVu Serif stands
in only for a character it lacks. Hashes are set in DejaVu Sans Mono. Everything prints in black
and white.
"""

from __future__ import annotations

import copy
import io
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import PDFResourceType, XPos, YPos
from fpdf.fonts import FontFace, SubsetMap, TTFFont
from fpdf.table import Table

from survey.i18n import _

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
SERIF, MONO = "LiberationSerif", "DejaVuSansMono"
#: The face used for a character the serif lacks (a symbol, a rare letter).
FALLBACK = "DejaVuSerif"

PAGE_W = 210.0
LEFT, RIGHT, TOP, BOTTOM = 30.0, 15.0, 20.0, 20.0
WIDTH = PAGE_W - LEFT - RIGHT  # 165 mm
#: One point in millimetres.
PT = 25.4 / 72

BODY_SIZE = 11.5
LEADING = 1.35  # line height, in multiples of the font size
TABLE_SIZE = 9.0
#: Every face a document may use: ``(family, style, file)``.
FACES = (
    (SERIF, "", "LiberationSerif-Regular.ttf"),
    (SERIF, "B", "LiberationSerif-Bold.ttf"),
    (SERIF, "I", "LiberationSerif-Italic.ttf"),
    (SERIF, "BI", "LiberationSerif-BoldItalic.ttf"),
    (FALLBACK, "", "DejaVuSerif.ttf"),
    (FALLBACK, "B", "DejaVuSerif-Bold.ttf"),
    (FALLBACK, "I", "DejaVuSerif-Italic.ttf"),
    (MONO, "", "DejaVuSansMono.ttf"),
)
#: The faces parsed once per process (:meth:`Document._add_face`).
_PARSED: dict[str, tuple[TTFFont, bytes]] = {}
_PARSED_LOCK = threading.Lock()

#: Light grey: a shaded row (a threshold band, a breach) is visible in black and white.
BAND_FILL = 225
HEADING_FILL = 238

#: A paragraph: ``(style, text)`` runs, the style ``""``, ``"B"`` or ``"I"``.
Runs = Sequence[tuple[str, str]]


class Document(FPDF):
    """An A4 page in the documents' style, with the helpers every document uses."""

    def __init__(self, *, title: str, subject: str, author: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for family, style, file in FACES:
            self._add_face(family, style, FONT_DIR / file)
        self.set_fallback_fonts([FALLBACK], exact_match=False)
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

    def _add_face(self, family: str, style: str, path: Path) -> None:
        """``add_font``, with the font file parsed once per process: each document gets a
        copy with its own glyph subset and its own file handle (the subset is cut from it when
        the document is written)."""
        key = f"{family.lower()}{style}"
        with _PARSED_LOCK:
            if key not in _PARSED:
                _PARSED[key] = (TTFFont(self, path, key, style), path.read_bytes())
            template, data = _PARSED[key]
        font = copy.copy(template)
        font.i = len(self.fonts) + 1
        # fontTools' TTFont, read lazily from bytes as fpdf2 reads it from the file
        font.ttfont = type(template.ttfont)(io.BytesIO(data), recalcTimestamp=False, lazy=True)
        font.glyph_ids = dict(template.glyph_ids)
        font.missing_glyphs = []
        font._hbfont = None
        font.subset = SubsetMap(font)
        self.fonts[key] = font

    def finished(self) -> bytes:
        """The document's bytes, without the faces no page uses (the fallback, most of the
        time): writing the file would cut and embed a subset of each."""
        used = {str(index) for page in range(1, self.pages_count + 1)
                for index in self._resource_catalog.get_resources_per_page(
                    page, PDFResourceType.FONT)}
        footer = SERIF.lower()  # the page numbers are set when the file is written
        for key, font in list(self.fonts.items()):
            if str(font.i) not in used and key != footer:
                del self.fonts[key]
        return bytes(self.output())

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


def fitted_widths(pdf: Document, widths: Sequence[float], columns: Mapping[int, Iterable[str]],
                  headings: Mapping[int, str] | None = None, *, flexible: int = 1,
                  size: float = TABLE_SIZE, heading_size: float = 8.5,
                  padding: float = 1.0) -> list[float]:
    """Column widths that come from the content: each column of ``columns`` as wide as its
    widest text on one line (set bold, the worst case; each line of a cell measured apart) and
    as the longest word of its heading in ``headings``, so that no figure ever breaks across
    lines; the ``flexible`` column (the names) gets what the others leave of ``sum(widths)``.
    The other columns keep their width from ``widths``."""
    out = list(widths)
    room = 2 * padding + 2 * pdf.c_margin + 0.8  # the cell's padding and a hair of slack
    for index, texts in columns.items():
        pdf.font("B", size)
        needed = max((pdf.get_string_width(line) for text in texts
                      for line in text.split("\n")), default=0.0)
        if headings and headings.get(index):
            pdf.font("B", heading_size)
            needed = max(needed, *(pdf.get_string_width(word)
                                   for word in headings[index].split()))
        out[index] = round(needed + room, 2)
    out[flexible] = 0.0
    out[flexible] = sum(widths) - sum(out)
    pdf.font()
    return out


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
                rows: Sequence[tuple[Sequence[str], bool]], *, figures: Iterable[int] = ()) -> None:
    """A table of text rows under one heading row; a ``True`` row is shaded, and its second
    column (the name) is bold in every row. The ``figures`` columns are as wide as their
    content on one line (:func:`fitted_widths`); the name column takes the difference."""
    bold = FontFace(emphasis="BOLD")
    fitted = list(figures)
    if fitted:
        widths = fitted_widths(pdf, widths, {i: [cells[i] for cells, _s in rows] for i in fitted},
                               {i: heading[i] for i in fitted})
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
    "TABLE_SIZE", "WIDTH", "ellipsis", "fit_size", "fitted_widths", "ruled_table", "table",
    "wrapped",
]
