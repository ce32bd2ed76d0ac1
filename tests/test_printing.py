"""The card sheet PDF: real text extraction (pypdf) and real QR decoding (pdfium + zxing-cpp)."""

from __future__ import annotations

import io
import re
import unicodedata

import pypdf
import pypdfium2 as pdfium
import pytest
import zxingcpp

from survey.ballots.cards import card_url, new_code, normalize_code
from survey.ballots.printing import PrintedCard, cards_pdf

BASE = "http://192.168.1.10:8000"
ADDRESS = BASE + "/v"
TITLE = "Lấy phiếu tín nhiệm giữa nhiệm kỳ đối với Ủy viên Ban Thường vụ Thành ủy"
BODY = "Thành ủy Hà Nội"
INSTRUCTION = f"Quét mã QR bằng điện thoại, hoặc mở {ADDRESS} và nhập mã."
WARNING = "Mỗi thẻ chỉ bỏ phiếu được một lần. Không để người khác xem thẻ."
DPI = 200


def make_cards(
    n: int, base: str = BASE, holders: dict[int, str] | None = None
) -> list[PrintedCard]:
    holders = holders or {}
    cards = []
    for serial in range(1, n + 1):
        code = new_code()
        cards.append(PrintedCard(serial, code, card_url(base, code), holders.get(serial)))
    return cards


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed so that wrapped lines read as sentences."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def decoded_qr(pdf: bytes) -> list[zxingcpp.Barcode]:
    """Every QR code found on every page rendered at ``DPI``, as a phone camera would see it."""
    found = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=DPI / 72).to_pil()
            found += zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    finally:
        document.close()
    return found


@pytest.fixture(scope="module")
def ten_cards() -> list[PrintedCard]:
    return make_cards(10, holders={3: "Nguyễn Thị Minh Khai"})


@pytest.fixture(scope="module")
def ten_pdf(ten_cards) -> bytes:
    return cards_pdf(title=TITLE, body=BODY, vote_address=ADDRESS, cards=ten_cards)


def test_ten_cards_fill_two_a4_pages(ten_pdf):
    reader = pypdf.PdfReader(io.BytesIO(ten_pdf))
    assert len(reader.pages) == 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)
    assert reader.metadata.title == TITLE


def test_every_serial_and_code_is_printed(ten_pdf, ten_cards):
    text = " ".join(page_texts(ten_pdf))
    assert sorted(int(n) for n in re.findall(r"Thẻ số (\d+)", text)) == list(range(1, 11))
    for card in ten_cards:
        assert card.code in text
    # Eight cards on the first page, in order.
    first, second = page_texts(ten_pdf)
    assert [int(n) for n in re.findall(r"Thẻ số (\d+)", first)] == list(range(1, 9))
    assert [int(n) for n in re.findall(r"Thẻ số (\d+)", second)] == [9, 10]


def test_title_body_and_instructions_keep_their_diacritics(ten_pdf):
    for text in page_texts(ten_pdf):
        assert TITLE in text
        assert "Ủy viên Ban Thường vụ" in text
        assert BODY.upper() in text
        assert INSTRUCTION in text
        assert WARNING in text


def test_qr_codes_decode_to_exactly_the_card_urls(ten_pdf, ten_cards):
    decoded = [barcode.text for barcode in decoded_qr(ten_pdf)]
    assert sorted(decoded) == sorted(card.url for card in ten_cards)
    # The QR content and the printed code are the same secret.
    for card in ten_cards:
        assert normalize_code(card.url.split("#", 1)[1]) == card.code


def test_qr_codes_are_big_enough_for_cheap_cameras(ten_pdf):
    for barcode in decoded_qr(ten_pdf):
        corners = barcode.position
        width_px = corners.top_right.x - corners.top_left.x
        height_px = corners.bottom_left.y - corners.top_left.y
        assert width_px * 25.4 / DPI >= 30
        assert height_px * 25.4 / DPI >= 30


def test_named_card_prints_the_holder(ten_pdf):
    first, _ = page_texts(ten_pdf)
    assert "Họ và tên: Nguyễn Thị Minh Khai" in first
    assert first.count("Họ và tên:") == 1


def test_single_card():
    cards = make_cards(1)
    pdf = cards_pdf(title=TITLE, body="", vote_address=ADDRESS, cards=cards)
    (text,) = page_texts(pdf)
    assert "Thẻ số 1" in text
    assert cards[0].code in text
    assert [barcode.text for barcode in decoded_qr(pdf)] == [cards[0].url]


def test_empty_list_raises():
    with pytest.raises(ValueError):
        cards_pdf(title=TITLE, body=BODY, vote_address=ADDRESS, cards=[])


def test_long_title_is_cut_to_two_lines_with_an_ellipsis():
    title = TITLE + ", Ủy viên Ban Chấp hành Đảng bộ thành phố khóa XVII nhiệm kỳ 2020–2025"
    pdf = cards_pdf(title=title, body=BODY, vote_address=ADDRESS, cards=make_cards(1))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == title  # the document keeps the whole title
    lines = reader.pages[0].extract_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Lấy phiếu"))
    assert lines[start + 1].endswith("…")
    assert lines[start + 2].startswith("Thẻ số 1")
    assert "2020–2025" not in " ".join(lines)


def test_decomposed_vietnamese_is_printed_composed():
    """Text typed as base letters plus combining marks still prints as proper Vietnamese."""
    nfd = unicodedata.normalize("NFD", TITLE)
    holder = unicodedata.normalize("NFD", "Trần Đức Lương")
    cards = make_cards(1, holders={1: holder})
    pdf = cards_pdf(title=nfd, body=BODY, vote_address=ADDRESS, cards=cards)
    (text,) = page_texts(pdf)
    assert TITLE in text
    assert "Trần Đức Lương" in text


def test_long_address_and_names_still_fit_and_scan():
    base = "http://bophieu-thanhuy-hanoi.local:8000"
    long_name = "Tôn Nữ Thị Phương Thảo Nguyễn Hoàng Bảo Ngọc"
    cards = make_cards(3, base=base, holders={2: long_name, 3: "Lê Văn Tám"})
    pdf = cards_pdf(title=TITLE, body=BODY, vote_address=base + "/v", cards=cards)
    (text,) = page_texts(pdf)
    assert long_name in text  # a name is never cut short
    assert sorted(barcode.text for barcode in decoded_qr(pdf)) == sorted(c.url for c in cards)


def test_five_hundred_cards():
    cards = make_cards(500)
    pdf = cards_pdf(title=TITLE, body=BODY, vote_address=ADDRESS, cards=cards)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 63
    last = " ".join(reader.pages[-1].extract_text().split())
    assert re.findall(r"Thẻ số (\d+)", last) == ["497", "498", "499", "500"]


def test_a_140_bit_code_fits_inside_its_card(ten_pdf, ten_cards):
    """28 symbols in 7 groups: printed whole, in groups, inside the card's edges."""
    from survey.ballots.printing import CARD_W, COLS, MARGIN, PAD, PER_PAGE

    points = 72 / 25.4
    page = pdfium.PdfDocument(ten_pdf)[0]
    text = page.get_textpage()
    whole = text.get_text_range()
    for i, card in enumerate(ten_cards[:PER_PAGE]):
        assert [len(g) for g in card.code.split("-")] == [4] * 7
        start = whole.index(card.code)
        left = text.get_charbox(start)[0]
        right = text.get_charbox(start + len(card.code) - 1)[2]
        column = MARGIN + (i % COLS) * CARD_W
        assert left >= (column + PAD) * points
        assert right <= (column + CARD_W - PAD) * points, card.code
