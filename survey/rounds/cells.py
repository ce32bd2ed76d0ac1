"""Reading cells of an uploaded sheet: the text of a CSV file, its records, and each cell
cleaned as the lists compare it (shared by every kind's list)."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata

#: Tried in this order; the one whose header row makes the most sense wins.
DELIMITERS = (",", ";", "\t")
#: Invisible characters that spreadsheets and web pages leave inside cells.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
#: Control characters (those that are not whitespace) are dropped too: no name has a use for
#: one, and PostgreSQL cannot store a NUL.
_INVISIBLE |= dict.fromkeys(c for c in [*range(0x20), 0x7F] if not chr(c).isspace())
#: 3, "3", "3." and "3.0" (a float written out by some tool) are all row 3.
_ORDER_NUMBER = re.compile(r"([0-9]+)(?:\.0*)?")

#: Non-blank rows only: ``(line, cells)`` with every cell already cleaned.
Rows = list[tuple[int, list[str]]]


def decode(data: bytes) -> str | None:
    """The text of a CSV file, or ``None`` if no expected encoding fits."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel "Unicode Text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8-sig", "cp1258", "cp1252"):  # legacy Vietnamese Windows, then Western
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def split(text: str, delimiter: str) -> Rows:
    """Non-blank CSV records with their 1-based record numbers (an Excel row per record).

    :raises csv.Error: on a record the csv module cannot read.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    return [
        (line, cells)
        for line, record in enumerate(reader, 1)
        if any(cells := [clean(value) for value in record])
    ]


def header_key(text: str) -> str:
    """``"  Họ, TÊN "`` -> ``"ho ten"``: no case, no diacritics, punctuation as spaces."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"\W+", " ", bare).split())


def clean(value: object) -> str:
    """A cell as NFC text with its whitespace collapsed; numbers without a spurious ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # NFC only: it also settles "Hòa"/"Hoà" written with composed or combining marks
    text = unicodedata.normalize("NFC", str(value).translate(_INVISIBLE))
    return " ".join(text.split())


def positive_int(text: str) -> int | None:
    match = _ORDER_NUMBER.fullmatch(text)
    if match is None or int(match[1]) == 0:
        return None
    return int(match[1])
