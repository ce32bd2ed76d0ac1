"""An officer changes their password on a phone; their session on the laptop ends."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    axe_check,
    no_horizontal_scroll,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a new and longer one"


def test_change_password_on_a_phone_signs_the_laptop_out(new_page, server, make_user):
    make_user()
    laptop, phone = new_page(LAPTOP), new_page(PHONE)
    sign_in(laptop, server)
    sign_in(phone, server)
    phone.get_by_role("link", name="Đổi mật khẩu").click()
    phone.wait_for_url(f"{server}/account/password")
    no_horizontal_scroll(phone)
    axe_check(phone, "page-password-phone")
    phone.get_by_label("Mật khẩu hiện tại").fill("not the password")
    phone.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Đổi mật khẩu").click()
    assert "Mật khẩu hiện tại không đúng." in phone.inner_text("main")
    no_horizontal_scroll(phone)
    axe_check(phone, "page-password-error")
    screenshot(phone, "password-phone-error", full_page=True)
    phone.get_by_label("Mật khẩu hiện tại").fill("correct horse battery")
    phone.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Đổi mật khẩu").click()
    phone.wait_for_url(f"{server}/")
    assert "Đã đổi mật khẩu." in phone.inner_text("main")
    # the phone's session goes on: its forms (with the renewed CSRF token) still work
    phone.get_by_role("button", name=re.compile("Đăng xuất")).click()
    phone.wait_for_url(re.compile(r"/login"))
    assert "Đã đăng xuất." in phone.inner_text("main")
    # the laptop is signed out at its next step
    laptop.reload()
    assert laptop.url.startswith(f"{server}/login")
    assert "Phiên đăng nhập này đã kết thúc" in laptop.inner_text("main")
