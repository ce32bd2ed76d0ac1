"""The organizer's pages, through the test client: accounts, rounds, subjects, cards, results."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from survey.auth.models import User
from survey.ballots.cards import hash_code
from survey.ballots.models import Ballot, Card
from survey.db import Base
from survey.kinds.confidence import confidence_result
from survey.rounds.models import Round, RoundState, Subject
from survey.schema import create_all
from tests.conftest import DATA, NOW, PASSWORD, csrf_token, make_test_app
from tests.factories import (
    BTV,
    CODE,
    new_round_form,
    once_token,
    pdf_codes,
    pdf_text,
    vote,
    web_cards,
)

BASE_URL = "http://192.0.2.10:8000"
LEVEL_TEXTS = ("Tín nhiệm cao", "Tín nhiệm thấp", "Tín nhiệm")


#: A list with a missing name on line 3 and a bad STT on line 4 (line 1 is the header).
BAD_CSV = (
    "STT,Họ và tên,Chức vụ,Đơn vị\n"
    "1,Lò Văn Minh,Bí thư,Đảng ủy\n"
    "2,,Phó Bí thư,Đảng ủy\n"
    "ba,Vì Thị Hoa,Ủy viên,Đảng ủy\n"
).encode()

GOOD_CSV = (
    "STT,Họ và tên,Chức vụ,Đơn vị\n"
    "1,Lò Văn Minh,Bí thư,Đảng ủy\n"
    "2,Vì Thị Hoa,Phó Bí thư,Đảng ủy\n"
).encode()


def _fresh(session) -> None:
    """Forget what the test's session has read, before asserting on what a request stored.

    ``expire_all()`` alone is not enough on SQLite: in WAL mode a read transaction keeps the
    snapshot of its first read, so the session's transaction must end too. Call it only when
    the test has nothing uncommitted.
    """
    session.rollback()
    session.expire_all()


def _count(session, model, round_id: int) -> int:
    _fresh(session)
    return session.scalar(select(func.count()).select_from(model).where(model.round_id == round_id))


def _text(response) -> str:
    """The page as a reader sees it: entities decoded (Jinja escapes quotes and the like)."""
    return unescape(response.get_data(as_text=True))


def _round(session, round_id: int) -> Round | None:
    _fresh(session)
    return session.get(Round, round_id)


def _names(session, round_id: int) -> list[str]:
    _fresh(session)
    query = select(Subject.name).where(Subject.round_id == round_id).order_by(Subject.order)
    return list(session.scalars(query))


def _card(session, round_id: int, serial: int) -> Card:
    _fresh(session)
    return session.scalars(
        select(Card).where(Card.round_id == round_id, Card.serial == serial)
    ).one()


def _step(client, session, round_id: int, step: str, password: str = PASSWORD):
    """Open, close or publish through the confirmation page."""
    _fresh(session)  # the close compacts the file: no reader of ours may hold a snapshot
    return client.post(f"/rounds/{round_id}/{step}", data={"password": password})


def _round_count(session) -> int:
    _fresh(session)
    return session.scalar(select(func.count()).select_from(Round))


# -- login, logout, roles ------------------------------------------------------------------------


def test_login_and_logout(client, make_user):
    make_user()
    page = client.get("/login")
    assert page.status_code == 200
    assert "Đăng nhập" in page.text
    response = client.post("/login", data={"username": "organizer", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    index = client.get("/")
    assert index.status_code == 200
    assert "Đăng xuất (organizer)" in index.text
    out = client.post("/logout")
    assert out.status_code == 302
    assert out.headers["Location"] == "/login"
    assert "Đã đăng xuất." in client.get("/login").text
    assert client.get("/").status_code == 302


def test_login_follows_a_local_next_only(client, make_user):
    make_user()
    data = {"username": "organizer", "password": PASSWORD}
    response = client.post("/login?next=/rounds/new", data=data)
    assert response.headers["Location"] == "/rounds/new"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/",
                   "/\t/evil.example/"):
        client.post("/logout")
        response = client.post("/login", query_string={"next": target}, data=data)
        assert response.status_code == 302
        location = response.headers["Location"]
        # browsers read "\\" as "/" and drop tabs: neither may reach another host
        assert not location.replace("\\", "/").replace("\t", "").startswith("//"), target
        assert "evil.example" not in location or location.startswith("/%"), target


def test_wrong_password_is_401_with_the_message(client, make_user):
    make_user()
    response = client.post("/login", data={"username": "organizer", "password": "sai mật khẩu"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
    unknown = client.post("/login", data={"username": "ai-do", "password": PASSWORD})
    assert unknown.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in unknown.text
    assert client.get("/rounds/new").status_code == 302  # still not logged in


@pytest.mark.parametrize(
    "path",
    ["/rounds/new", "/rounds/{id}", "/rounds/{id}/subjects", "/rounds/{id}/open",
     "/rounds/{id}/turnout", "/rounds/{id}/delete", "/rounds/{id}/edit"],
)
def test_anonymous_is_sent_to_login(client, make_round, path):
    round_ = make_round()
    response = client.get(path.format(id=round_.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_anonymous_results_and_index_go_to_login(client, make_round):
    round_ = make_round()
    for path in ("/", f"/rounds/{round_.id}/results", f"/rounds/{round_.id}/results.json"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path


def test_observer_gets_403_on_organizer_pages(login, session, make_round):
    round_ = make_round(cards=2)
    client = login("btv", "observer")
    for path in ("/rounds/new", f"/rounds/{round_.id}", f"/rounds/{round_.id}/subjects",
                 f"/rounds/{round_.id}/open", f"/rounds/{round_.id}/turnout",
                 f"/rounds/{round_.id}/delete", "/users"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Bạn không có quyền xem trang này." in response.text
    for path, data in [
        ("/rounds/new", new_round_form()),
        (f"/rounds/{round_.id}/attendance", {"summoned": "40", "present": "40"}),
        (f"/rounds/{round_.id}/open", {"password": PASSWORD}),
        (f"/rounds/{round_.id}/cards", {"count": "3"}),
        (f"/rounds/{round_.id}/delete", {}),
    ]:
        assert client.post(path, data=data).status_code == 403, path
    assert _round(session, round_.id).state is RoundState.draft
    assert _round(session, round_.id).present == 38
    assert _count(session, Card, round_.id) == 2
    assert _round_count(session) == 1


# -- creating a round ----------------------------------------------------------------------------


def test_new_round_page(logged_in):
    response = logged_in.get("/rounds/new")
    assert response.status_code == 200
    assert "Tạo đợt lấy phiếu" in response.text
    assert re.search(r'<input [^>]*name="min_ballots"[^>]* value="5">', response.text)


def test_create_round_from_the_btv_file(logged_in, session):
    data = new_round_form()
    data["subjects_file"] = (io.BytesIO((DATA / "tin-nhiem-btv.csv").read_bytes()),
                             "tin-nhiem-btv.csv")
    response = logged_in.post("/rounds/new", data=data)
    assert response.status_code == 302
    round_id = int(re.fullmatch(r"/rounds/(\d+)", response.headers["Location"])[1])
    round_ = _round(session, round_id)
    assert round_.title == "Lấy phiếu tín nhiệm giữa nhiệm kỳ 2025-2030"
    assert round_.body == "Ban Chấp hành Đảng bộ thành phố"
    assert round_.place == "Hội trường Thành ủy"
    assert round_.held_on.isoformat() == "2026-11-02"
    assert (round_.summoned, round_.present, round_.min_ballots) == (40, None, 5)
    assert round_.state is RoundState.draft
    assert [s.name for s in round_.subjects] == BTV
    assert [s.order for s in round_.subjects] == list(range(1, 13))
    assert round_.subjects[1].position == (
        "Phó Bí thư Thường trực Thành ủy, Chủ tịch HĐND thành phố"
    )
    assert round_.subjects[9].unit == "Công an thành phố"
    page = logged_in.get(response.headers["Location"])
    assert "Đã tạo đợt lấy phiếu." in page.text
    assert "12 người, theo thứ tự trên phiếu." in page.text
    assert "Đang chuẩn bị" in page.text


def test_create_round_with_a_malformed_file_names_each_bad_line(logged_in, session):
    data = new_round_form()
    data["subjects_file"] = (io.BytesIO(BAD_CSV), "danh-sach.csv")
    response = logged_in.post("/rounds/new", data=data)
    assert response.status_code == 422
    text = _text(response)
    assert "Tệp danh sách có lỗi, chưa nhập gì" in text
    assert "Dòng 3: thiếu họ và tên" in text
    assert "Dòng 4: STT “ba” không phải số nguyên dương" in text
    assert "Dòng 2" not in text
    assert _round_count(session) == 0
    assert session.scalar(select(func.count()).select_from(Subject)) == 0


def test_create_round_without_a_title_creates_nothing(logged_in, session):
    response = logged_in.post("/rounds/new", data=new_round_form(title=""))
    assert response.status_code == 200
    assert _round_count(session) == 0


def test_edit_a_draft_round(logged_in, session, make_round):
    round_ = make_round()
    page = logged_in.get(f"/rounds/{round_.id}/edit")
    assert page.status_code == 200
    assert round_.title in page.text
    data = new_round_form(title="  Lấy phiếu   năm 2026 ", denominator="present",
                          min_ballots="3")
    response = logged_in.post(f"/rounds/{round_.id}/edit", data=data)
    assert response.status_code == 302
    edited = _round(session, round_.id)
    assert (edited.title, edited.denominator, edited.min_ballots) == (
        "Lấy phiếu năm 2026", "present", 3
    )


def test_rules_cannot_be_edited_once_open(logged_in, session, make_round):
    round_ = make_round(open_=True)
    title = round_.title
    data = new_round_form(title="Đổi tên", denominator="summoned", min_ballots="1")
    response = logged_in.post(f"/rounds/{round_.id}/edit", data=data)
    assert response.status_code == 409
    assert "Đợt lấy phiếu đã mở: danh sách và quy tắc không thể thay đổi nữa." in response.text
    edited = _round(session, round_.id)
    assert (edited.title, edited.denominator, edited.min_ballots) == (title, "collected", 5)


# -- the subjects page ---------------------------------------------------------------------------


def test_subjects_add_move_and_remove(logged_in, session, make_round):
    round_ = make_round()
    url = f"/rounds/{round_.id}/subjects"
    page = logged_in.get(url)
    assert page.status_code == 200
    for name in BTV:
        assert name in page.text
    response = logged_in.post(url, data={"name": "  Lò  Văn   Pọm ", "position": "Ủy viên BCH",
                                         "unit": "Đảng ủy phường"})
    assert response.status_code == 302
    assert _names(session, round_.id) == [*BTV, "Lò Văn Pọm"]
    new = session.scalars(select(Subject).where(Subject.name == "Lò Văn Pọm")).one()
    assert (new.order, new.position, new.unit) == (13, "Ủy viên BCH", "Đảng ủy phường")

    ids = {s.name: s.id for s in _round(session, round_.id).subjects}
    assert logged_in.post(f"{url}/{ids['Lò Văn Pọm']}/up").status_code == 302
    assert _names(session, round_.id)[-2:] == ["Lò Văn Pọm", "Quàng Minh Toàn"]
    logged_in.post(f"{url}/{ids[BTV[0]]}/down")
    assert _names(session, round_.id)[:3] == [BTV[1], BTV[0], BTV[2]]
    logged_in.post(f"{url}/{ids[BTV[1]]}/up")  # already first: nothing moves
    assert _names(session, round_.id)[:2] == [BTV[1], BTV[0]]

    assert logged_in.post(f"{url}/{ids[BTV[2]]}/remove").status_code == 302
    names = _names(session, round_.id)
    assert BTV[2] not in names and len(names) == 12
    orders = session.scalars(
        select(Subject.order).where(Subject.round_id == round_.id).order_by(Subject.order)
    ).all()
    assert orders == list(range(1, 13))  # renumbered, no gap
    assert "Lò Văn Pọm" in logged_in.get(url).text


def test_subject_of_another_round_is_404(logged_in, session, make_round):
    round_ = make_round()
    other = make_round(title="Khác")
    response = logged_in.post(f"/rounds/{round_.id}/subjects/{other.subjects[0].id}/remove")
    assert response.status_code == 404
    assert len(_names(session, other.id)) == 12


def test_import_preview_with_a_bad_file_changes_nothing(logged_in, session, make_round):
    round_ = make_round()
    response = logged_in.post(
        f"/rounds/{round_.id}/import",
        data={"subjects_file": (io.BytesIO(BAD_CSV), "moi.csv")},
    )
    assert response.status_code == 422
    text = _text(response)
    assert "Dòng 3: thiếu họ và tên" in text
    assert "Dòng 4: STT “ba” không phải số nguyên dương" in text
    assert "Xác nhận nhập danh sách" not in text
    assert _names(session, round_.id) == BTV


def test_import_preview_then_confirm_replaces_the_list(logged_in, session, make_round):
    round_ = make_round()
    response = logged_in.post(
        f"/rounds/{round_.id}/import",
        data={"subjects_file": (io.BytesIO(GOOD_CSV), "moi.csv")},
    )
    assert response.status_code == 200
    text = _text(response)
    assert "Lò Văn Minh" in text and "Vì Thị Hoa" in text
    assert "2 người sẽ thay thế danh sách hiện tại." in text
    assert _names(session, round_.id) == BTV  # only a preview so far
    rows = unescape(re.search(r'name="rows" type="hidden" value="([^"]*)"', response.text)[1])
    assert json.loads(rows) == [["Lò Văn Minh", "Bí thư", "Đảng ủy"],
                                ["Vì Thị Hoa", "Phó Bí thư", "Đảng ủy"]]
    confirm = logged_in.post(f"/rounds/{round_.id}/import/confirm", data={"rows": rows})
    assert confirm.status_code == 302
    assert _names(session, round_.id) == ["Lò Văn Minh", "Vì Thị Hoa"]
    assert "Đã nhập 2 người vào danh sách." in logged_in.get(confirm.headers["Location"]).text


def test_import_confirm_with_tampered_rows_changes_nothing(logged_in, session, make_round):
    round_ = make_round()
    for rows in ("", "không phải JSON", "[]", "null", '{"a": 1}', '[["", "x", "y"]]',
                 '[["Tên"]]', '["abc"]', '[["Tên", null, 3]]', '[["Tên", "", "", ""]]'):
        response = logged_in.post(f"/rounds/{round_.id}/import/confirm", data={"rows": rows})
        assert response.status_code == 302
        assert _names(session, round_.id) == BTV, rows


def test_subjects_are_frozen_once_open(logged_in, session, make_round):
    round_ = make_round(cards=2, open_=True)
    first = round_.subjects[0].id
    url = f"/rounds/{round_.id}/subjects"
    message = "Đợt lấy phiếu đã mở: danh sách và quy tắc không thể thay đổi nữa."

    page = logged_in.get(url)
    assert page.status_code == 200
    assert "Thêm vào cuối danh sách" not in page.text and "Xem trước" not in page.text

    added = logged_in.post(url, data={"name": "Người Mới", "position": "", "unit": ""})
    assert added.status_code == 409
    assert message in added.text
    for action in ("up", "down", "remove"):
        response = logged_in.post(f"{url}/{first}/{action}", follow_redirects=True)
        assert message in response.text, action
    preview = logged_in.post(f"/rounds/{round_.id}/import",
                             data={"subjects_file": (io.BytesIO(GOOD_CSV), "moi.csv")})
    assert preview.status_code == 409
    assert message in preview.text
    assert "Xác nhận nhập danh sách" not in preview.text
    rows = json.dumps([["Lò Văn Minh", "", ""]])
    confirm = logged_in.post(f"/rounds/{round_.id}/import/confirm", data={"rows": rows},
                             follow_redirects=True)
    assert message in confirm.text
    assert _names(session, round_.id) == BTV


# -- attendance and opening ----------------------------------------------------------------------


def test_quorum_is_two_thirds_exactly(logged_in, session, make_round):
    round_ = make_round(summoned=None, cards=30, issue=False)  # no card is issued before
    url = f"/rounds/{round_.id}"                                   # the attendance

    response = logged_in.post(f"{url}/attendance", data={"summoned": "40", "present": "26"},
                              follow_redirects=True)
    assert "Chưa đủ 2/3 số người được triệu tập có mặt: chưa thể mở bỏ phiếu." in response.text
    assert "Triệu tập: 40 · Có mặt: 26 · Vắng: 14" in response.text
    assert (_round(session, round_.id).summoned, _round(session, round_.id).present) == (40, 26)

    refused = _step(logged_in, session, round_.id, "open")  # 3*26 = 78 < 80
    assert refused.status_code == 409
    assert ("Không đủ số người có mặt: cần ít nhất 2/3 của 40 người được triệu tập, "
            "hiện có 26.") in refused.text
    assert _round(session, round_.id).state is RoundState.draft

    response = logged_in.post(f"{url}/attendance", data={"summoned": "40", "present": "27"},
                              follow_redirects=True)
    assert "Đã ghi số người có mặt. Đủ điều kiện tiến hành." in response.text
    opened = _step(logged_in, session, round_.id, "open")  # 3*27 = 81 >= 80
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"{url}/turnout"
    assert _round(session, round_.id).state is RoundState.open
    assert _round(session, round_.id).opened_at is not None


def test_attendance_is_checked(logged_in, session, make_round):
    round_ = make_round(summoned=None)
    url = f"/rounds/{round_.id}/attendance"
    for data in ({"summoned": "40", "present": "41"}, {"summoned": "0", "present": "0"},
                 {"summoned": "40", "present": ""}, {"summoned": "bốn mươi", "present": "30"}):
        response = logged_in.post(url, data=data, follow_redirects=True)
        assert "flash error" in response.text, data
        assert _round(session, round_.id).present is None, data


def test_attendance_can_only_grow_once_open(logged_in, session, make_round):
    """While voting, a late arrival can be recorded; nothing else about the attendance moves."""
    round_ = make_round(open_=True)
    url = f"/rounds/{round_.id}/attendance"
    response = logged_in.post(url, data={"summoned": "40", "present": "20"},
                              follow_redirects=True)
    assert "chỉ có thể ghi thêm người đến muộn" in response.text
    assert _round(session, round_.id).present == 38
    response = logged_in.post(url, data={"summoned": "45", "present": "39"},
                              follow_redirects=True)
    assert "không thể đổi số người được triệu tập" in response.text
    assert (_round(session, round_.id).summoned, _round(session, round_.id).present) == (40, 38)
    response = logged_in.post(url, data={"summoned": "40", "present": "39"},
                              follow_redirects=True)
    assert "Đã ghi số người có mặt." in response.text
    assert _round(session, round_.id).present == 39


@pytest.mark.parametrize(("state", "step", "after"), [
    ("draft", "open", RoundState.open),
    ("open", "close", RoundState.closed),
    ("closed", "publish", RoundState.published),
])
def test_each_step_needs_the_password(logged_in, session, make_round, state, step, after):
    from survey.desk.operations import close_round

    round_ = make_round(cards=3, open_=state != "draft")
    if state == "closed":
        close_round(session, round_, NOW)
        session.commit()
    before = _round(session, round_.id).state

    page = logged_in.get(f"/rounds/{round_.id}/{step}")
    assert page.status_code == 200
    assert re.search(r'<input [^>]*name="password"[^>]* type="password"', page.text)

    for password in ("sai mật khẩu", ""):
        wrong = _step(logged_in, session, round_.id, step, password)
        assert wrong.status_code == (403 if password else 200)
        assert _round(session, round_.id).state is before
    assert "Mật khẩu không đúng." in _step(logged_in, session, round_.id, step, "x").text

    right = _step(logged_in, session, round_.id, step)
    assert right.status_code == 302
    assert _round(session, round_.id).state is after
    again = _step(logged_in, session, round_.id, step)  # a second click changes nothing
    assert again.status_code == 409
    assert _round(session, round_.id).state is after


def test_step_out_of_order_is_refused(logged_in, session, make_round):
    round_ = make_round(cards=1)
    page = logged_in.get(f"/rounds/{round_.id}/publish")
    assert "Đợt đang ở trạng thái “Đang chuẩn bị”: không thể thực hiện bước này." in _text(page)
    for step in ("close", "publish"):
        response = _step(logged_in, session, round_.id, step)
        assert response.status_code == 409, step
    assert _round(session, round_.id).state is RoundState.draft


# -- cards ---------------------------------------------------------------------------------------


def _all_stored_text(session) -> str:
    _fresh(session)
    dump = []
    for table in Base.metadata.sorted_tables:
        dump += [repr(tuple(row)) for row in session.execute(select(table))]
    return "\n".join(dump)


def test_create_cards_answers_a_short_page_and_prints_the_codes_once(logged_in, session,
                                                                      make_round):
    """The page after "create cards" names no code; the PDF, downloadable once, is the only
    place the codes appear, and the server keeps only their hashes."""
    round_ = make_round()
    made = logged_in.post(f"/rounds/{round_.id}/cards",
                          data={"count": "5", "once": once_token(logged_in, round_.id)})
    assert made.status_code == 302 and made.headers["Location"] == f"/rounds/{round_.id}/cards/new"
    page = logged_in.get(made.headers["Location"])
    assert page.status_code == 200 and "Đã tạo 5 thẻ" in page.text
    assert not CODE.search(page.text) and "<svg" not in page.text
    assert len(page.data) < 20_000

    pdf = logged_in.post(f"/rounds/{round_.id}/cards/pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="the-{round_.id}-1-5.pdf"'
    codes = pdf_codes(pdf.data)
    assert len(codes) == len(set(codes)) == 5
    text = pdf_text(pdf.data)
    assert f"mở {BASE_URL}/v và nhập mã" in " ".join(text.split())

    cards = session.scalars(select(Card).where(Card.round_id == round_.id)
                            .order_by(Card.serial)).all()
    assert [c.serial for c in cards] == [1, 2, 3, 4, 5]
    assert [c.code_hash for c in cards] == [hash_code(code) for code in codes]
    assert not any(c.issued or c.used or c.voided for c in cards)
    stored = _all_stored_text(session)
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored

    # once: the sheet cannot be downloaded again, and no page shows a code
    again = logged_in.post(f"/rounds/{round_.id}/cards/pdf")
    assert again.status_code == 302 and again.mimetype != "application/pdf"
    assert "chỉ tải được một lần" in logged_in.get(again.headers["Location"]).text
    for url in (f"/rounds/{round_.id}", f"/rounds/{round_.id}/cards/new"):
        assert not CODE.search(logged_in.get(url, follow_redirects=True).text), url
    show = logged_in.get(f"/rounds/{round_.id}")
    assert "Đã tạo: 5 · Đã kích hoạt (phát ra): 0 · Đã hủy: 0" in show.text


def test_a_double_submit_or_reload_of_create_cards_makes_one_batch(logged_in, session,
                                                                     make_round):
    """The same form sent twice (a double click, a reload of the POST, the back button) makes
    one batch; the second answer says why."""
    round_ = make_round()
    data = {"count": "4", "once": once_token(logged_in, round_.id)}
    first = logged_in.post(f"/rounds/{round_.id}/cards", data=data)
    second = logged_in.post(f"/rounds/{round_.id}/cards", data=data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == f"/rounds/{round_.id}#cards"
    assert "đã được gửi một lần" in logged_in.get(second.headers["Location"]).text
    assert _count(session, Card, round_.id) == 4
    # the batch of the first submission is still the one printed
    codes = pdf_codes(logged_in.post(f"/rounds/{round_.id}/cards/pdf").data)
    assert [hash_code(c) for c in codes] == [
        c.code_hash for c in session.scalars(select(Card).where(Card.round_id == round_.id)
                                             .order_by(Card.serial))]
    # a reload of the page after the redirect makes nothing either
    logged_in.get(f"/rounds/{round_.id}/cards/new")
    assert _count(session, Card, round_.id) == 4
    # a form without its token is refused; a fresh page's form makes a new batch
    assert logged_in.post(f"/rounds/{round_.id}/cards", data={"count": "2"}).status_code == 302
    assert _count(session, Card, round_.id) == 4
    web_cards(logged_in, round_.id, 2)
    assert _count(session, Card, round_.id) == 6


def test_cards_pdf_needs_a_batch_of_this_round(logged_in, session, make_round):
    round_ = make_round()
    other = make_round(title="Khác")
    web_cards(logged_in, round_.id, 2)
    logged_in.post(f"/rounds/{other.id}/cards",
                   data={"count": "1", "once": once_token(logged_in, other.id)})
    refused = logged_in.post(f"/rounds/{round_.id}/cards/pdf")  # the batch waiting is other's
    assert refused.status_code == 302
    assert refused.headers["Location"] == f"/rounds/{round_.id}#cards"
    ok = logged_in.post(f"/rounds/{other.id}/cards/pdf")
    assert ok.mimetype == "application/pdf" and len(pdf_codes(ok.data)) == 1


def test_issue_void_and_replace_cards(logged_in, session, make_round):
    round_ = make_round(cards=5, issue=False)
    url = f"/rounds/{round_.id}/cards"

    response = logged_in.post(f"{url}/issue", data={"serials": "1-3"}, follow_redirects=True)
    assert "Đã kích hoạt 3 thẻ." in response.text
    assert [_card(session, round_.id, n).issued for n in range(1, 6)] == [True] * 3 + [False] * 2
    response = logged_in.post(f"{url}/issue", data={"serials": ""}, follow_redirects=True)
    assert "Đã kích hoạt 2 thẻ." in response.text
    assert all(_card(session, round_.id, n).issued for n in range(1, 6))

    response = logged_in.post(f"{url}/void", data={"serial": "4"}, follow_redirects=True)
    assert "Đã hủy thẻ số 4." in response.text
    assert _card(session, round_.id, 4).voided

    replaced = logged_in.post(f"{url}/replace", data={"serial": "5"}, follow_redirects=True)
    assert replaced.status_code == 200
    assert "Đã hủy thẻ số 5 và tạo thẻ thay thế số 6 (đã kích hoạt)." in replaced.text
    assert not CODE.search(replaced.text)
    [code] = pdf_codes(logged_in.post(f"{url}/pdf").data)
    new = _card(session, round_.id, 6)
    assert new.code_hash == hash_code(code)
    assert new.issued and not new.voided and not new.used
    assert _card(session, round_.id, 5).voided
    show = logged_in.get(f"/rounds/{round_.id}")
    assert "Đã tạo: 6 · Đã kích hoạt (phát ra): 4 · Đã hủy: 2" in show.text


def test_issue_refuses_unknown_serials(logged_in, session, make_round):
    round_ = make_round(cards=3, issue=False)
    for serials in ("2-9", "một"):
        response = logged_in.post(f"/rounds/{round_.id}/cards/issue", data={"serials": serials},
                                  follow_redirects=True)
        assert "flash error" in response.text, serials
    assert not any(_card(session, round_.id, n).issued for n in range(1, 4))


def test_voiding_a_used_card_is_refused(client, logged_in, session, make_round):
    round_ = make_round(cards=2, open_=True)
    assert vote(client, round_.codes[0], {round_.subjects[0].id: "high"}).status_code == 303
    response = logged_in.post(f"/rounds/{round_.id}/cards/void", data={"serial": "1"},
                              follow_redirects=True)
    assert "Thẻ số 1 đã được dùng để bỏ phiếu, không thể hủy." in response.text
    card = _card(session, round_.id, 1)
    assert card.used and not card.voided
    response = logged_in.post(f"/rounds/{round_.id}/cards/replace", data={"serial": "1"},
                              follow_redirects=True)
    assert "không thể hủy" in response.text
    assert _count(session, Card, round_.id) == 2


# -- turnout and results -------------------------------------------------------------------------


def test_turnout_while_open_shows_only_the_count(logged_in, session, make_round):
    round_ = make_round(cards=4, open_=True)
    vote(logged_in, round_.codes[0], {round_.subjects[0].id: "low"})
    vote(logged_in, round_.codes[1], {round_.subjects[1].id: "high"})
    response = logged_in.get(f"/rounds/{round_.id}/turnout")
    assert response.status_code == 200
    html = response.text
    assert "2 / 4 thẻ đã bỏ phiếu" in html
    assert '<meta http-equiv="refresh" content="5">' in html
    for subject in round_.subjects:
        assert subject.name not in html
        assert subject.position not in html
    for label in LEVEL_TEXTS:
        assert label not in html


def _observer(app, make_user):
    make_user("btv", "observer")
    client = app.test_client()
    client.post("/login", data={"username": "btv", "password": PASSWORD})
    return client


RESULT_PATHS = ("/results", "/results.json", "/results.csv")


def test_results_are_hidden_until_closed_and_from_readers_until_published(
    app, logged_in, session, make_round, make_user
):
    observer = _observer(app, make_user)
    round_ = make_round(cards=3, open_=True)
    base = f"/rounds/{round_.id}"
    for path in RESULT_PATHS:
        response = logged_in.get(base + path)
        assert response.status_code == 409, path
        assert "Kết quả chỉ xem được sau khi kết thúc bỏ phiếu." in response.text
        assert response.headers["Cache-Control"] == "no-store"
        assert "Lường Hữu Ánh" not in response.text
        assert observer.get(base + path).status_code == 404, path
    index = observer.get("/").text
    assert round_.title not in index and "Chưa có kết quả nào được công bố." in index

    assert _step(logged_in, session, round_.id, "close").status_code == 302
    for path in RESULT_PATHS:
        assert logged_in.get(base + path).status_code == 200, path
        assert observer.get(base + path).status_code == 404, path

    assert _step(logged_in, session, round_.id, "publish").status_code == 302
    for path in RESULT_PATHS:
        assert logged_in.get(base + path).status_code == 200, path
        assert observer.get(base + path).status_code == 200, path
    index = observer.get("/")
    assert round_.title in index.text
    assert f'href="{base}/results"' in index.text


def test_results_of_a_draft_round_are_not_shown(logged_in, make_round):
    round_ = make_round()
    for path in RESULT_PATHS:
        assert logged_in.get(f"/rounds/{round_.id}{path}").status_code == 409
    assert logged_in.get("/rounds/9999/results").status_code == 404


def _cast_seven(client, round_):
    """Seven ballots on the first four subjects; the other eight lines are left blank."""
    s = [subject.id for subject in round_.subjects]
    ballots = [
        {s[0]: "high", s[1]: "low", s[2]: "low", s[3]: "low"},
        {s[0]: "high", s[1]: "low", s[2]: "low", s[3]: "low"},
        {s[0]: "confidence", s[1]: "low", s[2]: "low", s[3]: "low"},
        {s[0]: "confidence", s[1]: "low", s[2]: "confidence", s[3]: "low"},
        {s[0]: "low", s[1]: "confidence"},
        {s[0]: "high", s[1]: "high"},
        {s[0]: "confidence", s[1]: "low"},
    ]
    for code, choices in zip(round_.codes, ballots, strict=False):
        assert vote(client, code, choices).status_code == 303


def test_results_after_close_match_the_tally(client, logged_in, session, make_round):
    round_ = make_round(cards=8, open_=True)
    _cast_seven(client, round_)
    assert _step(logged_in, session, round_.id, "close").headers["Location"] == (
        f"/rounds/{round_.id}/results"
    )
    round_ = _round(session, round_.id)
    result = confidence_result(session, round_)
    assert not result.suppressed and result.figures.collected == 7

    html = logged_in.get(f"/rounds/{round_.id}/results").text
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))
    assert facts == {"Số người được triệu tập": "40", "Số người có mặt": "38",
                     "Số phiếu phát ra": "8", "Số phiếu thu về": "7"}
    rows = re.findall(r"<tr[^>]*>\s*<td>(\d+)</td>(.*?)</tr>", html, re.S)
    assert len(rows) == 12
    for (order, row), subject, line in zip(rows, round_.subjects, result.subjects, strict=True):
        assert int(order) == subject.order
        assert subject.name in row and subject.position in row
        numbers = re.findall(r'<td class="num">([^<]*)</td>', row)
        expected = []
        for level in ("high", "confidence", "low"):
            expected += [str(line.counts.as_dict()[level]), str(line.percent[level])]
        assert numbers == [str(line.valid), *expected, str(line.invalid)]
    # the figures themselves, worked out by hand
    numbers = [re.findall(r'"num">([^<]*)<', row) for _, row in rows]
    assert numbers[0] == ["7", "3", "42.86", "3", "42.86", "1", "14.29", "0"]
    assert numbers[1] == ["7", "1", "14.29", "1", "14.29", "5", "71.43", "0"]
    assert numbers[2] == ["4", "0", "0.00", "1", "14.29", "3", "42.86", "3"]
    assert numbers[3] == ["4", "0", "0.00", "0", "0.00", "4", "57.14", "3"]
    assert numbers[4] == ["0", "0", "0.00", "0", "0.00", "0", "0.00", "7"]
    assert "Từ 2/3 trở lên tín nhiệm thấp" in rows[1][1]  # 3*5 >= 2*7
    assert "Trên 1/2 đến dưới 2/3 tín nhiệm thấp" in rows[3][1]  # 2*4 > 7, 3*4 < 14
    for index in (0, 2, 4):
        assert "tín nhiệm thấp" not in rows[index][1]
    assert "Tỷ lệ phần trăm tính trên số phiếu thu về (7)" in html


def test_results_json_and_csv(client, logged_in, session, make_round):
    round_ = make_round(cards=8, open_=True)
    _cast_seven(client, round_)
    _step(logged_in, session, round_.id, "close")

    response = logged_in.get(f"/rounds/{round_.id}/results.json")
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert {k: data["round"][k] for k in ("id", "title", "kind", "status")} == {
        "id": round_.id, "title": round_.title, "kind": "confidence", "status": "closed",
    }
    assert (data["summoned"], data["present"], data["issued"], data["collected"]) == (40, 38, 8, 7)
    assert data["suppressed"] is False
    subjects = data["subjects"]
    assert [s["order"] for s in subjects] == list(range(1, 13))
    assert [s["name"] for s in subjects] == BTV
    assert subjects[0]["position"] == "Bí thư Thành ủy"
    assert {k: subjects[0][k] for k in ("valid", "invalid", "counts", "percent", "band")} == {
        "valid": 7, "invalid": 0,
        "counts": {"high": 3, "confidence": 3, "low": 1},
        "percent": {"high": "42.86", "confidence": "42.86", "low": "14.29"},
        "band": None,
    }
    assert subjects[1]["counts"] == {"high": 1, "confidence": 1, "low": 5}
    assert subjects[1]["percent"]["low"] == "71.43"
    assert subjects[1]["band"] == "two_thirds_low"
    assert (subjects[2]["valid"], subjects[2]["invalid"]) == (4, 3)
    assert subjects[2]["percent"] == {"high": "0.00", "confidence": "14.29", "low": "42.86"}
    assert subjects[2]["band"] is None
    assert subjects[3]["band"] == "over_half_low"
    assert subjects[11]["counts"] == {"high": 0, "confidence": 0, "low": 0}
    assert subjects[11]["invalid"] == 7
    for subject in subjects:
        for value in subject["percent"].values():
            assert re.fullmatch(r"\d{1,3}\.\d\d", value)

    response = logged_in.get(f"/rounds/{round_.id}/results.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ket-qua-{round_.id}.csv"'
    )
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Phiếu phát ra",
                        "Phiếu thu về", "Hợp lệ", "Không hợp lệ",
                        "Tín nhiệm cao", "Tín nhiệm cao (%)", "Tín nhiệm", "Tín nhiệm (%)",
                        "Tín nhiệm thấp", "Tín nhiệm thấp (%)", "Ngưỡng"]
    assert len(table) == 13
    assert table[1] == ["1", BTV[0], "Bí thư Thành ủy", "Thành ủy", "8", "7", "7", "0",
                        "3", "42.86", "3", "42.86", "1", "14.29", ""]
    assert table[2][12:14] == ["5", "71.43"]
    assert [row[1] for row in table[1:]] == BTV


def test_results_csv_names_the_band_in_vietnamese(client, logged_in, session, make_round):
    round_ = make_round(cards=8, open_=True)
    _cast_seven(client, round_)
    _step(logged_in, session, round_.id, "close")
    text = logged_in.get(f"/rounds/{round_.id}/results.csv").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[2][-1] == "Từ 2/3 trở lên tín nhiệm thấp"
    assert table[4][-1] == "Trên 1/2 đến dưới 2/3 tín nhiệm thấp"


def test_too_few_ballots_show_no_figures(client, logged_in, session, make_round):
    round_ = make_round(cards=6, open_=True, min_ballots=5)
    s = round_.subjects
    for code, choice in zip(round_.codes[:4], ("low", "low", "high", "low"), strict=True):
        assert vote(client, code, {s[0].id: choice}).status_code == 303
    _step(logged_in, session, round_.id, "close")

    html = logged_in.get(f"/rounds/{round_.id}/results").text
    assert "Chỉ thu về 4 phiếu, ít hơn mức tối thiểu 5" in html
    assert 'class="num"' not in html
    assert "75.00" not in html and "Tín nhiệm thấp" not in html

    data = logged_in.get(f"/rounds/{round_.id}/results.json").get_json()
    assert data["suppressed"] is True and data["collected"] == 4
    for subject in data["subjects"]:
        assert subject["counts"] is None
        assert subject["percent"] is None
        assert subject["valid"] is None and subject["invalid"] is None
        assert subject["band"] is None

    text = logged_in.get(f"/rounds/{round_.id}/results.csv").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == 13
    for row in table[1:]:
        assert row[6:] == [""] * (len(table[0]) - 6), row
    assert "75.00" not in text


# -- deleting ------------------------------------------------------------------------------------


def test_delete_a_draft_round(logged_in, session, make_round):
    round_ = make_round(cards=3)
    keep = make_round(title="Giữ lại", cards=1)
    round_id, keep_id = round_.id, keep.id
    page = logged_in.get(f"/rounds/{round_id}/delete")
    assert page.status_code == 200
    assert f"Xóa đợt “{round_.title}”?" in _text(page)
    assert "Xóa hẳn" in page.text
    assert _round(session, round_id) is not None  # the page alone deletes nothing
    response = logged_in.post(f"/rounds/{round_id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert _round(session, round_id) is None
    assert _count(session, Card, round_id) == 0
    assert session.scalar(
        select(func.count()).select_from(Subject).where(Subject.round_id == round_id)
    ) == 0
    assert _count(session, Card, keep_id) == 1 and len(_names(session, keep_id)) == 12
    assert "Đã xóa đợt lấy phiếu." in logged_in.get("/").text
    assert logged_in.get(f"/rounds/{round_id}").status_code == 404


def test_an_open_round_cannot_be_deleted(client, logged_in, session, make_round):
    round_ = make_round(cards=2, open_=True)
    vote(client, round_.codes[0], {round_.subjects[0].id: "high"})
    page = logged_in.get(f"/rounds/{round_.id}/delete")
    assert "Chỉ có thể xóa một đợt đang chuẩn bị." in page.text
    assert "Xóa hẳn" not in page.text
    response = logged_in.post(f"/rounds/{round_.id}/delete")
    assert response.status_code == 409
    assert "Chỉ có thể xóa một đợt đang chuẩn bị." in response.text
    assert _round(session, round_.id).state is RoundState.open
    assert _count(session, Ballot, round_.id) == 1
    assert _count(session, Card, round_.id) == 2


# -- CSRF ----------------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(database_url, tmp_path):
    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    app.instance_path = str(tmp_path / "csrf-instance")
    with app.app_context():
        create_all()
    yield app
    app.extensions["survey.engine"].dispose()


def test_csrf_token_is_required_and_enough(csrf_app, session, make_user, make_round):
    make_user()
    round_ = make_round(cards=2, open_=True)
    round_id, sid, code = round_.id, round_.subjects[0].id, round_.codes[0]
    client = csrf_app.test_client()
    refused = "Trang đã hết hạn hoặc thiếu mã bảo vệ. Hãy tải lại trang và thử lại."

    login = {"username": "organizer", "password": PASSWORD}
    response = client.post("/login", data=login)
    assert response.status_code == 400
    assert refused in response.text
    for path in ("/v", "/v/cast"):
        response = client.post(path, data={"code": code, f"s{sid}": "high"})
        assert response.status_code == 400, path
        assert refused in response.text
    assert _count(session, Ballot, round_id) == 0

    # the voter's whole path, each step with the token of the page before
    landing = client.get("/v")
    ballot = client.post("/v", data={"code": code, "csrf_token": csrf_token(landing.text)})
    assert ballot.status_code == 200
    data = {"code": code, f"s{sid}": "high", "csrf_token": csrf_token(ballot.text)}
    review = client.post("/v/review", data=data)
    assert review.status_code == 200
    data["csrf_token"] = csrf_token(review.text)
    assert client.post("/v/cast", data=data).status_code == 303
    assert _count(session, Ballot, round_id) == 1

    # the organizer: login with the token, then a form without it is refused
    page = client.get("/login")
    response = client.post("/login", data=login | {"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    show = client.get(f"/rounds/{round_id}")
    assert show.status_code == 200
    response = client.post(f"/rounds/{round_id}/close", data={"password": PASSWORD})
    assert response.status_code == 400
    assert _round(session, round_id).state is RoundState.open
    response = client.post("/rounds/new", data=new_round_form())
    assert response.status_code == 400
    assert _round_count(session) == 1
    _fresh(session)  # the close compacts the file: no reader of ours may hold a snapshot
    response = client.post(f"/rounds/{round_id}/close",
                           data={"password": PASSWORD, "csrf_token": csrf_token(show.text)})
    assert response.status_code == 302
    assert _round(session, round_id).state is RoundState.closed


# -- accounts ------------------------------------------------------------------------------------


def _user(session, name: str) -> User | None:
    _fresh(session)
    return session.scalars(select(User).where(User.username == name)).one_or_none()


def test_admin_lists_and_creates_accounts(login, session, make_user):
    make_user("to-chuc", "organizer")
    client = login("admin", "admin")
    page = client.get("/users")
    assert page.status_code == 200
    assert "to-chuc" in page.text and "Cán bộ tổ chức" in page.text
    assert "Quản trị viên" in page.text

    new = {"username": "thu-ky", "role": "observer", "password": "mật khẩu đủ dài",
           "confirm": "mật khẩu đủ dài"}
    response = client.post("/users", data=new)
    assert response.status_code == 302
    user = _user(session, "thu-ky")
    assert user.role == "observer" and user.active and user.check_password("mật khẩu đủ dài")
    assert "Đã tạo tài khoản thu-ky." in client.get("/users").text

    duplicate = client.post("/users", data=new | {"username": "Thu-Ky", "role": "admin"})
    assert duplicate.status_code == 200
    assert "Tên đăng nhập “Thu-Ky” đã có." in _text(duplicate)
    _fresh(session)
    assert session.scalar(select(func.count()).select_from(User)) == 3

    short = client.post("/users", data=new | {"username": "ngan", "password": "ngắn",
                                               "confirm": "ngắn"})
    assert short.status_code == 200
    assert "Ít nhất 10 ký tự." in short.text
    mismatch = client.post("/users", data=new | {"username": "khac", "confirm": "không khớp!!"})
    assert mismatch.status_code == 200
    assert "Hai mật khẩu không khớp." in mismatch.text
    assert _user(session, "ngan") is None and _user(session, "khac") is None


def test_admin_locks_an_account(app, login, session, make_user):
    target = make_user("to-chuc", "organizer")
    client = login("admin", "admin")
    response = client.post(f"/users/{target.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert _user(session, "to-chuc").active is False
    assert "Đã khóa" in client.get("/users").text

    other = app.test_client()
    refused = other.post("/login", data={"username": "to-chuc", "password": PASSWORD})
    assert refused.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in refused.text
    assert other.get("/rounds/new").status_code == 302

    client.post(f"/users/{target.id}/active", data={"active": "1"})
    assert _user(session, "to-chuc").active is True
    ok = other.post("/login", data={"username": "to-chuc", "password": PASSWORD})
    assert ok.status_code == 302


def test_admin_cannot_lock_themselves(login, session):
    client = login("admin", "admin")
    me = _user(session, "admin")
    response = client.post(f"/users/{me.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "Không thể tự khóa tài khoản của mình." in response.text
    assert _user(session, "admin").active is True


def test_non_admin_gets_403_on_users(logged_in, session, make_user):
    target = make_user("khac", "organizer")
    assert logged_in.get("/users").status_code == 403
    new = {"username": "moi", "role": "admin", "password": "x" * 12, "confirm": "x" * 12}
    assert logged_in.post("/users", data=new).status_code == 403
    assert logged_in.post(f"/users/{target.id}/active", data={"active": "0"}).status_code == 403
    assert _user(session, "moi") is None
    assert _user(session, "khac").active is True


def test_locking_ends_the_sessions_of_that_account(app, login, session, make_user):
    admin = login("admin", "admin")
    make_user("to-chuc", "organizer")
    victim = app.test_client()
    assert victim.post("/login", data={"username": "to-chuc", "password": PASSWORD}
                       ).status_code == 302
    assert victim.get("/rounds/new").status_code == 200
    admin.post(f"/users/{_user(session, 'to-chuc').id}/active", data={"active": "0"})
    assert victim.get("/rounds/new").status_code == 302
