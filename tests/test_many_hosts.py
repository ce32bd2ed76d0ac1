"""Several hosts on one database: their migrations queue and leave one correct schema; behind
PgBouncer nothing is prepared on the server."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from survey.db import MIGRATIONS, Base, make_engine, prepare_threshold
from survey.rounds.models import Round
from survey.schema import create_all, import_models
from tests.conftest import PG_URL, make_test_app

#: A host starting: connect, wait for the signal, migrate (what ``survey serve`` does first).
HOST = """
import sys, time
from pathlib import Path
from survey.db import make_engine, upgrade
engine = make_engine(sys.argv[1])
engine.connect().close()
Path(sys.argv[2] + ".ready." + sys.argv[3]).touch()
while not Path(sys.argv[2]).exists():
    time.sleep(0.002)
upgrade(engine)
"""


def test_hosts_migrating_one_empty_database_at_once_leave_one_schema(database_url, tmp_path):
    go = tmp_path / "go"
    hosts = [subprocess.Popen([sys.executable, "-c", HOST, database_url, str(go), str(i)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(3)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.ready.*"))) < len(hosts):
        assert time.monotonic() < deadline and all(h.poll() is None for h in hosts)
        time.sleep(0.01)
    go.touch()  # all at once
    for host in hosts:
        _, err = host.communicate(timeout=120)
        assert host.returncode == 0, err

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    import_models()
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).all() == [(head,)]
            tables = set(inspect(conn).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize(("setting", "threshold"), [
    (5, 5), ("0", 0), ("none", None), ("None", None), (None, None), ("", None), ("off", None),
])
def test_prepare_threshold_setting(setting, threshold):
    assert prepare_threshold(setting) == threshold


def test_a_bad_prepare_threshold_is_refused():
    with pytest.raises(ValueError, match="SURVEY_PREPARE_THRESHOLD phải là một số"):
        prepare_threshold("sometimes")


@pytest.mark.skipif(not PG_URL, reason="prepared statements are PostgreSQL's")
@pytest.mark.parametrize(("setting", "prepared"), [(5, True), ("none", False)])
def test_behind_pgbouncer_nothing_is_prepared(database_url, setting, prepared):
    """With ``SURVEY_PREPARE_THRESHOLD=none`` no statement is ever prepared on the server, so
    PgBouncer in transaction mode may hand each transaction another server connection."""
    app = make_test_app(database_url, PREPARE_THRESHOLD=setting)
    try:
        with app.app_context():
            create_all()
        engine = app.extensions["survey.engine"]
        with engine.connect() as conn:
            for _ in range(10):
                conn.execute(select(Round.id).where(Round.id == 1)).all()
            count = conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
        assert (count > 0) is prepared
    finally:
        app.extensions["survey.engine"].dispose()
