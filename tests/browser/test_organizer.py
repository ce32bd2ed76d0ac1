"""The organizing officer's path on a laptop: the round wizard, cards, projector, results."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.ballots.models import Ballot, Card
from survey.rounds.models import Round, Subject
from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    axe_check,
    no_horizontal_scroll,
    pdf_qr_urls,
    screenshot,
    sign_in,
    to_review,
)
from tests.conftest import DATA, PASSWORD

pytestmark = pytest.mark.browser

BAD_LIST = (
    "STT,Họ và tên,Chức vụ,Đơn vị\n"
    "1,Lường Hữu Ánh,Bí thư Thành ủy,Thành ủy\n"
    "2,,Phó Bí thư Thành ủy,Thành ủy\n"
    "3,Lường Hữu Ánh,Bí thư Thành ủy,Thành ủy\n"
)


def current_step(page) -> str:
    return page.locator(".wizard [aria-current=step]").inner_text()


def test_wizard_from_new_round_to_ready_to_open(laptop, server, session, make_user, tmp_path):
    make_user()
    page = laptop
    sign_in(page, server)
    page.get_by_role("link", name="Tạo đợt mới").click()
    page.get_by_label("Tên đợt lấy phiếu").fill("Lấy phiếu tín nhiệm giữa nhiệm kỳ 2026")
    page.get_by_label("Cơ quan tổ chức").fill("Ban Chấp hành Đảng bộ thành phố")
    page.get_by_label("Địa điểm").fill("Hội trường Thành ủy")
    page.get_by_label("Số người được triệu tập").fill("40")
    screenshot(page, "organizer-1-new-round")
    axe_check(page, "organizer-new-round")
    page.get_by_role("button", name="Tạo đợt").click()
    page.get_by_text("Đã tạo đợt lấy phiếu.").wait_for()
    assert "Danh sách" in current_step(page)
    assert "Nhập danh sách người được lấy phiếu" in page.locator(".next-step").inner_text()
    axe_check(page, "organizer-round-empty")

    # Step 1: the list, from a file with mistakes first.
    page.locator(".next-step").get_by_role("link", name="Nhập danh sách").click()
    bad = tmp_path / "danh-sach.csv"
    bad.write_text(BAD_LIST, encoding="utf-8")
    page.get_by_label("Tệp danh sách (CSV hoặc XLSX)").set_input_files(bad)
    page.get_by_role("button", name="Xem trước").click()
    page.get_by_role("heading", name="Tệp danh sách có lỗi, chưa nhập gì").wait_for()
    bad_rows = page.locator("tr.bad-row")
    assert bad_rows.count() == 2
    assert "Dòng 3: thiếu họ và tên" in bad_rows.first.inner_text()  # beside the row itself
    assert "trùng với dòng 2" in bad_rows.nth(1).inner_text()
    assert page.get_by_role("button", name="Xác nhận nhập danh sách").count() == 0
    screenshot(page, "organizer-2-import-errors", full_page=True)
    axe_check(page, "organizer-import-errors")

    page.get_by_role("link", name="Sửa tệp xong? Tải tệp lên lại").click()
    page.get_by_label("Tệp danh sách (CSV hoặc XLSX)").set_input_files(DATA / "tin-nhiem-btv.csv")
    page.get_by_role("button", name="Xem trước").click()
    assert "12 người sẽ thay thế danh sách hiện tại." in page.inner_text("body")
    screenshot(page, "organizer-2-import-preview")
    axe_check(page, "organizer-import-preview")
    page.get_by_role("button", name="Xác nhận nhập danh sách").click()
    page.get_by_text("Đã nhập 12 người vào danh sách.").wait_for()
    axe_check(page, "organizer-subjects")
    page.get_by_role("link", name="Xong danh sách: về các bước của đợt").click()

    # Step 2: attendance.
    assert "Có mặt" in current_step(page)
    attendance = page.locator("#attendance")
    assert attendance.get_by_label("Số người được triệu tập").input_value() == "40"
    attendance.get_by_label("Số người có mặt").fill("25")
    attendance.get_by_role("button", name="Ghi nhận").click()
    assert "Chưa đủ 2/3 số người được triệu tập có mặt" in page.locator(".flash").inner_text()
    assert "Có mặt" in current_step(page)  # still the step to do
    attendance.get_by_label("Số người có mặt").fill("38")
    attendance.get_by_role("button", name="Ghi nhận").click()
    assert "Đủ điều kiện tiến hành" in page.locator(".flash").inner_text()

    # Step 3: cards, printed, read back by a real QR decoder, then issued.
    assert "Thẻ" in current_step(page)
    page.locator("#cards").get_by_label("Số thẻ cần in").fill("3")
    page.get_by_role("button", name="Tạo và in thẻ").click()
    page.get_by_role("heading", name="Đã tạo 3 thẻ").wait_for()
    code = r"/v#[A-Z0-9]{4}(-[A-Z0-9]{4}){6}"  # 28 symbols in 7 groups
    assert not re.search(code[3:], page.content())  # the page shows no code: only the PDF does
    screenshot(page, "organizer-4-cards-sheet")
    axe_check(page, "organizer-cards-sheet")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải tệp PDF để in").click()
    printed = pdf_qr_urls(download.value.path().read_bytes())
    assert len(printed) == 3
    assert all(re.fullmatch(re.escape(server) + code, url) for url in printed)
    pressed = page.get_by_role("button", name="Đang tạo tệp PDF…")
    assert pressed.is_disabled()  # once: the button cannot send the form again

    page.get_by_role("link", name="Về bước Thẻ bỏ phiếu").click()
    page.get_by_role("button", name="Kích hoạt thẻ đã phát").click()
    page.get_by_text("Đã kích hoạt 3 thẻ.").wait_for()
    assert "Bỏ phiếu" in current_step(page)
    assert "Mọi thứ đã sẵn sàng" in page.locator(".next-step").inner_text()
    no_horizontal_scroll(page)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "organizer-3-round-ready")
    axe_check(page, "organizer-round-ready")

    session.rollback()
    round_ = session.scalars(select(Round)).one()
    assert round_.present == 38 and round_.summoned == 40
    assert session.scalar(select(func.count()).select_from(Subject)) == 12
    assert session.scalar(select(func.count()).where(Card.issued.is_(True))) == 3


def test_open_project_turnout_close_and_results(new_page, server, session, make_user, make_round):
    make_user()
    round_ = make_round(cards=3)
    page = new_page(LAPTOP)
    sign_in(page, server)
    page.goto(f"{server}/rounds/{round_.id}")
    page.locator(".next-step").get_by_role("link", name="Mở bỏ phiếu").click()
    page.get_by_label("Mật khẩu").fill("not my password")
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    assert "Mật khẩu không đúng." in page.locator(".flash").inner_text()
    axe_check(page, "organizer-confirm-open")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.clock.install()  # the projector page polls every 5 s: let the test move time on
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    page.wait_for_url(f"{server}/rounds/{round_.id}/turnout")
    assert "0 / 3 thẻ đã bỏ phiếu" in page.inner_text("body")
    assert "Còn 3 thẻ chưa bỏ phiếu" in page.inner_text("body")

    phone = new_page(PHONE)  # a member votes meanwhile
    phone.goto(f"{server}/v#{round_.codes[0]}")
    phone.wait_for_url(f"{server}/v")
    phone.get_by_role("radio", name="Tín nhiệm cao").first.check()
    to_review(phone, server)
    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.wait_for_url(f"{server}/v/thanks")

    page.set_viewport_size({"width": 1280, "height": 720})  # the projector
    page.clock.run_for(5000)  # no reload: the figures change in place
    page.get_by_text("1 / 3 thẻ đã bỏ phiếu").wait_for()
    assert "Còn 2 thẻ chưa bỏ phiếu" in page.inner_text("body")
    for subject in round_.subjects:
        assert subject.name not in page.inner_text("body")  # only the turnout, never a name
    no_horizontal_scroll(page)
    screenshot(page, "organizer-5-turnout-projector")
    axe_check(page, "organizer-turnout")

    page.get_by_role("link", name="Về các bước của đợt").click()
    assert "Bỏ phiếu" in current_step(page)
    assert "1 / 3 thẻ đã bỏ phiếu" in page.locator(".next-step").inner_text()
    axe_check(page, "organizer-round-open")
    page.locator("#voting").get_by_role("link", name="Kết thúc bỏ phiếu").click()
    assert "Đã có 1 / 3 thẻ bỏ phiếu." in page.inner_text("body")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    page.get_by_text("Đã kết thúc bỏ phiếu.").first.wait_for()
    assert "/results" in page.url
    screenshot(page, "organizer-6-results")

    page.goto(f"{server}/rounds/{round_.id}")
    assert "Kết quả" in current_step(page)
    next_step = page.locator(".next-step")
    assert "in cho ban kiểm phiếu ký" in next_step.inner_text()
    if next_step.get_by_role("link", name="Tải biên bản kiểm phiếu (PDF)").count():
        with page.expect_download() as minutes:  # the one button for the minutes
            next_step.get_by_role("link", name="Tải biên bản kiểm phiếu (PDF)").click()
        assert minutes.value.suggested_filename.endswith(".pdf")
    screenshot(page, "organizer-7-round-closed")
    axe_check(page, "organizer-round-closed")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_destructive_steps_ask_first(laptop, server, session, make_user, make_round):
    make_user()
    round_ = make_round(cards=2)
    page = laptop
    sign_in(page, server)
    first = round_.subjects[0]

    # Removing a subject: a question naming the person; "Cancel" keeps them.
    page.goto(f"{server}/rounds/{round_.id}/subjects")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name=f"Xóa {first.name} khỏi danh sách").click()
    assert questions == [f"Xóa {first.name} khỏi danh sách?"]
    assert page.get_by_role("cell", name=first.name, exact=True).count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Xóa {first.name} khỏi danh sách").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name=first.name, exact=True).count() == 0

    # Voiding a card: behind a disclosure that says what it means, then a question.
    page.goto(f"{server}/rounds/{round_.id}")
    void = page.get_by_role("button", name="Hủy thẻ bị mất")
    assert not void.is_visible()
    page.get_by_text("c. Thẻ bị mất hoặc hỏng…").click()
    assert "không bao giờ bỏ phiếu được nữa" in page.locator("#cards details").inner_text()
    page.get_by_label("Số thẻ bị mất hoặc hỏng").fill("2")
    questions.clear()
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    void.click()
    assert questions == ["Hủy thẻ số 2? Thẻ này sẽ không bao giờ bỏ phiếu được nữa."]
    session.rollback()
    assert not session.scalars(select(Card.voided).where(Card.serial == 2)).one()
    page.once("dialog", lambda dialog: dialog.accept())
    void.click()
    page.get_by_text("Đã hủy thẻ số 2.").wait_for()
    session.rollback()
    assert session.scalars(select(Card.voided).where(Card.serial == 2)).one()

    # Deleting the round: a page of its own, with a way back.
    page.goto(f"{server}/rounds/{round_.id}")
    page.get_by_role("link", name="Xóa đợt").click()
    assert "sẽ bị xóa hẳn" in page.inner_text("body")
    axe_check(page, "organizer-delete")
    page.get_by_role("link", name="Hủy, giữ lại đợt").click()
    assert page.url.endswith(f"/rounds/{round_.id}")
    session.rollback()
    assert session.get(Round, round_.id) is not None
