"""Card secrets: generation, normalisation, hashing and the QR link. Pure functions."""

from __future__ import annotations

import hashlib
import secrets

import qrcode
from qrcode.image.svg import SvgPathImage

#: 32 symbols without the look-alikes 0/O and 1/I, so each symbol carries exactly 5 bits.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: 28 symbols x 5 bits = 140 bits of entropy (at least 128), in 7 groups of 4.
CODE_LENGTH = 28
#: Cards printed before codes grew to 28 symbols (100 bits) still vote: a code is looked up
#: by its hash, so the length only has to be one a card was printed with.
LENGTHS = (CODE_LENGTH, 20)
GROUP = 4


def new_code() -> str:
    """A fresh card code, grouped for typing: ``ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalize_code(text: str) -> str | None:
    """The canonical form of a typed or scanned code, or ``None`` if it cannot be one.

    Case, spaces and dashes are ignored so that a code read aloud and typed on a phone works.
    """
    raw = "".join(ch for ch in text.upper() if ch not in " -\t\r\n")
    if len(raw) not in LENGTHS or any(ch not in ALPHABET for ch in raw):
        return None
    return format_code(raw)


def hash_code(code: str) -> str:
    """SHA-256 (hex) of the canonical code: the only form in which a code is stored."""
    canonical = normalize_code(code)
    if canonical is None:
        raise ValueError("not a card code")
    return hashlib.sha256(canonical.replace("-", "").encode("ascii")).hexdigest()


def card_url(base_url: str, code: str) -> str:
    """The link in the QR code: the code rides in the fragment, which browsers never send."""
    return f"{base_url.rstrip('/')}/v#{code}"


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR modules of ``url`` (with its quiet zone), for drawing in any medium."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.get_matrix()


def qr_svg(url: str) -> str:
    """``url`` as an inline SVG QR code (no Pillow needed)."""
    image = qrcode.make(
        url,
        image_factory=SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
    )
    return image.to_string(encoding="unicode")
