"""Paper ballots in the same count: printed ballots, double entry, reconciliation."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from types import SimpleNamespace

import pypdf
import pytest
from sqlalchemy import func, select, text

from survey.ballots.models import Ballot, Card, CountedPaper, Mark
from survey.ballots.operations import create_cards, issue_cards
from survey.db import Base
from survey.desk.operations import close_round, create_round, open_round
from survey.errors import InvalidInput, RoundStateError
from survey.kinds import KINDS
from survey.kinds.casting import cast_ballot
from survey.kinds.confidence import confidence_result
from survey.kinds.counts import ballot_sources, issued
from survey.kinds.no_confidence import NoConfidence
from survey.paper.models import PaperEntry
from survey.paper.slots import layout_for, record_paper_issued
from survey.reports.ballot_file import ballot_file
from survey.rounds.operations import record_attendance
from survey.security.models import AuditEntry
from survey.tally.marks_file import decode, recount_document
from tests.conftest import NOW, PASSWORD, btv_rows
from tests.factories import assert_accessible_basics, close_web, entries, flashed, refused, run

LEVELS = ("high", "confidence", "low")


# -- helpers -------------------------------------------------------------------------------------


@pytest.fixture
def clerk(app, make_user):
    """A logged-in organizer of the counting committee, each with a browser of their own."""

    def _clerk(name):
        make_user(name)
        client = app.test_client()
        response = client.post("/login", data={"username": name, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return client

    return _clerk


@pytest.fixture
def paper_round(session, make_round):
    """An open round of 12 subjects with ``phones`` cards and ``paper`` paper ballots handed
    out; ``round_.paper`` holds the counting numbers the committee will write on them."""

    def _paper_round(phones=3, paper=3, summoned=40, present=40):
        round_ = make_round(cards=phones, summoned=summoned, present=present, min_ballots=1)
        record_paper_issued(session, round_, paper)
        round_.paper = list(range(1, paper + 1))
        open_round(session, round_, NOW)
        session.commit()
        return round_

    return _paper_round


def form_data(round_, number, marks=None, *, invalid=False, correct=False):
    """The entry form: ``marks`` maps a line's number (STT) to its mark; others are blank."""
    marks = marks or {}
    data = {"number": str(number)}
    if invalid:
        data["invalid"] = "y"
    else:
        data |= {f"s{s.id}": marks.get(s.order, "blank") for s in round_.subjects}
    if correct:
        data["correct"] = "1"
    return data


def enter(client, round_, number, marks=None, **kwargs):
    return client.post(f"/rounds/{round_.id}/paper/entry",
                       data=form_data(round_, number, marks, **kwargs))


def audit_rows(session, round_id, prefix="paper."):
    session.rollback()
    return [
        (action, json.loads(details))
        for action, details in session.execute(
            select(AuditEntry.action, AuditEntry.details)
            .where(AuditEntry.round_id == round_id, AuditEntry.action.like(f"{prefix}%"))
            .order_by(AuditEntry.id)
        )
    ]


# -- one count -----------------------------------------------------------------------------------


def test_mixed_round_of_phones_and_paper_gives_the_right_tally(session, paper_round, clerk):
    round_ = paper_round(phones=30, paper=10)
    subjects = round_.subjects
    width = len(subjects)
    expected = [Counter() for _ in range(width)]

    # 30 phones: ballot i marks subject j with level (i + j) % 3, and leaves line i % 12 blank
    for i, code in enumerate(round_.codes):
        choices = {
            s.id: LEVELS[(i + j) % 3] for j, s in enumerate(subjects) if j != i % width
        }
        cast_ballot(session, code, choices)
        session.commit()
        for j, s in enumerate(subjects):
            if s.id in choices:
                expected[j][choices[s.id]] += 1

    # 10 paper ballots, each entered by two people: 8 ordinary ones (one line over-marked, one
    # left blank), one wholly invalid, one with every line over-marked
    first, second, third = clerk("kiemphieu1"), clerk("kiemphieu2"), clerk("kiemphieu3")
    papers = []
    for k in range(8):
        marks = {s.order: LEVELS[k % 3] if s.order % 2 else "low" for s in subjects}
        marks[1 + k % width] = "invalid"  # two marks on this line
        marks[2 + k % (width - 1)] = "blank"
        papers.append(marks)
    papers.append(None)  # wholly invalid
    papers.append(dict.fromkeys(range(1, width + 1), "invalid"))
    last = round_.paper[-1]
    for serial, marks in zip(round_.paper, papers, strict=True):
        for client in (first, second):
            if serial == last and client is second:  # the second clerk misreads line 3
                misread = (marks or {}) | {3: "high" if marks[3] != "high" else "low"}
                response = enter(client, round_, serial, misread)
            else:
                response = enter(client, round_, serial, marks, invalid=marks is None)
            assert response.status_code == 303, response.text
        for j, s in enumerate(subjects):
            mark = (marks or {}).get(s.order)
            if mark in LEVELS:
                expected[j][mark] += 1

    # the disagreement blocks the close, naming the ballot; nothing is closed
    assert entries(session, round_.id) == [(last, 1), (last, 2)]
    session.refresh(round_)  # the entries were stored by other requests
    with pytest.raises(RoundStateError, match=f"hai lần nhập khác nhau: số {last}"):
        close_round(session, round_, NOW)
    session.rollback()
    assert session.get(type(round_), round_.id).closed_at is None
    # a third clerk reads the paper again and agrees with the first: counted
    assert enter(third, round_, last, papers[-1]).status_code == 303
    assert entries(session, round_.id) == []  # every ballot agreed: nothing left entered
    session.refresh(round_)
    close_round(session, round_, NOW)
    session.commit()

    result = confidence_result(session, round_)
    assert result.figures.collected == 40
    assert result.figures.issued == 40
    for j, line in enumerate(result.subjects):
        counts = line.counts.as_dict()
        assert counts == {level: expected[j][level] for level in LEVELS}, subjects[j].name
        assert line.invalid == 40 - sum(expected[j].values())
    assert ballot_sources(session, round_).as_dict() == {"phone": 30, "paper": 10,
                                                         "paper_invalid": 1}
    # no card row stands for a paper ballot: the sheets were counted, not numbered
    assert session.scalar(select(func.count()).select_from(Card)
                          .where(Card.medium == "paper")) == 0
    assert sorted(session.scalars(select(CountedPaper.counting_number))) == round_.paper


def test_the_minutes_give_issued_and_collected_with_paper(session, paper_round, clerk,
                                                         logged_in):
    """30 phones and 10 paper ballots: cards and sheets handed out make the issued figure."""
    round_ = paper_round(phones=30, paper=10)
    for code in round_.codes[:28]:  # two cards handed out but never used
        cast_ballot(session, code, {round_.subjects[0].id: "high"})
        session.commit()
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    for number in round_.paper[:9]:  # one paper ballot never came back
        for client in (first, second):
            assert enter(client, round_, number, {1: "low"}).status_code == 303
    assert close_web(logged_in, round_).status_code == 302

    minutes = " ".join(logged_in.get(f"/rounds/{round_.id}/minutes").text.split())
    assert "Số phiếu phát ra: <strong>40 phiếu</strong>" in minutes
    assert ("Số phiếu thu về: <strong>37 phiếu</strong> (28 phiếu bỏ bằng điện thoại, "
            "9 phiếu giấy)") in minutes
    pdf = logged_in.get(f"/rounds/{round_.id}/minutes.pdf")
    words = " ".join(" ".join(p.extract_text() for p in
                              pypdf.PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "Số phiếu phát ra: 40 phiếu" in words
    assert "Số phiếu thu về: 37 phiếu (28 phiếu bỏ bằng điện thoại, 9 phiếu giấy)" in words
    data = logged_in.get(f"/rounds/{round_.id}/results.json").get_json()
    assert (data["issued"], data["collected"]) == (40, 37)
    assert data["subjects"][0]["counts"] == {"high": 28, "confidence": 0, "low": 9}


def test_results_json_minutes_and_ballot_file_show_the_sources(session, paper_round, clerk,
                                                                logged_in):
    round_ = paper_round(phones=6, paper=3)
    for code in round_.codes:
        cast_ballot(session, code, {round_.subjects[0].id: "high"})
        session.commit()
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    for serial, marks in zip(round_.paper, [{1: "low"}, {1: "invalid", 2: "high"}, None],
                             strict=True):
        for client in (first, second):
            assert enter(client, round_, serial, marks, invalid=marks is None).status_code == 303
    session.rollback()  # a fresh snapshot after the web requests' writes
    session.expire_all()
    close_round(session, round_, NOW)
    session.commit()

    data = logged_in.get(f"/rounds/{round_.id}/results.json").get_json()
    assert data["collected"] == 9
    assert data["sources"] == {"phone": 6, "paper": 3, "paper_invalid": 1}
    first_line = data["subjects"][0]
    assert first_line["counts"] == {"high": 6, "confidence": 0, "low": 1}
    assert first_line["invalid"] == 2  # the over-marked line and the wholly invalid ballot
    assert data["subjects"][1]["counts"]["high"] == 1

    minutes = logged_in.get(f"/rounds/{round_.id}/minutes").text
    assert "(6 phiếu bỏ bằng điện thoại, 3 phiếu giấy)" in minutes
    assert "kể cả 1 phiếu giấy không hợp lệ cả phiếu" in minutes
    pdf = logged_in.get(f"/rounds/{round_.id}/minutes.pdf")
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "3 phiếu giấy" in " ".join(text.split())
    results = logged_in.get(f"/rounds/{round_.id}/results").text
    assert "Trong đó phiếu giấy" in results

    # the ballot file says it too, and the recount from the file alone gives the same JSON
    parsed = decode(ballot_file(session, round_))
    assert parsed.sources is not None and parsed.sources.as_dict() == data["sources"]
    # the wholly invalid paper ballot is among the ballots with no line marked, a count
    assert parsed.invalid_ballots == data["invalid_ballots"] == 1
    assert recount_document(parsed) == data | {"round": recount_document(parsed)["round"]}


def test_a_round_without_paper_keeps_its_ballot_file_bytes(session, make_round):
    """The ``sources`` header is written only when paper ballots were counted."""
    round_ = make_round(cards=5, open_=True)
    for code in round_.codes:
        cast_ballot(session, code, {})
        session.commit()
    close_round(session, round_, NOW)
    session.commit()
    header = json.loads(ballot_file(session, round_).split(b"\n")[0])
    assert "sources" not in header


# -- validity ------------------------------------------------------------------------------------


def test_invalid_ballots_and_lines_count_as_domain_says(session, paper_round, clerk):
    """A wholly invalid paper ballot is collected and invalid; an over-marked line is invalid
    for that subject only, and the rest of the ballot counts."""
    round_ = paper_round(phones=5, paper=2)
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    for client in (first, second):
        enter(client, round_, round_.paper[0], invalid=True)
        enter(client, round_, round_.paper[1], {1: "invalid", 2: "low", 3: "high"})
    for code in round_.codes:
        cast_ballot(session, code, {round_.subjects[0].id: "confidence"})
        session.commit()
    close_round(session, round_, NOW)
    session.commit()

    result = confidence_result(session, round_)
    assert result.figures.collected == 7  # the invalid ballot is collected
    line1, line2, line3, line4 = result.subjects[:4]
    assert (line1.valid, line1.invalid) == (5, 2)  # over-marked line + invalid ballot
    assert line2.counts.low == 1 and (line2.valid, line2.invalid) == (1, 6)
    assert line3.counts.high == 1
    assert (line4.valid, line4.invalid) == (0, 7)
    session.rollback()
    session.expire_all()
    assert session.get(type(round_), round_.id).paper_invalid == 1
    # the wholly invalid ballot is stored as a ballot with no mark, like a blank phone ballot
    marked = select(Mark.ballot_id).where(Mark.ballot_id == Ballot.id).exists()
    assert session.scalar(select(func.count()).select_from(Ballot).where(~marked)) == 1


def test_entry_needs_every_line_or_the_whole_ballot_invalid(session, paper_round, clerk):
    round_ = paper_round()
    first = clerk("kiemphieu1")
    data = form_data(round_, round_.paper[0], {1: "high"})
    del data[f"s{round_.subjects[4].id}"]
    del data[f"s{round_.subjects[6].id}"]
    response = first.post(f"/rounds/{round_.id}/paper/entry", data=data)
    assert response.status_code == 422
    assert "Chưa chọn ở dòng 5, 7" in response.text
    assert 'value="high" data-key="1"' in response.text and "checked" in response.text  # kept
    data[f"s{round_.subjects[4].id}"] = "maybe"
    data[f"s{round_.subjects[6].id}"] = "low"
    response = first.post(f"/rounds/{round_.id}/paper/entry", data=data)
    assert response.status_code == 422
    assert "Có lựa chọn không thuộc phiếu này." in response.text
    assert entries(session, round_.id) == []


# -- double entry and reconciliation -------------------------------------------------------------


def test_first_entry_flashes_and_waits_for_a_second_person(session, paper_round, clerk):
    round_ = paper_round()
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    serial = round_.paper[0]
    page = flashed(first, enter(first, round_, serial, {1: "high"}))
    assert f"Đã nhập phiếu số {serial} (lần 1/2)." in page
    assert 'autofocus' in page and 'name="number"' in page
    assert entries(session, round_.id) == [(serial, 1)]
    assert session.scalar(select(func.count()).select_from(Ballot)) == 0  # not counted yet

    page = flashed(second, enter(second, round_, serial, {1: "high"}))
    assert f"Đã nhập phiếu số {serial} (lần 2/2): hai lần nhập khớp nhau" in page
    assert entries(session, round_.id) == []
    assert session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert session.scalars(select(CountedPaper.counting_number)).all() == [serial]

    # counted: a further entry of that serial is refused, nothing changes
    third = clerk("kiemphieu3")
    response = enter(third, round_, serial, {1: "low"})
    assert response.status_code == 422
    assert "đã được tính" in response.text
    assert session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_the_same_person_cannot_make_both_entries(session, paper_round, clerk):
    round_ = paper_round()
    first = clerk("kiemphieu1")
    serial = round_.paper[0]
    assert enter(first, round_, serial, {1: "high"}).status_code == 303
    response = enter(first, round_, serial, {1: "high"})
    assert response.status_code == 422
    assert f"Bạn đã nhập phiếu số {serial} rồi" in response.text
    assert entries(session, round_.id) == [(serial, 1)]
    assert session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_a_difference_blocks_the_close_until_a_third_entry(session, paper_round, clerk,
                                                           logged_in):
    round_ = paper_round(phones=5, paper=2)
    first, second, third = clerk("kiemphieu1"), clerk("kiemphieu2"), clerk("kiemphieu3")
    a, b = round_.paper
    right = {1: "high", 2: "confidence", 3: "low"}
    assert enter(first, round_, a, right).status_code == 303
    page = flashed(second, enter(second, round_, a, right | {2: "low", 5: "invalid"}))
    assert f"Phiếu số {a}: lần nhập 2 khác lần nhập 1 ở dòng 2, 5." in page
    assert enter(first, round_, b, right).status_code == 303  # b: one entry only

    # the organizer page lists the difference line by line
    page = logged_in.get(f"/rounds/{round_.id}/paper").text
    assert f"Phiếu số {a}" in page and f"Phiếu số {b}" in page
    assert "lần 1 (kiemphieu1), lần 2 (kiemphieu2)" in page
    names = {s.order: s.name for s in round_.subjects}
    assert names[2] in page and names[5] in page and names[3] not in page
    assert "Không hợp lệ (nhiều dấu)" in page and "Tín nhiệm thấp" in page
    assert "cần một người khác nhập lần 2" in page

    # the close is refused, naming both serials; nothing changes
    response = close_web(logged_in, round_)
    assert response.status_code == 409
    assert f"chưa đủ hai lần nhập: số {b}" in response.text
    assert f"hai lần nhập khác nhau: số {a}" in response.text
    session.rollback()
    session.expire_all()
    assert session.get(type(round_), round_.id).closed_at is None
    with pytest.raises(RoundStateError):
        close_round(session, round_, NOW)
    session.rollback()

    # a third person agrees with the first: counted; the second entry of b as well
    page = flashed(third, enter(third, round_, a, right))
    assert f"Đã nhập phiếu số {a} (lần 3): khớp với một lần nhập trước" in page
    assert enter(second, round_, b, right).status_code == 303
    assert entries(session, round_.id) == []
    assert close_web(logged_in, round_).status_code == 302

    result = confidence_result(session, round_)
    assert result.figures.collected == 2  # the 5 phone cards were never used
    assert result.subjects[1].counts.confidence == 2 and result.subjects[1].counts.low == 0

    # every step is in the audit log, and no choice is
    steps = audit_rows(session, round_.id)
    assert [action for action, _ in steps] == [
        "paper.entry", "paper.entry", "paper.differ", "paper.entry",
        "paper.entry", "paper.count",  # the third entry of a
        "paper.entry", "paper.count",  # the second entry of b
    ]
    assert steps[2][1] == {"counting_number": a, "number": 2, "others": [1], "lines": [2, 5]}
    assert steps[5][1] == {"counting_number": a}
    refused = audit_rows(session, round_.id, "round.close")
    assert [action for action, _ in refused] == ["round.close"]
    session.rollback()
    details = " ".join(d for (d,) in session.execute(select(AuditEntry.details)))
    for word in LEVELS + ("invalid", "blank"):
        assert f'"{word}"' not in details


def test_a_correction_resolves_a_difference(session, paper_round, clerk):
    round_ = paper_round(paper=1)
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    [serial] = round_.paper
    enter(first, round_, serial, {1: "high"}, invalid=True)
    enter(second, round_, serial, {1: "high"})
    assert entries(session, round_.id) == [(serial, 1), (serial, 2)]

    # the correction form is offered to the person who made an entry
    page = first.get(f"/rounds/{round_.id}/paper").text
    assert f"Sửa lần nhập của tôi (phiếu số {serial})" in page
    assert "Cả phiếu không hợp lệ" in page  # how entry 1 read line 1
    correcting = first.get(
        f"/rounds/{round_.id}/paper/entry?correct=1&number={serial}").text
    assert f'value="{serial}"' in correcting and 'name="correct" type="hidden" value="1"' in \
        correcting

    # a correction by someone with no entry of this serial is refused
    third = clerk("kiemphieu3")
    response = enter(third, round_, serial, {1: "high"}, correct=True)
    assert response.status_code == 422
    assert "không có lần nhập nào để sửa" in response.text

    page = flashed(first, enter(first, round_, serial, {1: "high"}, correct=True))
    assert f"Đã nhập phiếu số {serial} (lần 1/2): hai lần nhập khớp nhau" in page
    assert entries(session, round_.id) == []
    assert [a for a, _ in audit_rows(session, round_.id)][-4:] == [
        "paper.entry", "paper.differ", "paper.correct", "paper.count"]
    session.rollback()
    session.expire_all()
    assert session.get(type(round_), round_.id).paper_invalid == 0


def test_the_stored_paper_ballot_carries_no_counting_number(session, paper_round, clerk):
    round_ = paper_round(phones=0, paper=2)
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    a, b = round_.paper
    for client in (first, second):
        enter(client, round_, a, {1: "low", 2: "low"})
    enter(first, round_, b, {1: "high"})

    def ballot_dump():
        session.rollback()
        return [tuple(row) for table in ("ballots", "marks")
                for row in session.execute(text(f"SELECT * FROM {table}"))]

    # after reconciliation: a plain ballot, its entries gone; b's single entry still waits
    assert {c.name for c in Base.metadata.tables["ballots"].columns} == {"id", "round_id"}
    assert {c.name for c in Base.metadata.tables["marks"].columns} == {
        "ballot_id", "subject_id", "choice"}
    rows = ballot_dump()
    (ballot_id,) = session.scalars(select(Ballot.id)).all()
    assert len(ballot_id) == 32
    assert (ballot_id, round_.id) in rows  # the ballot row: a random id and its round only
    assert entries(session, round_.id) == [(b, 1)]  # a's entries are gone
    assert session.scalar(select(func.count()).select_from(Mark)) == 2

    enter(second, round_, b, {1: "high"})
    session.rollback()
    close_round(session, round_, NOW)
    session.commit()
    # after the close: no entry at all, fresh ids, nothing but choices
    assert session.scalar(select(func.count()).select_from(PaperEntry)) == 0
    after = set(session.scalars(select(Ballot.id)))
    assert len(after) == 2 and ballot_id not in after
    choices = sorted(c for (c,) in session.execute(select(Mark.choice)))
    assert choices == ["high", "low", "low"]


def test_paper_ballots_are_counted_not_numbered(session, paper_round, clerk, logged_in):
    """A paper ballot takes no serial and no card row: the counting number is whatever the
    committee wrote on it; a number counted once is refused, and never more paper ballots are
    counted than were handed out."""
    round_ = paper_round(phones=2, paper=2)
    rows = session.execute(
        select(Card.serial, Card.medium).where(Card.round_id == round_.id).order_by(Card.serial)
    ).all()
    assert rows == [(1, "phone"), (2, "phone")]  # the two sheets are no card

    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    # a counting number may equal a card's serial: it is only the order out of the box
    for client in (first, second):
        assert enter(client, round_, 1, {1: "high"}).status_code == 303
    response = enter(clerk("kiemphieu3"), round_, 1, {1: "high"})
    assert response.status_code == 422
    assert "Phiếu giấy số 1 đã được tính" in response.text
    for client in (first, second):
        assert enter(client, round_, 7, {1: "low"}).status_code == 303
    # both sheets handed out are counted: a third paper ballot is refused before any entry
    response = enter(first, round_, 8, {1: "low"})
    assert response.status_code == 422
    assert "Đã tính đủ 2 phiếu giấy đã phát" in response.text
    assert entries(session, round_.id) == []
    assert session.scalar(select(func.count()).select_from(Ballot)) == 2

    # the phone cards still vote, and new cards keep their own serials
    cast_ballot(session, round_.codes[0], {})
    session.commit()
    assert [c.serial for c in create_cards(session, round_, 1)] == [3]
    session.commit()


def test_entry_needs_an_open_round_and_paper_ballots_handed_out(session, make_round, clerk):
    round_ = make_round(cards=2)
    record_paper_issued(session, round_, 1)
    session.commit()
    first = clerk("kiemphieu1")
    response = enter(first, round_, 1, {})
    assert response.status_code == 409
    assert "Chỉ nhập phiếu giấy khi đợt đang bỏ phiếu." in response.text
    record_paper_issued(session, round_, 0)
    open_round(session, round_, NOW)
    session.commit()
    response = enter(first, round_, 1, {})
    assert response.status_code == 422
    assert "Đã tính đủ 0 phiếu giấy đã phát" in response.text
    assert entries(session, round_.id) == []


def test_paper_ballots_handed_out_count_as_issued(session, make_round, logged_in, clerk):
    round_ = make_round(cards=4)  # all four cards issued
    response = logged_in.post(f"/rounds/{round_.id}/paper/issue", data={"issued-count": "3"})
    assert response.status_code == 302
    page = logged_in.get(response.headers["Location"]).text
    assert "Đã ghi: 3 phiếu giấy đã phát." in page
    session.rollback()
    assert issued(session, round_.id) == 7
    # a correction replaces the figure
    logged_in.post(f"/rounds/{round_.id}/paper/issue", data={"issued-count": "2"})
    session.rollback()
    assert issued(session, round_.id) == 6
    page = logged_in.get(f"/rounds/{round_.id}/paper").text
    assert re.search(r'<input id="issued-count"[^>]* value="2">', page)  # the figure to correct
    # never below the paper ballots already counted
    open_round(session, session.get(type(round_), round_.id), NOW)
    session.commit()
    for client in (clerk("kiemphieu1"), clerk("kiemphieu2")):
        assert enter(client, round_, 1, {}).status_code == 303
    response = logged_in.post(f"/rounds/{round_.id}/paper/issue", data={"issued-count": "0"})
    assert "Đã tính 1 phiếu giấy: số phiếu giấy đã phát không thể ít hơn." in logged_in.get(
        response.headers["Location"]).text
    session.rollback()
    assert issued(session, round_.id) == 6
    steps = audit_rows(session, round_.id, "paper.issue")
    assert steps == [("paper.issue", {"issued": 3, "before": 0}),
                     ("paper.issue", {"issued": 2, "before": 3})]


# -- printing ------------------------------------------------------------------------------------


def test_printed_paper_ballots(session, make_round, logged_in):
    round_ = make_round(cards=2)
    response = logged_in.post(f"/rounds/{round_.id}/paper/pdf", data={"print-copies": "2"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "phieu-giay-" in response.headers["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 2  # the 12 lines fit one side: one A4 page per ballot
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert texts[0] == texts[1]  # identical sheets
    words = texts[0]
    assert abs(float(reader.pages[0].mediabox.width) - 595.28) < 1
    assert "PHIẾU TÍN NHIỆM" in words
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in words
    assert round_.title in words
    assert "Phiếu số" not in words and "Số phiếu" not in words  # no number on a sheet
    for subject in round_.subjects:
        assert subject.name in words
    for label in ("Tín nhiệm cao", "Tín nhiệm thấp", "STT", "Họ và tên", "Chức vụ",
                  "Dấu của Ban kiểm phiếu", "Đánh dấu X vào một ô ở mỗi dòng"):
        assert label in words
    # one copy by default; the print is audited, with no number of any sheet
    response = logged_in.post(f"/rounds/{round_.id}/paper/pdf", data={"print-copies": "1"})
    assert len(pypdf.PdfReader(io.BytesIO(response.data)).pages) == 1
    assert [d for a, d in audit_rows(session, round_.id) if a == "paper.print"] == [
        {"copies": 2, "groups": 1}, {"copies": 1, "groups": 1}]
    response = logged_in.post(f"/rounds/{round_.id}/paper/pdf", data={"print-copies": "0"})
    assert response.status_code == 302


def test_state_body_prints_the_national_heading(session, logged_in):
    round_ = create_round(session, title="Lấy phiếu tín nhiệm tại kỳ họp", now=NOW,
                          body="Hội đồng nhân dân tỉnh", body_kind="state",
                          subjects=btv_rows()[:3])
    record_attendance(session, round_, summoned=10, present=10)
    session.commit()
    response = logged_in.post(f"/rounds/{round_.id}/paper/pdf", data={"print-copies": "1"})
    words = " ".join(pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words and "ĐẢNG CỘNG SẢN" not in words


# -- kinds ---------------------------------------------------------------------------------------


def test_kinds_plug_in_through_one_table():
    layout = layout_for(SimpleNamespace(kind="confidence"))
    assert [(lv.value, lv.key) for lv in layout.levels] == [
        ("high", "1"), ("confidence", "2"), ("low", "3")]
    for name, kind in KINDS.items():
        if kind.paper is None:
            with pytest.raises(InvalidInput, match="Loại đợt này chưa có phiếu giấy"):
                layout_for(SimpleNamespace(kind=name))


def test_a_kind_without_paper_ballot_is_refused(session, logged_in, monkeypatch):
    monkeypatch.setattr(NoConfidence, "paper", None)  # every kind has one today
    round_ = create_round(session, title="Bỏ phiếu tín nhiệm", now=NOW, kind="no_confidence",
                          subjects=btv_rows()[:2])
    session.commit()
    page = logged_in.get(f"/rounds/{round_.id}/paper")
    assert page.status_code == 200 and "Loại đợt này chưa có phiếu giấy." in page.text
    assert f'action="/rounds/{round_.id}/paper/issue"' not in page.text
    response = logged_in.post(f"/rounds/{round_.id}/paper/issue", data={"issued-count": "2"})
    assert "Loại đợt này chưa có phiếu giấy." in logged_in.get(response.headers["Location"]).text
    response = logged_in.post(f"/rounds/{round_.id}/paper/pdf", data={"print-copies": "1"})
    assert response.status_code == 302
    assert "Loại đợt này chưa có phiếu giấy." in logged_in.get(response.headers["Location"]).text
    assert logged_in.get(f"/rounds/{round_.id}/paper/entry").status_code == 409
    session.rollback()
    assert session.get(type(round_), round_.id).paper_issued == 0


# -- the entry page ------------------------------------------------------------------------------


def test_entry_page_is_made_for_the_keyboard(session, paper_round, logged_in):
    round_ = paper_round()
    response = logged_in.get(f"/rounds/{round_.id}/paper/entry")
    assert response.status_code == 200
    html = response.text
    assert html.index('name="number"') < html.index('type="radio"')  # the number field first
    assert "autofocus" in html.split('name="number"')[0].rsplit("<input", 1)[1] + html.split(
        'name="number"')[1].split(">", 1)[0]
    assert "Số thứ tự kiểm phiếu" in html
    assert "/static/js/paper_entry.js" in html and "<script>" not in html
    for key, label in (("1", "Tín nhiệm cao"), ("2", "Tín nhiệm"), ("3", "Tín nhiệm thấp"),
                       ("0", "Để trống"), ("x", "Không hợp lệ (nhiều dấu)")):
        assert f"<kbd>{key}</kbd> {label}" in html
    for subject in round_.subjects:
        assert html.count(f'name="s{subject.id}"') == 5
        assert f'aria-label="{subject.order}. {subject.name}: Tín nhiệm cao"' in html
    assert 'type="submit"' in html  # works without JavaScript


def test_paper_page_links_from_the_round_page(session, paper_round, logged_in):
    round_ = paper_round()
    page = logged_in.get(f"/rounds/{round_.id}").text
    assert f'href="/rounds/{round_.id}/paper"' in page
    assert f'href="/rounds/{round_.id}/paper/entry"' in page


def test_counting_a_paper_ballot_is_refused_after_the_close(session, paper_round, clerk):
    round_ = paper_round(paper=1)
    close_round(session, round_, NOW)
    session.commit()
    response = enter(clerk("kiemphieu1"), round_, round_.paper[0], {1: "high"})
    assert response.status_code == 409
    assert entries(session, round_.id) == []


def test_cards_issue_all_leaves_the_paper_count_alone(session, make_round):
    """"Activate all" on the cards step issues the phone cards; the paper ballots handed out
    are the officer's own figure, added to them."""
    round_ = make_round(cards=2, issue=False)
    record_paper_issued(session, round_, 2)
    assert issue_cards(session, round_) == 2
    assert issued(session, round_.id) == 4
    record_paper_issued(session, round_, 1)
    assert issued(session, round_.id) == 3
    session.commit()


def test_paper_pages_label_every_control(session, paper_round, clerk):
    round_ = paper_round()
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    enter(first, round_, round_.paper[0], {1: "high"})
    enter(second, round_, round_.paper[0], {1: "low"})  # a difference, listed with its table
    for path in (f"/rounds/{round_.id}/paper", f"/rounds/{round_.id}/paper/entry",
                 f"/rounds/{round_.id}/paper/entry?correct=1&number={round_.paper[0]}"):
        response = first.get(path)
        assert response.status_code == 200, path
        assert_accessible_basics(response.text, path)


def test_no_entry_survives_the_close_in_the_database_file(app, session, paper_round, clerk):
    """A byte scan of the SQLite file and its WAL after the close: no entry's id or lines."""
    engine = app.extensions["survey.engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("file scan is for SQLite")
    from pathlib import Path

    from survey.db import compact

    round_ = paper_round(phones=0, paper=3)
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    # a line pattern no other row holds: 12 lines, marked in a recognisable order
    marks = dict(zip(range(1, 13), ["low", "invalid", "high", "blank"] * 3, strict=True))
    for serial in round_.paper:
        enter(first, round_, serial, marks)
    session.rollback()
    entry_ids = list(session.scalars(select(PaperEntry.id)))
    assert len(entry_ids) == 3
    for serial in round_.paper:
        enter(second, round_, serial, marks)
    session.rollback()
    close_round(session, round_, NOW)
    session.commit()
    session.close()
    compact(engine)
    path = Path(engine.url.database)
    blob = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    assert blob
    for entry_id in entry_ids:
        assert entry_id.encode() not in blob
    assert b'"invalid"' not in blob and b'"blank"' not in blob  # the entries' JSON lines
    assert session.scalar(select(func.count()).select_from(Ballot)) == 3


def test_the_close_command_is_refused_too(runner, session, paper_round, clerk):
    round_ = paper_round(paper=1)
    [serial] = round_.paper
    enter(clerk("kiemphieu1"), round_, serial, {})
    message = refused(runner, "round", "close", round_.id)
    assert f"chưa đủ hai lần nhập: số {serial}" in message
    enter(clerk("kiemphieu2"), round_, serial, {})
    run(runner, "round", "close", round_.id)
    session.rollback()
    session.expire_all()
    assert session.get(type(round_), round_.id).closed_at is not None


def test_postgres_close_leaves_no_counting_transaction_ids(session, paper_round, clerk):
    """Counting a paper ballot stamps its counting number and its ballot with one transaction
    id; the close rewrites the ballots, so no stored ballot shares such an xmin afterwards."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    round_ = paper_round(phones=0, paper=3)
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    for serial in round_.paper:
        enter(first, round_, serial, {1: "high"})
        enter(second, round_, serial, {1: "high"})

    def xmins(table):
        session.rollback()
        return {x for (x,) in session.execute(
            text(f"SELECT xmin::text FROM {table} WHERE round_id = :r"), {"r": round_.id})}

    counted = xmins("paper_counted")
    assert xmins("ballots") & counted  # before the close the link is there...
    session.rollback()
    close_round(session, round_, NOW)
    session.commit()
    assert not xmins("ballots") & counted  # ...and after it, gone


def test_a_mistyped_counting_number_is_withdrawn_and_frees_the_close(
        session, paper_round, clerk, logged_in):
    round_ = paper_round(phones=1, paper=2)
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    flashed(first, enter(first, round_, 61, {1: "high"}))  # meant 16
    assert entries(session, round_.id) == [(61, 1)]
    page = first.get(f"/rounds/{round_.id}/paper").text
    assert "Xóa lần nhập của tôi (phiếu số 61)" in page
    assert close_web(logged_in, round_).status_code == 409  # it waits for a second entry
    # only one's own entry can be withdrawn
    response = second.post(f"/rounds/{round_.id}/paper/withdraw", data={"number": "61"})
    assert "Bạn không có lần nhập nào của phiếu số 61" in second.get(
        response.headers["Location"]).text
    assert entries(session, round_.id) == [(61, 1)]
    response = first.post(f"/rounds/{round_.id}/paper/withdraw", data={"number": "61"})
    assert "Đã xóa lần nhập phiếu số 61 của bạn." in first.get(response.headers["Location"]).text
    assert entries(session, round_.id) == []
    assert audit_rows(session, round_.id, "paper.withdraw") == [
        ("paper.withdraw", {"counting_number": 61, "number": 1})]
    for client in (first, second):
        assert enter(client, round_, 16, {1: "high"}).status_code == 303
    assert close_web(logged_in, round_).status_code == 302
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Ballot)) == 1
