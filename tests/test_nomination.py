"""Nomination rounds (giới thiệu quy hoạch): positions from a sheet or by hand, the phone
ballot with seats and write-ins, the tally by % of those summoned, and its documents."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

from sqlalchemy import func, select

from survey.ballots.models import Ballot, Mark
from survey.desk.operations import close_round, create_round
from survey.kinds.nomination.models import InvalidLine, Position, WriteIn
from survey.kinds.nomination.positions import replace_nominations
from survey.kinds.nomination.sheet import parse_nominations
from survey.reports.cli import report_command
from survey.rounds.models import Round, Subject
from survey.rounds.operations import record_attendance
from tests.conftest import DATA, NOW
from tests.factories import (
    SHEET,
    assert_accessible_basics,
    new_round_form,
    nomination_round,
    refused,
    run,
)


def _vote(client, code, data, *, cast=True):
    claim = client.post("/v", data={"code": code})
    assert claim.status_code == 200, claim.text
    form = {"code": code, **data}
    review = client.post("/v/review", data=form)
    assert review.status_code == 200, review.text
    # the review page carries the choices on as hidden fields: post what it would post
    return claim, review, client.post("/v/cast", data=form) if cast else None


def test_nomination_round_through_the_phone_to_the_tally(client, session, logged_in, runner):
    round_, codes = nomination_round(session)
    secretary, chair = round_.positions
    an, hai, lam, toan, chien = (s.id for s in round_.subjects)
    assert [s.position_id for s in round_.subjects] == [secretary.id] * 3 + [chair.id] * 2

    # ballot 0: over the seats in the chair's line (one agree + one write-in for one seat)
    claim, review, cast = _vote(client, codes[0], {
        f"s{an}": "agree", f"s{hai}": "agree", f"s{lam}": "disagree",
        f"s{toan}": "agree", f"w{chair.id}": "Nguyễn Văn A",
    })
    page = claim.text
    assert "Bí thư Thành ủy" in page and "Số người quy hoạch tối đa: 2" in page
    assert page.count(f'name="s{an}"') == 2 and "Đồng ý" in page and "Không đồng ý" in page
    assert page.count(f'name="w{secretary.id}"') == 2 and page.count(f'name="w{chair.id}"') == 1
    assert "/static/js/nominate.js" in page
    assert "Có chức danh bạn giới thiệu nhiều hơn số người quy hoạch tối đa" in review.text
    assert "Không hợp lệ: vượt quá số người quy hoạch tối đa." in review.text
    assert cast.status_code == 303  # warned, never refused
    session.rollback()
    assert session.scalar(select(func.count()).select_from(InvalidLine)) == 1
    assert session.scalar(select(func.count()).select_from(WriteIn)) == 0  # not kept
    assert sorted(session.scalars(select(Mark.subject_id))) == sorted([an, hai])

    # the secretary's line: pairs, each candidate 6 of 9 (60% of 10): a tie for 2 seats
    pairs = [(an, hai), (an, hai), (an, lam), (an, lam), (an, lam), (hai, lam), (hai, lam),
             (hai, lam)]
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn A")
    chair_lines = [{f"s{toan}": "agree"}] * 5 + [
        {f"w{chair.id}": "Nguyễn Văn A", f"s{chien}": "disagree"},
        {f"w{chair.id}": "nguyễn văn  a"},
        {f"w{chair.id}": nfd},
    ]
    for code, pair, chair_line in zip(codes[1:], pairs, chair_lines, strict=True):
        data = {f"s{sid}": "agree" for sid in pair} | chair_line
        assert _vote(client, code, data)[2].status_code == 303
    session.rollback()
    before = set(session.scalars(select(Ballot.id).where(Ballot.round_id == round_.id)))
    close_round(session, session.get(Round, round_.id), NOW)
    session.commit()

    # after the close every ballot child is under a fresh id
    after = set(session.scalars(select(Ballot.id).where(Ballot.round_id == round_.id)))
    assert len(after) == 9 and not before & after
    assert set(session.scalars(select(WriteIn.ballot_id))) <= after
    assert set(session.scalars(select(InvalidLine.ballot_id))) <= after
    assert sorted(session.scalars(select(WriteIn.name))) == sorted(
        ["Nguyễn Văn A", "nguyễn văn a", "Nguyễn Văn A"])  # cleaned: NFC, single spaces

    data = json.loads(run(runner, "tally", round_.id, "--format", "json").stdout)
    assert data["round"]["kind"] == "nomination"
    assert (data["summoned"], data["collected"], data["denominator"]) == (10, 9, "summoned")
    first, second = data["positions"]
    assert (first["title"], first["seats"], first["valid"], first["invalid"]) == (
        "Bí thư Thành ủy", 2, 9, 0)
    assert [(c["name"], c["votes"], c["percent"], c["nominated"], c["tied"])
            for c in first["candidates"]] == [
        ("Tòng Minh Ánh", 6, "60.00", False, True),
        ("Lê Hữu Hải", 6, "60.00", False, True),
        ("Lò Văn Lâm", 6, "60.00", False, True),
    ]
    assert first["tie"] is True and first["write_ins"] == []
    assert (second["valid"], second["invalid"], second["tie"]) == (8, 1, False)
    assert [(c["name"], c["votes"], c["percent"], c["qualifies"]) for c in second["candidates"]] \
        == [("Trần Mạnh Toàn", 5, "50.00", False), ("Lương Minh Chiến", 0, "0.00", False)]
    assert second["write_ins"] == [{"name": "Nguyễn Văn A", "votes": 3, "percent": "30.00",
                                    "qualifies": False, "nominated": False, "tied": False}]
    assert data["warnings"] == []
    assert client.get(f"/rounds/{round_.id}/results.json").get_json() == data

    rows = list(csv.reader(io.StringIO(run(runner, "tally", round_.id, "--format", "csv")
                                       .stdout)))
    assert rows[0][:4] == ["Chức danh quy hoạch", "Số người quy hoạch tối đa", "STT", "Họ và tên"]
    assert rows[1][8] == "Bằng phiếu ở vị trí cuối"
    assert rows[-1][3:8] == ["Nguyễn Văn A", "", "có", "3", "30.00"]

    results = client.get(f"/rounds/{round_.id}/results")
    assert results.status_code == 200
    assert "Bằng phiếu ở vị trí cuối" in results.text and "Ghi thêm" in results.text
    minutes = client.get(f"/rounds/{round_.id}/minutes")
    assert minutes.status_code == 200
    assert "Tỷ lệ phần trăm trên số người được triệu tập" in minutes.text
    assert "60,00" in minutes.text and "50,00" in minutes.text
    assert "Số phiếu hợp lệ:" not in minutes.text  # validity is per position here
    pdf = client.get(f"/rounds/{round_.id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    ballots = client.get(f"/rounds/{round_.id}/ballots.jsonl")
    lines = ballots.data.decode().splitlines()
    header = json.loads(lines[0])
    assert header["kind"] == "nomination" and header["collected"] == 9
    # one record per agree; the line over the seat and the names written in, counts
    assert [json.loads(line) for line in lines[1:]] == [[1, 1]] * 6 + [[1, 2]] * 6 + [
        [1, 3]] * 6 + [[2, 1]] * 5
    assert [(p["invalid"], p["written"]) for p in header["positions"]] == [
        (0, []), (1, [{"name": "Nguyễn Văn A", "votes": 3}])]
    # the same bytes each time: its fingerprint is printed in the minutes
    assert client.get(f"/rounds/{round_.id}/ballots.jsonl").data == ballots.data


def test_bad_write_ins_are_refused_and_store_nothing(client, session):
    round_, codes = nomination_round(session, cards=2)
    secretary, chair = round_.positions
    client.post("/v", data={"code": codes[0]})
    for data in ({f"w{chair.id}": ["X", "Y"]},  # more fields than seats
                 {"w999999": "X"},  # not a position of this ballot
                 {f"w{chair.id}": "X" * 121},
                 {"s2147483648": "agree"},  # a line beyond any 32-bit id
                 {"s99999999999": "agree"}):
        response = client.post("/v/cast", data={"code": codes[0], **data})
        assert response.status_code == 409
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Ballot)) == 0
    # a position without write-ins
    chair_row = session.get(Position, chair.id)
    round_.opened_at = None
    chair_row.allow_write_ins = False
    round_.opened_at = NOW
    session.commit()
    response = client.post("/v/cast", data={"code": codes[0], f"w{chair.id}": "X"})
    assert response.status_code == 409
    page = client.post("/v", data={"code": codes[0]})
    assert f'name="w{chair.id}"' not in page.text and f'name="w{secretary.id}"' in page.text


def test_blank_ballot_counts_as_disagree_for_everyone(client, session, runner):
    round_, codes = nomination_round(session, summoned=6, present=5, cards=5)
    for code in codes:
        assert _vote(client, code, {})[2].status_code == 303
    session.rollback()
    close_round(session, session.get(Round, round_.id), NOW)
    session.commit()
    data = json.loads(run(runner, "tally", round_.id).stdout)
    for position in data["positions"]:
        assert position["invalid"] == 0 and position["valid"] == 5
        assert all(c["votes"] == 0 and not c["nominated"] for c in position["candidates"])


def test_positions_by_hand_and_from_the_sample_sheet(client, session, logged_in):
    round_ = create_round(session, title="Quy hoạch", now=NOW, kind="nomination")
    session.commit()
    page = client.get(f"/rounds/{round_.id}/positions")
    assert page.status_code == 200 and "Chưa có chức danh quy hoạch nào." in page.text
    assert client.post(f"/rounds/{round_.id}/positions",
                       data={"title": "Bí thư", "seats": 4}).status_code == 422
    assert client.post(f"/rounds/{round_.id}/positions",
                       data={"title": "Bí thư", "seats": 2,
                             "allow_write_ins": "y"}).status_code == 302
    session.rollback()
    position = session.scalars(select(Position).where(Position.round_id == round_.id)).one()
    assert (position.title, position.seats, position.allow_write_ins) == ("Bí thư", 2, True)
    response = client.post(f"/rounds/{round_.id}/positions/{position.id}/candidates",
                           data={f"p{position.id}-name": "  Lò  Văn Lâm ",
                                 f"p{position.id}-current": "Trưởng phòng"})
    assert response.status_code == 302
    session.rollback()
    subject = session.scalars(select(Subject).where(Subject.round_id == round_.id)).one()
    assert (subject.name, subject.position, subject.position_id) == (
        "Lò Văn Lâm", "Trưởng phòng", position.id)

    # the sample sheet replaces the list: 5 positions, 22 lines, one person in two positions
    sample = (DATA / "quy-hoach-chuc-danh.csv").read_bytes()
    response = client.post(f"/rounds/{round_.id}/positions/import",
                           data={"sheet": (io.BytesIO(sample), "quy-hoach.csv"),
                                 "write_ins": "y"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    session.rollback()
    positions = session.scalars(select(Position).where(Position.round_id == round_.id)
                                .order_by(Position.order)).all()
    assert [(p.title, p.seats) for p in positions] == [
        ("Bí thư Thành ủy", 3), ("Chủ tịch UBND thành phố", 3), ("Chủ tịch HĐND thành phố", 2),
        ("Trưởng Ban Tổ chức Thành ủy", 2), ("Chủ nhiệm Ủy ban Kiểm tra Thành ủy", 2)]
    subjects = session.scalars(select(Subject).where(Subject.round_id == round_.id)
                               .order_by(Subject.order)).all()
    assert len(subjects) == 22 and [s.order for s in subjects] == list(range(1, 23))
    assert [s.name for s in subjects].count("Cà Ngọc Long") == 2

    # a sheet with bad rows: every row named, nothing changed
    bad = ("Chức danh quy hoạch,Số người quy hoạch tối đa,Họ và tên\n"
           "Bí thư,4,An\n,2,Bình\nPhó Bí thư,2,\nPhó Bí thư,3,Chi\nPhó Bí thư,2,chi\n").encode()
    response = client.post(f"/rounds/{round_.id}/positions/import",
                           data={"sheet": (io.BytesIO(bad), "bad.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    for text in ("Dòng 2: số người quy hoạch tối đa “4” phải từ 1 đến 3",
                 "Dòng 3: thiếu chức danh quy hoạch", "Dòng 4: thiếu họ và tên",
                 "Dòng 5: số người quy hoạch tối đa của “Phó Bí thư” khác với dòng 4"):
        assert text in response.text
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Subject)
                          .where(Subject.round_id == round_.id)) == 22


def test_open_needs_positions_and_cli_creates_from_the_sheet(runner, session, tmp_path):
    sheet = tmp_path / "quy-hoach.csv"
    sheet.write_bytes(SHEET)
    created = json.loads(run(runner, "round", "create", "--kind", "nomination", "--title", "QH",
                             "--subjects", sheet, "--summoned", 10, "--json").stdout)
    assert created["kind"] == "nomination" and created["subjects"] == 5
    empty = create_round(session, title="Trống", now=NOW, kind="nomination")
    session.add(Subject(round_id=empty.id, order=1, name="Không chức danh"))
    record_attendance(session, empty, summoned=3, present=3)
    session.commit()
    assert "Chưa có chức danh quy hoạch nào" in refused(runner, "round", "open", empty.id)


def test_other_documents_of_a_nomination_round_do_not_break(client, session, logged_in, runner,
                                                           tmp_path):
    round_, codes = nomination_round(session, cards=5)
    for code in codes:
        _vote(client, code, {f"s{round_.subjects[0].id}": "agree"})
    session.rollback()
    close_round(session, session.get(Round, round_.id), NOW)
    session.commit()
    show = client.get(f"/rounds/{round_.id}")
    assert show.status_code == 200 and "Tạo đợt bỏ phiếu tín nhiệm" not in show.text
    for path in ("summary", "summary.pdf", "results.xlsx", "results.csv"):
        assert client.get(f"/rounds/{round_.id}/{path}").status_code == 200, path
    for fmt in ("html", "pdf"):
        out = tmp_path / f"minutes.{fmt}"
        result = runner.invoke(report_command,
                               [str(round_.id), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert "Tỷ lệ phần trăm trên số người được triệu tập" in (tmp_path / "minutes.html").read_text()
    assert (tmp_path / "minutes.pdf").read_bytes().startswith(b"%PDF")


def test_new_round_form_takes_the_planning_sheet(client, session, logged_in):
    data = new_round_form() | {"kind": "nomination"}
    data["subjects_file"] = (io.BytesIO((DATA / "quy-hoach-chuc-danh.csv").read_bytes()),
                             "quy-hoach-chuc-danh.csv")
    response = client.post("/rounds/new", data=data)
    assert response.status_code == 302
    session.rollback()
    round_ = session.scalars(select(Round).where(Round.kind == "nomination")).one()
    assert len(round_.positions) == 5 and len(round_.subjects) == 22
    assert all(s.position_id is not None for s in round_.subjects)
    show = client.get(f"/rounds/{round_.id}")
    assert f"/rounds/{round_.id}/positions" in show.text


def test_change_from_review_keeps_agrees_and_write_ins(client, session):
    round_, codes = nomination_round(session, cards=1)
    secretary, chair = round_.positions
    an = round_.subjects[0].id
    client.post("/v", data={"code": codes[0]})
    data = {"code": codes[0], f"s{an}": "agree", f"w{secretary.id}": ["", "Hà Thị Hoa"]}
    review = client.post("/v/review", data=data)
    assert "Hà Thị Hoa" in review.text and "Đã giới thiệu 2/2 người" in review.text
    back = client.post("/v/ballot", data=data)
    assert back.status_code == 200
    assert f'name="s{an}" value="agree" checked' in back.text
    assert 'value="Hà Thị Hoa"' in back.text and "Đã giới thiệu 2/2 người" in back.text
    assert f'id="over-{secretary.id}" role="alert" hidden' in back.text
    over = client.post("/v/ballot", data=data | {f"s{round_.subjects[1].id}": "agree"})
    assert f'id="over-{secretary.id}" role="alert" hidden' not in over.text
    assert "Đã giới thiệu 3/2 người" in over.text


def test_nomination_pages_label_every_control(client, session, logged_in):
    round_, codes = nomination_round(session, cards=5)
    secretary, _chair = round_.positions
    ballot = client.post("/v", data={"code": codes[0]}).text
    page = assert_accessible_basics(ballot, "the nomination ballot")
    candidates = [f for f in page.fieldsets if f["radios"]]
    assert [f["radios"] for f in candidates] == [{f"s{s.id}"} for s in round_.subjects]
    data = {"code": codes[0], f"s{round_.subjects[0].id}": "agree",
            f"w{secretary.id}": "Hà Thị Hoa"}
    assert_accessible_basics(client.post("/v/review", data=data).text, "the nomination review")
    positions = client.get(f"/rounds/{round_.id}/positions").text
    assert_accessible_basics(positions, "the positions page")
    for code in codes:
        client.post("/v", data={"code": code})
        client.post("/v/cast", data=data | {"code": code})
    session.rollback()
    close_round(session, session.get(Round, round_.id), NOW)
    session.commit()
    for path in ("results", "minutes"):
        assert_accessible_basics(client.get(f"/rounds/{round_.id}/{path}").text, path)


def test_draft_positions_page_labels_every_control(client, session, logged_in):
    round_ = create_round(session, title="Quy hoạch", now=NOW, kind="nomination")
    replace_nominations(session, round_, parse_nominations(SHEET, "quy-hoach.csv"))
    session.commit()
    html = client.get(f"/rounds/{round_.id}/positions").text
    assert_accessible_basics(html, "the draft positions page")


def test_a_listed_candidate_written_in_is_an_agree_for_that_candidate(client, session):
    round_, codes = nomination_round(session, summoned=5, present=5, cards=5)
    position = round_.positions[1]  # Chủ tịch UBND thành phố, one seat; write-ins allowed?
    position.allow_write_ins = True
    session.commit()
    toan = next(s for s in round_.subjects if s.name == "Trần Mạnh Toàn")
    _claim, review, cast = _vote(client, codes[0], {f"w{position.id}": "trần  mạnh toàn"})
    assert "Vượt quá" not in review.text and "trần  mạnh toàn" not in review.text
    assert cast.status_code == 303
    # agreeing and writing the same person in takes one seat, not two: the line stays valid
    _vote(client, codes[1], {f"s{toan.id}": "agree", f"w{position.id}": "Trần Mạnh Toàn"})
    session.rollback()
    assert session.scalar(select(func.count()).select_from(WriteIn)) == 0
    assert session.scalar(select(func.count()).select_from(InvalidLine)) == 0
    assert session.scalar(select(func.count()).select_from(Mark).where(
        Mark.subject_id == toan.id, Mark.choice == "agree")) == 2


def test_a_written_in_listed_candidate_counts_as_an_agree_as_the_docs_say(client, session,
                                                                          runner):
    """docs/nomination.md and docs/rules.md say what the count does with a name written in
    that is the position's listed candidate: an agree for that candidate, once."""
    round_, codes = nomination_round(session, summoned=5, present=5, cards=5)
    chair = round_.positions[1]
    chair.allow_write_ins = True
    session.commit()
    toan = next(s for s in round_.subjects if s.name == "Trần Mạnh Toàn")
    _vote(client, codes[0], {f"w{chair.id}": "trần  MẠNH toàn"})
    _vote(client, codes[1], {f"s{toan.id}": "agree", f"w{chair.id}": "Trần Mạnh Toàn"})
    _vote(client, codes[2], {f"w{chair.id}": "Lò Văn Lâm"})  # listed for the other position
    _vote(client, codes[3], {})
    _vote(client, codes[4], {})
    session.rollback()
    close_round(session, session.get(Round, round_.id), NOW)
    session.commit()
    data = json.loads(run(runner, "tally", round_.id, "--format", "json").stdout)
    position = data["positions"][1]
    assert (position["valid"], position["invalid"]) == (5, 0)
    assert [(c["name"], c["votes"]) for c in position["candidates"]] == [
        ("Trần Mạnh Toàn", 2), ("Lương Minh Chiến", 0)]
    assert [(w["name"], w["votes"]) for w in position["write_ins"]] == [("Lò Văn Lâm", 1)]

    docs = Path(__file__).resolve().parent.parent / "docs"
    nomination = " ".join((docs / "nomination.md").read_text(encoding="utf-8").split())
    assert "not merged" not in nomination
    assert "rules.md#write-in-of-a-listed-candidate" in nomination
    assert "becomes an agree for that candidate, once" in nomination
    assert "`fold_write_ins` in `survey/kinds/nomination/ballot.py`" in nomination
    rules = (docs / "rules.md").read_text(encoding="utf-8")
    section = rules.split("### Write-in of a listed candidate")[1].split("\n### ")[0]
    assert "counted as an agree for that candidate, once" in " ".join(section.split())
    assert "*Source:* Regulation 377-QĐ/TW" in section


def test_a_write_in_cannot_become_a_spreadsheet_formula(client, session, runner):
    round_, codes = nomination_round(session, summoned=5, present=5, cards=5)
    position = round_.positions[1]
    position.allow_write_ins = True
    session.commit()
    formula = '=HYPERLINK("http://example.invalid","A")'
    for code in codes:  # five ballots: the minimum for any figure to be shown
        _vote(client, code, {f"w{position.id}": formula})
    session.rollback()
    close_round(session, session.get(Round, round_.id), NOW)
    session.commit()
    text = run(runner, "tally", round_.id, "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text)))
    cells = [c for row in rows for c in row if "HYPERLINK" in c]
    assert cells and all(c.startswith("'=") for c in cells)
