"""The voter's path on a phone: claim a card, mark the ballot, review, cast."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.ballots.models import Ballot, Card, Mark
from tests.conftest import NOW
from tests.factories import vote


def _lines(round_):
    return {s.id: s for s in round_.subjects}


def count(session, model, round_id):
    session.rollback()  # end the read snapshot (SQLite WAL keeps it)
    return session.scalar(select(func.count()).select_from(model).where(model.round_id == round_id))


def test_landing_page_takes_code_from_fragment_by_script(client):
    response = client.get("/v")
    assert response.status_code == 200
    html = response.text
    assert 'id="claim-form"' in html and 'name="code"' in html
    assert "/static/js/claim.js" in html
    assert "<script>" not in html  # no inline script: the CSP forbids it
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Mở lá phiếu" in html


def test_claim_shows_every_subject_with_three_levels(client, make_round):
    round_ = make_round(cards=3, open_=True)
    response = client.post("/v", data={"code": round_.codes[0].lower().replace("-", " ")})
    assert response.status_code == 200
    html = response.text
    for subject in round_.subjects:
        assert subject.name in html
        assert html.count(f'name="s{subject.id}"') == 3
    assert html.count("Tín nhiệm cao") == len(round_.subjects)
    assert "Tín nhiệm thấp" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_full_vote_stores_one_ballot_and_spends_card(client, session, make_round):
    round_ = make_round(cards=3, open_=True)
    subjects = round_.subjects
    choices = {subjects[0].id: "high", subjects[1].id: "low"}  # the rest blank
    response = client.post("/v", data={"code": round_.codes[0]})
    data = {"code": round_.codes[0]} | {f"s{k}": v for k, v in choices.items()}
    review = client.post("/v/review", data=data)
    assert review.status_code == 200
    assert "Bạn chưa chọn mức cho 10 người." in review.text
    assert "Để trống (không hợp lệ)" in review.text
    response = client.post("/v/cast", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/v/thanks")
    thanks = client.get("/v/thanks")
    assert "Phiếu của bạn đã được ghi nhận." in thanks.text
    for label in ("Tín nhiệm cao", "Tín nhiệm thấp"):
        assert label not in thanks.text  # never shows the choices
    assert count(session, Ballot, round_.id) == 1
    marks = session.execute(select(Mark.subject_id, Mark.choice)).all()
    assert sorted(marks) == sorted(choices.items())
    used = session.scalars(select(Card.serial).where(Card.used.is_(True))).all()
    assert used == [1]


def test_review_edit_keeps_choices(client, make_round):
    round_ = make_round(cards=1, open_=True)
    sid = round_.subjects[2].id
    data = {"code": round_.codes[0], f"s{sid}": "confidence"}
    response = client.post("/v/ballot", data=data)
    assert response.status_code == 200
    assert re.search(rf'name="s{sid}" value="confidence"\s+checked', response.text)


@pytest.mark.parametrize(
    ("setup", "status", "message"),
    [
        # a used card is answered as an unknown code is (test_a_used_card_answers_as_unknown)
        ("used", 404, "hoặc thẻ đã được dùng để bỏ phiếu"),
        ("voided", 409, "Thẻ này đã bị hủy"),
        ("not_issued", 409, "Thẻ này chưa được kích hoạt"),
        ("closed", 409, "Đợt lấy phiếu đã kết thúc"),
        ("draft", 409, "Đợt lấy phiếu chưa mở"),
        ("unknown", 404, "Không dùng được mã này: không có thẻ nào mang mã này"),
    ],
)
def test_card_refusals_store_nothing(client, session, make_round, setup, status, message):
    from survey.ballots.cards import new_code
    from survey.ballots.operations import void_card
    from survey.desk.operations import close_round

    round_ = make_round(cards=2, open_=setup != "draft", issue=setup != "not_issued")
    code = round_.codes[0]
    if setup == "used":
        assert vote(client, code, {}).status_code == 303
    elif setup == "voided":
        void_card(session, round_, 1)
    elif setup == "closed":
        close_round(session, round_, NOW)
    elif setup == "unknown":
        code = new_code()
    session.commit()
    before = count(session, Ballot, round_.id)
    sid = round_.subjects[0].id
    for path in ("/v", "/v/review", "/v/cast"):
        response = client.post(path, data={"code": code, f"s{sid}": "high"})
        assert response.status_code == status, path
        assert message in response.text
    assert count(session, Ballot, round_.id) == before


def test_malformed_code_is_a_clear_400(client):
    response = client.post("/v", data={"code": "not a code"})
    assert response.status_code == 400
    assert "Mã thẻ không đúng dạng" in response.text


@pytest.mark.parametrize(
    "line",
    [
        {"value": "maybe"},  # not a level
        {"subject": "other-round"},  # a subject of another round
        {"value": ["high", "low"]},  # two marks on one line
    ],
)
def test_bad_ballot_is_refused_and_card_stays_usable(client, session, make_round, line):
    round_ = make_round(cards=1, open_=True)
    other = make_round(title="Other")
    sid = other.subjects[0].id if line.get("subject") else round_.subjects[0].id
    data = {"code": round_.codes[0], f"s{sid}": line.get("value", "high")}
    response = client.post("/v/cast", data=data)
    assert response.status_code == 409
    assert "Phiếu không hợp lệ" in response.text
    assert count(session, Ballot, round_.id) == 0
    assert vote(client, round_.codes[0], {round_.subjects[0].id: "high"}).status_code == 303


def test_second_cast_of_same_card_is_refused(client, session, make_round):
    round_ = make_round(cards=1, open_=True)
    data = {"code": round_.codes[0], f"s{round_.subjects[0].id}": "high"}
    assert client.post("/v/cast", data=data).status_code == 303
    again = client.post("/v/cast", data=data)
    assert again.status_code == 404  # as an unknown code: nobody can watch a card vote
    assert "đã được dùng" in again.text
    assert "phiếu của bạn đã được ghi nhận" in again.text  # what a double tap tells the voter
    assert count(session, Ballot, round_.id) == 1


def test_voter_pages_set_no_cookie_but_csrf(client, make_round):
    """Nothing about a card or a ballot is kept in the cookie session."""
    round_ = make_round(cards=1, open_=True)
    vote(client, round_.codes[0], {round_.subjects[0].id: "low"})
    cookie = client.get_cookie("survey_session")
    if cookie is not None:
        from flask.sessions import SecureCookieSessionInterface

        serializer = SecureCookieSessionInterface().get_signing_serializer(client.application)
        assert set(serializer.loads(cookie.value)) <= {"csrf_token"}


def test_new_codes_carry_140_bits_in_seven_groups_of_four():
    from survey.ballots.cards import ALPHABET, CODE_LENGTH, new_code, normalize_code

    code = new_code()
    assert [len(group) for group in code.split("-")] == [4] * 7
    assert len(set(ALPHABET)) == 32 and CODE_LENGTH * 5 == 140 >= 128
    assert normalize_code(code.lower().replace("-", " ")) == code  # typed as read aloud
    assert len({new_code() for _ in range(2000)}) == 2000


def test_a_card_printed_with_a_20_symbol_code_still_votes(client, session, make_round):
    from sqlalchemy import update

    from survey.ballots.cards import hash_code

    round_ = make_round(cards=1, open_=True)
    printed = "ABCD-EFGH-JKLM-NPQR-STUV"  # 100 bits: what cards carried before
    session.execute(update(Card).where(Card.round_id == round_.id)
                    .values(code_hash=hash_code(printed)))
    session.commit()
    assert vote(client, printed.lower(), {round_.subjects[0].id: "high"}).status_code == 303
    assert count(session, Ballot, round_.id) == 1
    # any other length is no card's
    assert client.post("/v", data={"code": printed + "-WX"}).status_code == 400


def test_a_used_card_is_answered_as_an_unknown_code(app, session, make_round):
    """Whoever knows a card's code (its holder, an officer who saw the codes at printing)
    cannot watch it vote: at every step a spent card's answer is an unknown code's."""
    from survey.ballots.cards import new_code

    round_ = make_round(cards=1, open_=True)
    sid = round_.subjects[0].id
    assert vote(app.test_client(), round_.codes[0], {sid: "high"}).status_code == 303
    for path in ("/v", "/v/review", "/v/cast"):
        used, unknown = (app.test_client().post(path, data={"code": code, f"s{sid}": "low"})
                         for code in (round_.codes[0], new_code()))
        assert used.status_code == unknown.status_code == 404, path
        assert _without_tokens(used) == _without_tokens(unknown), path
        assert "hoặc thẻ đã được dùng để bỏ phiếu" in used.text
    assert count(session, Ballot, round_.id) == 1


def _without_tokens(response) -> tuple[str, list[tuple[str, str]]]:
    """The page and its headers, but for each browser's own CSRF token and cookie."""
    page = re.sub(r'name="csrf_token"( type="hidden")? value="[^"]+"', "TOKEN", response.text)
    headers = sorted((k, "COOKIE" if k == "Set-Cookie" else v) for k, v in response.headers)
    return page, headers
