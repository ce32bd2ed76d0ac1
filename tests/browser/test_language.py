"""English by the switch or by the browser's language; Vietnamese otherwise."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import LAPTOP, PHONE, axe_check, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_english_phone_gets_an_english_ballot(new_page, server, make_round):
    round_ = make_round(cards=1, open_=True)
    phone = new_page(PHONE | {"locale": "en-US"})  # Accept-Language: en-US
    phone.goto(f"{server}/v#{round_.codes[0]}")
    phone.wait_for_url(f"{server}/v")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("button", name="Review ballot").is_visible()
    first = round_.subjects[0]
    group = phone.get_by_role("group", name=re.compile(re.escape(first.name)))
    group.get_by_role("radio", name="High confidence").check()
    assert phone.locator("#ballot-count").inner_text() == "Chosen for 1 of 12 people"
    screenshot(phone, "voter-2-ballot-en")
    axe_check(phone, "voter-ballot-en")
    phone.get_by_role("button", name="Review ballot").click()
    assert "You have not chosen a level for 11 people." in phone.inner_text("body")
    phone.get_by_role("button", name="Send ballot").click()
    phone.get_by_role("heading", name="Your ballot has been recorded.").wait_for()


def test_switch_in_the_middle_of_the_ballot_keeps_the_answers(phone, server, make_round):
    round_ = make_round(cards=1, open_=True)
    first, second = round_.subjects[:2]
    phone.goto(f"{server}/v#{round_.codes[0]}")
    phone.wait_for_url(f"{server}/v")
    phone.get_by_role("group", name=re.compile(re.escape(first.name))).get_by_role(
        "radio", name="Tín nhiệm thấp").check()
    phone.get_by_role("group", name=re.compile(re.escape(second.name))).get_by_role(
        "radio", name="Tín nhiệm", exact=True).check()
    phone.get_by_role("button", name="English").click()
    phone.get_by_role("button", name="Review ballot").wait_for()
    assert phone.get_by_role("group", name=re.compile(re.escape(first.name))).get_by_role(
        "radio", name="Low confidence").is_checked()
    assert phone.get_by_role("group", name=re.compile(re.escape(second.name))).get_by_role(
        "radio", name="Confidence", exact=True).is_checked()
    assert phone.locator("#ballot-count").inner_text() == "Chosen for 2 of 12 people"
    phone.get_by_role("button", name="Review ballot").click()
    phone.get_by_role("button", name="Tiếng Việt").click()  # and back, from the review
    assert "Bạn chưa chọn mức cho 10 người." in phone.inner_text("body")
    assert phone.get_by_role("button", name="Gửi phiếu").is_visible()


def test_organizer_switches_to_english_and_back(laptop, server, make_user, make_round):
    make_user()
    round_ = make_round(cards=2)
    page = laptop
    page.goto(f"{server}/login")
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Username").fill("organizer")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Rounds").wait_for()
    page.get_by_role("link", name=round_.title).click()
    assert "Open voting" in page.locator(".next-step").inner_text()
    screenshot(page, "organizer-round-en")
    axe_check(page, "organizer-round-en")
    page.get_by_role("link", name="Tiếng Việt").click()
    page.get_by_role("heading", name="Việc cần làm tiếp").wait_for()
    assert page.url.endswith(f"/rounds/{round_.id}")  # back on the same page


def test_laptop_in_vietnamese_by_default(new_page, server, make_user):
    make_user()
    page = new_page(LAPTOP | {"locale": "fr-FR"})  # a language the app does not speak
    sign_in(page, server)
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Các đợt lấy phiếu").is_visible()
