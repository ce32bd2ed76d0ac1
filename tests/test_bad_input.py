"""Hostile or odd input to the voter and organizer forms: a clear 4xx, never a 500, nothing
stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.ballots.models import Ballot, Card


def stored(session, round_id):
    session.rollback()
    ballots = session.scalar(select(func.count()).where(Ballot.round_id == round_id))
    used = session.scalar(select(func.count()).where(Card.round_id == round_id, Card.used))
    return ballots, used


@pytest.mark.parametrize("path", ["/v/ballot", "/v/review", "/v/cast"])
@pytest.mark.parametrize("key", ["s²", "s١٢", "w³"])  # digits that str.isdigit() accepts
def test_non_ascii_digits_in_a_line_name_are_no_line(client, session, make_round, path, key):
    round_ = make_round(cards=1, open_=True)
    data = {"code": round_.codes[0], key: "low", f"s{round_.subjects[0].id}": "high"}
    response = client.post(path, data=data)
    assert response.status_code < 500
    if path == "/v/cast":
        assert response.status_code in (303, 409)


def test_a_nul_character_anywhere_in_a_form_is_refused(client, session, make_round):
    round_ = make_round(cards=1, open_=True)
    subject = round_.subjects[0]
    for data in ({"code": round_.codes[0], f"s{subject.id}": "low\x00"},
                 {"code": round_.codes[0] + "\x00"},
                 {"code": round_.codes[0], "w1": "Nguyễn\x00Văn A"}):
        assert client.post("/v/cast", data=data).status_code == 400
    assert stored(session, round_.id) == (0, 0)
    assert client.post("/v/cast", data={"code": round_.codes[0]}).status_code == 303  # still good


@pytest.mark.parametrize("path, field", [
    ("cards/void", "serial"), ("cards/replace", "serial"), ("cards/issue", "serials"),
])
def test_a_huge_serial_is_a_message_not_a_crash(logged_in, session, make_round, path, field):
    round_ = make_round(cards=2, issue=False)
    response = logged_in.post(f"/rounds/{round_.id}/{path}", data={field: str(10**20)},
                              follow_redirects=True)
    assert response.status_code < 500
    assert stored(session, round_.id) == (0, 0)
    session.rollback()
    assert session.scalar(select(func.count()).where(Card.round_id == round_.id,
                                                     Card.voided)) == 0


def test_a_huge_serial_on_the_paper_entry_page(logged_in, make_round):
    round_ = make_round(cards=2, open_=True)
    response = logged_in.post(f"/rounds/{round_.id}/paper/entry",
                              data={"serial": str(10**20)}, follow_redirects=True)
    assert response.status_code < 500
