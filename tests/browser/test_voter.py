"""The voter's path on a 360 × 740 phone: scan the card's QR → ballot → review → done."""

from __future__ import annotations

import re

import pytest

from survey.rounds.importing import SubjectRow
from tests.browser.conftest import (
    axe_check,
    choose,
    no_horizontal_scroll,
    printed_card_urls,
    screenshot,
    stored,
    to_review,
)

pytestmark = pytest.mark.browser


def test_full_path_from_the_printed_qr_code(phone, server, session, make_round):
    round_ = make_round(cards=3, open_=True)
    subjects = round_.subjects
    urls = printed_card_urls(round_, server)
    assert urls[0] == f"{server}/v#{round_.codes[0]}"  # the QR holds the code in the fragment

    phone.goto(urls[0])  # what the phone's camera app opens
    phone.wait_for_url(f"{server}/v")
    assert phone.url == f"{server}/v"  # the code left the address bar and the history
    heading = phone.get_by_role("heading", level=1)
    assert heading.inner_text() == round_.title
    current = phone.locator(".voter-steps [aria-current=step]")
    assert "Chọn" in current.inner_text()
    no_horizontal_scroll(phone)

    # The first subject's name, position and choices fit on the first screen.
    first = phone.locator("fieldset.line").first
    box = first.bounding_box()
    assert box["y"] + box["height"] <= 740, box
    assert subjects[0].name in first.inner_text() and subjects[0].position in first.inner_text()
    # Touch targets: every choice is a full-width row at least 48 px high.
    for choice in phone.locator(".choice").all()[:3]:
        size = choice.bounding_box()
        assert size["height"] >= 48 and size["width"] >= 300, size
    screenshot(phone, "voter-2-ballot")
    axe_check(phone, "voter-ballot")

    levels = ["Tín nhiệm cao", "Tín nhiệm", "Tín nhiệm thấp"]
    expected = {}
    for index, subject in enumerate(subjects[:-1]):  # the last line is left blank
        level = levels[index % 3]
        choose(phone, subject, level)
        expected[subject.id] = ("high", "confidence", "low")[index % 3]
    count = phone.locator("#ballot-count")
    assert count.inner_text() == f"Đã chọn {len(subjects) - 1}/{len(subjects)} người"
    submit = phone.get_by_role("button", name="Xem lại phiếu")
    assert submit.is_visible()  # sticky at the bottom, wherever the voter scrolled to
    screenshot(phone, "voter-2-ballot-marked")

    submit.click()
    phone.wait_for_url(f"{server}/v/review")
    assert "Bạn chưa chọn mức cho 1 người." in phone.inner_text("body")
    last = phone.locator("ol.review li").last
    assert subjects[-1].name in last.inner_text() and "Để trống" in last.inner_text()
    assert "Tín nhiệm thấp" in phone.locator("ol.review li").nth(2).inner_text()
    no_horizontal_scroll(phone)
    screenshot(phone, "voter-3-review")
    axe_check(phone, "voter-review")
    assert stored(session, round_.id) == (0, [], [])  # nothing is sent before "Gửi phiếu"

    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.wait_for_url(f"{server}/v/thanks")
    assert "Phiếu của bạn đã được ghi nhận." in phone.inner_text("body")
    for level in levels:
        assert level not in phone.inner_text("body")  # no receipt of the choices
    screenshot(phone, "voter-4-thanks")
    axe_check(phone, "voter-thanks")
    assert stored(session, round_.id) == (1, sorted(expected.items()), [1])


def test_a_blank_line_can_be_filled_from_the_review(phone, server, session, make_round):
    round_ = make_round(cards=1, open_=True)
    first, second = round_.subjects[:2]
    phone.goto(f"{server}/v#{round_.codes[0]}")
    phone.wait_for_url(f"{server}/v")
    choose(phone, first, "Tín nhiệm")
    to_review(phone, server)
    phone.get_by_role("button", name=f"Chọn mức cho {second.name}").click()
    phone.wait_for_url(f"{server}/v/ballot#l{second.id}")
    group = phone.get_by_role("group", name=re.compile(re.escape(second.name)))
    assert group.is_visible()
    assert phone.get_by_role("group", name=re.compile(re.escape(first.name))).get_by_role(
        "radio", name="Tín nhiệm", exact=True).is_checked()  # the earlier answer is kept
    choose(phone, second, "Tín nhiệm cao")
    to_review(phone, server)
    assert "Bạn chưa chọn mức cho 10 người." in phone.inner_text("body")


def test_lost_connection_keeps_the_answers_and_says_so(phone, server, session, make_round):
    round_ = make_round(cards=1, open_=True)
    subjects = round_.subjects[:3]
    phone.goto(f"{server}/v#{round_.codes[0]}")
    phone.wait_for_url(f"{server}/v")
    for subject in subjects:
        choose(phone, subject, "Tín nhiệm thấp")
    to_review(phone, server)

    phone.context.set_offline(True)  # the Wi-Fi drops just as the voter presses "Gửi phiếu"
    phone.get_by_role("button", name="Gửi phiếu").click()
    alert = phone.locator("#cast-error")
    alert.wait_for(state="visible")
    assert "Phiếu CHƯA được gửi: mất kết nối với máy chủ." in alert.inner_text()
    assert "bấm “Gửi phiếu” lần nữa" in alert.inner_text()
    assert phone.url == f"{server}/v/review"  # the page, and every answer on it, is still here
    assert phone.locator("input[type=hidden][value=low]").count() == 3
    assert phone.get_by_role("button", name="Gửi phiếu").is_enabled()
    screenshot(phone, "voter-3-review-offline")
    axe_check(phone, "voter-review-offline")
    assert stored(session, round_.id) == (0, [], [])

    phone.context.set_offline(False)  # back on the network: press again
    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.wait_for_url(f"{server}/v/thanks")
    assert "Phiếu của bạn đã được ghi nhận." in phone.inner_text("body")
    assert stored(session, round_.id) == (1, sorted((s.id, "low") for s in subjects), [1])


def test_server_busy_keeps_the_answers(phone, server, session, make_round):
    round_ = make_round(cards=1, open_=True)
    phone.goto(f"{server}/v#{round_.codes[0]}")
    phone.wait_for_url(f"{server}/v")
    choose(phone, round_.subjects[0], "Tín nhiệm")
    to_review(phone, server)
    phone.route("**/v/cast", lambda route: route.fulfill(status=503, body="busy"))
    phone.get_by_role("button", name="Gửi phiếu").click()
    busy = phone.locator("#cast-busy")
    busy.wait_for(state="visible")
    assert "máy chủ đang bận" in busy.inner_text()
    phone.unroute("**/v/cast")
    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.wait_for_url(f"{server}/v/thanks")
    assert stored(session, round_.id)[0] == 1


def test_answer_lost_after_the_ballot_was_stored(phone, server, session, make_round):
    """The server recorded the ballot but the answer never arrived: the retry is refused."""
    round_ = make_round(cards=1, open_=True)
    phone.goto(f"{server}/v#{round_.codes[0]}")
    phone.wait_for_url(f"{server}/v")
    choose(phone, round_.subjects[0], "Tín nhiệm cao")
    to_review(phone, server)

    def reach_server_then_drop(route):
        route.fetch()  # the ballot reaches the server and is stored
        route.abort("internetdisconnected")  # but the phone never hears back

    phone.route("**/v/cast", reach_server_then_drop)
    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.locator("#cast-offline").wait_for(state="visible")
    phone.unroute("**/v/cast")
    assert stored(session, round_.id)[0] == 1
    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.get_by_role("heading", name="Không bỏ phiếu được").wait_for()
    body = phone.inner_text("body")
    assert "hoặc thẻ đã được dùng để bỏ phiếu" in body
    assert "phiếu của bạn đã được ghi nhận" in body
    assert phone.url == f"{server}/v"  # a reload does not post anything again
    axe_check(phone, "voter-rejected-used")
    assert stored(session, round_.id)[0] == 1


def test_without_javascript_the_voter_types_the_code(new_page, server, session, make_round):
    round_ = make_round(cards=1, open_=True)
    phone = new_page(java_script_enabled=False)
    phone.goto(f"{server}/v")
    assert "Đang mở lá phiếu" not in phone.inner_text("body")
    field = phone.get_by_label("Mã trên thẻ")
    field.fill(round_.codes[0].lower().replace("-", ""))  # as a person would type it
    screenshot(phone, "voter-1-landing")  # (axe needs JavaScript: see test_wrong_code...)
    phone.get_by_role("button", name="Mở lá phiếu").click()
    subject = round_.subjects[0]
    choose(phone, subject, "Tín nhiệm")
    to_review(phone, server)
    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.wait_for_url(f"{server}/v/thanks")
    assert stored(session, round_.id) == (1, [(subject.id, "confidence")], [1])


def test_wrong_code_says_what_to_do(phone, server):
    phone.goto(f"{server}/v")
    axe_check(phone, "voter-landing")
    phone.get_by_label("Mã trên thẻ").fill("ABCD")
    phone.get_by_role("button", name="Mở lá phiếu").click()
    error = phone.locator(".field .error")
    assert "Mã thẻ không đúng dạng" in error.inner_text()
    field = phone.get_by_label("Mã trên thẻ")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    assert "code-error" in described and "code-hint" in described
    screenshot(phone, "voter-1-landing-error")
    axe_check(phone, "voter-landing-error")


def _forty_five(round_maker):
    rows = [SubjectRow(i, f"Nguyễn Thị Phương Thảo {i}",
                       "Phó Chủ tịch Ủy ban nhân dân tỉnh, Ủy viên Ban Thường vụ Tỉnh ủy",
                       "Ủy ban nhân dân tỉnh") for i in range(1, 46)]
    return round_maker(title="Lấy phiếu tín nhiệm tại kỳ họp thứ mười Quốc hội khóa XV",
                       rows=rows, summoned=480, present=470, cards=1, open_=True)


def test_forty_five_subjects_stay_light_and_fit_the_screen(phone, server, make_round):
    round_ = _forty_five(make_round)
    phone.goto(f"{server}/v#{round_.codes[0]}")
    phone.wait_for_url(f"{server}/v")
    phone.wait_for_load_state("load")
    sent = phone.recorder.transferred(since=1)  # the ballot page and what it loads
    assert sum(sent.values()) < 60_000, sent
    no_horizontal_scroll(phone)
    assert phone.locator("fieldset.line").count() == 45
    # Half-way down, the bottom bar still shows the count and the button.
    phone.locator("fieldset.line").nth(22).scroll_into_view_if_needed()
    assert phone.get_by_role("button", name="Xem lại phiếu").is_visible()
    assert phone.locator("#ballot-count").is_visible()
    screenshot(phone, "voter-2-ballot-45-subjects")
