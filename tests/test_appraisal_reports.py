"""An appraisal round's summary, workbook, ballot file and recount, through the app and the CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from decimal import Decimal
from html import unescape

import click
import openpyxl
import pypdf
import pytest

from survey.desk.operations import close_round
from survey.kinds.appraisal.results import subject_inputs
from survey.reports.cli import recount_command, report_command, tally_command
from survey.rounds.operations import get_round
from survey.tally.appraisal import tally_appraisal
from tests.conftest import NOW
from tests.factories import appraise, assert_accessible_basics

SURVEY = click.Group("survey", commands=[tally_command, report_command, recount_command])

#: Roster order: An 1, Bình 2, Chi 3, Dũng 4, Em 5, Giang 6, Hà 7, Khoa 8.
SECRET = "Bí mật về Hà"
COMMENT = "Nhận xét về Chi"


@pytest.fixture
def rated(client, session, make_appraisal):
    """Four raters. Bình: mostly failed; Chi: mostly excellent; Dũng: good; Giang: good with
    one excellent; Hà: two "excellent" only, below the minimum of 3; the rest: nobody."""
    round_ = make_appraisal()
    appraise(client, round_, "An", {
        "Bình": ("failed", None, None, None), "Chi": ("excellent", 28, 65, None),
        "Dũng": ("good", 20, 55, None), "Giang": ("excellent", None, None, None),
        "Hà": ("excellent", 30, 70, SECRET)})
    appraise(client, round_, "Em", {
        "Bình": ("failed", 10, 30, None), "Chi": ("excellent", 27, 64, None),
        "Dũng": ("good", None, None, None), "Giang": ("good", None, None, None),
        "Hà": ("excellent", 29, 69, None)})
    appraise(client, round_, "Khoa", {
        "Bình": ("completed", None, None, None), "Chi": ("excellent", 29, 66, None),
        "Dũng": ("good", None, None, None), "Giang": ("good", None, None, None)})
    appraise(client, round_, "Hà", {
        "Bình": ("good", None, None, None), "Chi": ("good", 25, 60, COMMENT),
        "Dũng": ("good", None, None, None), "Giang": ("good", None, None, None)})
    close_round(session, session.merge(round_), NOW)
    session.commit()
    return round_


def _rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="summary-line[^"]*" data-order="(\d+)"', html)]


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


# -- the summary -------------------------------------------------------------------------------


@pytest.mark.parametrize(("order", "expected"), [
    ("ballot", [1, 2, 3, 4, 5, 6, 7, 8]),
    ("excellent", [3, 6, 2, 4, 1, 5, 7, 8]),  # 75 %, 25 %, 0, 0; then the hidden ones
    ("failed", [2, 3, 4, 6, 1, 5, 7, 8]),  # Bình 50 %; ties keep the roster's order
])
def test_summary_sorts_as_the_organizer_chooses(logged_in, rated, order, expected):
    page = logged_in.get(f"/rounds/{rated.id}/summary?order={order}")
    assert page.status_code == 200
    assert _rows(page.text) == expected
    assert f'value="{order}" selected' in page.text


def test_summary_refuses_an_unknown_order(logged_in, rated):
    assert logged_in.get(f"/rounds/{rated.id}/summary?order=low").status_code == 400
    assert logged_in.get(f"/rounds/{rated.id}/summary.pdf?order=x").status_code == 400


def test_summary_page_shows_quota_cohort_bars_and_method_but_no_comment(logged_in, rated):
    page = logged_in.get(f"/rounds/{rated.id}/summary")
    html = unescape(page.text)
    assert "BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG" in html
    # Chi excellent; Dũng, Giang good; Bình failed: 3 of 4 completed or better, 1 of 4 excellent
    assert ("Trong 4 người có kết quả: 75,00% hoàn thành nhiệm vụ trở lên, 75,00% hoàn thành "
            "tốt nhiệm vụ trở lên, 25,00% hoàn thành xuất sắc nhiệm vụ.") in html
    quota = re.search(r'<tr class="quota-breach">(.*?)</tr>', html, re.S)
    assert quota is not None
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", quota.group(1), re.S)
    assert cells == ["Cả đợt", "1", "2", "0 (20%)", "50,00", "<strong>vượt tỷ lệ</strong>"]
    assert "không kết quả nào bị thay đổi" in html
    # one bar per shown subject, none for the others
    assert html.count('class="bar-chart"') == 4
    assert 'aria-label="3. Chi: Hoàn thành xuất sắc nhiệm vụ 75,00%, Hoàn thành tốt nhiệm vụ ' \
           '25,00%, Hoàn thành nhiệm vụ 0,00%, Không hoàn thành nhiệm vụ 0,00%"' in html
    assert "7. Hà:" not in html
    for text in ("Khung điểm: từ 90 trở lên hoàn thành xuất sắc",
                 "ít nhất 3 người đánh giá", "không vượt quá 20% số “Hoàn thành tốt”",
                 "trung vị của số chẵn giá trị là trung bình cộng của hai giá trị giữa",
                 "làm tròn 2 chữ số thập phân, từ 5 trở lên làm tròn lên"):
        assert text in html, text
    assert COMMENT not in html and SECRET not in html
    # Chi's total median: totals 93, 91, 95, 85 → (91 + 93) / 2
    chi = re.search(r'data-order="3">(.*?)</tr>', html, re.S).group(1)
    assert ">92,00<" in chi and ">91,00<" in chi


def test_summary_shows_nothing_for_a_subject_below_the_minimum(logged_in, session, rated):
    html = unescape(logged_in.get(f"/rounds/{rated.id}/summary").text)
    ha = re.search(r'data-order="7">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", ha, re.S)
    assert cells[0] == "7"
    assert cells[2:] == ["Dưới mức tối thiểu người đánh giá: không ghi số liệu"]
    assert not re.search(r"\d", re.sub(r"<[^>]+>", "", ha).replace("7", "", 1))
    # the shown totals are those of the shown subjects alone
    session.rollback()
    round_ = get_round(session, rated.id)
    inputs = subject_inputs(session, round_)
    without = tally_appraisal([s for s, subject in zip(inputs, round_.subjects, strict=True)
                               if subject.name != "Hà"], min_raters=3)
    assert without.cohort.percent == {"completed_or_better": Decimal("75.00"),
                                      "good_or_better": Decimal("75.00"),
                                      "excellent": Decimal("25.00")}
    [quota] = without.quota
    assert (quota.excellent, quota.good, quota.breach) == (1, 2, True)
    data = logged_in.get(f"/rounds/{rated.id}/results.json").get_json()
    assert data["cohort"]["percent"] == {k: f"{v:.2f}" for k, v in without.cohort.percent.items()}
    assert (data["quota"][0]["excellent"], data["quota"][0]["good"]) == (1, 2)
    # folded in, Hà's two "excellent" would have shown: 2 of 5 excellent, 40 %
    assert "40,00%" not in html


def test_summary_pdf(logged_in, rated):
    response = logged_in.get(f"/rounds/{rated.id}/summary.pdf?order=excellent")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'bao-cao-{rated.id}.pdf"')
    text = _pdf_text(response.data)
    assert "BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG" in text
    assert ("75,00% hoàn thành nhiệm vụ trở lên, 75,00% hoàn thành tốt nhiệm vụ trở lên, "
            "25,00% hoàn thành xuất sắc nhiệm vụ") in text
    assert "vượt tỷ lệ" in text and "Theo tỷ lệ hoàn thành xuất sắc nhiệm vụ" in text
    assert "Dưới mức tối thiểu người đánh giá: không ghi số liệu" in text
    assert "V. PHƯƠNG PHÁP TÍNH" in text and "ít nhất 3 người đánh giá" in text
    table = text[text.index("III. KẾT QUẢ"):text.index("IV. BIỂU ĐỒ")]
    assert table.index("Chi") < table.index("Giang") < table.index("Bình") < table.index("Hà")
    assert COMMENT not in text and SECRET not in text
    charts = text[text.index("IV. BIỂU ĐỒ"):text.index("V. PHƯƠNG PHÁP")]
    assert "3. Chi" in charts and "7. Hà" not in charts
    ballot = _pdf_text(logged_in.get(f"/rounds/{rated.id}/summary.pdf").data)
    table = ballot[ballot.index("III. KẾT QUẢ"):ballot.index("IV. BIỂU ĐỒ")]
    assert table.index("Bình") < table.index("Chi") < table.index("Giang")


def test_summary_and_downloads_of_a_published_round_for_a_reader(client, login, session, rated):
    from survey.desk.operations import publish_round

    reader = login("reader", "observer")
    assert reader.get(f"/rounds/{rated.id}/summary").status_code == 404
    session.rollback()
    publish_round(session, get_round(session, rated.id), NOW)
    session.commit()
    for url in ("summary", "summary.pdf", "results.xlsx", "ballots.jsonl"):
        assert reader.get(f"/rounds/{rated.id}/{url}").status_code == 200, url
    page = reader.get(f"/rounds/{rated.id}/results")
    for url in ("summary.pdf", "results.xlsx", "ballots.jsonl"):
        assert f"/rounds/{rated.id}/{url}" in page.text


# -- the workbook ------------------------------------------------------------------------------


def test_xlsx_two_sheets_numbers_as_numbers_and_suppression(logged_in, rated):
    response = logged_in.get(f"/rounds/{rated.id}/results.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Kết quả", "Thông tin đợt"]
    sheet = book["Kết quả"]
    header = [c.value for c in sheet[4]]
    assert header[:7] == ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Số người đánh giá",
                          "Hoàn thành xuất sắc nhiệm vụ (số người)",
                          "Hoàn thành xuất sắc nhiệm vụ (%)"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    chi = rows["Chi"]
    assert chi[0] == 3 and chi[4] == 4
    assert chi[5:13] == (3, 75, 1, 25, 0, 0, 0, 0)
    assert all(isinstance(v, int | float) for v in chi[4:19])
    total_mean = header.index("Tổng điểm: trung bình")
    assert chi[total_mean:total_mean + 2] == (91, 92)
    assert chi[header.index("Mức đa số")] == "Hoàn thành xuất sắc nhiệm vụ"
    assert sheet.cell(5 + 2, 6 + 1).number_format == "0.00"  # Chi's share of excellent
    ha = rows["Hà"]
    assert ha[0] == 7 and all(v is None for v in ha[4:-1])
    assert ha[-1] == "Dưới mức tối thiểu người đánh giá: không ghi số liệu"
    facts = {row[0]: row[1] for row in book["Thông tin đợt"].iter_rows(min_row=2,
                                                                       values_only=True)}
    assert facts["Số phiếu thu về"] == 4 and facts["Số người đánh giá tối thiểu"] == 3
    assert facts["Số người có kết quả"] == 4
    assert facts["Hoàn thành nhiệm vụ trở lên (%)"] == 75
    assert facts["Hoàn thành xuất sắc nhiệm vụ (%)"] == 25
    assert facts["Tỷ lệ xuất sắc – Cả đợt"] == "1 xuất sắc, 2 tốt, tối đa 0: vượt tỷ lệ"
    ballots = logged_in.get(f"/rounds/{rated.id}/ballots.jsonl").data
    assert facts["Mã kiểm tra bộ phiếu (SHA-256)"] == hashlib.sha256(ballots).hexdigest()
    text = " ".join(str(v) for ws in book for row in ws.iter_rows(values_only=True)
                    for v in row if v is not None)
    assert SECRET not in text and COMMENT not in text


# -- a subject below the minimum of raters: nothing, not even how many rated ----------------

#: Below the minimum in :func:`rated`: Hà (rated by two), An, Em and Khoa (by nobody).
HIDDEN = {"An": 1, "Em": 5, "Hà": 7, "Khoa": 8}


def _row_cells(page: str, order: int, name: str) -> list[str]:
    """The cells of the table row of subject ``order``: its order, then its name."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        cells = [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split())
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if cells[:1] == [str(order)] and cells[1].startswith(name):
            return cells
    raise AssertionError(f"no row {order}")


def test_the_rater_count_below_the_minimum_is_in_no_output(logged_in, runner, rated, tmp_path):
    tally = runner.invoke(SURVEY, ["tally", str(rated.id), "--format", "json"])
    assert tally.exit_code == 0, tally.output
    for data in (json.loads(tally.stdout),
                 logged_in.get(f"/rounds/{rated.id}/results.json").get_json()):
        raters = {s["name"]: s["raters"] for s in data["subjects"]}
        assert raters == {"An": None, "Bình": 4, "Chi": 4, "Dũng": 4, "Em": None, "Giang": 4,
                          "Hà": None, "Khoa": None}
    # CSV (page and command): the rater count's cell is empty, like every figure
    cli_csv = runner.invoke(SURVEY, ["tally", str(rated.id), "--format", "csv"]).stdout
    web_csv = logged_in.get(f"/rounds/{rated.id}/results.csv").data.decode("utf-8-sig")
    for text in (cli_csv, web_csv):
        rows = {row[1]: row for row in csv.reader(io.StringIO(text.removeprefix("\ufeff")))}
        assert rows["Họ và tên"][4] == "Số người đánh giá" and rows["Chi"][4] == "4"
        for name in HIDDEN:
            assert rows[name][4:-1] == [""] * (len(rows[name]) - 5), name
    # XLSX: the same
    book = openpyxl.load_workbook(io.BytesIO(logged_in.get(
        f"/rounds/{rated.id}/results.xlsx").data))
    sheet = {row[1]: row for row in book["Kết quả"].iter_rows(min_row=5, values_only=True)}
    assert sheet["Chi"][4] == 4
    assert all(sheet[name][4] is None for name in HIDDEN)
    # the results page, the minutes page and its file, the summary: the order, the name and
    # the note, and no other cell
    out = tmp_path / "bien-ban.html"
    assert runner.invoke(SURVEY, ["report", str(rated.id), "--format", "html", "--out",
                                  str(out)]).exit_code == 0
    pages = {"results": logged_in.get(f"/rounds/{rated.id}/results").text,
             "minutes": logged_in.get(f"/rounds/{rated.id}/minutes").text,
             "file": out.read_text(encoding="utf-8"),
             "summary": logged_in.get(f"/rounds/{rated.id}/summary").text}
    for where, page in pages.items():
        assert _row_cells(page, 3, "Chi")[2] == "4", where  # Chi: 4 raters
        for name, order in HIDDEN.items():
            cells = _row_cells(page, order, name)
            assert len(cells) == 3, (where, cells)
            assert "không" in cells[2] and not re.search(r"\d", cells[1] + cells[2].replace(
                "3 người", "")), (where, cells)
    # the minutes and the summary as PDF: nothing between the subject and the note
    minutes = _pdf_text(logged_in.get(f"/rounds/{rated.id}/minutes.pdf").data)
    summary = _pdf_text(logged_in.get(f"/rounds/{rated.id}/summary.pdf").data)
    assert "3 Chi Chuyên viên, Phòng A 4 3 75,00%" in minutes
    for name, order in HIDDEN.items():
        unit = "Phòng B" if name in ("Hà", "Khoa") else "Phòng A"
        assert (f"{order} {name} Chuyên viên, {unit} Dưới 3 người đánh giá: không ghi số "
                "liệu") in minutes, name
        assert (f"{order} {name} Chuyên viên, {unit} Dưới mức tối thiểu người đánh giá: "
                "không ghi số liệu") in summary, name
    # the ballot file's header says only that the minimum was not reached
    header = json.loads(logged_in.get(f"/rounds/{rated.id}/ballots.jsonl").data
                        .split(b"\n", 1)[0])
    assert {s["name"]: s["raters"] for s in header["subjects"] if s["suppressed"]} == dict.fromkeys(
        HIDDEN)


# -- the ballot file and the recount -------------------------------------------------------


def test_ballot_file_is_stable_has_no_comment_and_no_hidden_subject(app, logged_in, runner,
                                                                     rated, tmp_path):
    first = logged_in.get(f"/rounds/{rated.id}/ballots.jsonl")
    assert first.status_code == 200
    assert first.headers["Content-Disposition"].endswith(f'phieu-{rated.id}.jsonl"')
    assert logged_in.get(f"/rounds/{rated.id}/ballots.jsonl").data == first.data
    out = tmp_path / "phieu.jsonl"
    result = runner.invoke(SURVEY, ["report", str(rated.id), "--format", "jsonl", "--out",
                                    str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == first.data
    text = first.data.decode("utf-8")
    assert SECRET not in text and COMMENT not in text
    header, *records = [json.loads(line) for line in text.splitlines()]
    assert header["kind"] == "appraisal" and header["collected"] == 4
    assert header["version"] == 2
    assert header["rules"] == {"min_raters": 3, "quota_percent": 20, "quota_group": "round",
                               "same_unit_only": False}
    ha = header["subjects"][6]
    assert (ha["name"], ha["raters"], ha["suppressed"]) == ("Hà", None, True)  # not even 2
    assert header["records"] == len(records)
    levels = [r for r in records if r[1] == "level"]
    assert len(levels) == 16  # 4 raters × Bình, Chi, Dũng, Giang
    assert {r[0] for r in records} == {2, 3, 4, 6}  # nothing of Hà's
    # each record one value: a level is never written beside the scores of its line
    assert all(len(r) == 3 for r in records)
    assert [r[1:] for r in records if r[0] == 3] == [
        ["level", "excellent"], ["level", "excellent"], ["level", "excellent"],
        ["level", "good"], ["general", 25], ["general", 27], ["general", 28], ["general", 29],
        ["tasks", 60], ["tasks", 64], ["tasks", 65], ["tasks", 66],
        ["total", 85], ["total", 91], ["total", 93], ["total", 95]]
    # in the file's one order, whatever the order the forms were cast in
    fields = ("level", "general", "tasks", "total")
    rank = {"excellent": 0, "good": 1, "completed": 2, "failed": 3}
    assert records == sorted(records, key=lambda r: (
        r[0], fields.index(r[1]), rank[r[2]] if r[1] == "level" else r[2]))


def test_minutes_print_the_fingerprint_of_the_ballot_file(logged_in, rated):
    digest = hashlib.sha256(logged_in.get(f"/rounds/{rated.id}/ballots.jsonl").data).hexdigest()
    page = unescape(logged_in.get(f"/rounds/{rated.id}/minutes").text)
    assert f'<code class="hash">{digest}</code>' in page
    text = _pdf_text(logged_in.get(f"/rounds/{rated.id}/minutes.pdf").data)
    assert digest in text.replace(" ", "")
    assert "Mã kiểm tra bộ phiếu (SHA-256" in text


def test_recount_through_the_cli_matches_the_tally(app, runner, rated, tmp_path):
    path = tmp_path / "phieu.jsonl"
    assert runner.invoke(SURVEY, ["report", str(rated.id), "--format", "jsonl", "--out",
                                  str(path)]).exit_code == 0
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    tally = runner.invoke(SURVEY, ["tally", str(rated.id)])
    assert tally.exit_code == 0
    expected = json.loads(tally.stdout)
    # a machine with no database: the recount reads the file alone
    recount = click.testing.CliRunner().invoke(
        SURVEY, ["recount", str(path), "--expect", digest.upper()])
    assert recount.exit_code == 0, recount.output
    got = json.loads(recount.stdout)
    assert "KHỚP" in recount.stderr
    for item in expected["subjects"]:
        item.pop("comments")
    for item in got["subjects"]:
        assert item.pop("comments") is None
    assert got == expected
    assert got["cohort"]["percent"]["excellent"] == "25.00"
    text = click.testing.CliRunner().invoke(SURVEY, ["recount", str(path), "--format", "text"])
    assert text.exit_code == 0
    assert "3. Chi (4): Hoàn thành xuất sắc nhiệm vụ 3 (75.00%)" in text.stdout
    assert "7. Hà: —" in text.stdout and "vượt tỷ lệ" in text.stdout


def test_a_tampered_ballot_file_fails(runner, rated, tmp_path):
    path = tmp_path / "phieu.jsonl"
    runner.invoke(SURVEY, ["report", str(rated.id), "--format", "jsonl", "--out", str(path)])
    original = path.read_bytes()
    digest = hashlib.sha256(original).hexdigest()
    cli = click.testing.CliRunner()
    # one level changed: still a well-formed file, but not the one the minutes fingerprint
    changed = original.replace(b'"good"', b'"excellent"', 1)
    assert changed != original
    path.write_bytes(changed)
    result = cli.invoke(SURVEY, ["recount", str(path), "--expect", digest])
    assert result.exit_code == 1 and "KHÔNG KHỚP" in result.stderr
    assert result.stdout == ""
    # a line taken out: the file no longer adds up
    lines = original.split(b"\n")
    path.write_bytes(b"\n".join(lines[:3] + lines[4:]))
    result = cli.invoke(SURVEY, ["recount", str(path)])
    assert result.exit_code == 1 and "không đúng định dạng tệp phiếu" in result.stderr
    # a line of the hidden subject added: refused
    path.write_bytes(original + b'[7,"level","failed"]\n')
    result = cli.invoke(SURVEY, ["recount", str(path)])
    assert result.exit_code == 1 and "không phải một dòng phiếu của đợt này" in result.stderr


# -- the command line's documents --------------------------------------------------------------


def test_report_command_writes_the_appraisal_documents(runner, rated, tmp_path):
    pdf, html, xlsx = tmp_path / "s.pdf", tmp_path / "s.html", tmp_path / "k.xlsx"
    for args in (["--format", "pdf", "--document", "summary", "--order", "failed", "--out",
                  pdf], ["--format", "html", "--document", "summary", "--out", html],
                 ["--format", "xlsx", "--out", xlsx]):
        result = runner.invoke(SURVEY, ["report", str(rated.id), *map(str, args)])
        assert result.exit_code == 0, result.output
    assert "Theo tỷ lệ không hoàn thành nhiệm vụ" in _pdf_text(pdf.read_bytes())
    page = html.read_text(encoding="utf-8")
    assert "<style>" in page and _rows(page) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert openpyxl.load_workbook(xlsx).sheetnames == ["Kết quả", "Thông tin đợt"]
    refused = runner.invoke(SURVEY, ["report", str(rated.id), "--format", "pdf", "--document",
                                     "summary", "--order", "low", "--out", str(pdf)])
    assert refused.exit_code == 2


@pytest.mark.parametrize("args", [["--document", "minutes"], []])
def test_report_command_writes_the_appraisal_minutes_as_html(runner, logged_in, rated, tmp_path,
                                                            args):
    """`survey report --format html --document minutes` (and `--format html` alone, whose first
    document is the minutes): the page of the minutes as a file of its own."""
    out = tmp_path / "bien-ban.html"
    result = runner.invoke(SURVEY, ["report", str(rated.id), "--format", "html", *args,
                                    "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<style>" in page and "/static/" not in page and "<script" not in page
    assert '<html lang="vi">' in page
    text = unescape(page)
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "Đánh giá, xếp loại năm 2026" in text
    assert "III. KẾT QUẢ ĐÁNH GIÁ ĐỐI VỚI TỪNG NGƯỜI" in text
    digest = hashlib.sha256(logged_in.get(f"/rounds/{rated.id}/ballots.jsonl").data).hexdigest()
    assert digest in text.replace(" ", "").replace("\n", "")
    assert SECRET not in text and COMMENT not in text  # the minutes hold no comment
    # the same document as the minutes page of the app
    web = logged_in.get(f"/rounds/{rated.id}/minutes").text
    article = re.compile(r'<article class="document">.*?</article>', re.S)
    assert article.search(page).group(0) == article.search(web).group(0)


def test_summary_page_labels_its_controls_and_has_unique_ids(logged_in, rated):
    for order in ("ballot", "failed"):
        page = logged_in.get(f"/rounds/{rated.id}/summary?order={order}")
        controls = assert_accessible_basics(page.text, f"summary?order={order}")
        assert "order" in controls.label_for
