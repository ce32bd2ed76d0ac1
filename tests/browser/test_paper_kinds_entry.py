"""Keyboard entry of nomination and appraisal paper ballots, in a real browser."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.ballots.models import Mark
from survey.ballots.operations import issue_cards
from survey.desk.operations import create_round, open_round
from survey.kinds.appraisal.models import AppraisalMark, Member
from survey.kinds.appraisal.paper import record_paper_voters
from survey.kinds.appraisal.roster import create_named_cards
from survey.kinds.nomination.models import WriteIn
from survey.kinds.nomination.positions import replace_nominations
from survey.kinds.nomination.sheet import parse_nominations
from survey.paper.slots import record_paper_issued
from survey.rounds.operations import record_attendance
from tests.browser.conftest import LAPTOP, axe_check, focused, no_horizontal_scroll, sign_in
from tests.conftest import NOW
from tests.factories import SHEET, small_roster

pytestmark = pytest.mark.browser


def two_clerks(new_page, server, make_user, viewport=None):
    pages = []
    for name in ("kiemphieu1", "kiemphieu2"):
        make_user(name)
        page = new_page(LAPTOP, **({"viewport": viewport} if viewport else {}))
        sign_in(page, server, name)
        pages.append(page)
    return pages


def test_nomination_ballot_with_write_ins_by_keyboard(new_page, server, session, make_user):
    round_ = create_round(session, title="Giới thiệu quy hoạch", now=NOW, kind="nomination",
                          body="Ban Chấp hành Đảng bộ thành phố", min_ballots=1)
    replace_nominations(session, round_, parse_nominations(SHEET, "quy-hoach.csv"))
    record_attendance(session, round_, summoned=10, present=10)
    record_paper_issued(session, round_, 1)
    serial = 1
    open_round(session, round_, NOW)
    session.commit()
    entry = f"{server}/rounds/{round_.id}/paper/entry"
    pages = two_clerks(new_page, server, make_user, {"width": 360, "height": 740})

    for page, typed in zip(pages, ("Nguyễn Văn A", "nguyễn văn a"), strict=True):
        page.goto(entry, wait_until="networkidle")
        no_horizontal_scroll(page)
        assert focused(page) == "number:"
        page.keyboard.type(str(serial))
        page.keyboard.press("Enter")
        # secretary: agree, blank, x; then two write-in lines: one name, one empty
        for key in ("1", "0", "x"):
            page.keyboard.press(key)
        assert focused(page).startswith("w")
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # the second write-in line left empty
        # chair: blank, agree; its write-in line empty
        for key in ("0", "1"):
            page.keyboard.press(key)
        page.keyboard.press("Enter")
        assert focused(page) == "entry-save:"
        page.keyboard.press("Enter")
        # saved before the next clerk starts: otherwise the two entries race for "lần 1"
        page.get_by_text(f"Đã nhập phiếu số {serial} (lần").wait_for()
    pages[1].get_by_text(f"Đã nhập phiếu số {serial} (lần 2/2): hai lần nhập khớp nhau").wait_for()
    axe_check(pages[1], "paper-entry-nomination")

    session.rollback()
    names = {s.id: s.name for s in round_.subjects}
    assert sorted(names[sid] for sid in session.scalars(select(Mark.subject_id))) == [
        "Lương Minh Chiến", "Tòng Minh Ánh"]
    assert session.scalars(select(WriteIn.name)).all() in (["Nguyễn Văn A"], ["nguyễn văn a"])


def test_appraisal_form_with_scores_by_keyboard(new_page, server, session, make_user):
    round_ = create_round(session, title="Đánh giá, xếp loại năm 2026", kind="appraisal",
                          subjects=small_roster(), now=NOW, body="Ủy ban nhân dân huyện")
    record_attendance(session, round_, summoned=8, present=8)
    session.flush()
    first_member = session.scalar(select(Member).where(Member.order == 1))
    record_paper_voters(session, round_, [first_member.order])  # An votes on paper
    create_named_cards(session, round_)
    issue_cards(session, round_)  # the named cards
    serial = 1
    open_round(session, round_, NOW)
    session.commit()
    entry = f"{server}/rounds/{round_.id}/paper/entry"
    pages = two_clerks(new_page, server, make_user)

    for page in pages:
        page.goto(entry, wait_until="networkidle")
        assert focused(page) == "number:"
        page.keyboard.type(str(serial))
        page.keyboard.press("Enter")
        page.keyboard.press("0")  # An's line: left blank (it is An's own form)
        page.keyboard.press("2")  # Bình: good, then its two scores
        assert focused(page).startswith("g")
        page.keyboard.type("25")
        page.keyboard.press("Enter")
        page.keyboard.type("60")
        page.keyboard.press("Enter")
        page.keyboard.press("1")  # Chi: excellent, no score
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        for _line in range(5):  # the rest: no opinion
            page.keyboard.press("0")
        assert focused(page) == "entry-save:"
        page.keyboard.press("Enter")
        # saved before the next clerk starts: otherwise the two entries race for "lần 1"
        page.get_by_text(f"Đã nhập phiếu số {serial} (lần").wait_for()
    pages[1].get_by_text(f"Đã nhập phiếu số {serial} (lần 2/2): hai lần nhập khớp nhau").wait_for()
    axe_check(pages[1], "paper-entry-appraisal")

    session.rollback()
    names = {s.id: s.name for s in round_.subjects}
    rows = sorted((names[m.subject_id], m.level, m.score_general, m.score_tasks)
                  for m in session.scalars(select(AppraisalMark)))
    assert rows == [("Bình", "good", 25, 60), ("Chi", "excellent", None, None)]
