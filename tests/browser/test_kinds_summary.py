"""The confidence vote's and the nomination round's summaries, and the positions page's
write-in switch, in a real browser: axe-core, no sideways scrolling on a phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot, sign_in
from tests.factories import draft_nomination

pytestmark = pytest.mark.browser


def test_summaries_and_the_switch_on_a_phone(phone, server, session, make_user,
                                             closed_vote, closed_nomination):
    make_user()
    page = phone
    sign_in(page, server)
    for round_, order in ((closed_vote, "no_confidence"), (closed_nomination, "votes")):
        page.goto(f"{server}/rounds/{round_.id}/summary")
        page.get_by_label("Sắp xếp bảng kết quả").select_option(order)
        page.get_by_role("button", name="Sắp xếp").click()
        page.wait_for_url(f"**/summary?order={order}")
        assert page.locator("svg.bar-chart").count() == (4 if order == "no_confidence" else 6)
        axe_check(page, f"summary-{round_.kind}")
        no_horizontal_scroll(page)
        screenshot(page, f"summary-{round_.kind}", full_page=True)

    draft = draft_nomination(session)
    page.goto(f"{server}/rounds/{draft.id}/positions")
    switches = page.get_by_role("button", name="Tắt ô ghi thêm người ngoài danh sách")
    assert switches.count() == 2
    switches.first.click()  # with CSRF protection on, as a real organizer
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Bật ô ghi thêm người ngoài danh sách").count() == 1
    axe_check(page, "positions-switch")
    no_horizontal_scroll(page)
