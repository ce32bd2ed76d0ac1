"""Text and numbers as the documents print them."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from flask_babel import format_decimal


def printed(text: str | None) -> str:
    """User text as printed: NFC (decomposed Vietnamese has no shaping in PDF fonts), single
    spaces."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def number(value: Decimal) -> str:
    """A percentage as the user's language writes it: ``54,05`` in Vietnamese."""
    return str(format_decimal(value, format="#,##0.00"))


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
