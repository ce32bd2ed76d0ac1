"""The printed card's layout read back from the PDF: text positions (pypdf's text visitor) and
the drawn marks (its content stream), and the QR codewords against the library's own."""

from __future__ import annotations

import io
import random

import pypdf
import pytest
import qrcode
from pypdf.generic import ContentStream
from qrcode import util

from survey.ballots.cards import card_url, codewords, new_code
from survey.ballots.printing import (
    CARD_H,
    CARD_W,
    COLS,
    MARGIN,
    PAD,
    PAGE_H,
    PrintedCard,
    cards_pdf,
)

PT = 72 / 25.4  # points in a millimetre
ADDRESS = "http://192.168.1.10:8000/v"
TITLES = [
    "Lấy phiếu tín nhiệm",
    "Lấy phiếu tín nhiệm giữa nhiệm kỳ đối với Ủy viên Ban Thường vụ",
    "Lấy phiếu tín nhiệm giữa nhiệm kỳ đối với Ủy viên Ban Thường vụ Thành ủy Hà Nội khóa",
    "Lấy phiếu tín nhiệm giữa nhiệm kỳ đối với người giữ chức vụ do Quốc hội bầu",
]


def make_cards(n: int, holders: dict[int, str] | None = None) -> list[PrintedCard]:
    holders = holders or {}
    return [PrintedCard(s, code, card_url(ADDRESS[:-2], code), holders.get(s))
            for s in range(1, n + 1) for code in [new_code()]]


def text_runs(pdf: bytes, page: int = 0) -> list[tuple[str, float, float, float]]:
    """``(text, x mm, y mm from the top, font size pt)`` of every text run shown on ``page``."""
    runs: list[tuple[str, float, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            runs.append((text.strip(), x / PT, PAGE_H - y / PT, font_size * tm[0]))

    pypdf.PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return runs


def segments(pdf: bytes, page: int = 0) -> list[tuple[float, float, float, float]]:
    """Every straight line drawn (``m`` then ``l``), in mm from the top left corner."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    content = ContentStream(reader.pages[page].get_contents(), reader)
    found, start = [], None
    for operands, operator in content.operations:
        if operator == b"m":
            start = [float(v) / PT for v in operands]
        elif operator == b"l" and start is not None:
            end = [float(v) / PT for v in operands]
            found.append((start[0], PAGE_H - start[1], end[0], PAGE_H - end[1]))
            start = None
    return found


def card_of(x: float, y: float) -> tuple[int, int]:
    return int((x - MARGIN) // CARD_W), int((y - MARGIN) // CARD_H)


@pytest.mark.parametrize("holder", [None, "Nguyễn Thị Minh Khai"])
def test_the_instructions_follow_the_serial_without_a_gap(holder):
    pdf = cards_pdf(title=TITLES[1], body="Thành ủy", vote_address=ADDRESS,
                    cards=make_cards(8, {n: holder for n in range(1, 9)} if holder else None))
    runs = text_runs(pdf)
    serials = [(x, y) for text, x, y, _ in runs if text.startswith("Thẻ số")]
    notes = [(x, y) for text, x, y, _ in runs if text.startswith("Quét mã QR")]
    assert len(serials) == len(notes) == 8
    for (sx, sy), (nx, ny) in zip(serials, notes, strict=True):
        assert card_of(sx, sy) == card_of(nx, ny) and nx == pytest.approx(sx, abs=0.01)
        # the serial's baseline (or the holder's name's), then the first line of instructions
        above = max(y for text, x, y, _ in runs
                    if card_of(x, y) == card_of(nx, ny) and x == pytest.approx(nx, abs=0.01)
                    and y < ny)
        assert above == pytest.approx(sy) or holder
        assert 0 < ny - above <= 6.5, (above, ny)


@pytest.mark.parametrize("title", TITLES)
def test_the_title_fits_and_never_leaves_a_word_alone(title):
    pdf = cards_pdf(title=title, body="Thành ủy", vote_address=ADDRESS, cards=make_cards(2))
    runs = text_runs(pdf)
    serial_y = next(y for text, _, y, _ in runs if text.startswith("Thẻ số 1"))
    lines = [(text, x, size) for text, x, y, size in runs
             if card_of(x, y) == (0, 0) and y < serial_y - 5 and text != "THÀNH ỦY"]
    assert " ".join(text for text, _, _ in lines) == title  # whole, no ellipsis
    assert 1 <= len(lines) <= 2
    assert all(len(text.split()) > 1 for text, _, _ in lines), lines
    assert all(x == pytest.approx(MARGIN + PAD, abs=0.01) for _, x, _ in lines)
    assert len({size for _, _, size in lines}) == 1 and 7 <= lines[0][2] <= 9
    if len(lines) == 2:  # balanced: no line much longer than the other
        first, second = (len(text) for text, _, _ in lines)
        assert abs(first - second) <= max(first, second) // 2


def test_corner_crop_marks_as_well_as_cut_lines():
    pdf = cards_pdf(title=TITLES[0], body="", vote_address=ADDRESS, cards=make_cards(8))
    drawn = segments(pdf)
    cuts_x = [MARGIN + c * CARD_W for c in range(COLS + 1)]
    cuts_y = [MARGIN + r * CARD_H for r in range(5)]
    top = sorted(x1 for x1, y1, x2, y2 in drawn if x1 == x2 and max(y1, y2) < MARGIN)
    bottom = sorted(x1 for x1, y1, x2, y2 in drawn if x1 == x2 and min(y1, y2) > cuts_y[-1])
    left = sorted(y1 for x1, y1, x2, y2 in drawn if y1 == y2 and max(x1, x2) < MARGIN)
    right = sorted(y1 for x1, y1, x2, y2 in drawn if y1 == y2 and min(x1, x2) > cuts_x[-1])
    assert top == bottom == pytest.approx(cuts_x, abs=0.06)
    assert left == right == pytest.approx(cuts_y, abs=0.06)
    # a solid cross at each corner that four cards share
    solid = [(x1, y1, x2, y2) for x1, y1, x2, y2 in drawn
             if MARGIN < x1 < cuts_x[-1] and MARGIN < y1 < cuts_y[-1]
             and abs(x2 - x1) + abs(y2 - y1) == pytest.approx(5.0, abs=0.1)]
    centres = sorted({(round((x1 + x2) / 2), round((y1 + y2) / 2)) for x1, y1, x2, y2 in solid})
    assert centres == [(round(cuts_x[1]), round(y)) for y in cuts_y[1:-1]]
    assert len(solid) == 2 * len(centres)
    # and the dashed cut lines are still there, across the page
    assert any(x1 == pytest.approx(MARGIN, abs=0.06) and x2 == pytest.approx(cuts_x[-1], abs=0.06)
               and y1 == y2 == pytest.approx(cuts_y[1], abs=0.06) for x1, y1, x2, y2 in drawn)


def test_a_short_last_page_has_marks_only_around_its_cards():
    pdf = cards_pdf(title=TITLES[0], body="", vote_address=ADDRESS, cards=make_cards(3))
    drawn = segments(pdf)
    lowest = max(max(y1, y2) for _, y1, _, y2 in drawn)
    assert lowest <= MARGIN + 2 * CARD_H + 6.0 + 0.1  # two rows of cards, then the marks


def test_the_codewords_are_the_librarys():
    """The table-driven codewords are byte for byte those of qrcode's own encoder."""
    rng = random.Random(7)
    for length in (1, 20, 58, 63, 64, 100, 150, 213):
        data = bytes(rng.randrange(256) for _ in range(length))
        for version in range(1, 15):
            try:
                expected = util.create_data(version, qrcode.constants.ERROR_CORRECT_M,
                                            [util.QRData(data, mode=util.MODE_8BIT_BYTE)])
            except qrcode.exceptions.DataOverflowError:
                continue
            assert codewords(version, data) == expected, (length, version)
