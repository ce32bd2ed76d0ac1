from __future__ import annotations

import os
import re
import time
import types
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from survey import create_app
from survey.auth.operations import create_user
from survey.ballots.operations import create_cards, issue_cards
from survey.db import create_all
from survey.rounds.importing import parse_subjects
from survey.rounds.operations import create_round, open_round, record_attendance

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"

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
