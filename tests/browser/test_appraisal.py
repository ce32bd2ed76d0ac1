"""The appraisal form on a 360 × 740 phone: 60 lines grouped by unit, scores, comment, review."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.ballots.cards import card_url
from survey.ballots.models import Ballot
from survey.kinds.appraisal.models import AppraisalMark, Comment
from survey.rounds.importing import parse_subjects
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot, to_review
from tests.conftest import DATA

pytestmark = pytest.mark.browser


def test_appraisal_form_on_a_phone(phone, server, session, make_appraisal):
    rows = parse_subjects((DATA / "danh-gia-phong-ban.csv").read_bytes(), "d.csv").rows
    round_ = make_appraisal(rows)
    me = rows[0].name
    phone.goto(card_url(server, round_.codes[me]))
    phone.wait_for_url(f"{server}/v")
    assert phone.get_by_role("heading", level=1).inner_text() == round_.title
    no_horizontal_scroll(phone)
    assert phone.locator("fieldset.line").count() == 60
    assert me not in phone.locator("main").inner_text()  # never one's own line
    assert phone.locator("h2.unit-heading").count() == 5
    first = phone.locator("fieldset.line").first
    for choice in first.locator(".choice").all():
        size = choice.bounding_box()
        assert size["height"] >= 48 and size["width"] >= 300, size
    screenshot(phone, "appraisal-1-form")
    axe_check(phone, "appraisal-form")

    second, third, fourth = rows[1].name, rows[2].name, rows[3].name
    group = phone.get_by_role("group", name=re.compile(re.escape(second)))
    group.get_by_role("radio", name="Hoàn thành xuất sắc nhiệm vụ", exact=True).check()
    group.get_by_label("Điểm tiêu chí chung (0–30)").fill("20")
    group.get_by_label("Điểm kết quả nhiệm vụ (0–70)").fill("40")
    group.locator("summary").click()
    group.get_by_label(f"Nhận xét về {second}").fill("Cần chủ động hơn trong công việc")
    phone.get_by_role("group", name=re.compile(re.escape(third))).get_by_role(
        "radio", name="Hoàn thành tốt nhiệm vụ", exact=True).check()
    phone.get_by_role("group", name=re.compile(re.escape(fourth))).get_by_role(
        "radio", name="Không có ý kiến", exact=True).check()
    assert phone.locator("#ballot-count").inner_text() == "Đã đánh giá 3/60"
    screenshot(phone, "appraisal-2-filled")

    to_review(phone, server, "/v/a/review")
    no_horizontal_scroll(phone)
    warning = phone.locator("#score-warnings")
    assert "khác với khung điểm" in warning.inner_text()
    assert "Tổng điểm thuộc mức “Hoàn thành nhiệm vụ”" in phone.locator("main").inner_text()
    screenshot(phone, "appraisal-3-review")
    axe_check(phone, "appraisal-review")
    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.wait_for_url(f"{server}/v/thanks")

    session.rollback()
    assert session.scalar(select(func.count()).select_from(Ballot)) == 1
    levels = sorted(session.scalars(select(AppraisalMark.level)))
    assert levels == ["excellent", "good"]
    assert session.scalars(select(Comment.text)).all() == ["Cần chủ động hơn trong công việc"]
