"""axe-core on every page, and the ballot driven from the keyboard alone."""

from __future__ import annotations

import re

import pytest

from survey.desk.operations import close_round, open_round
from tests.browser.conftest import PHONE, axe_check, no_horizontal_scroll, screenshot, sign_in
from tests.conftest import NOW

pytestmark = pytest.mark.browser


def test_no_serious_axe_violation_on_any_organizer_page(laptop, server, session, make_user,
                                                        make_round):
    make_user("admin", "admin")
    draft = make_round(title="Đợt đang chuẩn bị", cards=2)
    closed = make_round(title="Đợt đã kết thúc", cards=6)
    open_round(session, closed, NOW)
    session.commit()
    page = laptop
    sign_in(page, server, "admin")
    pages = {
        "index": "/",
        "users": "/users",
        "password": "/account/password",
        "new-round": "/rounds/new",
        "edit-round": f"/rounds/{draft.id}/edit",
        "subjects": f"/rounds/{draft.id}/subjects",
        "round-draft": f"/rounds/{draft.id}",
        "confirm-open": f"/rounds/{draft.id}/open",
        "delete": f"/rounds/{draft.id}/delete",
        "turnout": f"/rounds/{closed.id}/turnout",
        "confirm-close": f"/rounds/{closed.id}/close",
        "not-found": "/rounds/999",
    }
    for name, path in pages.items():
        page.goto(server + path)
        axe_check(page, f"page-{name}")
        no_horizontal_scroll(page)
    # A form sent back with errors: each error is tied to its field.
    page.goto(f"{server}/rounds/new")
    page.get_by_role("button", name="Tạo đợt").click()
    title = page.get_by_label("Tên đợt lấy phiếu")
    assert title.get_attribute("aria-invalid") == "true"
    assert page.locator(f"#{title.get_attribute('aria-describedby')}").is_visible()
    axe_check(page, "page-new-round-errors")

    close_round(session, closed, NOW)
    session.commit()
    results = {
        "round-closed": f"/rounds/{closed.id}",
        "results": f"/rounds/{closed.id}/results",
        "confirm-publish": f"/rounds/{closed.id}/publish",
    }
    optional = {"minutes": "/minutes", "summary": "/summary", "committee": "/committee"}
    for name, suffix in optional.items():  # the report pack's pages, where they exist
        if page.request.get(f"{server}/rounds/{closed.id}{suffix}").status == 200:
            results[name] = f"/rounds/{closed.id}{suffix}"
    for name, path in results.items():
        page.goto(server + path)
        axe_check(page, f"page-{name}")


def test_no_serious_axe_violation_on_the_voter_refusals(new_page, server, make_round):
    round_ = make_round(cards=1)  # not open yet
    phone = new_page(PHONE)
    phone.goto(f"{server}/v#{round_.codes[0]}")
    phone.get_by_role("heading", name="Không bỏ phiếu được").wait_for()
    assert "Đợt lấy phiếu chưa mở" in phone.inner_text("body")
    axe_check(phone, "voter-rejected-not-open")
    screenshot(phone, "voter-rejected-not-open")
    phone.goto(f"{server}/v#ABCD-EFGH-JKLM-NPQR-STUV")
    phone.get_by_role("link", name="Nhập lại mã").wait_for()
    axe_check(phone, "voter-rejected-unknown")


def test_ballot_by_keyboard_in_reading_order(phone, server, session, make_round):
    round_ = make_round(cards=1, open_=True)
    phone.goto(f"{server}/v#{round_.codes[0]}")
    phone.wait_for_url(f"{server}/v")
    bar_top = phone.evaluate("() => document.querySelector('.submit-bar')"
                             ".getBoundingClientRect().top")
    order = []
    for _ in range(len(round_.subjects) + 3):
        phone.keyboard.press("Tab")
        focused = phone.evaluate(
            "() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
            " return {name: e.name || e.className || e.textContent.trim(), bottom: r.bottom}; }"
        )
        order.append(focused["name"])
        if focused["name"].startswith("s"):  # a radio: never hidden behind the bottom bar
            assert focused["bottom"] <= bar_top + 1, focused
    expected = (["skip-link"] + [f"s{s.id}" for s in round_.subjects]
                + ["primary big", "lang"])
    assert order == expected
    # Arrow keys move within one person's choices; Space is not needed.
    phone.keyboard.press("Shift+Tab")
    phone.keyboard.press("Shift+Tab")  # back to the last person
    phone.keyboard.press("ArrowDown")
    last = round_.subjects[-1]
    group = phone.get_by_role("group", name=re.compile(re.escape(last.name)))
    assert group.get_by_role("radio", checked=True).count() == 1
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")  # "Xem lại phiếu"
    phone.wait_for_url(f"{server}/v/review")
    assert "Bạn chưa chọn mức cho 11 người." in phone.inner_text("body")


def test_the_report_pages_on_a_phone(phone, server, session, make_user, make_round):
    """A reader opens the results on a phone: wide tables scroll inside a focusable box."""
    from survey.kinds.casting import cast_ballot

    make_user()
    round_ = make_round(title="Đợt đã kết thúc", cards=6, open_=True)
    for i, code in enumerate(round_.codes):
        cast_ballot(session, code, {s.id: ("high", "confidence", "low")[(i + s.order) % 3]
                                    for s in round_.subjects})
    session.commit()
    close_round(session, session.merge(round_), NOW)
    session.commit()
    sign_in(phone, server)
    for name in ("results", "summary", "minutes"):
        phone.goto(f"{server}/rounds/{round_.id}/{name}")
        assert round_.subjects[0].name in phone.inner_text("body")
        axe_check(phone, f"phone-{name}")
