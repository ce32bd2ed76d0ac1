"""Paper ballot entry with the keyboard alone, by two people, in a real browser."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.auth.models import User
from survey.ballots.models import Ballot, Mark
from survey.desk.operations import open_round
from survey.paper.entry import enter_paper_ballot, read_ballot
from survey.paper.slots import record_paper_issued
from tests.browser.conftest import (
    LAPTOP,
    axe_check,
    focused,
    no_horizontal_scroll,
    screenshot,
    sign_in,
)
from tests.conftest import NOW

pytestmark = pytest.mark.browser

#: One key per line of the 12-line ballot: levels 1/2/3, 0 and space blank, x invalid.
KEYS = ["1", "2", "3", "0", " ", "x", "3", "3", "2", "1", "1", "2"]
STORED = {1: "high", 2: "confidence", 3: "low", 7: "low", 8: "low", 9: "confidence",
          10: "high", 11: "high", 12: "confidence"}


def enter_by_keyboard(page, serial: int) -> None:
    assert focused(page) == "number:"  # the counting number's field has the focus, empty
    page.keyboard.type(str(serial))
    page.keyboard.press("Enter")  # to the first line, not a submit
    assert focused(page).startswith("s")
    # a slip on line 1, then back up with the arrow and the right key
    page.keyboard.press("3")
    page.keyboard.press("ArrowUp")
    for key in KEYS:
        page.keyboard.press("Space" if key == " " else key)
    assert focused(page) == "entry-save:"  # past the last line: on the save button
    page.keyboard.press("Enter")


def test_two_people_enter_a_paper_ballot_with_the_keyboard_alone(
    new_page, server, session, make_user, make_round
):
    make_user("kiemphieu1")
    make_user("kiemphieu2")
    round_ = make_round(cards=0, min_ballots=1)
    record_paper_issued(session, round_, 2)
    serial, other = 16, 17  # the numbers written on two ballots out of the box
    open_round(session, round_, NOW)
    session.commit()
    entry = f"{server}/rounds/{round_.id}/paper/entry"

    first = new_page(LAPTOP)
    sign_in(first, server, "kiemphieu1")
    first.goto(entry)
    legend = first.locator("#key-legend").inner_text()
    assert "1 Tín nhiệm cao" in legend and "x Không hợp lệ (nhiều dấu)" in legend
    axe_check(first, "paper-entry")
    enter_by_keyboard(first, serial)
    first.get_by_text(f"Đã nhập phiếu số {serial} (lần 1/2).").wait_for()
    assert focused(first) == "number:"  # back to an empty number field, ready for the next
    screenshot(first, "paper-entry-after-first")
    session.rollback()
    assert session.scalar(select(Ballot.id)) is None  # one entry counts nothing

    second = new_page(LAPTOP, viewport={"width": 360, "height": 740})
    sign_in(second, server, "kiemphieu2")
    second.goto(entry)
    no_horizontal_scroll(second)
    enter_by_keyboard(second, serial)
    second.get_by_text(f"Đã nhập phiếu số {serial} (lần 2/2): hai lần nhập khớp nhau").wait_for()

    session.rollback()
    order = {s.id: s.order for s in round_.subjects}
    marks = {order[sid]: choice for sid, choice in session.execute(
        select(Mark.subject_id, Mark.choice))}
    assert marks == STORED

    # two entries of the other ballot differ: the paper page lists them line by line
    users = dict(session.execute(select(User.username, User.id)).all())
    for name, level in (("kiemphieu1", "high"), ("kiemphieu2", "low")):
        reading = read_ballot(round_, False, {s.id: level for s in round_.subjects})
        enter_paper_ballot(session, round_, counting_number=other, user_id=users[name],
                           reading=reading)
    session.commit()
    second.goto(f"{server}/rounds/{round_.id}/paper")
    second.get_by_role("heading", name=f"Phiếu số {other}").wait_for()
    assert second.locator("#pending table tbody tr").count() == len(round_.subjects)
    no_horizontal_scroll(second)
    axe_check(second, "paper-page")
    screenshot(second, "paper-page-differences", full_page=True)
