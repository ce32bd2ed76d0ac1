"""The report pack of a closed round: minutes (HTML, PDF), summary, spreadsheets, ballot file.

Every document is built from a round of tests/data/tin-nhiem-btv.csv with a known pattern of
ballots, then read back (PDF text with pypdf, XLSX with openpyxl, CSV with the csv module) and
checked against the tally, figure by figure.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import time, timedelta
from decimal import Decimal
from html import unescape

import openpyxl
import pypdf
import pytest
from sqlalchemy import func, select

from survey.ballots.models import Ballot, Mark
from survey.desk.operations import close_round, publish_round
from survey.kinds.casting import cast_ballot
from survey.kinds.confidence import confidence_result
from survey.reports.operations import MinutesDetails, update_minutes
from survey.rounds.models import CountingMember, Round
from survey.security import audit
from survey.security.models import AuditEntry
from tests.conftest import NOW, PASSWORD
from tests.factories import BTV, BTV_EXPECTED, CLOSED_AT, btv_ballot

BODY = "Ban Chấp hành Đảng bộ thành phố"
COMMITTEE = [
    ("Trần Văn Quyết", "head"),
    ("Nguyễn Thị Hồng Nhung", "member"),
    ("Lò Thị Mai", "member"),
]


def _fresh(session) -> None:
    session.rollback()
    session.expire_all()


@pytest.fixture
def closed(session, make_closed) -> Round:
    """The round every document test reads: 37 ballots, minutes' details entered."""
    round_ = make_closed()
    round_.held_on = NOW.date()
    round_.place = "Hội trường Thành ủy"
    update_minutes(session, round_, MinutesDetails(
        parent_body="Đảng bộ tỉnh Điện Biên",
        locality="Điện Biên Phủ",
        chair="đồng chí Lường Hữu Ánh, Bí thư Thành ủy",
        conference_time=time(8, 0),
        members=[COMMITTEE[1], COMMITTEE[0], COMMITTEE[2]],  # the head is listed first anyway
    ))
    audit.record(session, actor="organizer", action="round.close", now=CLOSED_AT,
                 round_id=round_.id)
    session.commit()
    return round_


def _observer(app, make_user):
    make_user("btv", "observer")
    client = app.test_client()
    client.post("/login", data={"username": "btv", "password": PASSWORD})
    return client


def collapse(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [collapse(page.extract_text()) for page in reader.pages]


def vi(value: Decimal) -> str:
    return str(value).replace(".", ",")


def check_table_text(text: str, session, round_: Round) -> None:
    """Each subject's row, in ballot order, carries exactly the tally's figures."""
    _fresh(session)
    round_ = session.get(Round, round_.id)
    result = confidence_result(session, round_)
    positions = []
    for subject, line in zip(round_.subjects, result.subjects, strict=True):
        expected = [line.valid]
        for level in ("high", "confidence", "low"):
            expected += [line.counts.as_dict()[level], vi(line.percent[level])]
        expected.append(line.invalid)
        pattern = (rf"\b{subject.order} {re.escape(subject.name)}(?: \(\d\))? "
                   rf"(?:{re.escape(subject.position)} )?"  # on a page it comes before the figures
                   + " ".join(re.escape(str(v)) for v in expected))
        match = re.search(pattern, text)
        assert match, (subject.name, expected)
        positions.append(match.start())
        row = BTV_EXPECTED[subject.order]
        assert tuple(expected) == row  # the database's tally is the hand-worked one
    assert positions == sorted(positions)  # ballot order


# -- the committee page --------------------------------------------------------------------------


def test_committee_page_records_the_minutes_details_and_audits(logged_in, session, make_round):
    round_ = make_round(cards=3)
    url = f"/rounds/{round_.id}/committee"
    page = logged_in.get(url)
    assert page.status_code == 200
    assert "Ban kiểm phiếu" in page.text and "Chủ trì hội nghị" in page.text
    assert page.text.count('name="members-') >= 10  # five empty lines: name and role each
    assert "Chưa có Trưởng ban kiểm phiếu." in page.text

    data = {
        "parent_body": "Đảng bộ tỉnh Điện Biên",
        "locality": "Điện Biên Phủ",
        "chair": "đồng chí Lường Hữu Ánh,  Bí thư Thành ủy",
        "conference_time": "08:00",
        "count_ended_at": "",
        "members-0-name": "Nguyễn Thị Hồng Nhung", "members-0-role": "member",
        "members-1-name": "Trần Văn Quyết", "members-1-role": "head",
        "members-2-name": "", "members-2-role": "member",
        "members-3-name": "Lò Thị Mai", "members-3-role": "member",
    }
    two_heads = logged_in.post(url, data=data | {"members-3-role": "head"})
    assert two_heads.status_code == 422
    assert "Ban kiểm phiếu chỉ có một Trưởng ban." in unescape(two_heads.text)
    _fresh(session)
    assert session.scalars(select(CountingMember)).all() == []

    response = logged_in.post(url, data=data)
    assert response.status_code == 302 and response.headers["Location"] == url
    _fresh(session)
    stored = session.get(Round, round_.id)
    assert (stored.parent_body, stored.locality, stored.chair, stored.conference_time) == (
        "Đảng bộ tỉnh Điện Biên", "Điện Biên Phủ", "đồng chí Lường Hữu Ánh, Bí thư Thành ủy",
        time(8, 0))
    assert [(m.order, m.name, m.role) for m in stored.counting_committee] == [
        (1, "Nguyễn Thị Hồng Nhung", "member"), (2, "Trần Văn Quyết", "head"),
        (3, "Lò Thị Mai", "member")]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "minutes.update")).one()
    assert entry.round_id == round_.id and entry.actor == "organizer"
    details = json.loads(entry.details)
    assert details["committee"] == [["Nguyễn Thị Hồng Nhung", "member"],
                                    ["Trần Văn Quyết", "head"], ["Lò Thị Mai", "member"]]
    assert details["chair"] == "đồng chí Lường Hữu Ánh, Bí thư Thành ủy"
    page = logged_in.get(url).text
    assert 'value="Trần Văn Quyết"' in page and "Chưa có Trưởng ban" not in page

    # saving the same again changes nothing and records nothing
    assert logged_in.post(url, data=data).status_code == 302
    _fresh(session)
    assert session.query(AuditEntry).filter_by(action="minutes.update").count() == 1


def test_committee_is_editable_until_published(logged_in, session, make_closed):
    round_ = make_closed(n=6)
    url = f"/rounds/{round_.id}/committee"
    data = {"chair": "đồng chí A", "members-0-name": "Trần Văn Quyết", "members-0-role": "head"}
    assert logged_in.post(url, data=data).status_code == 302  # closed: still editable
    publish_round(session, session.get(Round, round_.id), CLOSED_AT)
    session.commit()
    page = logged_in.get(url)
    assert page.status_code == 200 and "biên bản không thể sửa nữa" in page.text
    assert "<fieldset disabled" in page.text
    refused = logged_in.post(url, data=data | {"chair": "đồng chí B"})
    assert refused.status_code == 409
    _fresh(session)
    assert session.get(Round, round_.id).chair == "đồng chí A"


def test_committee_page_is_for_organizers_only(app, client, session, make_round, make_user):
    round_ = make_round()
    observer = _observer(app, make_user)
    assert observer.get(f"/rounds/{round_.id}/committee").status_code == 403
    assert observer.post(f"/rounds/{round_.id}/committee", data={}).status_code == 403


def test_a_count_cannot_end_before_the_conference_began(logged_in, session, make_round):
    round_ = make_round()
    round_.held_on = NOW.date()
    session.commit()
    response = logged_in.post(f"/rounds/{round_.id}/committee", data={
        "conference_time": "08:00", "count_ended_at": f"{NOW.date().isoformat()}T07:30"})
    assert response.status_code == 422
    assert "Giờ kết thúc kiểm phiếu phải sau giờ khai mạc hội nghị." in response.text


# -- the minutes ---------------------------------------------------------------------------------


def test_minutes_pdf_carries_every_field_and_the_tally(logged_in, session, closed):
    response = logged_in.get(f"/rounds/{closed.id}/minutes.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="bien-ban-kiem-phieu-{closed.id}.pdf"')
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    for page in reader.pages:  # A4
        assert (round(float(page.mediabox.width) * 25.4 / 72),
                round(float(page.mediabox.height) * 25.4 / 72)) == (210, 297)
    pages = pdf_pages(response.data)
    text = " ".join(pages)

    # the header, Party form: the body, the Party's name, place and date
    assert text.startswith("ĐẢNG BỘ TỈNH ĐIỆN BIÊN BAN CHẤP HÀNH ĐẢNG BỘ THÀNH PHỐ *")
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "CỘNG HÒA XÃ HỘI" not in text
    assert "Điện Biên Phủ, ngày 02 tháng 11 năm 2026" in text
    assert f"BIÊN BẢN KIỂM PHIẾU {closed.title}" in text
    # time, place, chair, committee with roles (the head first)
    assert ("Hôm nay, vào lúc 08 giờ 00 phút, ngày 02 tháng 11 năm 2026, tại Hội trường Thành "
            "ủy, Ban Chấp hành Đảng bộ thành phố tổ chức hội nghị") in text
    assert "Chủ trì hội nghị: đồng chí Lường Hữu Ánh, Bí thư Thành ủy." in text
    assert ("1. Trần Văn Quyết – Trưởng ban. 2. Nguyễn Thị Hồng Nhung – Ủy viên. "
            "3. Lò Thị Mai – Ủy viên.") in text
    # attendance and quorum, ballots
    for phrase in (
        "Tổng số người được triệu tập: 40 người.",
        "Số người có mặt: 38 người (đạt 95,00% số người được triệu tập).",
        "Số người vắng mặt: 2 người.",
        "Số người có mặt đạt từ 2/3 trở lên số người được triệu tập: hội nghị đủ điều kiện "
        "tiến hành.",
        "Số phiếu phát ra: 38 phiếu.",
        "Số phiếu thu về: 37 phiếu.",
        "Số phiếu hợp lệ: 36 phiếu.",
        "Số phiếu không hợp lệ: 1 phiếu (phiếu không đánh dấu dòng nào).",
    ):
        assert phrase in text, phrase
    # the table, in ballot order, with the tally's figures
    check_table_text(text, session, closed)
    assert "Tỷ lệ phần trăm tính trên tổng số phiếu thu về (37)" in text
    assert "(1) Trên 1/2 đến dưới 2/3 tín nhiệm thấp: Quàng Minh Toàn." in text
    assert "(2) Từ 2/3 trở lên tín nhiệm thấp: Giàng Ngọc Sơn." in text
    # the end of the count: the close, in local time
    assert "Việc kiểm phiếu kết thúc vào lúc 17 giờ 15 phút, ngày 02 tháng 11 năm 2026." in text
    # the fingerprints: of the ballot file as downloaded, and the audit log's head
    ballots = logged_in.get(f"/rounds/{closed.id}/ballots.jsonl").data
    assert hashlib.sha256(ballots).hexdigest() in text
    _fresh(session)
    assert audit.head(session) in text
    # signature blocks: the head at the top right, then the members side by side under their
    # common title; the end of the minutes is on the page where they sign
    last = pages[-1]
    assert "Việc kiểm phiếu kết thúc vào lúc" in last and "cùng ký tên dưới đây." in last
    assert hashlib.sha256(ballots).hexdigest() in last
    signatures = last[last.index("cùng ký tên dưới đây."):]
    assert ("TRƯỞNG BAN KIỂM PHIẾU (Ký, ghi rõ họ tên) Trần Văn Quyết CÁC ỦY VIÊN BAN KIỂM "
            "PHIẾU (Ký, ghi rõ họ tên) Nguyễn Thị Hồng Nhung Lò Thị Mai") in signatures


def test_minutes_table_repeats_its_heading_on_every_page(logged_in, session, closed):
    pages = pdf_pages(logged_in.get(f"/rounds/{closed.id}/minutes.pdf").data)
    assert len(pages) >= 2
    with_rows = [page for page in pages if re.search(r"\b\d+ [A-ZĐ]\w+ .*? 36 ", page)]
    assert len(with_rows) >= 2  # the table runs over a page
    for page in with_rows:
        assert "STT Họ và tên, chức vụ" in page
        assert "Tín nhiệm cao Tín nhiệm Tín nhiệm thấp" in page
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in page


def test_minutes_of_a_state_body_and_without_committee(logged_in, session, make_closed):
    round_ = make_closed(n=6, pattern=lambda ids, i: dict.fromkeys(ids, "confidence"))
    round_.body_kind = "state"
    round_.body = "Hội đồng nhân dân thành phố"
    session.commit()
    text = " ".join(pdf_pages(logged_in.get(f"/rounds/{round_.id}/minutes.pdf").data))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert "ĐẢNG CỘNG SẢN" not in text
    assert "HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ" in text
    # no committee entered: lines to fill in by hand, blank signature blocks
    assert "1. …………………………… – Trưởng ban." in text
    assert text.count("(Ký, ghi rõ họ tên)") == 2  # the head's block, the members' title
    blank = "……………………………"
    assert (f"TRƯỞNG BAN KIỂM PHIẾU (Ký, ghi rõ họ tên) {blank} CÁC ỦY VIÊN BAN KIỂM PHIẾU "
            f"(Ký, ghi rõ họ tên) {blank} {blank}") in text
    assert "Không có người nào có trên 1/2 số phiếu tín nhiệm thấp." in text


def test_minutes_page_shows_the_same_figures(logged_in, session, closed):
    response = logged_in.get(f"/rounds/{closed.id}/minutes")
    assert response.status_code == 200
    html = unescape(response.text)
    assert "<style" not in html and " style=" not in html  # the CSP: styles from app.css only
    text = collapse(re.sub(r"<[^>]+>", " ", html))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "BIÊN BẢN KIỂM PHIẾU" in text
    assert "Điện Biên Phủ, ngày 02 tháng 11 năm 2026" in text
    assert "Trần Văn Quyết – Trưởng ban." in text
    assert "Số phiếu hợp lệ: 36 phiếu" in text
    check_table_text(text, session, closed)
    assert "Việc kiểm phiếu kết thúc vào lúc 17 giờ 15 phút" in text
    assert f"/rounds/{closed.id}/minutes.pdf" in html


def test_count_end_time_can_be_entered(logged_in, session, closed):
    response = logged_in.post(f"/rounds/{closed.id}/committee", data={
        "locality": "Điện Biên Phủ", "conference_time": "08:00",
        "count_ended_at": "2026-11-02T11:40",
        "members-0-name": "Trần Văn Quyết", "members-0-role": "head"})
    assert response.status_code == 302
    text = " ".join(pdf_pages(logged_in.get(f"/rounds/{closed.id}/minutes.pdf").data))
    assert "Việc kiểm phiếu kết thúc vào lúc 11 giờ 40 phút, ngày 02 tháng 11 năm 2026." in text


# -- the summary ---------------------------------------------------------------------------------

CONSEQUENCE_OVER_HALF = ("Không quy hoạch vào chức vụ cao hơn; có thể xin thôi giữ chức vụ đang "
                         "đảm nhiệm; nếu không xin thôi thì cấp có thẩm quyền tiến hành bỏ phiếu "
                         "tín nhiệm.")
CONSEQUENCE_TWO_THIRDS = ("Cấp có thẩm quyền xem xét, cho thôi giữ chức vụ mà không chờ hết "
                          "nhiệm kỳ hoặc hết thời hạn bổ nhiệm.")


def test_summary_pdf_sorted_by_low_with_bands_charts_and_method(logged_in, session, closed):
    response = logged_in.get(f"/rounds/{closed.id}/summary.pdf?order=low")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_pages(response.data))
    assert "BÁO CÁO KẾT QUẢ LẤY PHIẾU TÍN NHIỆM" in text
    assert ("Từ 2/3 trở lên tín nhiệm thấp: " + CONSEQUENCE_TWO_THIRDS) in text
    assert "Giàng Ngọc Sơn – Phó Bí thư Thành ủy, Chủ tịch UBND thành phố: 25 phiếu tín " \
           "nhiệm thấp, 67,57%." in text
    assert ("Trên 1/2 đến dưới 2/3 tín nhiệm thấp: " + CONSEQUENCE_OVER_HALF) in text
    assert "19 phiếu tín nhiệm thấp, 51,35%." in text
    table = text[text.index("III. KẾT QUẢ ĐỐI VỚI TỪNG NGƯỜI"):text.index("IV. BIỂU ĐỒ")]
    assert "Sắp xếp: Theo tỷ lệ tín nhiệm thấp (cao xuống thấp)." in table
    order = [int(n) for n in re.findall(r"\b(\d+) [^\d(]+?(?: \(\d\))? 3[56] ", table)]
    assert order == [3, 12, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11]
    # one chart per subject, in the same order, with its percentages printed on the bars
    charts = text[text.index("IV. BIỂU ĐỒ"):text.index("V. PHƯƠNG PHÁP TÍNH")]
    assert "Tín nhiệm thấp Tín nhiệm Tín nhiệm cao Không hợp lệ (bỏ trống)" in charts
    names = re.findall(r"\b(\d+)\. (" + "|".join(map(re.escape, BTV)) + ")", charts)
    assert [int(n) for n, _ in names] == order
    assert "67,57" in charts and "29,73" in charts and "1/2" in charts and "2/3" in charts
    method = text[text.index("V. PHƯƠNG PHÁP TÍNH"):]
    for phrase in ("tính trên tổng số phiếu thu về (37)", "làm tròn đến 2 chữ số thập phân",
                   "3 × số phiếu tín nhiệm thấp ≥ 2 × 37", "ít nhất 5 phiếu"):
        assert phrase in method, phrase


def test_summary_page_sorts_highlights_and_draws_charts(logged_in, session, closed):
    ballot_order = logged_in.get(f"/rounds/{closed.id}/summary")
    assert ballot_order.status_code == 200
    by_low = unescape(logged_in.get(f"/rounds/{closed.id}/summary?order=low").text)

    def rows(html: str) -> list[int]:
        return [int(n) for n in re.findall(r'<tr[^>]*>\s*<td class="num">(\d+)</td>', html)]

    assert rows(unescape(ballot_order.text)) == list(range(1, 13))
    assert rows(by_low) == [3, 12, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11]
    assert 'class="band-two_thirds_low"' in by_low and 'class="band-over_half_low"' in by_low
    assert CONSEQUENCE_TWO_THIRDS in by_low and CONSEQUENCE_OVER_HALF in by_low
    svgs = re.findall(r'<svg class="bar-chart".*?</svg>', by_low, re.S)
    assert len(svgs) == 12
    assert 'aria-label="3. Giàng Ngọc Sơn: Tín nhiệm thấp 67,57%, Tín nhiệm 0,00%, ' \
           'Tín nhiệm cao 29,73%"' in svgs[0]
    assert "pattern" in svgs[0] and " style=" not in svgs[0]  # hatching, no inline style
    assert logged_in.get(f"/rounds/{closed.id}/summary?order=nonsense").status_code == 400
    assert "summary.pdf?order=low" in by_low


def test_summary_shows_the_change_since_an_earlier_round(
    app, logged_in, session, make_closed, make_user
):
    earlier = make_closed(n=6, pattern=lambda ids, i: dict.fromkeys(ids, "high"),
                          closed_at=NOW - timedelta(days=365), title="Lấy phiếu năm trước")
    other_body = make_closed(n=6, pattern=lambda ids, i: dict.fromkeys(ids, "low"),
                             closed_at=NOW - timedelta(days=30), title="Đơn vị khác")
    other_body.body = "Hội đồng nhân dân tỉnh"
    session.commit()
    now = make_closed()
    change = "Lần trước (02/11/2025): thấp 0,00%, nay 67,57% (+67,57 điểm %)"
    html = unescape(logged_in.get(f"/rounds/{now.id}/summary").text)
    assert change in html
    assert "Lần trước (02/11/2025): thấp 0,00%, nay 51,35% (+51,35 điểm %)" in html
    text = " ".join(pdf_pages(logged_in.get(f"/rounds/{now.id}/summary.pdf").data))
    assert change in text

    # a reader sees only published rounds, so no change from an unpublished one
    observer = _observer(app, make_user)
    publish_round(session, session.get(Round, now.id), CLOSED_AT)
    session.commit()
    assert change not in unescape(observer.get(f"/rounds/{now.id}/summary").text)
    publish_round(session, session.get(Round, earlier.id), CLOSED_AT)
    session.commit()
    assert change in unescape(observer.get(f"/rounds/{now.id}/summary").text)


# -- spreadsheets --------------------------------------------------------------------------------


def test_xlsx_has_the_results_and_the_round_facts(logged_in, session, closed):
    response = logged_in.get(f"/rounds/{closed.id}/results.xlsx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Kết quả", "Thông tin đợt"]
    sheet = book["Kết quả"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == closed.title
    header = rows[3]
    assert header[:8] == ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Phiếu phát ra",
                          "Phiếu thu về", "Hợp lệ", "Không hợp lệ")
    assert header[8:14] == ("Tín nhiệm cao (số phiếu)", "Tín nhiệm cao (%)",
                            "Tín nhiệm (số phiếu)", "Tín nhiệm (%)",
                            "Tín nhiệm thấp (số phiếu)", "Tín nhiệm thấp (%)")
    _fresh(session)
    round_ = session.get(Round, closed.id)
    result = confidence_result(session, round_)
    data = rows[4:]
    assert len(data) == 12
    for row, subject, line in zip(data, round_.subjects, result.subjects, strict=True):
        assert row[:6] == (subject.order, subject.name, subject.position, subject.unit, 38, 37)
        assert row[6:8] == (line.valid, line.invalid)
        for offset, level in enumerate(("high", "confidence", "low")):
            assert row[8 + 2 * offset] == line.counts.as_dict()[level]
            assert Decimal(str(row[9 + 2 * offset])) == line.percent[level]
    assert data[2][14] == "Từ 2/3 trở lên tín nhiệm thấp" and data[2][15] == CONSEQUENCE_TWO_THIRDS
    assert data[11][14] == "Trên 1/2 đến dưới 2/3 tín nhiệm thấp"
    assert data[0][14] in (None, "")
    assert sheet.cell(5, 10).number_format == "0.00"
    assert sheet.freeze_panes == "C5"

    facts = dict(list(book["Thông tin đợt"].iter_rows(values_only=True))[1:])
    assert facts["Số người được triệu tập"] == 40 and facts["Số người có mặt"] == 38
    assert facts["Số người vắng mặt"] == 2 and facts["Đủ 2/3 số người được triệu tập"] == "Có"
    assert facts["Số phiếu phát ra"] == 38 and facts["Số phiếu thu về"] == 37
    assert facts["Số phiếu hợp lệ"] == 36
    assert facts["Số phiếu không hợp lệ (không đánh dấu dòng nào)"] == 1
    assert facts["Ban kiểm phiếu – Trưởng ban"] == "Trần Văn Quyết"
    ballots = logged_in.get(f"/rounds/{closed.id}/ballots.jsonl").data
    assert facts["Mã kiểm tra bộ phiếu (SHA-256)"] == hashlib.sha256(ballots).hexdigest()


def test_csv_opens_in_excel_and_matches_the_tally(logged_in, session, closed):
    data = logged_in.get(f"/rounds/{closed.id}/results.csv").data
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["STT", "Họ và tên"] and len(rows) == 13
    for row in rows[1:]:
        valid, high, high_p, conf, conf_p, low, low_p, invalid = BTV_EXPECTED[int(row[0])]
        assert [int(row[6]), int(row[7])] == [valid, invalid]
        assert row[8:14] == [str(high), high_p.replace(",", "."), str(conf),
                             conf_p.replace(",", "."), str(low), low_p.replace(",", ".")]


# -- the ballot file -----------------------------------------------------------------------------


LEVELS = ("high", "confidence", "low")


def test_ballot_file_is_anonymous_deterministic_and_complete(logged_in, session, closed):
    response = logged_in.get(f"/rounds/{closed.id}/ballots.jsonl")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="phieu-{closed.id}.jsonl"')
    data = response.data
    assert logged_in.get(f"/rounds/{closed.id}/ballots.jsonl").data == data  # same bytes
    lines = data.decode("utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "survey-ballots" and header["version"] == 2
    assert header["round"] == {"id": closed.id, "title": closed.title, "body": BODY,
                               "place": "Hội trường Thành ủy", "date": "2026-11-02"}
    assert (header["summoned"], header["present"], header["issued"], header["collected"]) == (
        40, 38, 38, 37)
    assert header["invalid_ballots"] == 1  # the wholly blank ballot, as a count
    assert [s["name"] for s in header["subjects"]] == BTV
    records = [json.loads(line) for line in lines[1:]]
    assert header["records"] == len(records)
    # nothing but one line's mark per record: no ballot, no ballot id, no card, no time
    assert all(len(r) == 2 and isinstance(r[0], int) and r[1] in LEVELS for r in records)
    assert header["levels"] == list(LEVELS)
    _fresh(session)
    ids = sorted(session.scalars(select(Ballot.id).where(Ballot.round_id == closed.id)))
    for ballot_id in ids:
        assert ballot_id.encode() not in data
    assert not re.search(rb"\d{4}-\d\d-\d\dT", data)
    # exactly the marks that were cast, in the file's one order (by line, then by level)
    cast = [[n, level] for i in range(37)
            for n, level in ((n, btv_ballot(list(range(12)), i).get(n - 1))
                             for n in range(1, 13)) if level]
    rank = {level: index for index, level in enumerate(LEVELS)}
    assert records == sorted(cast, key=lambda r: (r[0], rank[r[1]]))
    stored = session.scalar(select(func.count()).select_from(Mark).join(Ballot)
                            .where(Ballot.round_id == closed.id))
    assert len(records) == stored


def test_ballot_file_of_a_tiny_round_is_refused(logged_in, session, make_closed):
    round_ = make_closed(n=3)
    response = logged_in.get(f"/rounds/{round_.id}/ballots.jsonl")
    assert response.status_code == 409
    assert "không xuất phiếu" in response.text
    minutes = " ".join(pdf_pages(logged_in.get(f"/rounds/{round_.id}/minutes.pdf").data))
    assert "Không xuất tệp phiếu: số phiếu thu về ít hơn mức tối thiểu." in minutes
    assert "Chỉ thu về 3 phiếu, ít hơn mức tối thiểu 5" in minutes
    for name in BTV:
        assert name not in minutes  # no per-subject line at all
    summary = " ".join(pdf_pages(logged_in.get(f"/rounds/{round_.id}/summary.pdf").data))
    assert "Chỉ thu về 3 phiếu" in summary and "Tín nhiệm cao" not in summary
    book = openpyxl.load_workbook(io.BytesIO(
        logged_in.get(f"/rounds/{round_.id}/results.xlsx").data))
    for row in list(book["Kết quả"].iter_rows(values_only=True))[4:16]:
        assert all(value is None for value in row[6:])


# -- who sees what -------------------------------------------------------------------------------

DOCUMENTS = ("/minutes", "/minutes.pdf", "/summary", "/summary.pdf", "/results.xlsx",
             "/ballots.jsonl")


def test_documents_wait_for_the_close_and_readers_for_publication(
    app, logged_in, session, make_round, make_user
):
    observer = _observer(app, make_user)
    round_ = make_round(cards=8, open_=True)
    base = f"/rounds/{round_.id}"
    for path in DOCUMENTS:
        response = logged_in.get(base + path)
        assert response.status_code == 409, path
        assert "Kết quả chỉ xem được sau khi kết thúc bỏ phiếu." in response.text
        assert observer.get(base + path).status_code == 404, path
    show = logged_in.get(base).text
    assert f"{base}/minutes.pdf" not in show and f"{base}/committee" in show

    ids = [s.id for s in round_.subjects]
    for code in round_.codes[:6]:
        cast_ballot(session, code, dict.fromkeys(ids, "high"))
        session.commit()
    close_round(session, round_, CLOSED_AT)
    session.commit()
    for path in DOCUMENTS:
        response = logged_in.get(base + path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store"
        assert observer.get(base + path).status_code == 404, path
    show = logged_in.get(base).text
    for path in ("/minutes.pdf", "/summary.pdf", "/results.xlsx", "/ballots.jsonl",
                 "/results.csv"):
        assert f"{base}{path}" in show, path
    results_page = logged_in.get(base + "/results").text
    assert f"{base}/minutes.pdf" in results_page

    publish_round(session, session.get(Round, round_.id), CLOSED_AT)
    session.commit()
    for path in DOCUMENTS:
        assert observer.get(base + path).status_code == 200, path
    page = observer.get(base + "/results").text
    assert f"{base}/minutes.pdf" in page and f"{base}/committee" not in page
    assert observer.get(base + "/committee").status_code == 403
