"""Appraisal rounds through the app: roster, named cards, the form, the cast, the results."""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from survey.ballots.cards import hash_code
from survey.ballots.models import Ballot, Card
from survey.ballots.operations import issue_cards
from survey.desk.operations import close_round, create_round, open_round
from survey.kinds.appraisal.models import AppraisalMark, Comment, Member
from survey.kinds.appraisal.roster import create_named_cards
from survey.reports.cli import recount_command, tally_command
from survey.rounds.importing import parse_subjects
from survey.rounds.models import Subject
from tests.conftest import DATA, NOW, PASSWORD
from tests.factories import UNITS, appraise, once_token, pdf_text, refused, small_roster, web_cards


def subject_ids(round_) -> dict[str, int]:
    return {s.name: s.id for s in round_.subjects}


def claim(client, code):
    return client.post("/v", data={"code": code})


def line_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'name="l(\d+)" value="good"', html)}


def stored(session):
    session.rollback()
    return (session.scalar(select(func.count()).select_from(Ballot)),
            session.scalar(select(func.count()).select_from(AppraisalMark)),
            session.scalar(select(func.count()).select_from(Comment)))


# -- roster and named cards ------------------------------------------------------------------


def test_roster_import_makes_members_and_linked_subjects(session, make_appraisal):
    round_ = make_appraisal(open_=False)
    members = session.scalars(select(Member).order_by(Member.order)).all()
    assert [m.name for m in members] == [r.name for r in small_roster()]
    assert [s.member_id for s in round_.subjects] == [m.id for m in members]
    cards = session.scalars(select(Card).order_by(Card.serial)).all()
    assert [c.member_id for c in cards] == [m.id for m in members]
    # a second "create named cards" makes none: everyone has one
    with pytest.raises(Exception, match="đều đã có thẻ"):
        create_named_cards(session, round_)


def test_named_card_sheet_shows_each_members_name(client, logged_in, session):
    round_ = create_round(session, title="Đánh giá", kind="appraisal", subjects=small_roster(),
                          now=NOW)
    session.commit()
    pdf, codes = web_cards(client, round_.id, named=True)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and len(codes) == 8
    text = " ".join(pdf_text(pdf.data).split())
    for row in small_roster():
        assert row.name in text
    session.rollback()
    assert session.scalar(select(func.count()).where(Card.member_id.is_not(None))) == 8


def test_roster_cannot_be_imported_again_once_named_cards_exist(session, make_appraisal):
    from survey.desk.operations import replace_subjects
    from survey.errors import InvalidInput

    round_ = make_appraisal(open_=False)
    with pytest.raises(InvalidInput, match="Đã tạo thẻ có tên"):
        replace_subjects(session, round_, small_roster()[:3])
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Member)) == 8


def test_a_draft_appraisal_round_with_named_cards_can_be_deleted(session, make_appraisal):
    from survey.desk.operations import delete_round

    round_ = make_appraisal(open_=False)
    delete_round(session, round_)
    session.commit()
    for table in (Member, Card, Subject):
        assert session.scalar(select(func.count()).select_from(table)) == 0


def test_an_anonymous_card_cannot_vote_in_an_appraisal_round(client, session, make_appraisal):
    from survey.ballots.operations import create_cards

    round_ = make_appraisal(open_=False)
    round_.summoned += 1  # one more present, so that one more card may be issued
    round_.present += 1
    [card] = create_cards(session, round_, 1)
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    page = claim(client, card.code)
    assert page.status_code == 409 and "không gắn với người nào" in page.text
    assert client.post("/v/a/cast", data={"code": card.code}).status_code == 409
    assert stored(session) == (0, 0, 0)


@pytest.mark.parametrize("open_", [False, True])
def test_anonymous_cards_are_refused_for_an_appraisal_round(logged_in, runner, session,
                                                            make_appraisal, open_):
    """`survey cards create` and the cards form make no card that belongs to nobody: it could
    not vote, yet would count as issued. The refusal names the command that makes named cards."""
    round_ = make_appraisal(open_=open_)
    before = session.scalars(select(Card.serial).order_by(Card.serial)).all()
    stderr = refused(runner, "cards", "create", round_.id, "--count", "3")
    assert "thẻ có tên" in stderr and f"survey appraisal cards {round_.id}" in stderr
    page = logged_in.post(f"/rounds/{round_.id}/cards", follow_redirects=True,
                          data={"count": "3", "once": once_token(logged_in, round_.id)})
    assert "Đợt đánh giá, xếp loại dùng thẻ có tên" in unescape(page.text)
    session.rollback()
    assert session.scalars(select(Card.serial).order_by(Card.serial)).all() == before
    assert session.scalar(select(func.count()).select_from(Card).where(
        Card.member_id.is_(None))) == 0
    # an English screen reads it in English; the named cards still come from their command
    english = logged_in.post(f"/rounds/{round_.id}/cards", headers={"Accept-Language": "en"},
                             data={"count": "3", "once": once_token(logged_in, round_.id)},
                             follow_redirects=True)
    assert "survey appraisal cards" in english.text and "thẻ có tên" not in english.text


def test_replacement_of_a_named_card_is_named_for_the_same_member(session, make_appraisal):
    from survey.ballots.operations import replace_card

    round_ = make_appraisal()
    old = session.scalar(select(Card).where(Card.serial == 3))
    new = replace_card(session, round_, 3)
    session.commit()
    assert session.scalar(select(Card.member_id).where(Card.serial == new.serial)) == old.member_id


# -- the ballot: never one's own line ---------------------------------------------------------


def test_each_named_card_opens_its_members_ballot_without_their_own_line(client, make_appraisal):
    round_ = make_appraisal()
    ids = subject_ids(round_)
    for name, code in round_.codes.items():
        page = claim(client, code)
        assert page.status_code == 200
        assert line_ids(page.text) == set(ids.values()) - {ids[name]}
        assert name not in unescape(page.text)  # the name appears nowhere on their ballot


def test_a_posted_own_line_refuses_the_whole_ballot(client, session, make_appraisal):
    round_ = make_appraisal()
    ids = subject_ids(round_)
    code = round_.codes["An"]
    data = {"code": code, f"l{ids['An']}": "excellent", f"l{ids['Bình']}": "good"}
    assert client.post("/v/a/review", data=data).status_code == 409
    response = client.post("/v/a/cast", data=data)
    assert response.status_code == 409
    assert "Phiếu không hợp lệ" in response.text
    assert stored(session) == (0, 0, 0)
    assert session.scalar(select(Card.used).where(Card.code_hash.is_not(None),
                                                  Card.serial == 1)) is False
    # the same card, without its own line, votes
    del data[f"l{ids['An']}"]
    assert client.post("/v/a/cast", data=data).status_code == 303
    assert stored(session) == (1, 1, 0)


def test_a_confidence_shaped_post_cannot_vote_with_an_appraisal_card(client, session,
                                                                      make_appraisal):
    round_ = make_appraisal()
    ids = subject_ids(round_)
    data = {"code": round_.codes["An"], f"s{ids['Bình']}": "high"}
    from survey.errors import CardRejected
    from survey.kinds.casting import cast_ballot

    with pytest.raises(CardRejected):
        cast_ballot(session, round_.codes["An"], {ids["Bình"]: "high"})
    session.rollback()
    assert client.post("/v/a/cast", data=data).status_code == 303  # the s-field is not a line
    assert stored(session) == (1, 0, 0)  # an empty appraisal: nothing rated


def test_same_unit_only_shows_and_accepts_only_the_raters_unit(client, session, make_appraisal):
    round_ = make_appraisal(same_unit_only=True, min_raters=2)
    ids = subject_ids(round_)
    page = claim(client, round_.codes["Giang"])
    assert line_ids(page.text) == {ids["Hà"], ids["Khoa"]}
    assert "Phòng A" not in page.text
    data = {"code": round_.codes["Giang"], f"l{ids['Hà']}": "good", f"l{ids['An']}": "good"}
    assert client.post("/v/a/cast", data=data).status_code == 409
    assert stored(session) == (0, 0, 0)
    del data[f"l{ids['An']}"]
    assert client.post("/v/a/cast", data=data).status_code == 303
    assert stored(session) == (1, 1, 0)


# -- the form: skips, scores, comments, warnings ---------------------------------------------


def test_flow_with_skips_scores_and_comments(client, session, make_appraisal):
    round_ = make_appraisal()
    ids = subject_ids(round_)
    code = round_.codes["An"]
    page = claim(client, code)
    assert "Đã đánh giá 0/7" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    for unit in UNITS:
        assert f">{unit} <span" in page.text  # grouped by unit, with headings
    form = {
        "code": code,
        f"l{ids['Bình']}": "excellent", f"g{ids['Bình']}": "20", f"t{ids['Bình']}": "30",
        f"c{ids['Bình']}": "  Cần   chủ động hơn  ",
        f"l{ids['Chi']}": "good", f"g{ids['Chi']}": "25", f"t{ids['Chi']}": "55",
        f"l{ids['Dũng']}": "skip",
        f"l{ids['Giang']}": "completed", f"t{ids['Giang']}": "45",
    }
    review = client.post("/v/a/review", data=form)
    assert review.status_code == 200
    html = unescape(review.text)
    # a level that contradicts the score band is warned about, not refused
    assert "Mức đề xuất của 1 người khác với khung điểm" in html
    assert "Tổng điểm thuộc mức “Hoàn thành nhiệm vụ”" in html
    assert "Bạn chưa chọn cho 3 người" in html  # Em, Hà, Khoa
    assert "Nhận xét: Cần chủ động hơn" in html
    back = client.post("/v/a/ballot", data=form)
    assert "Đã đánh giá 4/7" in back.text and 'value="excellent" checked' in back.text
    hidden = dict(re.findall(r'<input type="hidden" name="([lgtc]\d+)" value="([^"]*)"',
                             review.text))
    response = client.post("/v/a/cast", data={"code": code, **{k: unescape(v) for k, v in
                                                              hidden.items()}})
    assert response.status_code == 303 and response.location.endswith("/v/thanks")
    assert stored(session) == (1, 3, 1)
    marks = {m.subject_id: (m.level, m.score_general, m.score_tasks)
             for m in session.scalars(select(AppraisalMark))}
    assert marks == {ids["Bình"]: ("excellent", 20, 30), ids["Chi"]: ("good", 25, 55),
                     ids["Giang"]: ("completed", None, 45)}
    comment = session.scalar(select(Comment))
    assert (comment.subject_id, comment.text) == (ids["Bình"], "Cần chủ động hơn")
    # spent: a second cast is refused as an unknown code would be, and stores nothing more
    assert client.post("/v/a/cast", data=form).status_code == 404
    assert stored(session) == (1, 3, 1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("g", "31", "từ 0 đến 30"), ("t", "71", "từ 0 đến 70"), ("t", "-1", "từ 0 đến 70"),
     ("g", "2.5", "từ 0 đến 30"), ("c", "x" * 501, "dài quá 500")],
)
def test_bad_line_goes_back_to_the_form_and_is_refused_at_cast(client, session, make_appraisal,
                                                              field, value, message):
    round_ = make_appraisal()
    ids = subject_ids(round_)
    data = {"code": round_.codes["An"], f"l{ids['Bình']}": "good", f"{field}{ids['Bình']}": value}
    review = client.post("/v/a/review", data=data)
    assert review.status_code == 422 and message in review.text
    assert client.post("/v/a/cast", data=data).status_code == 409
    assert stored(session) == (0, 0, 0)


def test_scores_without_a_level_are_not_accepted(client, session, make_appraisal):
    round_ = make_appraisal()
    ids = subject_ids(round_)
    for level in ("", "skip"):
        data = {"code": round_.codes["An"], f"l{ids['Bình']}": level, f"g{ids['Bình']}": "20"}
        assert client.post("/v/a/review", data=data).status_code == 422
        assert client.post("/v/a/cast", data=data).status_code == 409
    assert client.post("/v/a/cast", data={"code": round_.codes["An"],
                                        f"l{ids['Bình']}": "best"}).status_code == 409
    assert stored(session) == (0, 0, 0)


def test_turnout_per_unit_shows_counts_never_names(client, logged_in, session, make_appraisal):
    round_ = make_appraisal()
    ids = subject_ids(round_)
    for name in ("An", "Bình", "Giang"):
        assert client.post("/v/a/cast", data={"code": round_.codes[name],
                                            f"l{ids['Chi']}": "good"}).status_code == 303
    for url in (f"/rounds/{round_.id}", f"/rounds/{round_.id}/turnout"):
        html = unescape(client.get(url).text)
        assert re.search(r"Phòng A</th><td class=\"num\">2 / 5<", html), url
        assert re.search(r"Phòng B</th><td class=\"num\">1 / 3<", html), url
        for name in ("An", "Bình", "Giang"):
            assert f">{name}<" not in html


# -- the results ---------------------------------------------------------------------------


@pytest.fixture
def closed_round(client, session, make_appraisal):
    """Chi rated by 4, Bình by 3, Hà by 2 (below the minimum of 3), the rest by nobody."""
    round_ = make_appraisal(quota_group="unit")
    appraise(client, round_, "An", {"Bình": ("excellent", 28, 65, "Gương mẫu"),
                                    "Chi": ("good", 25, 55, None), "Hà": ("excellent", 29, 69,
                                                                          "Bí mật của Hà")})
    appraise(client, round_, "Dũng", {"Bình": ("good", 24, 60, None),
                                      "Chi": ("good", None, 60, None)})
    appraise(client, round_, "Em", {"Bình": ("excellent", 27, 64, None),
                                    "Chi": ("completed", 20, 40, "Còn chậm"),
                                    "Hà": ("failed", 10, 20, None)})
    appraise(client, round_, "Giang", {"Chi": ("good", 26, 50, None)})
    close_round(session, session.merge(round_), NOW)
    session.commit()
    return round_


def test_tally_json_and_suppression(runner, session, closed_round):
    result = runner.invoke(tally_command, [str(closed_round.id), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rules"] == {"min_raters": 3, "quota_percent": 20, "quota_group": "unit",
                             "same_unit_only": False}
    assert (data["issued"], data["collected"]) == (8, 4)
    by_name = {s["name"]: s for s in data["subjects"]}
    chi, binh, ha = by_name["Chi"], by_name["Bình"], by_name["Hà"]
    assert chi["raters"] == 4
    assert chi["counts"] == {"excellent": 0, "good": 3, "completed": 1, "failed": 0}
    assert chi["percent"]["good"] == "75.00"
    assert chi["general"] == {"count": 3, "mean": "23.67", "median": "25.00"}
    assert chi["tasks"] == {"count": 4, "mean": "51.25", "median": "52.50"}
    assert chi["total"] == {"count": 3, "mean": "72.00", "median": "76.00"}  # 80, 60, 76
    assert chi["median_level"] == "good" and chi["majority"] == ["good"]
    assert chi["comments"] == ["Còn chậm"]
    assert binh["majority"] == ["excellent"] and binh["total"]["median"] == "91.00"
    assert ha["suppressed"] and ha["raters"] is None  # rated by 2: not even that is shown
    for key in ("counts", "percent", "general", "tasks", "total", "median_level", "majority",
                "comments"):
        assert ha[key] is None
    assert "Bí mật của Hà" not in result.output
    assert by_name["An"]["suppressed"] and by_name["An"]["raters"] is None
    # Phòng A: Bình excellent, Chi good → 1 > 20% of 1: breach; Phòng B: only Hà, hidden
    assert data["quota"] == [{"group": "Phòng A", "excellent": 1, "good": 1,
                              "quota_percent": 20, "allowed": 0, "share": "100.00",
                              "breach": True}]
    assert data["cohort"]["subjects"] == 2 and data["cohort"]["excellent"] == 1
    assert data["cohort"]["percent"] == {"completed_or_better": "100.00",
                                         "good_or_better": "100.00", "excellent": "50.00"}
    csv_out = runner.invoke(tally_command, [str(closed_round.id), "--format", "csv"])
    assert csv_out.exit_code == 0
    rows = csv_out.output.splitlines()
    assert rows[0].startswith("STT,Họ và tên,Chức vụ,Đơn vị,Số người đánh giá")
    ha_row = next(r for r in rows if ",Hà," in r)
    assert "Dưới số người đánh giá tối thiểu" in ha_row and "69" not in ha_row


def test_every_published_total_is_a_sum_of_shown_subjects(client, login, session,
                                                          closed_round):
    """Differencing: no two published figures differ by a suppressed subject."""
    client = login("reader", "observer")
    assert client.get(f"/rounds/{closed_round.id}/results.json").status_code == 404
    session.rollback()
    from survey.desk.operations import publish_round
    from survey.rounds.operations import get_round

    publish_round(session, get_round(session, closed_round.id), NOW)
    session.commit()
    data = client.get(f"/rounds/{closed_round.id}/results.json").get_json()
    shown = [s for s in data["subjects"] if not s["suppressed"]]
    levels = {s["name"]: s["majority"][0] for s in shown if len(s["majority"]) == 1}
    assert sum(1 for s in shown) == data["cohort"]["subjects"] == data["subjects_shown"]
    assert data["cohort"]["excellent"] == sum(v == "excellent" for v in levels.values())
    for quota in data["quota"]:
        members = [s["name"] for s in shown if s["unit"] == quota["group"]]
        assert quota["excellent"] == sum(levels.get(n) == "excellent" for n in members)
        assert quota["good"] == sum(levels.get(n) == "good" for n in members)
    groups = {q["group"] for q in data["quota"]}
    assert "Phòng B" not in groups  # its only rated subject is below the minimum
    page = client.get(f"/rounds/{closed_round.id}/results")
    assert page.status_code == 200
    html = unescape(page.text)
    assert "Gương mẫu" in html and "Còn chậm" in html
    assert "Bí mật của Hà" not in html
    assert "Dưới 3 người đánh giá: không hiện số liệu" in html
    assert "VƯỢT tỷ lệ" in html


def test_minutes_html_and_pdf(logged_in, session, closed_round):
    client = logged_in
    page = client.get(f"/rounds/{closed_round.id}/minutes")
    assert page.status_code == 200
    html = unescape(page.text)
    assert "BIÊN BẢN KIỂM PHIẾU" in html and "III. KẾT QUẢ ĐÁNH GIÁ ĐỐI VỚI TỪNG NGƯỜI" in html
    assert "Số phiếu thu về:" in html and "ĐẢNG CỘNG SẢN VIỆT NAM" in html
    assert "Bí mật của Hà" not in html and "Gương mẫu" not in html  # no comments in minutes
    pdf = client.get(f"/rounds/{closed_round.id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    for url in ("summary", "summary.pdf", "results.xlsx", "ballots.jsonl"):
        assert client.get(f"/rounds/{closed_round.id}/{url}").status_code == 200, url


# -- anonymity: the new tables ---------------------------------------------------------------


def test_close_rewrites_appraisal_lines_and_comments_under_fresh_ids(client, session,
                                                                    make_appraisal):
    round_ = make_appraisal()
    names = list(round_.codes)
    for i, name in enumerate(names):
        others = [n for n in names if n != name]
        appraise(client, round_, name, {n: (("good", "excellent")[(i + j) % 2], 20 + j, 50 + i,
                                            f"nhận xét {i}-{j}") for j, n in enumerate(others[:3])})
    session.rollback()
    before_ballots = set(session.scalars(select(Ballot.id)))
    before_line_ids = set(session.scalars(select(AppraisalMark.id)))
    before_marks = sorted(session.execute(select(AppraisalMark.subject_id, AppraisalMark.level,
                                                 AppraisalMark.score_general,
                                                 AppraisalMark.score_tasks)).all())
    before_comments = {c.id: (c.subject_id, c.text) for c in session.scalars(select(Comment))}
    close_round(session, session.merge(round_), NOW)
    session.commit()
    after_ballots = set(session.scalars(select(Ballot.id)))
    assert len(after_ballots) == len(before_ballots) == 8
    assert not after_ballots & before_ballots
    after_line_ids = set(session.scalars(select(AppraisalMark.id)))
    assert len(after_line_ids) == len(before_line_ids) == 24
    assert not after_line_ids & before_line_ids  # every line under a fresh id
    after_marks = sorted(session.execute(select(AppraisalMark.subject_id, AppraisalMark.level,
                                                AppraisalMark.score_general,
                                                AppraisalMark.score_tasks)).all())
    assert after_marks == before_marks
    after_comments = {c.id: (c.subject_id, c.text) for c in session.scalars(select(Comment))}
    assert not set(after_comments) & set(before_comments)
    assert sorted(after_comments.values()) == sorted(before_comments.values())
    # the reports list comments by their (fresh, random) ids: not the order they were cast in
    cast_order = [f"nhận xét {i}-{j}" for i in range(len(names)) for j in range(3)]
    by_id = list(session.scalars(select(Comment.text).order_by(Comment.id)))
    assert sorted(by_id) == sorted(cast_order) and by_id != cast_order


# -- the 61-person round, end to end over HTTP ------------------------------------------------


def _level(i: int, j: int) -> str:
    return ("excellent", "good", "good", "completed", "good", "failed")[(i * 7 + j * 3) % 6]


def test_danh_gia_phong_ban_end_to_end(app, client, logged_in, runner, session, tmp_path):
    data = (DATA / "danh-gia-phong-ban.csv").read_bytes()
    rows = parse_subjects(data, "danh-gia-phong-ban.csv").rows
    assert len(rows) == 61 and len({r.unit for r in rows}) == 5
    import io

    response = client.post("/rounds/new", data={
        "title": "Đánh giá, xếp loại chất lượng năm 2026", "kind": "appraisal",
        "body": "Ủy ban nhân dân huyện", "body_kind": "state", "denominator": "collected",
        "min_ballots": "5", "summoned": "61",
        "subjects_file": (io.BytesIO(data), "danh-gia-phong-ban.csv"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    round_id = int(re.search(r"/rounds/(\d+)", response.location).group(1))
    settings = client.post(f"/rounds/{round_id}/appraisal", data={
        "min_raters": "3", "quota_percent": "20", "quota_group": "unit"})
    assert settings.status_code == 302
    assert client.post(f"/rounds/{round_id}/attendance",
                       data={"summoned": "61", "present": "61"}).status_code == 302
    _, codes = web_cards(client, round_id, named=True)
    session.rollback()
    names = dict(session.execute(select(Card.code_hash, Member.name)
                                 .join(Member, Card.member_id == Member.id)).all())
    holders = [names[hash_code(code)] for code in codes]
    assert holders == [r.name for r in rows] and len(codes) == 61
    assert client.post(f"/rounds/{round_id}/cards/issue", data={"serials": ""}).status_code == 302
    opened = client.post(f"/rounds/{round_id}/open", data={"password": PASSWORD})
    assert opened.status_code == 302

    session.rollback()
    subjects = session.scalars(select(Subject).where(Subject.round_id == round_id)
                               .order_by(Subject.order)).all()
    by_name = {s.name: s for s in subjects}
    expected: dict[str, dict[str, int]] = {s.name: {} for s in subjects}
    expected_comments = 0
    voter = app.test_client()
    for i, (name, code) in enumerate(zip(holders, codes, strict=True)):
        if i % 10 == 9:
            continue  # six members do not vote
        page = voter.post("/v", data={"code": code})
        assert page.status_code == 200
        on_ballot = [int(n) for n in re.findall(r'name="l(\d+)" value="good"', page.text)]
        assert len(on_ballot) == 60 and by_name[name].id not in on_ballot
        form = {"code": code}
        for j, subject in enumerate(subjects):
            if subject.name == name:
                continue
            if (i + j) % 5 == 0:
                form[f"l{subject.id}"] = "skip"
                continue
            level = _level(i, j)
            form[f"l{subject.id}"] = level
            expected[subject.name][level] = expected[subject.name].get(level, 0) + 1
            if (i + j) % 3 == 0:
                form[f"g{subject.id}"] = str(15 + (i + j) % 16)
                form[f"t{subject.id}"] = str(35 + (i * j) % 36)
            if (i + 2 * j) % 17 == 0:
                form[f"c{subject.id}"] = f"Nhận xét số {i}-{j}"
                expected_comments += 1
        review = voter.post("/v/a/review", data=form)
        assert review.status_code == 200
        hidden = dict(re.findall(r'<input type="hidden" name="([lgtc]\d+)" value="([^"]*)"',
                                 review.text))
        cast = voter.post("/v/a/cast", data={"code": code,
                                           **{k: unescape(v) for k, v in hidden.items()}})
        assert cast.status_code == 303, cast.text
    turnout = unescape(client.get(f"/rounds/{round_id}/turnout").text)
    assert "55 / 61 thẻ đã bỏ phiếu" in turnout
    assert client.post(f"/rounds/{round_id}/close", data={"password": PASSWORD}).status_code == 302

    result = runner.invoke(tally_command, [str(round_id), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["collected"] == 55 and data["issued"] == 61
    assert len(data["subjects"]) == 61 and data["subjects_suppressed"] == 0
    for item in data["subjects"]:
        counts = {k: v for k, v in item["counts"].items() if v}
        assert counts == expected[item["name"]], item["name"]
        assert item["raters"] == sum(expected[item["name"]].values())
    assert sum(len(item["comments"]) for item in data["subjects"]) == expected_comments
    assert [q["group"] for q in data["quota"]] == list(dict.fromkeys(r.unit for r in rows))
    assert data["cohort"]["subjects"] == 61
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Comment)) == expected_comments
    # the documents of the 61-person round: summary, workbook, ballot file, recount
    for url in ("summary?order=failed", "summary.pdf?order=excellent", "results.xlsx"):
        assert client.get(f"/rounds/{round_id}/{url}").status_code == 200, url
    ballots = client.get(f"/rounds/{round_id}/ballots.jsonl").data
    records = [json.loads(line) for line in ballots.splitlines()[1:]]
    shown = [item for item in data["subjects"] if not item["suppressed"]]
    # one record per level and per score given, and one per total: one value each
    assert sum(1 for r in records if r[1] == "level") == sum(i["raters"] for i in shown)
    assert len(records) == sum(i["raters"] + i["general"]["count"] + i["tasks"]["count"]
                               + i["total"]["count"] for i in shown)
    assert all(len(r) == 3 for r in records)
    path = tmp_path / "phieu.jsonl"
    path.write_bytes(ballots)
    digest = hashlib.sha256(ballots).hexdigest()
    assert digest in unescape(client.get(f"/rounds/{round_id}/minutes").text)
    recount = CliRunner().invoke(recount_command, [str(path), "--expect", digest])
    assert recount.exit_code == 0, recount.output
    recounted = json.loads(recount.stdout)
    for item in data["subjects"] + recounted["subjects"]:
        item.pop("comments")
    assert recounted == data


# -- the command line ------------------------------------------------------------------------


def test_a_scripted_appraisal_round_on_the_command_line(app, client, runner, session, tmp_path):
    import click

    from survey.desk.cli import cards_cli, round_cli
    from survey.kinds.appraisal.cli import appraisal_cli

    survey = click.Group("survey", commands=[round_cli, cards_cli, appraisal_cli, tally_command])

    def run(*args):
        result = runner.invoke(survey, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        return result

    csv = tmp_path / "roster.csv"
    csv.write_text("STT,Họ và tên,Chức vụ,Đơn vị\n" + "\n".join(
        f"{r.line},{r.name},{r.position},{r.unit}" for r in small_roster()), encoding="utf-8")
    created = json.loads(run("round", "create", "--kind", "appraisal", "--title", "Đánh giá",
                             "--subjects", csv, "--json").stdout)
    round_id = created["id"]
    assert created["subjects"] == 8
    run("appraisal", "settings", round_id, "--min-raters", "2", "--quota-group", "unit",
        "--same-unit-only")
    run("round", "attendance", round_id, "--summoned", "8", "--present", "8")
    pdf = tmp_path / "the.pdf"
    cards = json.loads(run("appraisal", "cards", round_id, "--pdf", pdf, "--json").stdout)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert [c["holder"] for c in cards["cards"]] == [r.name for r in small_roster()]
    run("cards", "issue", round_id, "--all")
    run("round", "open", round_id)
    session.rollback()
    ids = {s.name: s.id for s in session.scalars(select(Subject).where(
        Subject.round_id == round_id))}
    codes = {c["holder"]: c["code"] for c in cards["cards"]}
    for rater, subject in (("Giang", "Hà"), ("Khoa", "Hà"), ("An", "Bình")):
        assert client.post("/v/a/cast", data={"code": codes[rater],
                                            f"l{ids[subject]}": "good"}).status_code == 303
    refused = runner.invoke(survey, ["appraisal", "settings", str(round_id)])
    assert refused.exit_code == 1 and "không thể thay đổi" in refused.output
    run("round", "close", round_id)
    data = json.loads(run("tally", round_id).stdout)
    by_name = {s["name"]: s for s in data["subjects"]}
    assert by_name["Hà"]["counts"]["good"] == 2 and not by_name["Hà"]["suppressed"]
    assert by_name["Bình"]["suppressed"]  # one rater, minimum two
    assert data["rules"]["same_unit_only"] is True


def test_no_stored_datum_groups_the_lines_of_one_form(client, session, make_appraisal):
    """A named card's form leaves out its holder's line: lines kept together would name them.

    Whatever an attacker with the database file groups the stored lines by, no group is a
    whole form, so the one missing subject of a form cannot be read off.
    """
    round_ = make_appraisal()
    names = list(round_.codes)
    for name in names:
        others = [n for n in names if n != name]
        appraise(client, round_, name, {n: ("good", 25, 55, None) for n in others})
    close_round(session, session.merge(round_), NOW)
    session.commit()
    table = AppraisalMark.__table__
    assert {c.name for c in table.columns} == {
        "id", "round_id", "subject_id", "level", "score_general", "score_tasks"}
    assert not any(fk.column.table.name == "ballots" for fk in table.foreign_keys)
    rows = session.execute(select(AppraisalMark.id, AppraisalMark.round_id)).all()
    assert len({line_id for line_id, _round in rows}) == len(rows) == len(names) * (len(names) - 1)
    assert {round_id for _line, round_id in rows} == {round_.id}  # one group: the whole round


def test_odd_characters_in_the_form_are_refused_or_cleaned(client, session, make_appraisal):
    round_ = make_appraisal()
    ids = subject_ids(round_)
    name, other = list(round_.codes)[:2]
    code = round_.codes[name]
    odd_key = {"code": code, "l²": "good"}  # not a line: an empty form
    odd_score = {"code": code, f"l{ids[other]}": "good", f"g{ids[other]}": "²"}
    for data in (odd_key, odd_score):
        for path in ("/v/a/ballot", "/v/a/review"):
            assert client.post(path, data=data).status_code < 500, (path, data)
    assert client.post("/v/a/cast", data=odd_score).status_code == 409  # a bad score
    session.rollback()
    assert session.scalar(select(func.count()).select_from(AppraisalMark)) == 0
    appraise(client, round_, name, {other: ("good", 20, 50, "tốt\tlắm\x07 ạ")})
    session.rollback()
    assert session.scalars(select(Comment.text)).all() == ["tốt lắm ạ"]
