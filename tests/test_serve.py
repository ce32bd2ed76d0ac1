"""``survey serve``'s choices before the server starts (the server itself: test_server.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from survey.cli import serve_command
from tests.conftest import make_test_app


@pytest.fixture
def started(monkeypatch):
    """What ``survey serve`` would hand to gunicorn; nothing is started."""
    calls: list[dict] = []
    monkeypatch.delenv("SURVEY_DETECTED_BASE_URL", raising=False)  # set by serve; undone after
    monkeypatch.setattr("survey.server.run", lambda **options: calls.append(options))
    return calls


@pytest.fixture
def sqlite_app(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'serve.sqlite'}")
    app.instance_path = str(tmp_path / "instance")
    yield app
    app.extensions["survey.engine"].dispose()


def test_more_than_one_worker_on_sqlite_is_refused_in_vietnamese(sqlite_app, started):
    result = sqlite_app.test_cli_runner().invoke(serve_command, ["--workers", "2"])
    assert result.exit_code == 1
    assert "Với SQLite chỉ chạy được một tiến trình (--workers 1)" in result.output
    assert "PostgreSQL" in result.output
    assert started == []
    # refused before anything was done: no migration ran, no account was made
    assert inspect(sqlite_app.extensions["survey.engine"]).get_table_names() == []


def test_one_worker_on_sqlite_starts_with_no_connection_left_open(sqlite_app, started):
    result = sqlite_app.test_cli_runner().invoke(serve_command, ["--port", "8123"])
    assert result.exit_code == 0, result.output
    [options] = started
    assert options["workers"] == 1 and options["port"] == 8123
    # the engine was disposed before the (would-be) fork: its pool holds nothing
    assert sqlite_app.extensions["survey.engine"].pool.checkedin() == 0
