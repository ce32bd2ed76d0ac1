"""Paper ballots of every kind: confidence vote, nomination, appraisal; and the phone/paper
split in the Standing Committee summary and the XLSX round facts."""

from __future__ import annotations

import io

import openpyxl
import pypdf
import pytest
from sqlalchemy import func, select, text, update

from survey.ballots.models import Ballot, Card, Mark
from survey.ballots.operations import create_cards, issue_cards
from survey.desk.operations import close_round, create_round, open_round
from survey.errors import CardRejected, InvalidInput, RoundStateError
from survey.kinds import KINDS
from survey.kinds.appraisal.models import AppraisalMark, Comment, Member
from survey.kinds.appraisal.paper import record_paper_voters
from survey.kinds.appraisal.results import subject_inputs
from survey.kinds.appraisal.roster import Settings, create_named_cards, update_settings
from survey.kinds.casting import cast, cast_ballot
from survey.kinds.counts import ballot_sources, issued
from survey.kinds.no_confidence.results import no_confidence_result
from survey.kinds.nomination.models import InvalidLine, WriteIn
from survey.kinds.nomination.positions import replace_nominations
from survey.kinds.nomination.results import nomination_counts, nomination_result
from survey.kinds.nomination.sheet import parse_nominations
from survey.paper.models import PaperEntry
from survey.paper.slots import record_paper_issued
from survey.rounds.operations import record_attendance
from tests.conftest import NOW, PASSWORD, btv_rows
from tests.factories import (
    SHEET,
    assert_accessible_basics,
    close_web,
    entries,
    flashed,
    small_roster,
)


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


def post_entry(client, round_, number, data=None, *, invalid=False, group=None):
    form = {"number": str(number), **(data or {})}
    if group is not None:
        form["group"] = str(group)
    if invalid:
        form["invalid"] = "y"
    return client.post(f"/rounds/{round_.id}/paper/entry", data=form)


def pdf_words(response, page=0):
    assert response.status_code == 200, response.text
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return " ".join(reader.pages[page].extract_text().split()), len(reader.pages)


def dump(session, *tables):
    """Every row of ``tables`` without its ballot id: what a stored ballot looks like."""
    session.rollback()
    rows = {}
    for table in tables:
        result = session.execute(text(f"SELECT * FROM {table}"))
        keys = list(result.keys())
        rows[table] = sorted(
            tuple(v for k, v in zip(keys, row, strict=True) if k not in ("ballot_id", "id"))
            for row in result
        )
    return rows


def test_every_kind_has_a_paper_ballot():
    assert all(kind.paper is not None for kind in KINDS.values())
    assert str(KINDS["no_confidence"].paper.title) == "PHIẾU BỎ PHIẾU TÍN NHIỆM"
    assert str(KINDS["nomination"].paper.title) == "PHIẾU GIỚI THIỆU QUY HOẠCH"
    assert str(KINDS["appraisal"].paper.title) == "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG"


# -- the confidence vote (no_confidence) ---------------------------------------------------------


@pytest.fixture
def vote_round(session):
    def _make(phones=3, paper=3):
        round_ = create_round(session, title="Bỏ phiếu tín nhiệm", now=NOW, kind="no_confidence",
                              subjects=btv_rows()[:4], body="Ban Chấp hành Đảng bộ thành phố",
                              min_ballots=1)
        record_attendance(session, round_, summoned=20, present=20)
        round_.codes = [c.code for c in create_cards(session, round_, phones)] if phones else []
        issue_cards(session, round_)
        record_paper_issued(session, round_, paper)
        round_.paper = list(range(1, paper + 1))
        open_round(session, round_, NOW)
        session.commit()
        return round_

    return _make


def vote_marks(round_, marks):
    """``marks``: line number → confidence / no_confidence / blank / invalid; others blank."""
    return {f"s{s.id}": marks.get(s.order, "blank") for s in round_.subjects}


def test_no_confidence_paper_ballot_prints(session, vote_round, logged_in):
    round_ = vote_round(phones=1, paper=2)
    response = logged_in.post(f"/rounds/{round_.id}/paper/pdf", data={"print-copies": "2"})
    words, pages = pdf_words(response, 1)
    assert pages == 2 and pdf_words(response, 0)[0] == words
    assert "PHIẾU BỎ PHIẾU TÍN NHIỆM" in words and "Phiếu số" not in words
    assert "Không tín nhiệm" in words and "Tín nhiệm thấp" not in words
    for subject in round_.subjects:
        assert subject.name in words


def test_no_confidence_mixed_round_and_a_difference_blocking_the_close(session, vote_round,
                                                                        clerk, logged_in):
    round_ = vote_round(phones=4, paper=3)
    s1, s2, s3, _s4 = (s.id for s in round_.subjects)
    for i, code in enumerate(round_.codes):  # phones: s1 no confidence ×4, s2 confidence ×3
        cast_ballot(session, code, {s1: "no_confidence"} | ({s2: "confidence"} if i else {}))
        session.commit()
    first, second, third = clerk("kiemphieu1"), clerk("kiemphieu2"), clerk("kiemphieu3")
    a, b, c = round_.paper
    for client in (first, second):
        assert post_entry(client, round_, a, vote_marks(
            round_, {1: "confidence", 2: "invalid", 3: "no_confidence"})).status_code == 303
        assert post_entry(client, round_, b, invalid=True).status_code == 303
    right = vote_marks(round_, {1: "no_confidence", 2: "confidence"})
    assert post_entry(first, round_, c, right).status_code == 303
    page = flashed(second, post_entry(second, round_, c, right | {f"s{s2}": "no_confidence"}))
    assert f"Phiếu số {c}: lần nhập 2 khác lần nhập 1 ở dòng 2." in page
    response = close_web(logged_in, round_)
    assert response.status_code == 409 and f"hai lần nhập khác nhau: số {c}" in response.text
    assert "Không tín nhiệm" in logged_in.get(f"/rounds/{round_.id}/paper").text
    assert post_entry(third, round_, c, right).status_code == 303
    assert entries(session, round_.id) == []
    assert close_web(logged_in, round_).status_code == 302

    session.rollback()
    result = no_confidence_result(session, round_)
    assert result.figures.collected == 7
    one, two, three, four = result.subjects
    assert (one.counts.confidence, one.counts.no_confidence, one.invalid) == (1, 5, 1)
    assert (two.counts.confidence, two.counts.no_confidence, two.invalid) == (4, 0, 3)
    assert (three.counts.no_confidence, three.invalid) == (1, 6)
    assert four.invalid == 7
    session.expire_all()  # the web requests' writes, not this session's old copy
    assert ballot_sources(session, round_).as_dict() == {"phone": 4, "paper": 3,
                                                         "paper_invalid": 1}
    pdf = logged_in.get(f"/rounds/{round_.id}/summary.pdf")  # the summary says so too
    text_ = " ".join(" ".join(p.extract_text() for p in
                              pypdf.PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert ("Trong số phiếu thu về có 4 phiếu bỏ bằng điện thoại và 3 phiếu giấy (1 phiếu giấy "
            "không hợp lệ cả phiếu).") in text_


def test_no_confidence_paper_ballot_is_stored_like_a_phone_ballot(session, vote_round, clerk):
    round_ = vote_round(phones=1, paper=1)
    s1, s2 = round_.subjects[0].id, round_.subjects[1].id
    cast_ballot(session, round_.codes[0], {s1: "confidence", s2: "no_confidence"})
    session.commit()
    phone = dump(session, "ballots", "marks")
    for client in (clerk("kiemphieu1"), clerk("kiemphieu2")):
        post_entry(client, round_, round_.paper[0],
                   vote_marks(round_, {1: "confidence", 2: "no_confidence"}))
    both = dump(session, "ballots", "marks")
    # the paper ballot's rows are the phone ballot's rows again: nothing says which is which
    assert both == {table: sorted(rows * 2) for table, rows in phone.items()}
    assert len(set(session.scalars(select(Ballot.id)))) == 2


# -- nomination ------------------------------------------------------------------------------------


@pytest.fixture
def nomination_round(session):
    def _make(phones=3, paper=3, summoned=10):
        round_ = create_round(session, title="Giới thiệu quy hoạch nhiệm kỳ 2030-2035", now=NOW,
                              kind="nomination", body="Ban Chấp hành Đảng bộ thành phố",
                              min_ballots=1)
        parsed = parse_nominations(SHEET, "quy-hoach.csv")
        replace_nominations(session, round_, parsed)
        record_attendance(session, round_, summoned=summoned, present=summoned)
        round_.codes = [c.code for c in create_cards(session, round_, phones)] if phones else []
        issue_cards(session, round_)
        record_paper_issued(session, round_, paper)
        round_.paper = list(range(1, paper + 1))
        open_round(session, round_, NOW)
        session.commit()
        return round_

    return _make


def nomination_form(round_, agrees=(), invalid=(), write_ins=None):
    """Candidates by name: ``agrees`` Đồng ý, ``invalid`` two marks, the rest blank."""
    data = {}
    for s in round_.subjects:
        data[f"s{s.id}"] = "agree" if s.name in agrees else (
            "invalid" if s.name in invalid else "blank")
    for position in round_.positions:
        names = (write_ins or {}).get(position.title, [])
        data[f"w{position.id}"] = names + [""] * (position.seats - len(names))
    return data


def test_nomination_paper_ballot_prints(session, nomination_round, logged_in):
    round_ = nomination_round(phones=0, paper=1)
    words, _pages = pdf_words(
        logged_in.post(f"/rounds/{round_.id}/paper/pdf", data={"print-copies": "1"}))
    assert "PHIẾU GIỚI THIỆU QUY HOẠCH" in words and "Phiếu số" not in words
    assert "Bí thư Thành ủy (quy hoạch 2 người)" in words
    assert "Chủ tịch UBND thành phố (quy hoạch 1 người)" in words
    assert "Đồng ý" in words and "Không đồng ý" in words
    for subject in round_.subjects:
        assert subject.name in words
    assert words.count("Ghi thêm:") == 3  # one blank line per seat


def test_nomination_entry_page_has_write_in_fields(session, nomination_round, logged_in):
    round_ = nomination_round(phones=0, paper=1)
    page = logged_in.get(f"/rounds/{round_.id}/paper/entry").text
    secretary, chair = round_.positions
    assert page.count(f'name="w{secretary.id}"') == 2 and page.count(f'name="w{chair.id}"') == 1
    assert "Không đồng ý / để trống" in page
    assert 'value="disagree"' not in page  # Không đồng ý and blank are one entry


def test_nomination_mixed_round_groups_paper_write_ins_with_phone_ones(session,
                                                                       nomination_round,
                                                                       clerk, logged_in):
    round_ = nomination_round(phones=3, paper=4, summoned=10)
    ids = {s.name: s.id for s in round_.subjects}
    secretary, chair = round_.positions
    # phones: An + Hải ×3; one of them writes in "Nguyễn Văn A" for the chair
    for i, code in enumerate(round_.codes):
        cast_ballot(session, code, {ids["Tòng Minh Ánh"]: "agree", ids["Lê Hữu Hải"]: "agree"},
                    {chair.id: ["Nguyễn Văn A"]} if i == 0 else {})
        session.commit()
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    a, b, c, d = round_.paper
    ballots = {
        # the write-in typed differently by the two people: same name for the tally
        a: ({"agrees": ["Tòng Minh Ánh"], "write_ins": {"Chủ tịch UBND thành phố":
                                                           ["nguyễn  văn a"]}},
            {"agrees": ["Tòng Minh Ánh"], "write_ins": {"Chủ tịch UBND thành phố":
                                                           ["Nguyễn Văn A"]}}),
        # over the seats for the secretary: 2 agrees + 1 write-in > 2 → the line is invalid
        b: ({"agrees": ["Tòng Minh Ánh", "Lò Văn Lâm", "Trần Mạnh Toàn"],
             "write_ins": {"Bí thư Thành ủy": ["Phạm Văn B"]}},) * 2,
        # two marks on Hải, Không đồng ý elsewhere
        c: ({"invalid": ["Lê Hữu Hải"]},) * 2,
        d: None,  # wholly invalid
    }
    for serial, pair in ballots.items():
        for client, data in zip((first, second), pair or (None, None), strict=True):
            if data is None:
                response = post_entry(client, round_, serial, invalid=True)
            else:
                response = post_entry(client, round_, serial, nomination_form(round_, **data))
            assert response.status_code == 303, response.text
    assert entries(session, round_.id) == []
    close_round(session, round_, NOW)
    session.commit()

    counts = {p.title: p for p in nomination_counts(session, round_)}
    sec, ch = counts["Bí thư Thành ủy"], counts["Chủ tịch UBND thành phố"]
    assert {c.name: c.agree for c in sec.candidates} == {
        "Tòng Minh Ánh": 4, "Lê Hữu Hải": 3, "Lò Văn Lâm": 0}
    assert sec.invalid == 1 and sec.write_ins == {}  # b's secretary line: nothing kept
    assert {c.name: c.agree for c in ch.candidates} == {
        "Trần Mạnh Toàn": 1, "Lương Minh Chiến": 0}
    assert ch.invalid == 0
    assert sum(ch.write_ins.values()) == 2
    result = nomination_result(session, round_)
    assert result.figures.collected == 7
    chair_entries = {e.name: e.votes for e in result.positions[1].entries}
    assert chair_entries["Nguyễn Văn A"] == 2  # phone and paper, grouped as one name
    session.expire_all()  # the web requests' writes, not this session's old copy
    assert ballot_sources(session, round_).as_dict() == {"phone": 3, "paper": 4,
                                                         "paper_invalid": 1}


def test_nomination_write_in_difference_blocks_the_close(session, nomination_round, clerk,
                                                         logged_in):
    round_ = nomination_round(phones=0, paper=1)
    first, second, third = clerk("kiemphieu1"), clerk("kiemphieu2"), clerk("kiemphieu3")
    (serial,) = round_.paper
    right = nomination_form(round_, ["Trần Mạnh Toàn"],
                            write_ins={"Bí thư Thành ủy": ["Đỗ Văn C"]})
    assert post_entry(first, round_, serial, right).status_code == 303
    wrong = nomination_form(round_, ["Trần Mạnh Toàn"],
                            write_ins={"Bí thư Thành ủy": ["Đỗ Văn G"]})
    page = flashed(second, post_entry(second, round_, serial, wrong))
    assert f"Phiếu số {serial}: lần nhập 2 khác lần nhập 1 ở dòng 1, 2, 3." in page
    listing = logged_in.get(f"/rounds/{round_.id}/paper").text
    assert "Ghi thêm – Bí thư Thành ủy" in listing
    assert "Đỗ Văn C" in listing and "Đỗ Văn G" in listing
    assert close_web(logged_in, round_).status_code == 409
    assert post_entry(third, round_, serial, right).status_code == 303
    assert close_web(logged_in, round_).status_code == 302
    session.rollback()
    assert session.scalars(select(WriteIn.name)).all() == ["Đỗ Văn C"]
    assert session.scalars(select(Mark.choice)).all() == ["agree"]


def test_nomination_entry_refuses_more_names_than_blank_lines(session, nomination_round,
                                                              clerk):
    round_ = nomination_round(phones=0, paper=1)
    first = clerk("kiemphieu1")
    data = nomination_form(round_, write_ins={"Chủ tịch UBND thành phố": ["X Y", "Z T"]})
    response = post_entry(first, round_, round_.paper[0], data)
    assert response.status_code == 422
    assert "chỉ có 1 dòng ghi thêm tên" in response.text
    assert entries(session, round_.id) == []


def test_nomination_paper_ballot_is_stored_like_a_phone_ballot(session, nomination_round,
                                                               clerk):
    round_ = nomination_round(phones=1, paper=1)
    ids = {s.name: s.id for s in round_.subjects}
    secretary, chair = round_.positions
    # the chair's line is over its one seat on both: an invalid line, nothing else of it
    cast_ballot(session, round_.codes[0],
                {ids["Lê Hữu Hải"]: "agree", ids["Trần Mạnh Toàn"]: "agree"},
                {secretary.id: ["Hoàng Thị D"], chair.id: ["Vũ Văn E"]})
    session.commit()
    phone = dump(session, "ballots", "marks", "write_ins", "invalid_lines")
    assert phone["invalid_lines"] == [(chair.id,)]
    for client in (clerk("kiemphieu1"), clerk("kiemphieu2")):
        post_entry(client, round_, round_.paper[0], nomination_form(
            round_, ["Lê Hữu Hải", "Trần Mạnh Toàn"],
            write_ins={"Bí thư Thành ủy": ["Hoàng Thị D"], "Chủ tịch UBND thành phố":
                       ["Vũ Văn E"]}))
    both = dump(session, "ballots", "marks", "write_ins", "invalid_lines")
    assert both == {table: sorted(rows * 2) for table, rows in phone.items()}
    assert session.scalar(select(func.count()).select_from(InvalidLine)) == 2


# -- appraisal ---------------------------------------------------------------------------------


@pytest.fixture
def appraisal_round(session):
    """The small roster; ``paper`` (names) vote on paper, everyone else on a named card.
    ``round_.paper`` maps each paper voter to the counting number their form will get."""

    def _make(paper=("An", "Giang"), same_unit=False):
        round_ = create_round(session, title="Đánh giá, xếp loại năm 2026", kind="appraisal",
                              subjects=small_roster(), now=NOW, body="Ủy ban nhân dân huyện")
        record_attendance(session, round_, summoned=8, present=8)
        if same_unit:
            update_settings(session, round_, Settings(same_unit_only=True))
        session.flush()
        orders = {m.name: m.order for m in session.scalars(select(Member))}
        record_paper_voters(session, round_, [orders[name] for name in paper])
        round_.paper = {name: number for number, name in enumerate(paper, start=1)}
        round_.codes = {named.holder: named.card.code
                        for named in create_named_cards(session, round_)}
        issue_cards(session, round_)
        open_round(session, round_, NOW)
        session.commit()
        return round_

    return _make


def appraisal_form(round_, lines, *, unit=None):
    """``lines``: name → (level, general, tasks); others skipped (blank). Every line of the
    form is posted: the round's, or ``unit``'s only."""
    data = {}
    for s in round_.subjects:
        if unit is not None and s.unit != unit:
            continue
        level, general, tasks = lines.get(s.name, ("blank", None, None))
        data[f"s{s.id}"] = level
        data[f"g{s.id}"] = "" if general is None else str(general)
        data[f"t{s.id}"] = "" if tasks is None else str(tasks)
    return data


def test_a_member_gets_a_card_or_a_paper_form_never_both(session, appraisal_round):
    round_ = appraisal_round(paper=("An",))
    session.rollback()
    rows = session.execute(
        select(Member.name, Card.medium, Card.code_hash.is_(None), Card.issued)
        .join(Card, Card.member_id == Member.id).order_by(Member.order)
    ).all()
    assert len(rows) == 8 and len({name for name, *_ in rows}) == 8
    assert rows[0] == ("An", "paper", True, True)  # recorded: handed their group's form
    assert all(medium == "phone" for _name, medium, *_ in rows[1:])
    assert issued(session, round_.id) == 8  # seven cards and one paper form
    with pytest.raises(InvalidInput, match="đã có thẻ hoặc phiếu giấy"):
        record_paper_voters(session, round_, [1])
    with pytest.raises(InvalidInput, match="đã có thẻ hoặc phiếu giấy"):
        record_paper_voters(session, round_, [2])
    with pytest.raises(InvalidInput, match="từng người"):
        record_paper_issued(session, round_, 1)  # no anonymous count in a named round
    session.rollback()
    # a voided record: its member may be recorded again (and still gets no card)
    session.execute(update(Card).where(Card.serial == 1).values(voided=True))
    assert record_paper_voters(session, round_, [1]) == [9]
    with pytest.raises(InvalidInput, match="đã có thẻ hoặc phiếu giấy"):
        record_paper_voters(session, round_, [1])
    with pytest.raises(InvalidInput, match="đều đã có thẻ"):
        create_named_cards(session, round_)
    session.rollback()


def test_the_paper_page_records_paper_voters_by_roster_number(session, logged_in):
    round_ = create_round(session, title="Đánh giá, xếp loại năm 2026", kind="appraisal",
                          subjects=small_roster(), now=NOW, body="Ủy ban nhân dân huyện")
    record_attendance(session, round_, summoned=8, present=1)
    session.commit()
    # a paper form is handed out as a card is: never to more people than are present
    response = logged_in.post(f"/rounds/{round_.id}/paper/voters", data={"voters-orders": "2-3"})
    page = logged_in.get(response.headers["Location"]).text
    assert "số thẻ phát ra không được nhiều hơn số người có mặt" in page
    assert "Đã ghi 2 người" not in page
    session.rollback()
    record_attendance(session, session.get(type(round_), round_.id), summoned=8, present=8)
    session.commit()
    response = logged_in.post(f"/rounds/{round_.id}/paper/voters", data={"voters-orders": "2-3"})
    page = logged_in.get(response.headers["Location"]).text
    assert "Đã ghi 2 người bỏ phiếu bằng giấy." in page
    listing = page.split('id="paper-voters"')[1].split("</table>")[0]
    assert "Bình" in listing and "Chi" in listing and "An" not in listing
    session.rollback()
    assert issued(session, round_.id) == 2
    response = logged_in.post(f"/rounds/{round_.id}/paper/issue", data={"issued-count": "5"})
    assert "từng người" in logged_in.get(response.headers["Location"]).text


def test_every_paper_form_of_a_group_is_identical_and_lists_everyone(session, appraisal_round,
                                                                    logged_in):
    round_ = appraisal_round(paper=("An", "Giang"))
    response = logged_in.post(f"/rounds/{round_.id}/paper/pdf", data={"print-copies": "3"})
    assert response.status_code == 200
    texts = [" ".join(page.extract_text().split())
             for page in pypdf.PdfReader(io.BytesIO(response.data)).pages]
    assert len(texts) == 3 and len(set(texts)) == 1  # three identical forms, one side each
    words = texts[0]
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG" in words and "Phiếu số" not in words
    for label in ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
                  "Không hoàn thành nhiệm vụ", "Điểm tiêu chí chung (0–30)",
                  "Điểm kết quả nhiệm vụ (0–70)", "để trống dòng có tên của chính mình"):
        assert label in words
    for subject in round_.subjects:  # the paper voters' own lines too: nobody's form
        assert f" {subject.name} " in words


def test_forms_of_each_unit_are_identical_with_same_unit_only(session, appraisal_round,
                                                              logged_in):
    round_ = appraisal_round(paper=("An", "Giang"), same_unit=True)
    response = logged_in.post(f"/rounds/{round_.id}/paper/pdf", data={"print-copies": "2"})
    texts = [" ".join(page.extract_text().split())
             for page in pypdf.PdfReader(io.BytesIO(response.data)).pages]
    assert len(texts) == 4
    assert texts[0] == texts[1] and texts[2] == texts[3] and texts[0] != texts[2]
    units = {s.name: s.unit for s in round_.subjects}
    for page_text, unit in ((texts[0], "Phòng A"), (texts[2], "Phòng B")):
        assert f"Đơn vị: {unit}" in page_text
        for name, own in units.items():
            assert (f" {name} " in page_text) == (own == unit)
    # one unit's forms alone
    response = logged_in.post(f"/rounds/{round_.id}/paper/pdf",
                              data={"print-copies": "1", "print-group": "2"})
    (only,) = pypdf.PdfReader(io.BytesIO(response.data)).pages
    assert " ".join(only.extract_text().split()) == texts[2]


def test_a_mark_on_ones_own_line_on_paper_is_counted_like_any_other(
        session, appraisal_round, clerk, logged_in):
    """Nobody can tell whose form it is, so nobody can tell the holder's own line: a mark
    there is entered and counted. The documents say so, beside how the phone differs."""
    round_ = appraisal_round(paper=("An",))
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    page = first.get(f"/rounds/{round_.id}/paper/entry").text
    for subject in round_.subjects:  # every line is on the entry page, An's too
        assert f'name="s{subject.id}"' in page
    # a line of the form left unchosen is named
    partial = appraisal_form(round_, {})
    del partial[f"s{round_.subjects[1].id}"]
    response = post_entry(first, round_, 1, partial)
    assert response.status_code == 422 and "Chưa chọn ở dòng 2" in response.text
    # An's form: An rated themselves excellent (against the instruction), Bình good
    form = appraisal_form(round_, {"An": ("excellent", 30, 70), "Bình": ("good", None, None)})
    for client in (first, second):
        assert post_entry(client, round_, round_.paper["An"], form).status_code == 303
    assert entries(session, round_.id) == []
    ids = {s.name: s.id for s in round_.subjects}
    rows = dump(session, "appraisal_marks")["appraisal_marks"]
    assert (round_.id, ids["An"], "excellent", 30, 70) in rows  # counted, like any mark
    # a phone card still cannot rate its own holder
    with pytest.raises(CardRejected):
        cast(session, round_.codes["Bình"], path="a", form={f"l{ids['Bình']}": ["good"]})
    session.rollback()
    for name in ("Bình", "Chi", "Dũng"):
        cast(session, round_.codes[name], path="a", form={f"l{ids['An']}": ["good"]})
        session.commit()
    assert close_web(logged_in, round_).status_code == 302

    difference = ("Trong số phiếu thu về có 1 phiếu giấy. Phiếu giấy của mỗi nhóm giống hệt nhau "
                  "và có đủ tên trong nhóm, kể cả người điền phiếu")
    on_phone = "Trên điện thoại, dòng của chính người đánh giá không có trên phiếu."
    for path in ("minutes", "summary"):
        text_ = " ".join(logged_in.get(f"/rounds/{round_.id}/{path}").text.split())
        assert difference in text_ and on_phone in text_, path
        pdf = logged_in.get(f"/rounds/{round_.id}/{path}.pdf")
        words = " ".join(" ".join(p.extract_text() for p in
                                  pypdf.PdfReader(io.BytesIO(pdf.data)).pages).split())
        assert difference in words and on_phone in words, path


def test_appraisal_entry_checks_scores_like_the_phone(session, appraisal_round, clerk):
    round_ = appraisal_round(paper=("An",))
    first = clerk("kiemphieu1")
    response = post_entry(first, round_, 1, appraisal_form(round_, {"Bình": ("good", 31, None)}))
    assert response.status_code == 422 and "Dòng 2: Điểm tiêu chí chung" in response.text
    response = post_entry(first, round_, 1, appraisal_form(round_, {"Bình": ("blank", 20, 50)}))
    assert response.status_code == 422 and "Hãy chọn mức xếp loại" in response.text
    assert entries(session, round_.id) == []


def test_a_units_form_is_entered_as_that_unit(session, appraisal_round, clerk):
    round_ = appraisal_round(paper=("An", "Giang"), same_unit=True)
    first, second = clerk("kiemphieu1"), clerk("kiemphieu2")
    page = first.get(f"/rounds/{round_.id}/paper/entry").text
    assert "Chọn mẫu phiếu" in page and 'id="paper-entry"' not in page
    assert f"/rounds/{round_.id}/paper/entry?group=2" in page
    page = first.get(f"/rounds/{round_.id}/paper/entry?group=2").text
    ids = {s.name: s.id for s in round_.subjects}
    assert "Đơn vị: Phòng B" in page and 'name="group" type="hidden" value="2"' in page
    assert f'name="s{ids["Giang"]}"' in page and f'name="s{ids["An"]}"' not in page
    # a mark on another unit's line is not on this form
    wrong = appraisal_form(round_, {"Hà": ("good", None, None)}, unit="Phòng B") | {
        f"s{ids['An']}": "good"}
    response = post_entry(first, round_, 4, wrong, group=2)
    assert response.status_code == 422 and "Có lựa chọn không thuộc phiếu này." in response.text
    form = appraisal_form(round_, {"Hà": ("good", None, None)}, unit="Phòng B")
    for client in (first, second):
        assert post_entry(client, round_, 4, form, group=2).status_code == 303
    assert entries(session, round_.id) == []
    rows = dump(session, "appraisal_marks")["appraisal_marks"]
    assert rows == [(round_.id, ids["Hà"], "good", None, None)]


def test_appraisal_mixed_round_a_difference_and_storage(session, appraisal_round, clerk,
                                                        logged_in, client):
    round_ = appraisal_round(paper=("An", "Giang"))
    ids = {s.name: s.id for s in round_.subjects}
    # phones: Bình rates Chi good 25+60; Dũng rates Chi excellent (no score) and skips others
    cast(session, round_.codes["Bình"], path="a", form={
        f"l{ids['Chi']}": ["good"], f"g{ids['Chi']}": ["25"], f"t{ids['Chi']}": ["60"]})
    cast(session, round_.codes["Dũng"], path="a", form={f"l{ids['Chi']}": ["excellent"]})
    session.commit()
    phone = dump(session, "ballots", "appraisal_marks")
    first, second, third = clerk("kiemphieu1"), clerk("kiemphieu2"), clerk("kiemphieu3")
    # An's form, the same as Bình's phone ballot
    for client_ in (first, second):
        response = post_entry(client_, round_, round_.paper["An"], appraisal_form(
            round_, {"Chi": ("good", 25, 60)}))
        assert response.status_code == 303
    both = dump(session, "ballots", "appraisal_marks")
    assert both["appraisal_marks"] == sorted(phone["appraisal_marks"] + [
        (round_.id, ids["Chi"], "good", 25, 60)])
    assert len(both["ballots"]) == 3 and set(both["ballots"]) == {(round_.id,)}
    # Giang's form: the two entries differ in one score; the close waits for a third
    right = appraisal_form(round_, {"Chi": ("completed", 20, 40), "An": ("failed", None, None),
                                    "Hà": ("invalid", None, None)})
    assert post_entry(first, round_, round_.paper["Giang"], right).status_code == 303
    page = flashed(second, post_entry(second, round_, round_.paper["Giang"],
                                      right | {f"t{ids['Chi']}": "45"}))
    assert "lần nhập 2 khác lần nhập 1 ở dòng 3." in page
    listing = logged_in.get(f"/rounds/{round_.id}/paper").text
    assert "Hoàn thành nhiệm vụ (20 + 40)" in listing and "(20 + 45)" in listing
    assert close_web(logged_in, round_).status_code == 409
    assert post_entry(third, round_, round_.paper["Giang"], right).status_code == 303
    assert close_web(logged_in, round_).status_code == 302

    session.rollback()
    inputs = {s.name: i for s, i in zip(round_.subjects, subject_inputs(session, round_),
                                        strict=True)}
    assert dict(inputs["Chi"].levels) == {"good": 2, "excellent": 1, "completed": 1}
    assert sorted(inputs["Chi"].totals) == [60, 85, 85]
    assert dict(inputs["An"].levels) == {"failed": 1}
    assert dict(inputs["Hà"].levels) == {}  # two marks: nothing stored, like a skip
    assert session.scalar(select(func.count()).select_from(Comment)) == 0
    assert session.scalar(select(func.count()).select_from(PaperEntry)) == 0
    assert session.scalar(select(func.count()).select_from(AppraisalMark)) == 5
    session.expire_all()  # the web requests' writes, not this session's old copy
    assert ballot_sources(session, round_).as_dict() == {"phone": 2, "paper": 2,
                                                         "paper_invalid": 0}
    with pytest.raises(RoundStateError):
        record_paper_voters(session, round_, [3])
    session.rollback()


# -- the summary and the XLSX of a confidence poll ---------------------------------------------


def test_summary_and_xlsx_show_phones_and_paper(session, make_round, clerk, logged_in):
    round_ = make_round(cards=4, summoned=40, present=40, min_ballots=1)
    record_paper_issued(session, round_, 2)
    paper = [1, 2]
    open_round(session, round_, NOW)
    session.commit()
    for code in round_.codes:
        cast_ballot(session, code, {round_.subjects[0].id: "high"})
        session.commit()
    marks = {f"s{s.id}": "low" for s in round_.subjects}
    for client in (clerk("kiemphieu1"), clerk("kiemphieu2")):
        assert post_entry(client, round_, paper[0], marks).status_code == 303
        assert post_entry(client, round_, paper[1], invalid=True).status_code == 303
    response = logged_in.post(f"/rounds/{round_.id}/close", data={"password": PASSWORD})
    assert response.status_code == 302

    sentence = ("Trong số phiếu thu về có 4 phiếu bỏ bằng điện thoại và 2 phiếu giấy "
                "(1 phiếu giấy không hợp lệ cả phiếu).")
    assert sentence in logged_in.get(f"/rounds/{round_.id}/summary").text
    pdf = logged_in.get(f"/rounds/{round_.id}/summary.pdf")
    assert pdf.status_code == 200
    text_ = " ".join(" ".join(p.extract_text() for p in
                              pypdf.PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "4 phiếu bỏ bằng điện thoại và 2 phiếu giấy" in text_
    book = openpyxl.load_workbook(io.BytesIO(logged_in.get(
        f"/rounds/{round_.id}/results.xlsx").data))
    facts = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if row and isinstance(row[0], str) and len(row) > 1:
                facts[row[0]] = row[1]
    assert facts["Số phiếu thu về"] == 6
    assert facts["Trong đó bỏ bằng điện thoại"] == 4
    assert facts["Trong đó phiếu giấy"] == 2
    assert facts["Phiếu giấy không hợp lệ cả phiếu"] == 1


def test_summary_and_xlsx_of_a_round_without_paper_say_nothing_of_it(session, make_round,
                                                                     logged_in):
    round_ = make_round(cards=2, min_ballots=1, open_=True)
    for code in round_.codes:
        cast_ballot(session, code, {round_.subjects[0].id: "high"})
        session.commit()
    close_round(session, round_, NOW)
    session.commit()
    assert "phiếu bỏ bằng điện thoại" not in logged_in.get(f"/rounds/{round_.id}/summary").text
    book = openpyxl.load_workbook(io.BytesIO(logged_in.get(
        f"/rounds/{round_.id}/results.xlsx").data))
    values = {c for s in book.worksheets for row in s.iter_rows(values_only=True) for c in row}
    assert "Trong đó phiếu giấy" not in values


def test_nomination_and_appraisal_paper_pages_label_every_control(session, nomination_round,
                                                                  appraisal_round, clerk):
    first = clerk("kiemphieu1")
    second = clerk("kiemphieu2")
    nomination = nomination_round(phones=0, paper=1)
    appraisal = appraisal_round(paper=("An",))
    post_entry(first, nomination, 1, nomination_form(nomination, ["Lê Hữu Hải"]))
    post_entry(second, nomination, 1, nomination_form(nomination, ["Lò Văn Lâm"]))
    serial = appraisal.paper["An"]
    post_entry(first, appraisal, serial, appraisal_form(appraisal, {"Chi": ("good", 1, 2)}))
    post_entry(second, appraisal, serial, appraisal_form(appraisal, {"Chi": ("good", 1, 3)}))
    for round_ in (nomination, appraisal):
        for path in (f"/rounds/{round_.id}/paper", f"/rounds/{round_.id}/paper/entry"):
            response = first.get(path)
            assert response.status_code == 200, path
            assert_accessible_basics(response.text, path)
    # a refused entry shows the typed write-ins and scores again
    page = post_entry(first, nomination, 1, nomination_form(
        nomination, write_ins={"Chủ tịch UBND thành phố": ["Vũ Văn E", "Thêm Một"]})).text
    assert 'value="Vũ Văn E"' in page
    page = post_entry(first, appraisal, serial,
                      appraisal_form(appraisal, {"Chi": ("good", 99, 2)})).text
    assert 'value="99"' in page and "Dòng 3:" in page
