"""Workbooks of a round's results (openpyxl): a results sheet a kind fills, and a facts sheet.

Counts and percentages are stored as numbers, so that Excel shows them with the reader's
decimal separator and can sum them; a row in a band (or a breach) is shaded and its name bold.
Every text is stored as text, never as a formula (:func:`keep_text`): the app writes no formula.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from survey.documents.csv import FORMULA_START
from survey.i18n import _

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADING_FILL = PatternFill("solid", fgColor="E6E6E6")
BAND_FILL = PatternFill("solid", fgColor="F2D0D0")
BOLD = Font(bold=True)
PERCENT_FORMAT = "0.00"
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)

#: The row of a results sheet's column heading, under the title, the body and a note.
HEAD_ROW = 4

#: A row of the facts sheet: ``(label, value)``, or ``(label, value, flagged)``.
Fact = tuple[str, object] | tuple[str, object, bool]


def text(value: str | None) -> str:
    """User text as a cell holds it: NFC."""
    return unicodedata.normalize("NFC", value or "")


def workbook(title: str, results: Callable[[Worksheet], None], facts: Sequence[Fact]) -> bytes:
    """A workbook of two sheets: "Kết quả", drawn by ``results``, and "Thông tin đợt", the
    round's ``facts``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Kết quả")
    results(sheet)
    write_facts(book.create_sheet(_("Thông tin đợt")), facts)
    keep_text(book)
    book.properties.title = text(title)
    book.properties.creator = "survey"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def keep_text(book: Workbook) -> None:
    """Make every text cell of ``book`` a text cell.

    openpyxl stores a string that starts with ``=`` as a formula (and ``#N/A`` and the like as
    an error), so a name typed by a voter or an organizer (``=HYPERLINK(…)``) would run when the
    workbook is opened. Each such cell is set back to text; a text that Excel would read as a
    formula once the cell is edited (``=``, ``+``, ``-``, ``@``) also gets Excel's quote prefix,
    as Excel itself marks text typed after an apostrophe.
    """
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if cell.value.startswith(FORMULA_START):
                        cell.quotePrefix = True


def style_heading(sheet: Worksheet, row: int, width: int, height: int = 45) -> None:
    """The column heading of a results sheet: bold, shaded, ruled, wrapped."""
    for column in range(1, width + 1):
        cell = sheet.cell(row, column)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADING_FILL, BORDER, CENTRE
    sheet.row_dimensions[row].height = height


def top(sheet: Worksheet, title: str, body: str, note: str, header: Sequence[str]) -> None:
    """Title, body and a note on one line each, then the heading row (:data:`HEAD_ROW`)."""
    width = len(header)
    sheet.append([text(title)])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([text(body)])
    sheet.append([note])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    sheet.append(list(header))
    style_heading(sheet, HEAD_ROW, width)


def row(sheet: Worksheet, values: Sequence[object], *, shaded: bool,
        percent_columns: Sequence[int] = (), bold_column: int = 2) -> None:
    """One ruled row; percentages shown with two decimals; a shaded row's name in bold."""
    sheet.append(list(values))
    index = sheet.max_row
    for column in range(1, len(values) + 1):
        cell = sheet.cell(index, column)
        cell.border = BORDER
        cell.alignment = WRAP
        if shaded:
            cell.fill = BAND_FILL
    for column in percent_columns:
        sheet.cell(index, column).number_format = PERCENT_FORMAT
    if shaded:
        sheet.cell(index, bold_column).font = BOLD


def lay_out_table(sheet: Worksheet, widths: Sequence[int], *, columns: int,
                  head_row: int = HEAD_ROW, freeze_column: int = 3) -> None:
    """A results sheet's layout: column widths, the header row frozen, filtered and repeated on
    every printed page, landscape A4 fitted to the page's width."""
    for column, value in enumerate(widths[:columns], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = value
    sheet.freeze_panes = sheet.cell(head_row + 1, freeze_column)
    last = max(sheet.max_row, head_row + 1)
    sheet.auto_filter.ref = f"A{head_row}:{get_column_letter(columns)}{last}"
    sheet.print_title_rows = f"{head_row}:{head_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def write_facts(sheet: Worksheet, rows: Sequence[Fact]) -> None:
    """The facts sheet: a bold label and its value per row, dates formatted as dates.

    A row may carry a third item, ``flagged``: its text is shaded (a breach), its number shown
    as a percentage.
    """
    sheet.append([_("Thông tin"), _("Giá trị")])
    for column in (1, 2):
        cell = sheet.cell(1, column)
        cell.font, cell.fill, cell.border = BOLD, HEADING_FILL, BORDER
    for label, value, *flag in rows:
        flagged = bool(flag and flag[0])
        sheet.append([label, value])
        index = sheet.max_row
        sheet.cell(index, 1).font = BOLD
        for column in (1, 2):
            cell = sheet.cell(index, column)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True,
                                       horizontal="left")
            if flagged and isinstance(value, str):
                cell.fill = BAND_FILL
        if isinstance(value, datetime):
            sheet.cell(index, 2).number_format = "dd/mm/yyyy hh:mm"
        elif isinstance(value, date):
            sheet.cell(index, 2).number_format = "dd/mm/yyyy"
        elif flagged:
            sheet.cell(index, 2).number_format = PERCENT_FORMAT
    sheet.column_dimensions["A"].width = 46
    sheet.column_dimensions["B"].width = 70


__all__ = [
    "BAND_FILL", "BOLD", "BORDER", "CENTRE", "HEADING_FILL", "HEAD_ROW", "PERCENT_FORMAT",
    "WRAP", "Fact", "keep_text", "lay_out_table", "row", "style_heading", "text", "top",
    "workbook", "write_facts",
]
