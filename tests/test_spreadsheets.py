"""Spreadsheets never run what people typed: every text cell of every workbook the app writes is
text, and every CSV cell a spreadsheet would take for a formula starts with an apostrophe.

Names that would be formulas come in through every path: a subject list uploaded as CSV or XLSX,
a subject added by hand, a nomination sheet, a write-in on the phone, an appraisal roster, the
round's details and the minutes' details (chair, counting committee).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

import survey
from survey.ballots.operations import create_cards, issue_cards
from survey.desk.operations import close_round, open_round
from survey.kinds.appraisal.roster import create_named_cards
from survey.kinds.casting import cast_ballot
from survey.reports.cli import report_command, tally_command
from survey.rounds.models import Round
from survey.rounds.operations import record_attendance
from tests.factories import NOW, appraise, new_round_form

#: Texts a spreadsheet would run: a link that leaks on opening, arithmetic, a function call and
#: the dynamic data exchange call that starts a program (found in exports of other tools).
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
]


def _upload_xlsx(rows: list[list[str]]) -> bytes:
    """A workbook as an organizer's Excel saves it, every cell typed as text."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            cell.data_type = "s"  # openpyxl would take "=…" for a formula; Excel's file has text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _new_round(client, kind: str, upload: bytes, filename: str, **fields) -> int:
    data = new_round_form(kind=kind, title=HOSTILE[0], body=HOSTILE[1], place=HOSTILE[2],
                          **fields)
    data["subjects_file"] = (io.BytesIO(upload), filename)
    response = client.post("/rounds/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _committee(client, round_id: int) -> None:
    """The minutes' details and the counting committee, typed by an organizer."""
    response = client.post(f"/rounds/{round_id}/committee", data={
        "parent_body": HOSTILE[3], "locality": HOSTILE[4], "chair": HOSTILE[0],
        "members-0-name": HOSTILE[4], "members-0-role": "head",
        "members-1-name": HOSTILE[2], "members-1-role": "member",
    })
    assert response.status_code == 302, response.text


def _open(session, round_id: int, cards: int) -> tuple[Round, list[str]]:
    session.expire_all()
    round_ = session.get(Round, round_id)
    record_attendance(session, round_, summoned=cards, present=cards)
    codes = [c.code for c in create_cards(session, round_, cards)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    return round_, codes


def _close(session, round_id: int) -> None:
    session.expire_all()
    close_round(session, session.get(Round, round_id), NOW)
    session.commit()


def _workbooks(logged_in, runner, round_id: int, tmp_path) -> list[bytes]:
    """The results workbook from the page and from ``survey report``."""
    page = logged_in.get(f"/rounds/{round_id}/results.xlsx")
    assert page.status_code == 200
    out = tmp_path / f"ket-qua-{round_id}.xlsx"
    result = runner.invoke(report_command, [str(round_id), "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return [page.data, out.read_bytes()]


def assert_text_only(data: bytes, texts: list[str]) -> None:
    """Each of ``texts`` is in the workbook, in text cells only, with Excel's quote prefix;
    no cell of the workbook is a formula, and no sheet's XML holds one."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for line in sheet.iter_rows() for cell in line]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    for text in texts:
        found = [c for c in cells if c.value == text]
        assert found, f"{text!r} is not in the workbook"
        assert {(c.data_type, c.quotePrefix) for c in found} == {("s", True)}, text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >/]", archive.read(name)), name


def assert_csv_cells_quoted(text: str, texts: list[str]) -> None:
    """Each of ``texts`` is in the CSV only behind an apostrophe, as Excel writes text."""
    cells = [cell for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))) for cell in row]
    for value in texts:
        assert "'" + value in cells, value
        assert value not in cells, value
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]


def _csvs(logged_in, runner, round_id: int) -> list[str]:
    page = logged_in.get(f"/rounds/{round_id}/results.csv")
    assert page.status_code == 200
    result = runner.invoke(tally_command, [str(round_id), "--format", "csv"])
    assert result.exit_code == 0, result.output
    return [page.data.decode("utf-8"), result.stdout]


def _check(logged_in, runner, round_id: int, tmp_path, *, in_sheet: list[str],
           in_csv: list[str]) -> None:
    for data in _workbooks(logged_in, runner, round_id, tmp_path):
        assert_text_only(data, in_sheet)
    for text in _csvs(logged_in, runner, round_id):
        assert_csv_cells_quoted(text, in_csv)


def test_the_helpers_would_see_a_formula():
    """The checks above fail on a workbook written the way openpyxl writes by default."""
    book = openpyxl.Workbook()
    book.active.append([HOSTILE[0]])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(AssertionError):
        assert_text_only(out.getvalue(), [HOSTILE[0]])


@pytest.mark.parametrize("filename", ["danh-sach.xlsx", "danh-sach.csv"])
def test_a_poll_uploaded_typed_and_detailed_with_formulas_exports_them_as_text(
        logged_in, session, runner, tmp_path, filename):
    rows = [["Họ và tên", "Chức vụ", "Đơn vị"],
            [HOSTILE[0], HOSTILE[1], HOSTILE[2]],
            [HOSTILE[3], HOSTILE[4], "Ban Tổ chức"]]
    upload = _upload_xlsx(rows) if filename.endswith(".xlsx") else _upload_csv(rows)
    round_id = _new_round(logged_in, "confidence", upload, filename)
    added = logged_in.post(f"/rounds/{round_id}/subjects",
                           data={"name": "@cmd", "position": "=1+2", "unit": "-Ban"})
    assert added.status_code == 302
    _committee(logged_in, round_id)
    round_, codes = _open(session, round_id, 5)
    ids = [s.id for s in round_.subjects]
    assert [s.name for s in round_.subjects] == [HOSTILE[0], HOSTILE[3], "@cmd"]
    for code in codes:
        cast_ballot(session, code, dict.fromkeys(ids, "low"))
    session.commit()
    _close(session, round_id)
    _check(logged_in, runner, round_id, tmp_path, in_sheet=[*HOSTILE, "@cmd", "=1+2", "-Ban"],
           in_csv=[*HOSTILE, "@cmd", "=1+2", "-Ban"])


def test_a_confidence_vote_exports_its_names_as_text(logged_in, session, runner, tmp_path):
    upload = _upload_csv([["Họ và tên", "Chức vụ"], [HOSTILE[4], HOSTILE[3]],
                          [HOSTILE[1], "Phó Chủ tịch"]])
    round_id = _new_round(logged_in, "no_confidence", upload, "bo-phieu.csv")
    _committee(logged_in, round_id)
    round_, codes = _open(session, round_id, 5)
    for code in codes:
        cast_ballot(session, code, {s.id: "no_confidence" for s in round_.subjects})
    session.commit()
    _close(session, round_id)
    _check(logged_in, runner, round_id, tmp_path, in_sheet=HOSTILE,
           in_csv=[HOSTILE[4], HOSTILE[3], HOSTILE[1]])


def test_a_nomination_sheet_and_write_ins_export_as_text(logged_in, session, runner, tmp_path):
    sheet = _upload_csv([
        ["Chức danh quy hoạch", "Số người quy hoạch tối đa", "Họ và tên", "Chức vụ hiện tại"],
        [HOSTILE[2], "2", HOSTILE[0], HOSTILE[1]],
        [HOSTILE[2], "2", "Lò Văn Lâm", "Trưởng phòng"],
        ["Chủ tịch", "1", HOSTILE[3], "Phó Chủ tịch"],
    ])
    round_id = _new_round(logged_in, "nomination", sheet, "quy-hoach.csv")
    _committee(logged_in, round_id)
    round_, codes = _open(session, round_id, 5)
    first, second = sorted(round_.positions, key=lambda p: p.order)
    for code in codes:  # the phone's path: claim, review, cast
        assert logged_in.post("/v", data={"code": code}).status_code == 200
        form = {"code": code, f"w{second.id}": HOSTILE[4],
                **{f"s{s.id}": "agree" for s in round_.subjects if s.position_id == first.id}}
        assert logged_in.post("/v/review", data=form).status_code == 200
        assert logged_in.post("/v/cast", data=form).status_code == 303
    _close(session, round_id)
    _check(logged_in, runner, round_id, tmp_path, in_sheet=HOSTILE, in_csv=HOSTILE[:5])


def test_an_appraisal_roster_exports_as_text(logged_in, session, runner, tmp_path):
    roster = [["Họ và tên", "Chức vụ", "Đơn vị"]] + [
        [name, HOSTILE[1], HOSTILE[2]] for name in (HOSTILE[0], HOSTILE[3], HOSTILE[4], "An")
    ]
    round_id = _new_round(logged_in, "appraisal", _upload_xlsx(roster), "danh-sach.xlsx")
    _committee(logged_in, round_id)
    session.expire_all()
    round_ = session.get(Round, round_id)
    record_attendance(session, round_, summoned=4, present=4)
    made = create_named_cards(session, round_)
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    round_.codes = {named.holder: named.card.code for named in made}
    names = [s.name for s in round_.subjects]
    for rater in names:
        appraise(logged_in, round_, rater, {
            name: ("good", 20, 55, None) for name in names if name != rater})
    _close(session, round_id)
    _check(logged_in, runner, round_id, tmp_path, in_sheet=HOSTILE, in_csv=HOSTILE[:5])


def test_no_formula_in_any_workbook_of_the_fixtures(logged_in, make_closed, closed_vote,
                                                    closed_nomination):
    """Every kind's workbook as the other tests build it: the app writes no formula itself."""
    for round_ in (make_closed(), closed_vote, closed_nomination):
        response = logged_in.get(f"/rounds/{round_.id}/results.xlsx")
        assert response.status_code == 200
        assert_text_only(response.data, [])
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        assert book.sheetnames == ["Kết quả", "Thông tin đợt"]


def test_every_csv_goes_through_the_one_writer():
    """The CSV writer that quotes formulas is the only one: no module writes CSV otherwise."""
    root = Path(survey.__file__).parent
    writers = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                     if re.search(r"csv\.(writer|DictWriter)", path.read_text(encoding="utf-8")))
    assert writers == ["documents/csv.py"]
