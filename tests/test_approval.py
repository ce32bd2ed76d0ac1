"""The two votes of agreement as rounds of their own: the phone ballot, the tally and its
documents, the ballot file and its recount, and the head's decision at exactly half."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from survey.ballots.operations import create_cards, issue_cards
from survey.desk.operations import close_round, create_round, open_round
from survey.kinds.approval.models import HeadDecision
from survey.kinds.casting import cast_ballot
from survey.procedures.cli import procedure_cli
from survey.reports.cli import recount_command
from survey.rounds.importing import SubjectRow
from survey.rounds.operations import record_attendance
from survey.security.models import AuditEntry
from tests.factories import NOW, vote

PEOPLE = [SubjectRow(1, "Vì Thị Hoa", "Phó Giám đốc Sở", "Chánh Văn phòng"),
          SubjectRow(2, "Lò Văn Minh", "Phó Giám đốc Sở", "Trưởng phòng Tổ chức"),
          SubjectRow(3, "Giàng A Páo", "Phó Giám đốc Sở", "Trưởng phòng")]


@pytest.fixture
def make_vote(session):
    """A closed vote of ``kind`` on :data:`PEOPLE`, 6 summoned and present: Hoa 4 agree,
    Minh 3 (exactly half, one blank line), Páo 2."""

    def _make(kind="collective_vote", **options):
        round_ = create_round(session, title="Biểu quyết nhân sự", now=NOW, kind=kind,
                              subjects=PEOPLE, body="Đảng ủy Sở Nội vụ", **options)
        record_attendance(session, round_, summoned=6, present=6)
        codes = [c.code for c in create_cards(session, round_, 6)]
        issue_cards(session, round_)
        open_round(session, round_, NOW)
        session.commit()
        hoa, minh, pao = (s.id for s in round_.subjects)
        for i, code in enumerate(codes):
            choices = {hoa: "agree" if i < 4 else "disagree",
                       pao: "agree" if i < 2 else "disagree"}
            if i < 3:
                choices[minh] = "agree"
            elif i < 5:
                choices[minh] = "disagree"
            cast_ballot(session, code, choices)
        session.commit()
        close_round(session, round_, NOW)
        session.commit()
        return round_

    return _make


def test_the_collective_vote_on_the_phone(client, session):
    round_ = create_round(session, title="Biểu quyết", now=NOW, kind="collective_vote",
                          subjects=PEOPLE[:2])
    record_attendance(session, round_, summoned=3, present=3)
    [card] = create_cards(session, round_, 1)
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    page = client.post("/v", data={"code": card.code})
    assert "Đồng ý" in page.text and "Không đồng ý" in page.text
    assert "Phó Giám đốc Sở" in page.text  # the post the person is proposed for
    hoa = round_.subjects[0].id
    # a poll's level is no vote of agreement
    assert vote(client, card.code, {hoa: "high"}).status_code == 409
    assert vote(client, card.code, {hoa: "agree"}).status_code == 303


def test_tally_json_csv_and_the_recount(make_vote, logged_in, runner, tmp_path):
    round_ = make_vote()
    data = logged_in.get(f"/rounds/{round_.id}/results.json").get_json()
    assert data["denominator"] == "summoned" and data["decisive"] is True
    hoa, minh, pao = data["subjects"]
    assert (hoa["percent"]["agree"], hoa["outcome"]) == ("66.67", "approved")
    assert (minh["percent"]["agree"], minh["outcome"]) == ("50.00", "head_decides")
    assert (minh["valid"], minh["invalid"]) == (5, 1)
    assert (pao["percent"]["agree"], pao["outcome"]) == ("33.33", "not_approved")
    ballots = logged_in.get(f"/rounds/{round_.id}/ballots.jsonl")
    header = json.loads(ballots.data.splitlines()[0])
    assert header["kind"] == "collective_vote" and header["levels"] == ["agree", "disagree"]
    path = tmp_path / "phieu.jsonl"
    path.write_bytes(ballots.data)
    recounted = runner.invoke(recount_command, [str(path)])
    assert recounted.exit_code == 0, recounted.output
    assert json.loads(recounted.stdout) | {"round": data["round"]} == data | {
        "round": data["round"]}
    assert json.loads(recounted.stdout)["subjects"] == data["subjects"]
    rows = list(csv.reader(io.StringIO(
        logged_in.get(f"/rounds/{round_.id}/results.csv").data.decode("utf-8-sig"))))
    assert rows[0][-1] == "Kết luận" and rows[0][2] == "Chức danh đề nghị"
    assert [r[-1] for r in rows[1:]] == ["Đạt (trên 1/2 tổng số thành viên đồng ý)",
                                         "Đúng 1/2: người đứng đầu quyết định", "Không đạt"]


def test_minutes_summary_and_workbook(make_vote, logged_in):
    round_ = make_vote()
    pdf = logged_in.get(f"/rounds/{round_.id}/minutes.pdf")
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
                    .split())
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "66,67" in text and "33,33" in text
    assert "Đúng 1/2: người đứng đầu quyết định: Lò Văn Minh." in text
    assert "Tỷ lệ phần trăm tính trên tổng số người được triệu tập (6)" in text
    page = logged_in.get(f"/rounds/{round_.id}/minutes")
    assert "Đúng 1/2: người đứng đầu quyết định" in page.text
    summary = logged_in.get(f"/rounds/{round_.id}/summary?order=votes")
    assert summary.status_code == 200
    assert "BÁO CÁO KẾT QUẢ BIỂU QUYẾT NHÂN SỰ" in summary.text
    order = [summary.text.index(name) for name in ("Vì Thị Hoa", "Lò Văn Minh", "Giàng A Páo")]
    assert order == sorted(order)
    assert logged_in.get(f"/rounds/{round_.id}/summary?order=low").status_code == 400
    summary_pdf = logged_in.get(f"/rounds/{round_.id}/summary.pdf?order=votes")
    assert summary_pdf.data.startswith(b"%PDF")
    book = load_workbook(io.BytesIO(logged_in.get(f"/rounds/{round_.id}/results.xlsx").data))
    rows = [list(r) for r in book["Kết quả"].iter_rows(values_only=True)]
    assert [1, "Vì Thị Hoa", "Phó Giám đốc Sở", 6, 6, 6, 0, 4, 66.67, 2, 33.33,
            "Đạt (trên 1/2 tổng số thành viên đồng ý)"] in rows


def test_the_key_cadres_conference_decides_nothing(make_vote, logged_in):
    round_ = make_vote("approval")
    data = logged_in.get(f"/rounds/{round_.id}/results.json").get_json()
    assert data["decisive"] is False
    assert [s["outcome"] for s in data["subjects"]] == [None, None, None]
    page = logged_in.get(f"/rounds/{round_.id}/results").text
    assert "không có ngưỡng đạt hay không đạt" in page
    assert "Quyết định của người đứng đầu" not in page
    pdf = logged_in.get(f"/rounds/{round_.id}/minutes.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Đạt (trên 1/2" not in text and "50,00" in text


def test_the_heads_decision_from_the_command_line(make_vote, app, session):
    round_ = make_vote()
    runner = app.test_cli_runner()
    refused = runner.invoke(procedure_cli, ["decide", str(round_.id), "1", "--agree"])
    assert refused.exit_code != 0 and "đúng 1/2" in refused.output
    done = runner.invoke(procedure_cli, ["decide", str(round_.id), "2", "--disagree",
                                         "--note", "Giám đốc Sở không đồng ý", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {"round_id": round_.id, "name": "Lò Văn Minh",
                                       "agreed": False, "note": "Giám đốc Sở không đồng ý"}
    session.rollback()
    [decision] = session.scalars(select(HeadDecision)).all()
    assert decision.recorded_by.startswith("cli:") and decision.agreed is False
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "round.head_decision")).one()
    assert entry.round_id == round_.id and "Giám đốc Sở không đồng ý" in entry.details


def test_a_decision_only_on_a_closed_vote_of_the_collective(make_vote, logged_in, session):
    round_ = make_vote("approval")
    minh = round_.subjects[1].id
    response = logged_in.post(f"/rounds/{round_.id}/head-decisions/{minh}",
                              data={f"d{minh}-decision": "agree"})
    assert "tập thể lãnh đạo" in logged_in.get(response.headers["Location"]).text
    vote_ = make_vote()
    assert logged_in.post(f"/rounds/{vote_.id}/head-decisions/999999",
                          data={"d999999-decision": "agree"}).status_code == 404
    session.rollback()
    assert session.scalars(select(HeadDecision)).all() == []
