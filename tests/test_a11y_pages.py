"""Accessibility and weight of the pages, checked on the HTML the server sends.

The browser tests (tests/browser) run axe-core on the rendered pages; these checks need no
browser, so they run everywhere and name the exact control that lost its label.
"""

from __future__ import annotations

import re

import pytest

from survey.rounds.importing import SubjectRow
from tests.conftest import PASSWORD
from tests.factories import assert_accessible_basics, once_token

#: The ballot page for a large body (the National Assembly rates about 45 officials), with the
#: CSS and JS it links, must stay under this many bytes: cheap phones on a busy hall Wi-Fi.
BALLOT_BUDGET = 60_000


# -- the voter's pages -------------------------------------------------------------------------


def test_voter_pages_label_every_control(client, make_round):
    round_ = make_round(cards=1, open_=True)
    code = round_.codes[0]
    landing = client.get("/v").text
    assert_accessible_basics(landing, "/v")
    ballot = client.post("/v", data={"code": code}).text
    page = assert_accessible_basics(ballot, "the ballot")
    # One fieldset per subject whose legend names the subject: a screen reader announces
    # "Lường Hữu Ánh, Bí thư Thành ủy, group" before "Tín nhiệm cao, radio button, 1 of 3".
    assert len(page.fieldsets) == len(round_.subjects)
    for fieldset, subject in zip(page.fieldsets, round_.subjects, strict=True):
        assert subject.name in fieldset["legend"] and subject.position in fieldset["legend"]
        assert fieldset["radios"] == {f"s{subject.id}"}
    data = {"code": code, f"s{round_.subjects[0].id}": "high"}
    review = client.post("/v/review", data=data).text
    assert_accessible_basics(review, "the review")
    assert 'aria-label="Chọn mức cho ' in review  # each blank line's button names the person
    assert client.post("/v/cast", data=data).status_code == 303
    assert_accessible_basics(client.get("/v/thanks").text, "thanks")


def test_voter_progress_names_the_current_step(client, make_round):
    round_ = make_round(cards=1, open_=True)
    landing = client.get("/v").text
    assert re.search(r'aria-current="step"><span class="n" aria-hidden="true">1</span> Nhập mã',
                     landing)
    ballot = client.post("/v", data={"code": round_.codes[0]}).text
    assert re.search(r'aria-current="step"><span class="n" aria-hidden="true">2</span> Chọn',
                     ballot)
    assert "(đã xong)" in ballot


def _forty_five(make_round):
    rows = [SubjectRow(i, f"Nguyễn Thị Phương Thảo {i}",
                       "Phó Chủ tịch Ủy ban nhân dân tỉnh, Ủy viên Ban Thường vụ Tỉnh ủy",
                       "Ủy ban nhân dân tỉnh") for i in range(1, 46)]
    return make_round(rows=rows, cards=1, open_=True, summoned=480, present=470)


def test_ballot_for_forty_five_subjects_is_light(client, make_round):
    round_ = _forty_five(make_round)
    response = client.post("/v", data={"code": round_.codes[0]})
    html = response.data
    assert html.count(b'type="radio"') == 45 * 3
    linked = re.findall(rb'(?:href|src)="([^"]+)"', html)
    assets = [url.decode() for url in linked if url.startswith(b"/static/")]
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    assert all(url.startswith((b"/", b"#")) for url in linked), "nothing from another host"
    sizes = {"html": len(html)}
    for asset in assets:
        with client.get(asset) as served:
            assert served.status_code == 200
            sizes[asset] = len(served.data)
    assert sum(sizes.values()) < BALLOT_BUDGET, sizes


# -- the organizer's pages ---------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "open", "closed"])
def test_organizer_pages_label_every_control(logged_in, session, make_round, state):
    from survey.desk.operations import close_round, open_round
    from tests.conftest import NOW

    round_ = make_round(cards=2)
    if state != "draft":
        open_round(session, round_, NOW)
    if state == "closed":
        close_round(session, round_, NOW)
    session.commit()
    pages = ["/", f"/rounds/{round_.id}", f"/rounds/{round_.id}/subjects",
             f"/rounds/{round_.id}/open", f"/rounds/{round_.id}/close",
             f"/rounds/{round_.id}/delete", f"/rounds/{round_.id}/turnout"]
    if state == "draft":
        pages += ["/rounds/new", f"/rounds/{round_.id}/edit"]
    for path in pages:
        response = logged_in.get(path)
        assert response.status_code == 200, path
        assert_accessible_basics(response.text, path)


def test_account_pages_label_every_control(client, make_user):
    make_user("admin", "admin")
    assert_accessible_basics(client.get("/login").text, "/login")
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert_accessible_basics(client.get("/users").text, "/users")
    assert_accessible_basics(client.get("/account/password").text, "/account/password")


def test_card_sheet_and_import_preview(logged_in, make_round):
    round_ = make_round()
    made = logged_in.post(f"/rounds/{round_.id}/cards", follow_redirects=True,
                          data={"count": "2", "once": once_token(logged_in, round_.id)}).text
    assert_accessible_basics(made, "the page of new cards")
    assert "Đã tạo 2 thẻ" in made and "Tải tệp PDF để in" in made
    bad = "STT,Họ và tên\n1,\n".encode()
    import io

    preview = logged_in.post(f"/rounds/{round_.id}/import",
                             data={"subjects_file": (io.BytesIO(bad), "ds.csv")},
                             content_type="multipart/form-data")
    assert preview.status_code == 422
    assert_accessible_basics(preview.text, "the import preview")
    assert re.search(r'<tr class="bad-row"><td>2</td>.*Dòng 2: thiếu họ và tên', preview.text,
                     re.S)


def test_error_pages_say_what_to_do_next(client, logged_in):
    missing = logged_in.get("/rounds/999")
    assert missing.status_code == 404
    assert "Hãy quay về danh sách các đợt." in missing.text
    assert 'href="/">Về danh sách các đợt</a>' in missing.text
    voter = client.post("/v/review", data={})  # a voter's page that lost its form
    assert voter.status_code == 400
    assert "Về trang nhập mã thẻ" in voter.text and "giơ tay báo ban kiểm phiếu" in voter.text
    assert "Các đợt" not in voter.text  # no organizer navigation on a voter's error


def test_skip_link_leads_to_the_main_content(client):
    html = client.get("/login").text
    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    assert '<main id="main" tabindex="-1">' in html
