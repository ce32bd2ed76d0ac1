"""Hostile or odd input to the voter and organizer forms: a clear 4xx, never a 500, nothing
stored."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict

from survey.ballots.models import Ballot, Card
from survey.ballots.operations import create_cards, issue_cards
from survey.desk.operations import create_round, open_round
from survey.kinds.appraisal.roster import create_named_cards
from survey.kinds.nomination.positions import replace_nominations
from survey.kinds.nomination.sheet import parse_nominations
from survey.rounds.importing import SubjectRow
from survey.rounds.operations import record_attendance
from tests.conftest import NOW


def stored(session, round_id):
    session.rollback()
    ballots = session.scalar(select(func.count()).where(Ballot.round_id == round_id))
    used = session.scalar(select(func.count()).where(Card.round_id == round_id, Card.used))
    return ballots, used


@pytest.mark.parametrize("path", ["/v/ballot", "/v/review", "/v/cast"])
@pytest.mark.parametrize("key", ["s²", "s١٢", "w³"])  # digits that str.isdigit() accepts
def test_non_ascii_digits_in_a_line_name_are_no_line(client, session, make_round, path, key):
    round_ = make_round(cards=1, open_=True)
    data = {"code": round_.codes[0], key: "low", f"s{round_.subjects[0].id}": "high"}
    response = client.post(path, data=data)
    assert response.status_code < 500
    if path == "/v/cast":
        assert response.status_code in (303, 409)


def test_a_nul_character_anywhere_in_a_form_is_refused(client, session, make_round):
    round_ = make_round(cards=1, open_=True)
    subject = round_.subjects[0]
    for data in ({"code": round_.codes[0], f"s{subject.id}": "low\x00"},
                 {"code": round_.codes[0] + "\x00"},
                 {"code": round_.codes[0], "w1": "Nguyễn\x00Văn A"}):
        assert client.post("/v/cast", data=data).status_code == 400
    assert stored(session, round_.id) == (0, 0)
    assert client.post("/v/cast", data={"code": round_.codes[0]}).status_code == 303  # still good


@pytest.mark.parametrize("path, field", [
    ("cards/void", "serial"), ("cards/replace", "serial"), ("cards/issue", "serials"),
])
def test_a_huge_serial_is_a_message_not_a_crash(logged_in, session, make_round, path, field):
    round_ = make_round(cards=2, issue=False)
    response = logged_in.post(f"/rounds/{round_.id}/{path}", data={field: str(10**20)},
                              follow_redirects=True)
    assert response.status_code < 500
    assert stored(session, round_.id) == (0, 0)
    session.rollback()
    assert session.scalar(select(func.count()).where(Card.round_id == round_.id,
                                                     Card.voided)) == 0


def test_a_huge_serial_on_the_paper_entry_page(logged_in, make_round):
    round_ = make_round(cards=2, open_=True)
    response = logged_in.post(f"/rounds/{round_.id}/paper/entry",
                              data={"serial": str(10**20)}, follow_redirects=True)
    assert response.status_code < 500


# -- bodies and fields beyond any form: refused before they are parsed ---------------------------

URLENCODED = "application/x-www-form-urlencoded"
FOUR_MB = 4 * 1024 * 1024


def post_raw(client, path, body: bytes):
    return client.post(path, data=body, content_type=URLENCODED)


@pytest.fixture
def parses(monkeypatch):
    """The length of each URL-encoded body werkzeug parsed (after a refusal, the error page
    may look at the form again: it finds it empty)."""
    import werkzeug.formparser

    calls = []
    real = werkzeug.formparser.parse_qsl
    monkeypatch.setattr(werkzeug.formparser, "parse_qsl",
                        lambda qs, *a, **k: calls.append(len(qs)) or real(qs, *a, **k))
    return calls


@pytest.mark.parametrize("csrf", [False, True])
@pytest.mark.parametrize("path", ["/v", "/v/ballot", "/v/review", "/v/cast", "/v/a/cast",
                                  "/login", "/rounds/new"])
def test_a_body_over_4_mb_is_413_and_stores_nothing(app, client, session, make_round, parses,
                                                    path, csrf):
    app.config["WTF_CSRF_ENABLED"] = csrf
    round_ = make_round(cards=1, open_=True)
    subject = round_.subjects[0]
    body = f"code={round_.codes[0]}&s{subject.id}=low&lang=en&x=".encode()
    response = post_raw(client, path, body + b"y" * FOUR_MB)
    assert response.status_code == 413
    assert "quá lớn" in response.text  # the app's own page, in Vietnamese (lang=en unread)
    assert not any(parses)
    assert stored(session, round_.id) == (0, 0)
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/v/cast", data={"code": round_.codes[0]}).status_code == 303


@pytest.mark.parametrize(("path", "limit"), [
    ("/v", 16 * 1024), ("/login", 16 * 1024), ("/v/cast", 256 * 1024),
    ("/v/review", 256 * 1024), ("/v/a/cast", 2560 * 1024), ("/rounds/new", 16 * 1024),
])
def test_voter_and_sign_in_pages_take_no_more_than_their_largest_form(
        client, session, make_round, parses, path, limit):
    round_ = make_round(cards=1, open_=True)
    body = b"code=ABCD-EFGH&x="  # no card: nothing may be stored either way
    over = post_raw(client, path, body + b"y" * (limit - len(body) + 1))
    assert over.status_code == 413 and not any(parses)
    at = post_raw(client, path, body + b"y" * (limit - len(body)))
    assert at.status_code != 413 and max(parses) == limit
    assert stored(session, round_.id) == (0, 0)


def test_700000_fields_are_refused_before_parsing(app, client, session, make_round, parses):
    import time

    round_ = make_round(cards=1, open_=True)
    flood = b"&".join([b"f="] * 700_000)[:FOUR_MB - 100]
    fields = b"&".join(b"s%d=low" % i for i in range(1, 2101))  # 2,100 fields, 25 KB
    started = time.process_time()
    for path in ("/v", "/v/cast", "/v/a/cast", "/login", "/rounds/new", "/nowhere"):
        assert post_raw(client, path, flood).status_code == 413, path
    for path in ("/v/cast", "/v/a/cast"):  # small enough, but more fields than any form has
        assert post_raw(client, path, fields + f"&code={round_.codes[0]}".encode()
                        ).status_code == 413, path
    assert not any(parses)
    # about 0.7 s of CPU for each flood before the bounds; a few ms now
    assert time.process_time() - started < 0.5
    assert stored(session, round_.id) == (0, 0)
    assert client.post("/v/cast", data={"code": round_.codes[0]}).status_code == 303


def test_a_signed_in_organizer_still_uploads_up_to_4_mb(logged_in):
    from werkzeug.test import encode_multipart

    big = FileStorage(io.BytesIO(b"x" * (FOUR_MB - 1000)), "ds.csv")
    boundary, body = encode_multipart(  # in memory: the test client would spool it to a file
        MultiDict({"title": "Đợt", "kind": "confidence", "subjects": big}))
    response = logged_in.post("/rounds/new", data=body,
                              content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200  # the form again, with what is wrong with the list
    assert "quá lớn" not in response.text


def test_the_largest_nomination_ballot_fits(client, session):
    """500 candidates in 50 positions of 3 seats, every write-in 120 three-byte letters."""
    sheet = "Chức danh quy hoạch,Số người quy hoạch tối đa,Họ và tên\n" + "".join(
        f"Chức danh {p},3,Người {p}-{c}\n" for p in range(50) for c in range(10))
    round_ = create_round(session, title="Quy hoạch", now=NOW, kind="nomination",
                          body="Ban Chấp hành")
    replace_nominations(session, round_, parse_nominations(sheet.encode(), "qh.csv"))
    record_attendance(session, round_, summoned=2, present=2)
    [code] = [c.code for c in create_cards(session, round_, 1)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    form = [("code", code), *((f"s{s.id}", "disagree") for s in round_.subjects),
            *((f"w{p.id}", f"{'ệ' * 115} {p.order:02d}{i}") for p in round_.positions
              for i in range(3))]
    body = urlencode(form).encode()
    assert 150 * 1024 < len(body) < 256 * 1024
    assert client.post("/v", data={"code": code}).status_code == 200
    assert post_raw(client, "/v/review", body).status_code == 200
    assert post_raw(client, "/v/cast", body).status_code == 303
    assert stored(session, round_.id) == (1, 1)


def test_the_largest_appraisal_form_fits(client, session):
    """A 500-member roster, every line with a level, both scores and a 500-letter comment."""
    rows = [SubjectRow(i, f"Người {i}", "Chuyên viên", "Phòng A") for i in range(1, 501)]
    round_ = create_round(session, title="Đánh giá", kind="appraisal", subjects=rows, now=NOW,
                          body="Sở")
    record_attendance(session, round_, summoned=500, present=500)
    made = create_named_cards(session, round_)
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    code = made[0].card.code
    holder = next(s.id for s in round_.subjects if s.name == made[0].holder)
    form = [("code", code)]
    for s in round_.subjects:
        if s.id != holder:
            form += [(f"l{s.id}", "good"), (f"g{s.id}", "25"), (f"t{s.id}", "55"),
                     (f"c{s.id}", "ệ" * 500)]
    body = urlencode(form).encode()
    assert len(body) > 2 * 1024 * 1024 and len(form) > 1990
    assert post_raw(client, "/v/a/review", body).status_code == 200
    assert post_raw(client, "/v/a/cast", body).status_code == 303
    assert stored(session, round_.id) == (1, 1)


@pytest.mark.parametrize("path", ["/static/js/claim.js%00.png", "/static/%00",
                                  "/static/css/app.css%00", "/static/fonts/%00/x.ttf"])
def test_a_nul_in_an_asset_path_is_404(client, path):
    assert client.get(path).status_code == 404
    assert client.head(path).status_code == 404
