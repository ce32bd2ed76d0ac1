"""The published results on a hall's projector (1920 × 1080), in a real browser: nothing before
publication, then the table and the bars in type large enough for the back of the hall."""

from __future__ import annotations

import pytest

from survey.desk.operations import publish_round
from survey.rounds.models import Round
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot, sign_in
from tests.factories import CLOSED_AT

pytestmark = pytest.mark.browser

PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "locale": "vi-VN"}


def test_results_on_the_projector_after_publishing(new_page, server, session, make_user,
                                                   make_closed):
    round_ = make_closed()
    make_user()
    page = new_page(PROJECTOR)
    sign_in(page, server)
    url = f"{server}/rounds/{round_.id}/projector"
    response = page.goto(url)
    assert response is not None and response.status == 403
    assert "Giàng Ngọc Sơn" not in page.content()

    publish_round(session, session.get(Round, round_.id), CLOSED_AT)
    session.commit()
    page.goto(f"{server}/rounds/{round_.id}/results")
    page.get_by_role("link", name="Trình chiếu kết quả (toàn màn hình)").click()
    page.wait_for_url(url)
    assert page.locator("header.topbar").count() == 0  # the whole screen is the results
    no_horizontal_scroll(page)

    # large type: a table cell reads at 26 px or more, the title larger still
    cell = page.locator("table.doc-table td").first
    assert float(cell.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 26
    title = page.locator("h1.doc-title")
    assert float(title.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 40
    # the table spans the screen and the first rows are on it without scrolling
    table = page.locator("table.doc-table").first.bounding_box()
    assert table is not None and table["width"] >= 1600
    row = page.get_by_role("row").filter(has_text="Giàng Ngọc Sơn").first
    assert row.is_visible()
    # one wide bar per subject, with the 1/2 and 2/3 marks
    bars = page.locator("svg.bar-chart")
    assert bars.count() == 12
    box = bars.first.bounding_box()
    assert box is not None and box["width"] >= 1000
    # the header, the method, the fingerprints and the signature are not projected
    for hidden in (".doc-header", ".fingerprints", ".doc-close", ".doc-method"):
        assert not page.locator(hidden).first.is_visible(), hidden
    axe_check(page, "projector")
    screenshot(page, "projector")
