"""CSV as the app writes it: UTF-8 text, CRLF line ends, every cell safe to open in a
spreadsheet (the caller adds a BOM for Excel)."""

from __future__ import annotations

import csv
import io
import re
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


#: The separators a download offers: ``comma`` (a decimal point, the default: what
#: docs/formats.md describes) and ``semicolon`` (a decimal comma: what Excel expects under the
#: Vietnamese regional settings of Windows).
SEPARATORS = ("comma", "semicolon")

_DECIMAL = re.compile(r"-?\d+\.\d+")


def with_separator(text: str, separator: str) -> str:
    """CSV ``text`` (as :func:`csv_text` writes it) for ``separator``: for ``semicolon``,
    cells separated by ";" and every decimal number written with a decimal comma ("54,05");
    text cells, their formula protection included, are kept as they are."""
    if separator == "comma":
        return text
    if separator != "semicolon":
        raise ValueError(separator)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([value.replace(".", ",") if _DECIMAL.fullmatch(value) else value
                         for value in row])
    return out.getvalue()


__all__ = ["FORMULA_START", "SEPARATORS", "cell", "csv_text", "with_separator"]
