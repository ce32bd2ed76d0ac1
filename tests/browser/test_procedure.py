"""The procedure's page, its list of procedures and the planning lists on a 360 px phone, in a
real browser: axe-core, no sideways scrolling, a name removed with its reason (CSRF on)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from survey.ballots.operations import create_cards, issue_cards
from survey.desk.operations import close_round, create_round, open_round
from survey.kinds.approval.models import HeadDecision
from survey.kinds.casting import cast_ballot
from survey.procedures.models import StepChange
from survey.procedures.operations import create_procedure, derive_step, record_meeting
from survey.procedures.planning import add_entry
from survey.rounds.importing import SubjectRow
from survey.rounds.models import Round
from survey.rounds.operations import record_attendance
from survey.tally.procedure import Nominee, Post
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot, sign_in
from tests.factories import NOW

pytestmark = pytest.mark.browser

POST = "Phó Giám đốc Sở Tài nguyên và Môi trường phụ trách đất đai, khoáng sản"
PEOPLE = [Nominee(POST, "Nguyễn Thị Phương Thảo", "Trưởng phòng Quản lý đất đai"),
          Nominee(POST, "Lò Văn Minh", "Chánh Thanh tra Sở"),
          Nominee(POST, "Vì Thị Hoa", "Chánh Văn phòng Sở")]


def _procedure(session) -> int:
    """Step 1 recorded, step 2 counted (Thảo and Minh chosen), step 3 a draft."""
    procedure = create_procedure(
        session, title="Bổ nhiệm Phó Giám đốc Sở Tài nguyên và Môi trường năm 2026",
        purpose="appointment", variant="internal", body="Đảng ủy Sở Tài nguyên và Môi trường",
        members=6, posts=[Post(POST, 2)], now=NOW)
    record_meeting(session, procedure, procedure.steps[0], held_on=date(2026, 3, 2),
                   summoned=6, present=6, note="Thống nhất cơ cấu, tiêu chuẩn.", people=PEOPLE,
                   now=NOW)
    step2 = derive_step(session, procedure, now=NOW)
    round_ = session.get(Round, step2.round_id)
    record_attendance(session, round_, summoned=8, present=8)
    codes = [c.code for c in create_cards(session, round_, 8)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    thao, minh, _hoa = (s.id for s in round_.subjects)
    for i, code in enumerate(codes):
        cast_ballot(session, code, {thao: "agree", minh: "agree"} if i < 6 else {})
    session.commit()
    close_round(session, round_, NOW)
    derive_step(session, procedure, now=NOW)
    session.commit()
    return procedure.id


def test_the_procedure_on_a_phone(phone, server, session, make_user):
    make_user()
    procedure_id = _procedure(session)
    for person in PEOPLE[:2]:
        add_entry(session, body="Đảng ủy Sở Tài nguyên và Môi trường", person=person,
                  source="Ghi trực tiếp: danh sách năm 2025", now=NOW)
    session.commit()
    page = phone
    sign_in(page, server)

    page.goto(f"{server}/procedures/{procedure_id}")
    assert page.get_by_role("heading", name="Bước 2: Hội nghị tập thể lãnh đạo mở rộng")
    assert page.locator("#step-2 li.passed").count() == 2
    axe_check(page, "procedure")
    no_horizontal_scroll(page)
    screenshot(page, "procedure", full_page=True)

    # remove a name at step 3, with its reason, as an officer does (CSRF protection on)
    step3 = page.locator("#step-3")
    step3.get_by_text("Bớt người này").first.click()
    step3.get_by_label("Lý do bớt Nguyễn Thị Phương Thảo").fill("Xin rút khỏi danh sách")
    no_horizontal_scroll(page)
    step3.get_by_role("button", name="Bớt", exact=True).first.click()
    page.wait_for_load_state()
    assert "Xin rút khỏi danh sách" in page.locator("#step-3").inner_text()
    session.rollback()
    [change] = session.scalars(select(StepChange)).all()
    assert (change.action, change.name) == ("remove", "Nguyễn Thị Phương Thảo")
    axe_check(page, "procedure-changed")
    no_horizontal_scroll(page)

    for path, name in (("/procedures", "procedures"), ("/planning", "planning")):
        page.goto(f"{server}{path}")
        axe_check(page, name)
        no_horizontal_scroll(page)
        screenshot(page, name, full_page=True)


def test_the_heads_decision_on_a_phone(phone, server, session, make_user):
    """The leadership collective's vote at exactly half: its results page and the head's
    decision recorded on it, at 360 px."""
    make_user()
    round_ = create_round(session, title="Biểu quyết nhân sự Phó Giám đốc Sở", now=NOW,
                          kind="collective_vote", body="Đảng ủy Sở Tài nguyên và Môi trường",
                          subjects=[SubjectRow(1, p.name, POST, p.current) for p in PEOPLE[:2]])
    record_attendance(session, round_, summoned=6, present=6)
    codes = [c.code for c in create_cards(session, round_, 6)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    thao, minh = (s.id for s in round_.subjects)
    for i, code in enumerate(codes):  # Thảo 5 of 6 agree, Minh exactly 3
        cast_ballot(session, code, {thao: "agree" if i < 5 else "disagree",
                                    minh: "agree" if i < 3 else "disagree"})
    session.commit()
    close_round(session, round_, NOW)
    session.commit()
    page = phone
    sign_in(page, server)
    page.goto(f"{server}/rounds/{round_.id}/results")
    assert "Đúng 1/2: người đứng đầu quyết định" in page.locator("main").inner_text()
    axe_check(page, "head-decision")
    no_horizontal_scroll(page)
    decision = page.locator("#decisions form")
    assert decision.count() == 1  # Minh only: Thảo is approved
    decision.get_by_label("Đồng ý", exact=True).check()
    decision.get_by_label("Ghi chú (người quyết định, văn bản, lý do)").fill(
        "Giám đốc Sở quyết định đồng ý")
    decision.get_by_role("button", name="Ghi quyết định").click()
    page.wait_for_load_state()
    assert "Giám đốc Sở quyết định đồng ý" in page.locator("#decisions").inner_text()
    assert page.locator("#decisions form").count() == 0
    session.rollback()
    [recorded] = session.scalars(select(HeadDecision)).all()
    assert (recorded.subject_id, recorded.agreed) == (minh, True)
    axe_check(page, "head-decided")
    no_horizontal_scroll(page)
    screenshot(page, "head-decision", full_page=True)
