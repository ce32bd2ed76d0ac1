"""Text and numbers as the documents print them."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import lru_cache

import flask_babel
from babel import Locale
from babel.numbers import format_decimal
from flask_babel import get_locale


def printed(text: str | None) -> str:
    """User text as printed: NFC (decomposed Vietnamese has no shaping in PDF fonts), single
    spaces."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def number(value: Decimal) -> str:
    """A percentage as the user's language writes it: ``54,05`` in Vietnamese."""
    locale = get_locale()
    if locale is None:  # no request or app context: Flask-Babel's own default
        return str(flask_babel.format_decimal(value, format="#,##0.00"))
    return _number(value, locale)


@lru_cache(maxsize=4096)
def _number(value: Decimal, locale: Locale) -> str:
    # a document prints each of a few hundred values many times: the table, the bars, the notes
    return str(format_decimal(value, format="#,##0.00", locale=locale))


def signed(value: Decimal) -> str:
    """A change in percentage points with its sign: ``+5,20``, ``−1,00``, ``0,00``."""
    if value > 0:
        return "+" + number(value)
    if value < 0:
        return "−" + number(-value)
    return number(value)


def count_text(n: int | None, unit: str) -> str:
    """``"38 người"``, or a dash when the count is unknown."""
    return "—" if n is None else f"{n} {unit}"
