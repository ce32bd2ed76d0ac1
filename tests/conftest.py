from __future__ import annotations

import os
import re
import time
import types
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from survey import create_app
from survey.auth.operations import create_user
from survey.ballots.operations import create_cards, issue_cards
from survey.desk.operations import close_round, create_round, open_round
from survey.kinds.appraisal.roster import Settings, create_named_cards, update_settings
from survey.kinds.casting import cast_ballot
from survey.kinds.nomination.positions import replace_nominations
from survey.kinds.nomination.sheet import parse_nominations
from survey.rounds.importing import parse_subjects
from survey.rounds.models import Round
from survey.rounds.operations import record_attendance
from survey.schema import create_all
from tests.factories import (
    CLOSED_AT,
    DATA,
    NOW,
    PASSWORD,
    SHEET,
    VOTE_NO,
    VOTE_SUBJECTS,
    btv_ballot,
    small_roster,
)

#: ``SURVEY_TEST_DATABASE_URL=postgresql+psycopg://…/survey_test`` runs the suite on PostgreSQL:
#: each test gets a schema of its own in that database.
PG_URL = os.environ.get("SURVEY_TEST_DATABASE_URL")


def _pg_schema_url(worker: str) -> tuple[str, str]:
    schema = f"t_{worker}_{uuid.uuid4().hex[:10]}"
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


@pytest.fixture
def database_url(tmp_path, worker_id) -> Iterator[str]:
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    url, schema = _pg_schema_url(worker_id)
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_test_app(database_url: str, **config):
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "DATABASE_URL": database_url,
        "BASE_URL": "http://192.0.2.10:8000",
    }
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(database_url, tmp_path):
    app = make_test_app(database_url)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        create_all()
    yield app
    if "survey.purge_stop" in app.extensions:  # a retry thread the test started
        app.extensions["survey.purge_stop"].set()
    app.extensions["survey.engine"].dispose()


@pytest.fixture
def throttle_clock(monkeypatch):
    """The throttle's clock alone, stopped one second into a window of every limit, so that a
    test never straddles two windows; ``throttle_clock[0] += seconds`` moves it."""
    import survey.security.throttle

    now = [float(int(time.time()) // 3600 * 3600 + 1)]
    stopped = types.SimpleNamespace(time=lambda: now[0])
    monkeypatch.setattr(survey.security.throttle, "time", stopped)
    return now


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """The test's own session; views get a separate one per request."""
    with app.extensions["survey.sessionmaker"]() as session:
        yield session


@pytest.fixture
def make_user(session):
    def _make_user(name="organizer", role="organizer", password=PASSWORD):
        user = create_user(session, name, password, role, NOW)
        session.commit()
        return user

    return _make_user


@pytest.fixture
def login(client, make_user):
    def _login(name="organizer", role="organizer"):
        make_user(name, role)
        response = client.post("/login", data={"username": name, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return client

    return _login


@pytest.fixture
def logged_in(login):
    return login()


def btv_rows():
    return parse_subjects((DATA / "tin-nhiem-btv.csv").read_bytes(), "tin-nhiem-btv.csv").rows


@pytest.fixture
def make_round(session):
    def _make_round(title="Lấy phiếu tín nhiệm giữa nhiệm kỳ", rows=None, summoned=40,
                    present=38, cards=0, issue=True, open_=False, min_ballots=5,
                    denominator="collected"):
        round_ = create_round(
            session, title=title, subjects=btv_rows() if rows is None else rows, now=NOW,
            body="Ban Chấp hành Đảng bộ thành phố", min_ballots=min_ballots,
            denominator=denominator,
        )
        if summoned is not None:
            record_attendance(session, round_, summoned=summoned, present=present)
        codes = [c.code for c in create_cards(session, round_, cards)] if cards else []
        if cards and issue:
            issue_cards(session, round_)
        if open_:
            open_round(session, round_, NOW)
        session.commit()
        round_.codes = codes
        return round_

    return _make_round


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


# -- closed rounds and rounds of other kinds ----------------------------------------------------


@pytest.fixture
def make_closed(session, make_round):
    """A closed round of the BTV list with ``pattern(ids, i)`` for each of ``n`` cards."""

    def _make(*, n=37, pattern=btv_ballot, closed_at=CLOSED_AT, title=None, cards=38,
              **options) -> Round:
        kwargs = {"title": title} if title else {}
        round_ = make_round(cards=cards, open_=True, **kwargs, **options)
        ids = [s.id for s in round_.subjects]
        for i, code in enumerate(round_.codes[:n]):
            cast_ballot(session, code, pattern(ids, i))
            session.commit()
        close_round(session, round_, closed_at)
        session.commit()
        return round_

    return _make


@pytest.fixture
def make_appraisal(session):
    """An appraisal round of ``rows`` (:func:`small_roster` unless given), with a named card
    issued to each member, open unless ``open_=False``; ``settings`` change its rules.
    ``round_.codes`` maps each member's name to their card's code."""

    def _make(rows=None, *, open_=True, **settings):
        rows = small_roster() if rows is None else rows
        round_ = create_round(session, title="Đánh giá, xếp loại năm 2026", kind="appraisal",
                              subjects=rows, now=NOW, body="Ủy ban nhân dân huyện")
        record_attendance(session, round_, summoned=len(rows), present=len(rows))
        if settings:
            update_settings(session, round_, Settings(**settings))
        made = create_named_cards(session, round_)
        issue_cards(session, round_)
        if open_:
            open_round(session, round_, NOW)
        session.commit()
        round_.codes = {named.holder: named.card.code for named in made}
        return round_

    return _make


@pytest.fixture
def closed_vote(session):
    """A closed confidence vote of :data:`VOTE_SUBJECTS`: 12 summoned, 10 ballots, the
    "không tín nhiệm" of :data:`VOTE_NO`."""
    round_ = create_round(session, title="Bỏ phiếu tín nhiệm", now=NOW, kind="no_confidence",
                          subjects=VOTE_SUBJECTS, body="Ban Chấp hành Đảng bộ thành phố")
    record_attendance(session, round_, summoned=12, present=11)
    codes = [c.code for c in create_cards(session, round_, 10)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    ids = [s.id for s in round_.subjects]
    for i, code in enumerate(codes):
        choices = {}
        for index, (no, blank) in VOTE_NO.items():
            if i < no:
                choices[ids[index]] = "no_confidence"
            elif i >= 10 - blank:
                continue  # a blank line
            else:
                choices[ids[index]] = "confidence"
        cast_ballot(session, code, choices)
    session.commit()
    close_round(session, round_, NOW)
    session.commit()
    return round_


@pytest.fixture
def closed_nomination(session):
    """11 summoned, 10 ballots. Bí thư (2 seats): Lâm 8, Ánh 6, Hải 6 — Lâm nominated, Ánh
    and Hải tied at the last seat. Chủ tịch (1 seat): Toàn 2, Chiến 6 (nominated), one
    write-in, one line over the seat (invalid)."""
    round_ = create_round(session, title="Giới thiệu quy hoạch nhiệm kỳ 2030-2035", now=NOW,
                          kind="nomination", body="Ban Chấp hành Đảng bộ thành phố")
    replace_nominations(session, round_, parse_nominations(SHEET, "quy-hoach.csv"))
    record_attendance(session, round_, summoned=11, present=10)
    codes = [c.code for c in create_cards(session, round_, 10)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    an, hai, lam, toan, chien = (s.id for s in round_.subjects)
    chair = round_.positions[1].id
    pairs = [(lam, an)] * 4 + [(lam, hai)] * 4 + [(an, hai)] * 2
    for i, (code, pair) in enumerate(zip(codes, pairs, strict=True)):
        choices = dict.fromkeys(pair, "agree")
        write_ins = {}
        if i < 2:
            choices[toan] = "agree"
        elif i == 2:
            write_ins = {chair: ["Nguyễn Văn A"]}
        else:
            choices[chien] = "agree"
            if i == 9:
                write_ins = {chair: ["Nguyễn Văn A"]}  # two for one seat: invalid line
        cast_ballot(session, code, choices, write_ins)
    session.commit()
    close_round(session, round_, NOW)
    session.commit()
    return round_
