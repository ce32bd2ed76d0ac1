"""Issued never exceeds present, and collected never exceeds issued, whatever path hands out a
card or a ballot sheet: anonymous cards (web and CLI), named cards, paper ballots and paper
appraisal forms, replacements; before voting and during it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from survey.ballots.models import Ballot, Card
from survey.desk.operations import create_round
from survey.rounds.models import Round, RoundState
from survey.rounds.operations import record_attendance
from tests.conftest import NOW, PASSWORD
from tests.factories import once_token, refused, run, small_roster, vote, web_cards

TOO_MANY = "số thẻ phát ra không được nhiều hơn số người có mặt"


def counts(session, round_id: int) -> tuple[int, int, int]:
    """``(present, issued, collected)`` as stored now."""
    session.rollback()  # a fresh snapshot, not just expired objects
    present = session.get(Round, round_id).present
    issued = session.scalar(select(func.count()).where(
        Card.round_id == round_id, Card.issued.is_(True), Card.voided.is_(False)))
    collected = session.scalar(select(func.count()).where(Ballot.round_id == round_id))
    return present, issued, collected


def assert_within(session, round_id: int) -> None:
    present, issued, collected = counts(session, round_id)
    assert collected <= issued <= present, (present, issued, collected)


def sheets(session, round_id: int) -> int:
    session.rollback()
    return session.scalar(select(Round.paper_issued).where(Round.id == round_id))


def issue_web(client, round_id: int, serials: str = "") -> str:
    return client.post(f"/rounds/{round_id}/cards/issue", data={"serials": serials},
                       follow_redirects=True).text


@pytest.mark.parametrize("open_", [False, True])
def test_anonymous_cards_issued_on_the_web_never_outnumber_the_present(
        client, logged_in, session, make_round, open_):
    round_ = make_round(summoned=10, present=7, cards=5, open_=open_)  # 5 issued of 7
    web_cards(client, round_.id, 5)                                      # 10 cards made
    assert TOO_MANY in issue_web(client, round_.id)                      # all: 10 > 7
    assert counts(session, round_.id)[1] == 5
    assert "Không thể phát thêm 3 thẻ" in issue_web(client, round_.id, "6-8")
    assert "Đã kích hoạt 2 thẻ." in issue_web(client, round_.id, "6-7")  # 7 of 7
    assert TOO_MANY in issue_web(client, round_.id, "8")
    assert counts(session, round_.id) == (7, 7, 0)
    # a late arrival: recorded first (allowed while voting), then given a card
    response = client.post(f"/rounds/{round_.id}/attendance",
                           data={"summoned": "10", "present": "8"}, follow_redirects=True)
    assert "Đã ghi số người có mặt" in response.text
    assert "Đã kích hoạt 1 thẻ." in issue_web(client, round_.id, "8")
    assert counts(session, round_.id) == (8, 8, 0)
    # and the attendance cannot fall below the cards handed out
    response = client.post(f"/rounds/{round_.id}/attendance",
                           data={"summoned": "10", "present": "7"}, follow_redirects=True)
    assert "flash error" in response.text
    assert counts(session, round_.id)[0] == 8


@pytest.mark.parametrize("open_", [False, True])
def test_anonymous_cards_issued_from_the_cli_never_outnumber_the_present(
        runner, session, make_round, open_):
    round_ = make_round(summoned=10, present=7, cards=9, issue=False, open_=False)
    if open_:
        run(runner, "cards", "issue", round_.id, "--serials", "1-7")
        run(runner, "round", "open", round_.id)
    message = refused(runner, "cards", "issue", round_.id, "--all")
    assert TOO_MANY in " ".join(message.split())
    if not open_:
        run(runner, "cards", "issue", round_.id, "--serials", "1-7")
    message = refused(runner, "cards", "issue", round_.id, "--serials", "8-9")
    assert TOO_MANY in " ".join(message.split())
    assert counts(session, round_.id) == (7, 7, 0)
    run(runner, "round", "attendance", round_.id, "--summoned", "10", "--present", "8")
    run(runner, "cards", "issue", round_.id, "--serials", "8")
    assert counts(session, round_.id) == (8, 8, 0)
    refused(runner, "round", "attendance", round_.id, "--summoned", "10", "--present", "7")
    assert counts(session, round_.id)[0] == 8


def test_issuing_needs_the_attendance_first(client, logged_in, runner, session, make_round):
    round_ = make_round(summoned=None, cards=3, issue=False)
    assert "Chưa ghi số người có mặt" in issue_web(client, round_.id)
    assert "Chưa ghi số người có mặt" in " ".join(
        refused(runner, "cards", "issue", round_.id, "--all").split())
    assert counts(session, round_.id) == (None, 0, 0)


def test_named_cards_never_outnumber_the_present(client, logged_in, session):
    """An appraisal's named cards: one per member, but issued only to those present."""
    round_ = create_round(session, title="Đánh giá", kind="appraisal", subjects=small_roster(),
                          now=NOW)
    record_attendance(session, round_, summoned=8, present=6)
    session.commit()
    _, codes = web_cards(client, round_.id, named=True)
    assert len(codes) == 8
    assert "Không thể phát thêm 8 thẻ" in issue_web(client, round_.id)
    assert "Đã kích hoạt 6 thẻ." in issue_web(client, round_.id, "1-6")
    assert TOO_MANY in issue_web(client, round_.id, "7")
    assert counts(session, round_.id) == (6, 6, 0)
    client.post(f"/rounds/{round_.id}/attendance", data={"summoned": "8", "present": "7"})
    assert "Đã kích hoạt 1 thẻ." in issue_web(client, round_.id, "7")
    assert counts(session, round_.id) == (7, 7, 0)


def test_paper_sheets_count_as_issued(session, make_round):
    """The sheets recorded as handed out are part of issued: the check counts them too."""
    from survey.ballots.issuing import check_room, issued_count
    from survey.errors import InvalidInput

    round_ = make_round(summoned=10, present=7, cards=5)
    round_.paper_issued = 2
    session.flush()
    assert issued_count(session, round_.id) == 7
    with pytest.raises(InvalidInput, match=TOO_MANY):
        check_room(session, round_, 1)


def test_paper_sheets_handed_out_never_outnumber_the_present(logged_in, session, make_round):
    """Sheets recorded as handed out are checked as cards are, with the cards already issued."""
    round_ = make_round(summoned=10, present=7, cards=5)
    url = f"/rounds/{round_.id}/paper/issue"
    page = logged_in.post(url, data={"issued-count": "3"}, follow_redirects=True).text
    assert TOO_MANY in page and "Không thể phát thêm 3 thẻ" in page
    assert sheets(session, round_.id) == 0
    page = logged_in.post(url, data={"issued-count": "2"}, follow_redirects=True).text
    assert "Đã ghi: 2 phiếu giấy đã phát." in page
    assert sheets(session, round_.id) == 2
    # a correction downwards always fits
    logged_in.post(url, data={"issued-count": "1"})
    assert sheets(session, round_.id) == 1


def test_a_replacement_leaves_issued_as_it_was(client, logged_in, session, make_round):
    round_ = make_round(summoned=5, present=5, cards=6, issue=False, open_=False)
    assert "Đã kích hoạt 5 thẻ." in issue_web(client, round_.id, "1-5")
    replaced = client.post(f"/rounds/{round_.id}/cards/replace", data={"serial": "2"},
                           follow_redirects=True)
    assert "tạo thẻ thay thế số 7" in replaced.text
    assert counts(session, round_.id) == (5, 5, 0)  # the lost card voided, its replacement issued
    # replacing a card never handed out would hand out one more: refused
    replaced = client.post(f"/rounds/{round_.id}/cards/replace", data={"serial": "6"},
                           follow_redirects=True)
    assert TOO_MANY in replaced.text
    session.rollback()
    assert not session.scalar(select(Card.voided).where(Card.round_id == round_.id,
                                                        Card.serial == 6))
    assert counts(session, round_.id) == (5, 5, 0)


def test_collected_never_exceeds_issued(client, logged_in, session, make_round):
    round_ = make_round(summoned=5, present=4, cards=4, open_=True)
    subject = round_.subjects[0].id
    for code in round_.codes:
        assert vote(client, code, {subject: "high"}).status_code == 303
    assert counts(session, round_.id) == (4, 4, 4)
    for code in round_.codes:  # a card votes once: nothing more is collected
        assert vote(client, code, {subject: "low"}).status_code != 303
    response = client.post(f"/rounds/{round_.id}/cards/void", data={"serial": "1"},
                           follow_redirects=True)
    assert "không thể hủy" in response.text  # a card that voted stays issued
    assert counts(session, round_.id) == (4, 4, 4)


def test_a_round_whose_counts_do_not_hold_can_neither_open_nor_close(
        client, logged_in, session, make_round):
    """Counts written before these checks existed (10 cards issued for 5 present) stop the
    open and the close with a reason, instead of printing minutes that say nothing."""
    draft = make_round(summoned=6, present=5, cards=5)
    opened = make_round(summoned=6, present=5, cards=5, open_=True)
    for round_ in (draft, opened):
        session.execute(update(Round).where(Round.id == round_.id).values(present=3))
    session.commit()
    response = client.post(f"/rounds/{draft.id}/open", data={"password": PASSWORD},
                           follow_redirects=True)
    assert "Số thẻ phát ra (5) nhiều hơn số người có mặt (3)" in response.text
    response = client.post(f"/rounds/{opened.id}/close", data={"password": PASSWORD},
                           follow_redirects=True)
    assert "Số thẻ phát ra (5) nhiều hơn số người có mặt (3)" in response.text
    session.rollback()
    assert session.get(Round, draft.id).state is RoundState.draft
    assert session.get(Round, opened.id).state is RoundState.open
    # voiding the cards handed to nobody lets it close
    client.post(f"/rounds/{opened.id}/cards/void", data={"serial": "4"})
    client.post(f"/rounds/{opened.id}/cards/void", data={"serial": "5"})
    closed = client.post(f"/rounds/{opened.id}/close", data={"password": PASSWORD},
                         follow_redirects=True)
    assert closed.status_code == 200, closed.text
    assert "Đã kết thúc bỏ phiếu." in closed.text
    session.rollback()
    assert session.scalar(select(Round.closed_at).where(Round.id == opened.id)) is not None
    session.rollback()
    assert session.get(Round, opened.id).state is RoundState.closed
    assert_within(session, opened.id)


def test_create_cards_form_is_refused_without_its_token(client, logged_in, session, make_round):
    round_ = make_round()
    client.post(f"/rounds/{round_.id}/cards", data={"count": "3"})
    client.post(f"/rounds/{round_.id}/cards",
                data={"count": "3", "once": once_token(client, round_.id)})
    assert session.scalar(select(func.count()).where(Card.round_id == round_.id)) == 3
