"""The minutes and the summary as a clerk signs them, read back from the PDFs' text positions
(pypdfium2): the number line in the header, figures that never break across lines, chart labels
clear of the threshold marks and of each other, signature blocks where the convention puts them.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from survey.documents.charts import label_places
from survey.kinds.confidence import confidence_result
from survey.reports.operations import MinutesDetails, update_minutes
from survey.rounds.importing import SubjectRow
from survey.rounds.models import Round

#: The page's text area, in points: 30 mm from the left, 165 mm wide (survey.documents.pdf).
MM = 72 / 25.4
LEFT, WIDTH = 30 * MM, 165 * MM
MIDDLE = LEFT + WIDTH / 2
#: The table's figures are set at 9 pt; the bars' labels at 8 pt.
TABLE_PT, LABEL_PT = 9.0, 8.0
FIGURE = re.compile(r"\d+(,\d+)?%?")

LONG_POSITION = ("Phó Chủ nhiệm Ủy ban Kinh tế và Tài chính của Quốc hội, Phó Trưởng Ban Chỉ "
                 "đạo phòng, chống tham nhũng, lãng phí, tiêu cực tỉnh")
ROWS = [
    SubjectRow(line=1, name="Nguyễn Thị Phương Thảo Hoàng Minh Khuê", position=LONG_POSITION,
               unit=""),
    SubjectRow(line=2, name="Lường Hữu Ánh", position="Bí thư Thành ủy", unit=""),
    SubjectRow(line=3, name="Giàng Ngọc Sơn", position=LONG_POSITION, unit=""),
    SubjectRow(line=4, name="Quàng Thị Minh Nguyệt", position="Chủ tịch Hội đồng nhân dân",
               unit=""),
    SubjectRow(line=5, name="Hà Công Ánh", position="", unit=""),
]


def pattern(ids: list[int], i: int) -> dict[int, str]:
    """30 ballots: subject 1 all high (100,00), subject 2 all low (100,00), subject 3 two
    thirds low (66,67), subject 4 over half low (53,33), subject 5 a mix."""
    return {
        ids[0]: "high",
        ids[1]: "low",
        ids[2]: "low" if i < 20 else "confidence",
        ids[3]: "low" if i < 16 else "high",
        ids[4]: ("high", "confidence", "low")[i % 3],
    }


@dataclass
class Word:
    page: int
    text: str
    left: float
    bottom: float
    right: float
    size: float


def pdf_words(data: bytes) -> list[Word]:
    """Every word of the PDF with its box (points, origin at the bottom left) and size: the
    characters pdfium finds on one baseline with no space or wide gap between them."""
    out: list[Word] = []
    document = pdfium.PdfDocument(data)
    for number in range(len(document)):
        text = document[number].get_textpage()
        word = None
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if not char or char.isspace():
                word = None
                continue
            left, bottom, right, _top = text.get_charbox(i, loose=True)
            size = pdfium_c.FPDFText_GetFontSize(text.raw, i)
            if (word is not None and abs(word.bottom - bottom) < 2
                    and -1.0 < left - word.right < 0.3 * size and abs(size - word.size) < 0.1):
                word.text += char
                word.right = max(word.right, right)
            else:
                word = Word(number, char, left, bottom, right, size)
                out.append(word)
    return out


def fragments(words: list[Word]) -> list[str]:
    """Pieces of a percentage in a table ("100,0" then "0" on the next line)."""
    return [w.text for w in words if w.size == pytest.approx(TABLE_PT, abs=0.1)
            and re.fullmatch(r"\d+,\d?|,\d+", w.text)]


def first(words: list[Word], text: str, page: int | None = None) -> Word:
    found = [w for w in words if w.text == text and (page is None or w.page == page)]
    assert found, text
    return found[0]


@pytest.fixture
def long_round(session, make_closed) -> Round:
    round_ = make_closed(n=30, pattern=pattern, rows=ROWS, summoned=30, present=30,
                         cards=30)
    round_.held_on = round_.closed_at.date()
    update_minutes(session, round_, MinutesDetails(
        locality="Điện Biên Phủ", chair="đồng chí Lường Hữu Ánh",
        members=[("Trần Văn Quyết", "head"), ("Vũ Đức Thành", "secretary"),
                 ("Nguyễn Thị Hồng Nhung", "member"), ("Lò Thị Mai", "member"),
                 ("Cà Văn Hùng", "member")],
    ))
    session.commit()
    return round_


def _expected_figures(session, round_: Round) -> Counter[str]:
    """Every count and percentage the results table prints, as printed."""
    session.expire_all()
    result = confidence_result(session, session.get(Round, round_.id))
    expected: Counter[str] = Counter()
    for line in result.subjects:
        expected[str(line.valid)] += 1
        expected[str(line.invalid)] += 1
        for level in ("high", "confidence", "low"):
            expected[str(line.counts.as_dict()[level])] += 1
            expected[str(line.percent[level]).replace(".", ",")] += 1
    return expected


# -- 2. the number line ------------------------------------------------------------------------


def test_number_line_is_blank_until_entered_then_printed_in_the_header(logged_in, session,
                                                                       long_round):
    url = f"/rounds/{long_round.id}"
    minutes = " ".join(w.text for w in pdf_words(logged_in.get(f"{url}/minutes.pdf").data))
    summary = " ".join(w.text for w in pdf_words(logged_in.get(f"{url}/summary.pdf").data))
    assert "Số: ……-BB/……" in minutes and "Số: ……-BC/……" in summary

    response = logged_in.post(f"{url}/committee", data={
        "locality": "Điện Biên Phủ", "minutes_number": "05-BB/ĐU", "report_number": "06-BC/ĐU",
        "members-0-name": "Trần Văn Quyết", "members-0-role": "head",
    })
    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Round, long_round.id)
    assert (stored.minutes_number, stored.report_number) == ("05-BB/ĐU", "06-BC/ĐU")
    assert 'value="05-BB/ĐU"' in logged_in.get(f"{url}/committee").text

    for path, number, title in (("minutes.pdf", "05-BB/ĐU", "KIỂM"),
                                ("summary.pdf", "06-BC/ĐU", "BÁO")):
        words = pdf_words(logged_in.get(f"{url}/{path}").data)
        line = first(words, number, page=0)
        label = first(words, "Số:", page=0)
        assert label.right < line.left and abs(label.bottom - line.bottom) < 1
        # in the left block, under the body's name, above the title
        assert line.right < MIDDLE
        assert line.bottom > first(words, title, page=0).bottom
        assert "……-B" not in " ".join(w.text for w in words)
    assert "Số: 05-BB/ĐU" in logged_in.get(f"{url}/minutes").text
    assert "Số: 06-BC/ĐU" in logged_in.get(f"{url}/summary").text


# -- 3. figures on one line ----------------------------------------------------------------------


def test_every_figure_of_the_table_sits_on_one_line(logged_in, session, long_round):
    expected = _expected_figures(session, long_round)
    assert expected["100,00"] == 2 and expected["66,67"] == 1
    for path in ("minutes.pdf", "summary.pdf"):
        words = pdf_words(logged_in.get(f"/rounds/{long_round.id}/{path}").data)
        printed = Counter(w.text for w in words if w.size == pytest.approx(TABLE_PT, abs=0.1)
                          and FIGURE.fullmatch(w.text))
        for figure, count in expected.items():
            assert printed[figure] >= count, (path, figure)
        # and no fragment of a percentage: each has its two decimals on its own line
        assert not fragments(words), path


@pytest.mark.parametrize("kind", ["closed_vote", "closed_nomination"])
def test_other_kinds_print_whole_figures(kind, request, logged_in):
    round_ = request.getfixturevalue(kind)
    for path in ("minutes.pdf", "summary.pdf"):
        words = pdf_words(logged_in.get(f"/rounds/{round_.id}/{path}").data)
        percents = [w.text for w in words if re.fullmatch(r"\d+,\d\d", w.text)]
        assert percents, (kind, path)
        assert not fragments(words), (kind, path)


# -- 4. chart labels -----------------------------------------------------------------------------


def test_chart_labels_clear_the_threshold_marks_and_each_other(logged_in, long_round):
    words = pdf_words(logged_in.get(f"/rounds/{long_round.id}/summary.pdf").data)
    labels = [w for w in words if w.size == pytest.approx(LABEL_PT, abs=0.1)
              and re.fullmatch(r"\d+,\d\d", w.text)]
    # every part wide enough keeps its label: both 100 % bars, the two-thirds one
    assert Counter(w.text for w in labels)["100,00"] >= 2
    assert "66,67" in {w.text for w in labels}
    marks = [LEFT + WIDTH / 2, LEFT + WIDTH * 2 / 3]
    for label in labels:
        for mark in marks:
            assert not label.left - 0.5 <= mark <= label.right + 0.5, (label.text, mark)
    for a in labels:
        for b in labels:
            if a is not b and a.page == b.page and abs(a.bottom - b.bottom) < 1:
                assert a.right <= b.left or b.right <= a.left, (a.text, b.text)


def test_label_places_avoid_marks_and_fall_back_to_none():
    # a whole bar: its centre is on the 1/2 mark, so the label moves beside it
    [place] = label_places([(0.0, 100.0, 10.0)], [50.0], gap=1.0)
    assert place is not None and (place + 10 <= 49 or place >= 51)
    # a part too narrow for its label gets none; the next is placed clear of both marks
    assert label_places([(0.0, 5.0, 10.0), (5.0, 100.0, 10.0)], [50.0, 66.7], gap=1.0)[0] is None
    # two labels never overlap
    first_, second = label_places([(40.0, 52.0, 10.0), (52.0, 64.0, 10.0)], [], gap=1.0)
    assert first_ is not None and second is not None and first_ + 10 + 1 <= second


# -- 5. signatures -------------------------------------------------------------------------------


def test_signatures_as_the_convention_lays_them_out(logged_in, long_round):
    words = pdf_words(logged_in.get(f"/rounds/{long_round.id}/minutes.pdf").data)
    last = max(w.page for w in words)
    on_last = [w for w in words if w.page == last]
    # the end of the count and the fingerprints are on the page where they sign
    assert any(w.text == "Việc" for w in on_last) and any("SHA-256" in w.text for w in on_last)
    secretary, head = first(on_last, "THƯ"), first(on_last, "TRƯỞNG")
    assert secretary.right < MIDDLE < head.left  # the secretary left, the head right
    assert abs(secretary.bottom - head.bottom) < 1
    head_name, secretary_name = first(on_last, "Quyết"), first(on_last, "Thành")
    assert head_name.left > MIDDLE and secretary_name.right < MIDDLE
    members_title = first(on_last, "CÁC")
    assert members_title.bottom < head_name.bottom  # under the first row
    # the members side by side, on one line, left to right in the order entered
    names = [first(on_last, "Nhung"), first(on_last, "Mai"), first(on_last, "Hùng")]
    assert all(abs(n.bottom - names[0].bottom) < 1 for n in names)
    assert names[0].right < names[1].left and names[1].right < names[2].left
    assert names[0].bottom < members_title.bottom - 40  # room to sign above the names


def test_summary_ends_with_recipients_and_signature_on_the_page_of_its_last_lines(
        logged_in, long_round):
    words = pdf_words(logged_in.get(f"/rounds/{long_round.id}/summary.pdf").data)
    last = max(w.page for w in words)
    on_last = [w for w in words if w.page == last]
    recipients, behalf = first(on_last, "nhận:"), first(on_last, "TM.")
    assert recipients.right < MIDDLE < behalf.left
    assert abs(recipients.bottom - behalf.bottom) < 1
    assert any(w.text == "Ban" and w.left < MIDDLE for w in on_last)  # "- Ban Thường vụ …"
    assert first(on_last, "Quyết").left > MIDDLE  # the head of the counting committee signs
    assert any("SHA-256" in w.text for w in on_last)  # never a page of a signature alone


# -- 1. the face ---------------------------------------------------------------------------------


def test_documents_are_set_in_liberation_serif_with_every_vietnamese_letter(logged_in,
                                                                          long_round):
    data = logged_in.get(f"/rounds/{long_round.id}/minutes.pdf").data
    text = " ".join(w.text for w in pdf_words(data))
    for word in ("Nguyễn", "Phương", "Thảo", "Khuê", "Quyết", "Hùng", "Lường", "Nguyệt"):
        assert word in text
    # every letter is drawn from Liberation Serif (DejaVu Serif stands in for none of them);
    # the hashes alone are in DejaVu Sans Mono
    faces: Counter[str] = Counter()
    document = pdfium.PdfDocument(data)
    for number in range(len(document)):
        page = document[number].get_textpage()
        for i in range(page.count_chars()):
            if not page.get_text_range(i, 1).strip():
                continue
            name = ctypes.create_string_buffer(256)
            pdfium_c.FPDFText_GetFontInfo(page.raw, i, name, 256, None)
            faces[name.value.decode().split("+")[-1]] += 1
    assert {face for face in faces if not face.startswith("DejaVuSansMono")} <= {
        "LiberationSerif", "LiberationSerifBold", "LiberationSerifItalic"}, faces
    assert faces["LiberationSerif"] > 1000
