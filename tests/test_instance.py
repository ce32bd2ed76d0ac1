"""The instance folder and the SQLite database are readable by their owner only."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from survey import create_app
from survey.auth.operations import create_user
from survey.db import make_engine, upgrade

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask():
    """``umask(value)`` for the rest of the test; the process's own is put back afterwards."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield os.umask
    os.umask(previous)


@pytest.fixture
def fresh_instance(tmp_path, monkeypatch):
    """``create_app()`` as ``survey serve`` builds it: the default database in the instance."""
    folder = tmp_path / "deep" / "instance"
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(folder))
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    apps = []

    def _app():
        app = create_app({"TESTING": True})
        apps.append(app)
        return app

    yield folder, _app
    for app in apps:
        app.extensions["survey.engine"].dispose()


def write_and_hold(app) -> None:
    """Migrate, store a row, and look at the files while a connection is still open (the
    -wal and -shm files exist only then)."""
    with app.app_context():
        upgrade()
        with app.extensions["survey.sessionmaker"].begin() as session:
            create_user(session, "chair", "correct horse battery", "admin", datetime.now(UTC))


def test_a_new_instance_is_private_even_under_umask_0(fresh_instance, umask):
    folder, make = fresh_instance
    umask(0)  # the worst a service manager could hand over: everything world-writable
    app = make()
    write_and_hold(app)
    engine = app.extensions["survey.engine"]
    with engine.connect() as connection:
        connection.execute(text("SELECT count(*) FROM users")).scalar_one()
        database = folder / "survey.sqlite"
        files = [database, folder / "survey.sqlite-wal", folder / "survey.sqlite-shm"]
        assert all(f.exists() for f in files)
        assert mode(folder) == 0o700
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        assert mode(folder / "secret_key") == 0o600
    # the missing parent made on the way is not left to the umask either (anyone could have
    # moved the instance folder away and put another in its place)
    assert mode(folder.parent) == 0o700


def test_an_instance_made_by_an_older_version_is_tightened(fresh_instance, umask):
    folder, make = fresh_instance
    umask(0o022)
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o755)
    database = folder / "survey.sqlite"
    for name in ("survey.sqlite", "survey.sqlite-wal", "survey.sqlite-shm"):
        (folder / name).touch()
        os.chmod(folder / name, 0o644)
    make()
    assert mode(folder) == 0o700
    assert [mode(folder / n) for n in ("survey.sqlite", "survey.sqlite-wal",
                                       "survey.sqlite-shm")] == [0o600] * 3
    assert database.read_bytes() == b""  # left as it was, not replaced


def test_a_database_outside_the_instance_gets_a_private_new_folder(tmp_path, umask):
    umask(0)
    database = tmp_path / "data" / "votes.sqlite"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        assert mode(database.parent) == 0o700
        assert mode(database) == 0o600
    finally:
        engine.dispose()
    # an existing folder of someone else's choosing is left as it is
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    other = make_engine(f"sqlite:///{shared / 'votes.sqlite'}")
    try:
        with other.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
        assert mode(shared) == 0o755
        assert mode(shared / "votes.sqlite") == 0o600
    finally:
        other.dispose()
