"""The documents of the confidence vote and of nomination rounds beyond the minutes: the
Standing Committee's summary (HTML, PDF), the XLSX workbook, the recount of the ballot file;
and the write-in switch of a draft nomination round's positions."""

from __future__ import annotations

import io
import json
from html import unescape

import click
import openpyxl
import pypdf
import pytest
from sqlalchemy import select

from survey.ballots.operations import create_cards, issue_cards
from survey.desk.operations import close_round, create_round, open_round
from survey.kinds.casting import cast_ballot
from survey.kinds.nomination.models import Position
from survey.kinds.nomination.positions import replace_nominations
from survey.kinds.nomination.sheet import parse_nominations
from survey.reports.cli import recount_command, report_command, tally_command
from survey.rounds.operations import record_attendance
from survey.security.models import AuditEntry
from survey.tally.recount import sha256_hex
from tests.conftest import NOW
from tests.factories import VOTE_SUBJECTS, assert_accessible_basics, draft_nomination

SURVEY = click.Group("survey", commands=[tally_command, report_command, recount_command])


def invoke(runner, *args):
    return runner.invoke(SURVEY, [str(arg) for arg in args])


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


# -- the write-in switch ---------------------------------------------------------------------


def _fresh(session):
    """Read what the views committed (the test's session holds loaded objects)."""
    session.rollback()
    session.expire_all()


def test_write_ins_are_switched_per_position_in_a_draft_and_audited(client, session, logged_in):
    round_ = draft_nomination(session)
    secretary, chair = round_.positions
    assert secretary.allow_write_ins and chair.allow_write_ins
    page = client.get(f"/rounds/{round_.id}/positions")
    assert page.text.count("Tắt ô ghi thêm người ngoài danh sách") == 2
    url = f"/rounds/{round_.id}/positions/{chair.id}/write-ins"

    response = client.post(url, data={f"w{chair.id}-allow": "0"})
    assert response.status_code == 302
    _fresh(session)
    assert session.get(Position, chair.id).allow_write_ins is False
    assert session.get(Position, secretary.id).allow_write_ins is True  # only that position
    page = client.get(f"/rounds/{round_.id}/positions").text
    assert "Bật ô ghi thêm người ngoài danh sách" in page
    assert "Không ghi thêm người ngoài danh sách" in page
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "position.write_ins")
                            ).one()
    assert entry.round_id == round_.id
    assert json.loads(entry.details) == {"position": chair.id, "allow": False}

    assert client.post(url, data={f"w{chair.id}-allow": "1"}).status_code == 302
    _fresh(session)
    assert session.get(Position, chair.id).allow_write_ins is True
    # a value other than 0 or 1, or a position of another round: nothing changes
    assert client.post(url, data={f"w{chair.id}-allow": "maybe"}).status_code == 400
    other = draft_nomination(session)
    wrong = f"/rounds/{round_.id}/positions/{other.positions[0].id}/write-ins"
    assert client.post(wrong, data={f"w{other.positions[0].id}-allow": "0"}).status_code == 404
    _fresh(session)
    assert session.get(Position, other.positions[0].id).allow_write_ins is True


def test_write_ins_cannot_be_switched_once_open(client, session, logged_in):
    round_ = draft_nomination(session)
    chair = round_.positions[1]
    record_attendance(session, round_, summoned=5, present=5)
    create_cards(session, round_, 5)
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    page = client.get(f"/rounds/{round_.id}/positions").text
    assert "ô ghi thêm người ngoài danh sách" not in page  # no switch on an open round
    response = client.post(f"/rounds/{round_.id}/positions/{chair.id}/write-ins",
                           data={f"w{chair.id}-allow": "0"})
    assert response.status_code == 409
    assert "Đợt lấy phiếu đã mở" in response.text
    _fresh(session)
    assert session.get(Position, chair.id).allow_write_ins is True
    assert session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "position.write_ins")) is None


# -- the summary: a confidence vote ------------------------------------------------------------


def _names_in(text: str, names) -> list[str]:
    """``names`` in the order they first appear in ``text``."""
    return sorted(names, key=text.index)


VOTE_NAMES = [row.name for row in VOTE_SUBJECTS]


def test_vote_summary_page_orders_highlights_and_draws(logged_in, closed_vote):
    ballot = unescape(logged_in.get(f"/rounds/{closed_vote.id}/summary").text)
    assert "BÁO CÁO KẾT QUẢ BỎ PHIẾU TÍN NHIỆM" in ballot
    table = ballot[ballot.index('id="results"'):ballot.index("IV. BIỂU ĐỒ")]
    assert _names_in(table, VOTE_NAMES) == VOTE_NAMES
    by_no = unescape(logged_in.get(f"/rounds/{closed_vote.id}/summary?order=no_confidence").text)
    table = by_no[by_no.index('id="results"'):by_no.index("IV. BIỂU ĐỒ")]
    assert _names_in(table, VOTE_NAMES) == [
        "Quàng Văn Dũng", "Lò Văn Minh", "Vì Thị Hoa", "Giàng A Páo"]
    assert 'value="no_confidence" selected' in by_no
    assert "Theo tỷ lệ không tín nhiệm (cao xuống thấp)" in by_no
    assert "summary.pdf?order=no_confidence" in by_no

    # the consequence, set apart: over half (60%, 80%), not exactly half (50%)
    box = by_no[by_no.index('id="consequence"'):by_no.index("III. KẾT QUẢ")]
    assert "Đề nghị miễn nhiệm" in box and "cơ quan, người có thẩm quyền giới thiệu" in box
    assert "Lò Văn Minh" in box and "6 phiếu không tín nhiệm, 60,00%." in box
    assert "Quàng Văn Dũng" in box and "80,00%" in box
    assert "Vì Thị Hoa" not in box and "Giàng A Páo" not in box
    assert table.count('class="band-two_thirds_low"') == 2
    assert "50,00" in table and "20,00" in table

    # one black-and-white bar per subject, drawn by the app, with the 1/2 mark only
    charts = by_no[by_no.index("IV. BIỂU ĐỒ"):by_no.index("PHƯƠNG PHÁP TÍNH")]
    assert charts.count('<svg class="bar-chart"') == 4
    assert 'aria-label="4. Quàng Văn Dũng: Tín nhiệm 10,00%, Không tín nhiệm 80,00%"' in charts
    assert ">1/2</text>" in charts and ">2/3</text>" not in charts
    assert "url(#hatch-nc4)" in charts  # "không tín nhiệm" hatched, not coloured

    method = by_no[by_no.index("PHƯƠNG PHÁP TÍNH"):]
    assert "tổng số phiếu thu về (10)" in method
    assert "2 × số phiếu không tín nhiệm > 10" in method and "Đúng 1/2 không đủ" in method
    assert "0,005 thành 0,01" in method and "ít nhất 5 phiếu" in method
    assert "Mã kiểm tra bộ phiếu" in method

    # an order the kind does not have
    for wrong in ("low", "votes", "nonsense"):
        assert logged_in.get(f"/rounds/{closed_vote.id}/summary?order={wrong}").status_code == 400


def test_vote_summary_pdf(logged_in, closed_vote):
    response = logged_in.get(f"/rounds/{closed_vote.id}/summary.pdf?order=no_confidence")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "BÁO CÁO KẾT QUẢ BỎ PHIẾU TÍN NHIỆM" in text
    assert "II. NHỮNG NGƯỜI CÓ TRÊN 1/2 SỐ PHIẾU KHÔNG TÍN NHIỆM" in text
    assert "Sắp xếp: Theo tỷ lệ không tín nhiệm (cao xuống thấp)." in text
    table = text[text.index("III. KẾT QUẢ"):text.index("IV. BIỂU ĐỒ")]
    flat = " ".join(table.split())
    assert _names_in(flat, VOTE_NAMES) == [
        "Quàng Văn Dũng", "Lò Văn Minh", "Vì Thị Hoa", "Giàng A Páo"]
    assert "80,00" in flat and "Đề nghị miễn nhiệm" in flat
    method = " ".join(text[text.index("PHƯƠNG PHÁP TÍNH"):].split())
    assert "2 × số phiếu không tín nhiệm > 10" in method and "ít nhất 5 phiếu" in method
    charts = text[text.index("IV. BIỂU ĐỒ"):text.index("PHƯƠNG PHÁP TÍNH")]
    assert charts.count("1/2") >= 4 and "2/3" not in charts
    assert "Không hợp lệ (bỏ trống)" in charts
    assert logged_in.get(f"/rounds/{closed_vote.id}/summary.pdf?order=low").status_code == 400


# -- the summary: a nomination round -----------------------------------------------------------

CANDIDATES = ["Tòng Minh Ánh", "Lê Hữu Hải", "Lò Văn Lâm"]


def test_nomination_summary_page_groups_orders_and_draws(logged_in, closed_nomination):
    url = f"/rounds/{closed_nomination.id}/summary"
    ballot = unescape(logged_in.get(url).text)
    assert "BÁO CÁO KẾT QUẢ GIỚI THIỆU QUY HOẠCH" in ballot
    first = ballot[ballot.index('id="results-1"'):ballot.index('id="results-2"')]
    assert _names_in(first, CANDIDATES) == CANDIDATES
    by_votes = unescape(logged_in.get(url + "?order=votes").text)
    first = by_votes[by_votes.index('id="results-1"'):by_votes.index('id="results-2"')]
    assert _names_in(first, CANDIDATES) == ["Lò Văn Lâm", "Tòng Minh Ánh", "Lê Hữu Hải"]
    second = by_votes[by_votes.index('id="results-2"'):by_votes.index("IV. BIỂU ĐỒ")]
    assert _names_in(second, ["Trần Mạnh Toàn", "Lương Minh Chiến", "Nguyễn Văn A"]) == [
        "Lương Minh Chiến", "Trần Mạnh Toàn", "Nguyễn Văn A"]  # grouped by position
    assert "Theo số phiếu đồng ý trong từng chức danh (cao xuống thấp)" in by_votes

    # the outcome of each position: nominated, tied at the last seat, not nominated
    outcome = by_votes[by_votes.index('id="outcome-1"'):by_votes.index('id="outcome-2"')]
    assert "Được giới thiệu:" in outcome and "Lò Văn Lâm (8 phiếu, 72,73%)" in outcome
    assert "Bằng phiếu ở vị trí cuối:" in outcome and "Tòng Minh Ánh, Lê Hữu Hải" in outcome
    assert "còn 1 vị trí do cấp có thẩm quyền xem xét, quyết định." in outcome
    outcome = by_votes[by_votes.index('id="outcome-2"'):by_votes.index("III. KẾT QUẢ")]
    assert "Lương Minh Chiến (6 phiếu, 54,55%)" in outcome and "Bằng phiếu" not in outcome
    assert "Lưu ý:" not in by_votes  # nobody nominated for more than 3 positions
    rows = [row for row in second.split("<tr") if "Trần Mạnh Toàn" in row]
    assert "Không được giới thiệu" in rows[0] and "18,18" in rows[0]
    assert "Phiếu hợp lệ: 9 · Phiếu không hợp lệ (vượt quá số người quy hoạch tối đa): 1" in (
        by_votes)
    assert first.count('class="band-over_half_low"') == 1  # nominated
    assert first.count('class="band-two_thirds_low"') == 2  # tied

    charts = by_votes[by_votes.index("IV. BIỂU ĐỒ"):by_votes.index("PHƯƠNG PHÁP TÍNH")]
    assert charts.count('<svg class="bar-chart"') == 6
    assert ('aria-label="Bí thư Thành ủy – 3. Lò Văn Lâm: đồng ý 72,73% số người được triệu '
            'tập"') in charts
    assert ">1/2</text>" in charts and 'fill="#3a3a3a"' in charts

    method = by_votes[by_votes.index("PHƯƠNG PHÁP TÍNH"):]
    assert "số người được triệu tập (11), không tính trên số phiếu thu về" in method
    assert "2 × số phiếu đồng ý > 11" in method and "bằng phiếu ở vị trí cuối" in method
    assert "0,005 thành 0,01" in method and "ít nhất 5 phiếu" in method
    assert "tối đa 3 chức danh" in method
    assert logged_in.get(url + "?order=no_confidence").status_code == 400


def test_nomination_summary_pdf(logged_in, closed_nomination):
    response = logged_in.get(f"/rounds/{closed_nomination.id}/summary.pdf?order=votes")
    assert response.status_code == 200
    text = pdf_text(response.data)
    flat = " ".join(text.split())
    assert "BÁO CÁO KẾT QUẢ GIỚI THIỆU QUY HOẠCH" in flat
    assert "Được giới thiệu: Lò Văn Lâm (8 phiếu, 72,73%)." in flat
    assert "Bằng phiếu ở vị trí cuối: Tòng Minh Ánh, Lê Hữu Hải" in flat
    table = flat[flat.index("III. KẾT QUẢ"):flat.index("IV. BIỂU ĐỒ")]
    assert _names_in(table, CANDIDATES) == ["Lò Văn Lâm", "Tòng Minh Ánh", "Lê Hữu Hải"]
    assert "Không được giới thiệu" in table and "Ghi thêm" in table
    assert "2 × số phiếu đồng ý > 11" in flat[flat.index("PHƯƠNG PHÁP TÍNH"):]


def test_nomination_summary_warns_of_a_person_nominated_for_more_than_three(
    logged_in, session
):
    sheet = "Chức danh quy hoạch,Số người quy hoạch tối đa,Họ và tên\n" + "".join(
        f"Chức danh {n},1,Cà Ngọc Long\n" for n in range(1, 5))
    round_ = create_round(session, title="Quy hoạch", now=NOW, kind="nomination")
    replace_nominations(session, round_, parse_nominations(sheet.encode(), "qh.csv"))
    record_attendance(session, round_, summoned=5, present=5)
    codes = [c.code for c in create_cards(session, round_, 5)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    for code in codes:
        cast_ballot(session, code, {s.id: "agree" for s in round_.subjects})
    session.commit()
    close_round(session, round_, NOW)
    session.commit()
    html = unescape(logged_in.get(f"/rounds/{round_.id}/summary").text)
    warning = ("Cà Ngọc Long được giới thiệu cho 4 chức danh (Chức danh 1, Chức danh 2, "
               "Chức danh 3, Chức danh 4), nhiều hơn 3 chức danh.")
    assert warning in html
    assert warning in " ".join(pdf_text(
        logged_in.get(f"/rounds/{round_.id}/summary.pdf").data).split())
    book = openpyxl.load_workbook(io.BytesIO(
        logged_in.get(f"/rounds/{round_.id}/results.xlsx").data))
    assert any(warning in str(row[0]) for row in book["Kết quả"].iter_rows(values_only=True))


def test_summaries_with_too_few_ballots_show_no_figures(logged_in, session):
    round_ = create_round(session, title="Bỏ phiếu tín nhiệm", now=NOW, kind="no_confidence",
                          subjects=VOTE_SUBJECTS)
    record_attendance(session, round_, summoned=3, present=3)
    codes = [c.code for c in create_cards(session, round_, 3)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    for code in codes:
        cast_ballot(session, code, {s.id: "no_confidence" for s in round_.subjects})
    session.commit()
    close_round(session, round_, NOW)
    session.commit()
    html = unescape(logged_in.get(f"/rounds/{round_.id}/summary").text)
    assert "Chỉ thu về 3 phiếu, ít hơn mức tối thiểu 5" in html
    assert '<svg class="bar-chart"' not in html and 'id="consequence"' not in html
    assert "III. PHƯƠNG PHÁP TÍNH" in html
    text = " ".join(pdf_text(logged_in.get(f"/rounds/{round_.id}/summary.pdf").data).split())
    assert "Chỉ thu về 3 phiếu" in text and "NHỮNG NGƯỜI CÓ TRÊN 1/2" not in text
    sheet = openpyxl.load_workbook(io.BytesIO(
        logged_in.get(f"/rounds/{round_.id}/results.xlsx").data))["Kết quả"]
    assert sheet.cell(5, 2).value == "Lò Văn Minh" and sheet.cell(5, 6).value is None


def test_documents_are_offered_for_both_kinds(logged_in, closed_vote, closed_nomination):
    for round_ in (closed_vote, closed_nomination):
        for page in (f"/rounds/{round_.id}/results", f"/rounds/{round_.id}"):
            html = logged_in.get(page).text
            assert f'href="/rounds/{round_.id}/summary.pdf"' in html, page
            assert f'href="/rounds/{round_.id}/summary"' in html
            assert f'href="/rounds/{round_.id}/results.xlsx"' in html


def test_summary_as_a_file_from_the_cli(runner, closed_vote, closed_nomination, tmp_path):
    for round_, order, bars in ((closed_vote, "no_confidence", 4),
                                (closed_nomination, "votes", 6)):
        out = tmp_path / f"summary-{round_.id}.html"
        result = invoke(runner, "report", round_.id, "--format", "html", "--document",
                        "summary", "--order", order, "--out", out)
        assert result.exit_code == 0, result.output
        html = out.read_text(encoding="utf-8")
        assert html.count('<svg class="bar-chart"') == bars and "/static/" not in html
        pdf = tmp_path / f"summary-{round_.id}.pdf"
        assert invoke(runner, "report", round_.id, "--document", "summary", "--order", order,
                      "--out", pdf).exit_code == 0
        assert "PHƯƠNG PHÁP TÍNH" in pdf_text(pdf.read_bytes())
    wrong = invoke(runner, "report", closed_vote.id, "--format", "html", "--document",
                   "summary", "--order", "low")
    assert wrong.exit_code == 2 and "không dùng cho loại đợt này" in wrong.stderr


# -- XLSX and CSV ------------------------------------------------------------------------------


def _book(client, round_):
    response = client.get(f"/rounds/{round_.id}/results.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ket-qua-{round_.id}.xlsx"')
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _facts(book) -> dict:
    return {row[0]: row[1] for row in book["Thông tin đợt"].iter_rows(min_row=2,
                                                                     values_only=True)}


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_vote_xlsx(logged_in, closed_vote):
    book = _book(logged_in, closed_vote)
    assert book.sheetnames == ["Kết quả", "Thông tin đợt"]
    sheet = book["Kết quả"]
    header = [cell.value for cell in sheet[4]]
    assert header == ["STT", "Họ và tên", "Chức vụ", "Phiếu phát ra", "Phiếu thu về", "Hợp lệ",
                      "Không hợp lệ", "Tín nhiệm (số phiếu)", "Tín nhiệm (%)",
                      "Không tín nhiệm (số phiếu)", "Không tín nhiệm (%)", "Kết luận"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5, max_row=8)]
    assert [row[1] for row in rows] == VOTE_NAMES  # ballot order
    assert rows[0] == [1, "Lò Văn Minh", "Phó Bí thư Thường trực", 10, 10, 10, 0, 4, 40, 6, 60,
                       "Đề nghị miễn nhiệm"]
    assert rows[1][9:] == [5, 50, None]  # exactly half: no dismissal
    assert rows[3][5:11] == [9, 1, 1, 10, 8, 80]
    assert all(_is_number(value) for row in rows for value in row[3:11])
    assert sheet.cell(5, 11).number_format == "0.00" and sheet.cell(5, 9).number_format == "0.00"
    assert sheet.cell(5, 1).fill.fgColor.rgb.endswith("F2D0D0")  # the dismissal row, shaded
    assert sheet.cell(6, 1).fill.fill_type is None
    assert "tổng số phiếu thu về (10)" in sheet.cell(3, 1).value
    facts = _facts(book)
    assert facts["Số phiếu thu về"] == 10 and facts["Số người được triệu tập"] == 12
    assert facts["Tỷ lệ phần trăm tính trên"] == "tổng số phiếu thu về (10)"
    assert len(facts["Mã kiểm tra bộ phiếu (SHA-256)"]) == 64


def test_nomination_xlsx(logged_in, closed_nomination):
    book = _book(logged_in, closed_nomination)
    assert book.sheetnames == ["Kết quả", "Thông tin đợt"]
    sheet = book["Kết quả"]
    assert [cell.value for cell in sheet[4]] == [
        "Chức danh quy hoạch", "Số người quy hoạch tối đa", "TT", "Họ và tên",
        "Chức vụ hiện tại", "Ghi thêm", "Số phiếu đồng ý",
        "Tỷ lệ phần trăm trên số người được triệu tập", "Kết quả",
        "Phiếu hợp lệ của chức danh", "Phiếu không hợp lệ của chức danh"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5, max_row=10)]
    assert [(row[0], row[3], row[6], row[7], row[8]) for row in rows] == [
        ("Bí thư Thành ủy", "Tòng Minh Ánh", 6, 54.55, "Bằng phiếu ở vị trí cuối"),
        ("Bí thư Thành ủy", "Lê Hữu Hải", 6, 54.55, "Bằng phiếu ở vị trí cuối"),
        ("Bí thư Thành ủy", "Lò Văn Lâm", 8, 72.73, "Được giới thiệu"),
        ("Chủ tịch UBND thành phố", "Trần Mạnh Toàn", 2, 18.18, "Không được giới thiệu"),
        ("Chủ tịch UBND thành phố", "Lương Minh Chiến", 6, 54.55, "Được giới thiệu"),
        ("Chủ tịch UBND thành phố", "Nguyễn Văn A", 1, 9.09, "Không được giới thiệu"),
    ]
    assert rows[5][5] == "có" and rows[0][5] is None
    assert [row[9:] for row in rows] == [[10, 0]] * 3 + [[9, 1]] * 3
    assert all(_is_number(row[i]) for row in rows for i in (1, 2, 6, 7, 9, 10))
    assert sheet.cell(5, 8).number_format == "0.00"
    assert sheet.cell(8, 1).fill.fill_type is None and sheet.cell(7, 1).fill.fill_type
    facts = _facts(book)
    assert facts["Tỷ lệ phần trăm tính trên"] == "số người được triệu tập (11)"
    assert "Số phiếu hợp lệ" not in facts  # valid or not per position, as in the minutes


def test_csv_of_both_kinds_is_utf8_with_a_bom(logged_in, runner, closed_vote,
                                             closed_nomination, tmp_path):
    for round_, first in ((closed_vote, "STT,Họ và tên"),
                          (closed_nomination, "Chức danh quy hoạch,Số người quy hoạch tối đa")):
        data = logged_in.get(f"/rounds/{round_.id}/results.csv").data
        assert data.startswith(("\ufeff" + first).encode("utf-8"))
        data.decode("utf-8")
        out = tmp_path / f"{round_.id}.csv"
        assert invoke(runner, "report", round_.id, "--format", "csv", "--out", out
                      ).exit_code == 0
        assert out.read_bytes() == data
        out = tmp_path / f"tally-{round_.id}.csv"
        assert invoke(runner, "tally", round_.id, "--format", "csv", "--out", out
                      ).exit_code == 0
        assert out.read_bytes() == data


# -- the recount -------------------------------------------------------------------------------


def _export(runner, round_, tmp_path):
    path = tmp_path / f"phieu-{round_.id}.jsonl"
    result = invoke(runner, "report", round_.id, "--format", "jsonl", "--out", path)
    assert result.exit_code == 0, result.output
    return path, sha256_hex(path.read_bytes())


@pytest.mark.parametrize("kind", ["no_confidence", "nomination"])
def test_recount_of_the_exported_file_gives_the_tally(kind, runner, request, tmp_path):
    round_ = request.getfixturevalue("closed_vote" if kind == "no_confidence"
                                     else "closed_nomination")
    path, digest = _export(runner, round_, tmp_path)
    tally = json.loads(invoke(runner, "tally", round_.id).stdout)
    done = invoke(runner, "recount", path, "--expect", digest)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == tally  # figure by figure, the same object
    assert "KẾT LUẬN: KHỚP." in done.stderr
    if kind == "nomination":
        assert "Đã kiểm lại 10 phiếu của 2 chức danh từ chính tệp này." in done.stderr
        assert tally["positions"][0]["tie"] is True
        assert tally["positions"][1]["write_ins"][0]["name"] == "Nguyễn Văn A"
    else:
        assert "Đã kiểm lại 10 phiếu của 4 người được lấy phiếu" in done.stderr
        assert [s["dismissal"] for s in tally["subjects"]] == [True, False, False, True]
    text = invoke(runner, "recount", path, "--format", "text")
    assert text.exit_code == 0
    if kind == "nomination":
        assert "Lò Văn Lâm" in text.stdout and "72.73" in text.stdout
        assert "nominated" in text.stdout and "tied" in text.stdout
    else:
        assert "Quàng Văn Dũng" in text.stdout and "80.00" in text.stdout
        assert "dismissal" in text.stdout


@pytest.mark.parametrize(("kind", "old", "new"), [
    ("no_confidence", b'"no_confidence"', b'"confidence"'),
    ("nomination", b"[1,1]\n[1,2]", b"[1,2]\n[1,2]"),  # Ánh's last agree given to Hải
])
def test_a_changed_ballot_fails_the_fingerprint(kind, old, new, runner, request, tmp_path):
    round_ = request.getfixturevalue("closed_vote" if kind == "no_confidence"
                                     else "closed_nomination")
    path, digest = _export(runner, round_, tmp_path)
    original = path.read_bytes()
    at = original.index(old, original.index(b"\n"))  # in a ballot, not in the header
    forged = original[:at] + new + original[at + len(old):]
    tampered = tmp_path / "sua.jsonl"
    tampered.write_bytes(forged)
    result = invoke(runner, "recount", tampered, "--expect", digest)
    assert result.exit_code == 1
    assert result.stdout == ""  # no tally from a file that is not the original
    assert "KẾT LUẬN: KHÔNG KHỚP." in result.stderr
    # the forged file is still well formed: counted without --expect, it gives other figures
    other = invoke(runner, "recount", tampered)
    assert other.exit_code == 0
    assert json.loads(other.stdout) != json.loads(invoke(runner, "tally", round_.id).stdout)


NOMINATION_RECORDS = [
    b"[1,4]",  # Bí thư has three candidates
    b"[3,1]",  # two positions
    b"[0,1]",
    b"[1,1,1]",
    b"[1]",
    b'[1,"T\xc3\xb2ng Minh \xc3\x81nh"]',  # a candidate is named by place, never by name
    b"[[1,3],[]]",  # a version 1 ballot's line
    b"[true,1]",
]


@pytest.mark.parametrize("new", NOMINATION_RECORDS)
def test_a_nomination_file_with_an_impossible_record_is_refused(new, runner,
                                                                closed_nomination, tmp_path):
    path, _digest = _export(runner, closed_nomination, tmp_path)
    data = path.read_bytes()
    at = data.index(b"[1,1]\n", data.index(b"\n"))  # the first record, line 2
    path.write_bytes(data[:at] + new + data[at + len(b"[1,1]"):])
    result = invoke(runner, "recount", path)
    assert result.exit_code == 1
    assert "Dòng 2 không phải một dòng phiếu của đợt này." in result.stderr


def test_a_nomination_file_out_of_its_order_is_refused(runner, closed_nomination, tmp_path):
    path, _digest = _export(runner, closed_nomination, tmp_path)
    data = path.read_bytes()
    at = data.index(b"[1,1]\n", data.index(b"\n"))
    path.write_bytes(data[:at] + b"[1,3]" + data[at + len(b"[1,1]"):])
    result = invoke(runner, "recount", path)
    assert result.exit_code == 1
    assert "Dòng 3 không đúng thứ tự" in result.stderr


def test_a_write_in_where_none_was_offered_is_refused(runner, closed_nomination, tmp_path):
    path, _digest = _export(runner, closed_nomination, tmp_path)
    data = path.read_bytes()
    header, rest = data.split(b"\n", 1)
    assert header.count(b'"write_ins":true') == 2
    assert b'"written":[{"name":"Nguy\xe1\xbb\x85n V\xc4\x83n A","votes":1}]' in header
    path.write_bytes(header.replace(b'"write_ins":true', b'"write_ins":false') + b"\n" + rest)
    result = invoke(runner, "recount", path)
    assert result.exit_code == 1 and "Phần đầu tệp sai ở mục “positions”." in result.stderr
    path.write_bytes(header.replace(b'"seats":2', b'"seats":0') + b"\n" + rest)
    result = invoke(runner, "recount", path)
    assert result.exit_code == 1 and "Phần đầu tệp sai ở mục “positions”." in result.stderr


def test_summary_pages_label_every_control(logged_in, closed_vote, closed_nomination):
    for round_ in (closed_vote, closed_nomination):
        html = logged_in.get(f"/rounds/{round_.id}/summary").text
        assert_accessible_basics(html, f"the {round_.kind} summary")
