"""Card secrets: generation, normalisation, hashing and the QR link. Pure functions."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

import qrcode
from qrcode import base
from qrcode.image.svg import SvgPathImage

#: 32 symbols without the look-alikes 0/O and 1/I, so each symbol carries exactly 5 bits.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: 28 symbols x 5 bits = 140 bits of entropy (at least 128), in 7 groups of 4.
CODE_LENGTH = 28
#: Cards printed before codes grew to 28 symbols (100 bits) still vote: a code is looked up
#: by its hash, so the length only has to be one a card was printed with.
LENGTHS = (CODE_LENGTH, 20)
GROUP = 4
#: The QR mask pattern of every card (:func:`qr_matrix`).
MASK = 0


def new_code() -> str:
    """A fresh card code, grouped for typing: ``ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def new_seed() -> bytes:
    """The secret of one batch of cards (256 random bits): each card's code is derived from it
    and the card's serial (:func:`derived_code`), so the printed sheet can be drawn from the
    seed alone, which the officer's browser holds until the sheet is downloaded."""
    return secrets.token_bytes(32)


def derived_code(seed: bytes, serial: int) -> str:
    """The code of card ``serial`` of the batch ``seed``: HMAC-SHA256, 140 of its bits."""
    digest = hmac.new(seed, b"card:%d" % serial, hashlib.sha256).digest()
    bits = int.from_bytes(digest, "big") >> (256 - 5 * CODE_LENGTH)
    raw = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))
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
    """The QR modules of ``url`` (with its quiet zone), for drawing in any medium.

    The library lays the modules out; the codewords (the slow part in pure Python: 3 ms of a
    5 ms code) come from :func:`codewords`, the same bytes computed with lookup tables.
    """
    data = url.encode()
    qr = qrcode.QRCode(version=_version(len(data)),
                       error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(data, optimize=0)
    qr.data_cache = codewords(qr.version, data)
    # One fixed mask: choosing the "best" of the eight by the standard's penalty scores cost
    # 90% of the time (17 of 19 ms a code; 600 cards: 11 s); any mask decodes.
    qr.makeImpl(False, MASK)
    return qr.get_matrix()


@functools.cache
def _version(length: int) -> int:
    """The smallest version that holds ``length`` bytes at level M (every card of a batch has
    an address of the same length, so this is worked out once)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(b"x" * length, optimize=0)
    qr.best_fit()
    return int(qr.version)


# GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1, as log and antilog tables.
_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _i in range(255):
    _EXP[_i] = _value
    _LOG[_value] = _i
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


@functools.cache
def _generator(degree: int) -> tuple[int, ...]:
    """The Reed-Solomon generator polynomial of ``degree``, highest term first."""
    poly = [1]
    for i in range(degree):
        shifted = [0, *poly]  # poly times x, then plus poly times alpha^i
        poly = [a ^ (_EXP[_LOG[b] + i] if b else 0)
                for a, b in zip([*poly, 0], shifted, strict=True)]
    return tuple(poly)


def _ecc(data: list[int], degree: int) -> list[int]:
    generator = _generator(degree)[1:]
    remainder = [0] * degree
    for byte in data:
        factor = byte ^ remainder[0]
        remainder = remainder[1:] + [0]
        if factor:
            log = _LOG[factor]
            remainder = [r ^ _EXP[log + _LOG[g]] for r, g in zip(remainder, generator, strict=True)]
    return remainder


def codewords(version: int, data: bytes) -> list[int]:
    """The final codewords of ``data`` in byte mode at level M: data and error correction,
    split into the version's blocks and interleaved (ISO/IEC 18004, 7.4 to 7.6)."""
    blocks = base.rs_blocks(version, qrcode.constants.ERROR_CORRECT_M)
    capacity = sum(block.data_count for block in blocks)
    count_bits = 8 if version < 10 else 16
    bits, length = 0b0100, 4  # byte mode
    bits, length = (bits << count_bits) | len(data), length + count_bits
    bits, length = (bits << 8 * len(data)) | int.from_bytes(data, "big"), length + 8 * len(data)
    terminator = min(4, capacity * 8 - length)
    bits, length = bits << terminator, length + terminator
    bits, length = bits << (-length % 8), length + (-length % 8)
    stream = list(bits.to_bytes(length // 8, "big"))
    stream += [(0xEC, 0x11)[i % 2] for i in range(capacity - len(stream))]
    data_blocks, ecc_blocks, offset = [], [], 0
    for block in blocks:
        chunk = stream[offset : offset + block.data_count]
        offset += block.data_count
        data_blocks.append(chunk)
        ecc_blocks.append(_ecc(chunk, block.total_count - block.data_count))
    out: list[int] = []
    for group in (data_blocks, ecc_blocks):
        for i in range(max(len(b) for b in group)):
            out += [b[i] for b in group if i < len(b)]
    return out


def qr_svg(url: str) -> str:
    """``url`` as an inline SVG QR code (no Pillow needed)."""
    image = qrcode.make(
        url,
        image_factory=SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
    )
    return image.to_string(encoding="unicode")
