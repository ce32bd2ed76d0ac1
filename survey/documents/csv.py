"""CSV as the app writes it: UTF-8 text, CRLF line ends, every cell safe to open in a
spreadsheet (the caller adds a BOM for Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

#: What a spreadsheet takes for the start of a formula (CSV injection): a name typed by a voter
#: or an organizer must stay text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A CSV cell: ``None`` as empty, and text that a spreadsheet would run as a formula
    (``=HYPERLINK(…)``) with a leading apostrophe, as Excel itself writes it."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """``rows`` as CSV text, each cell made safe by :func:`cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


__all__ = ["FORMULA_START", "cell", "csv_text"]
