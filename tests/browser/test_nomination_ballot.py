"""A nomination ballot on a 360 px phone: the running count per position and its warning."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.ballots.models import Ballot, Mark
from survey.kinds.nomination.models import InvalidLine, WriteIn
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot, to_review
from tests.factories import nomination_round

pytestmark = pytest.mark.browser


def test_count_warns_over_the_seats_and_the_line_is_stored_invalid(phone, server, session):
    round_, codes = nomination_round(session, cards=1)
    secretary, chair = round_.positions
    phone.goto(f"{server}/v#{codes[0]}")
    phone.wait_for_url(f"{server}/v")
    phone.get_by_role("heading", level=1).wait_for()
    no_horizontal_scroll(phone)
    count = phone.locator(f"#count-{secretary.id}")
    warning = phone.locator(f"#over-{secretary.id}")
    assert count.inner_text() == "Đã giới thiệu 0/2 người" and warning.is_hidden()

    def agree(subject):
        group = phone.get_by_role("group", name=re.compile(re.escape(subject.name)))
        group.get_by_role("radio", name="Đồng ý", exact=True).check()

    agree(round_.subjects[0])
    phone.get_by_label("Họ và tên người thứ 1").first.fill("Hà Thị Hoa")
    assert count.inner_text() == "Đã giới thiệu 2/2 người" and warning.is_hidden()
    agree(round_.subjects[1])
    assert count.inner_text() == "Đã giới thiệu 3/2 người" and warning.is_visible()
    agree(round_.subjects[3])  # the chair's one seat: within
    assert phone.locator(f"#over-{chair.id}").is_hidden()
    screenshot(phone, "nomination-ballot-over", full_page=True)
    axe_check(phone, "nomination-ballot")

    to_review(phone, server)
    assert "nhiều hơn số người quy hoạch tối đa" in phone.locator("main").inner_text()
    axe_check(phone, "nomination-review")
    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.wait_for_url(f"{server}/v/thanks")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert session.scalars(select(InvalidLine.position_id)).all() == [secretary.id]
    assert session.scalars(select(Mark.subject_id)).all() == [round_.subjects[3].id]
    assert session.scalar(select(func.count()).select_from(WriteIn)) == 0
