"""``survey backup`` and ``survey restore``: a copy taken while ballots are cast is one moment of
the database, and restores, into an empty instance only, to the same rows and audit chain.

On PostgreSQL ``pg_dump`` names the schema in the copy, so the "new instance" is the test's own
schema name in the same database: the original schema is first renamed out of the way (and kept,
to compare with). On SQLite it is a new file.
"""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from survey.backup.cli import backup_command, restore_command
from survey.ballots.models import Ballot, Card, Mark
from survey.db import Base, upgrade
from survey.schema import import_models
from survey.security.cli import audit_cli
from survey.security.models import AuditEntry
from tests.conftest import PG_URL, make_test_app
from tests.factories import once_token, vote


@pytest.fixture
def app(database_url, tmp_path):
    """The conftest's app, with its schema made by the migrations, as every real one is."""
    app = make_test_app(database_url)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        upgrade()
    yield app
    app.extensions["survey.engine"].dispose()


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    import_models()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: [tuple(row) for row in conn.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for name, table in Base.metadata.tables.items()
            }
    finally:
        engine.dispose()


@pytest.fixture
def set_aside(app, session, database_url, tmp_path):
    """Move the original out of the way; return (the original's URL, an empty instance's URL)."""
    renamed = []

    def _set_aside() -> tuple[str, str]:
        session.close()  # gives its connection back before the pool is closed
        app.extensions["survey.engine"].dispose()
        if not PG_URL:
            return database_url, f"sqlite:///{tmp_path / 'restored' / 'survey.sqlite'}"
        url = make_url(database_url)
        schema = url.query["options"].removeprefix("-csearch_path=")
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'ALTER SCHEMA "{schema}" RENAME TO "{schema}_orig"'))
        admin.dispose()
        renamed.append(schema)
        original = url.update_query_dict({"options": f"-csearch_path={schema}_orig"})
        return original.render_as_string(hide_password=False), database_url

    yield _set_aside
    if renamed:
        [schema] = renamed
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}_orig" CASCADE'))
            # the database_url fixture drops the test's schema, restored or not
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        admin.dispose()


@pytest.fixture
def restored(tmp_path):
    """An app on the empty instance at ``url``."""
    apps = []

    def _restored(url: str):
        if not PG_URL:
            Path(make_url(url).database).parent.mkdir(exist_ok=True)
        restored_app = make_test_app(url)
        restored_app.instance_path = str(tmp_path / "restored-instance")
        apps.append(restored_app)
        return restored_app

    yield _restored
    for restored_app in apps:
        restored_app.extensions["survey.engine"].dispose()


def cast_some(client, round_, codes):
    subjects = [s.id for s in round_.subjects]
    for i, code in enumerate(codes):
        choices = {sid: ("high", "confidence", "low")[(i + j) % 3]
                   for j, sid in enumerate(subjects[: 3 + i % 4])}
        assert vote(client, code, choices).status_code == 303


def test_backup_during_voting_restores_the_same_ballots_cards_and_audit_chain(
    app, client, logged_in, session, runner, make_round, tmp_path, set_aside, restored
):
    draft = make_round(title="Chưa mở", cards=0)
    client.post(f"/rounds/{draft.id}/cards",  # organizer actions: audited
                data={"count": 4, "once": once_token(client, draft.id)})
    client.post(f"/rounds/{draft.id}/cards/issue", data={"serials": ""})
    round_ = make_round(cards=10, open_=True)
    cast_some(client, round_, round_.codes[:6])  # 6 of 10 cards used, the round still open

    path = tmp_path / "during-voting.backup"
    result = runner.invoke(backup_command, [str(path)])
    assert result.exit_code == 0, result.output
    assert f"đợt {round_.id} đang mở" in result.stderr  # the warning
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    original_url, new_url = set_aside()
    before = snapshot(original_url)
    assert len(before["ballots"]) == 6 and len(before["marks"]) >= 18
    assert sum(c[_column("cards", "used")] for c in before["cards"]) == 6
    entries = before["audit_log"]
    actions = [e[_column("audit_log", "action")] for e in entries]
    assert "cards.create" in actions and actions[-1] == "database.backup"  # noted before the copy

    copy = restored(new_url)
    result = copy.test_cli_runner().invoke(restore_command, [str(path)])
    assert result.exit_code == 0, result.output
    assert "6 phiếu, 14 thẻ (6 đã dùng)" in result.stdout
    assert snapshot(new_url) == before  # every row of every table, ballots under their ids

    head = entries[-1][_column("audit_log", "hash")]
    verified = copy.test_cli_runner().invoke(audit_cli, ["verify", "--head", head])
    assert verified.exit_code == 0, verified.output
    assert head in verified.stdout

    # the restored instance goes on where the original stood: spent cards stay spent
    # (a spent card is answered as an unknown code is)
    restored_client = copy.test_client()
    assert vote(restored_client, round_.codes[0], {}).status_code == 404
    cast_some(restored_client, round_, round_.codes[6:7])
    with copy.extensions["survey.sessionmaker"]() as s:
        assert len(s.scalars(select(Ballot.id)).all()) == 7


def test_a_copy_taken_while_ballots_are_cast_is_one_moment(
    app, session, runner, make_round, tmp_path, set_aside, restored
):
    """Casts run on four threads throughout the backup: in the copy, every spent card has its
    ballot and every ballot its card, and each ballot is one that was cast, with its marks."""
    round_ = make_round(cards=80, open_=True, summoned=80, present=80)
    codes = iter(round_.codes)
    lock, voting, done = threading.Lock(), threading.Event(), threading.Event()
    cast = []
    subjects = [s.id for s in round_.subjects]

    def caster():
        client = app.test_client()
        while not done.is_set():
            with lock:
                code = next(codes, None)
            if code is None:
                return
            assert vote(client, code, {subjects[0]: "high", subjects[1]: "low"}).status_code == 303
            cast.append(code)
            if len(cast) >= 5:
                voting.set()

    threads = [threading.Thread(target=caster) for _ in range(4)]
    for thread in threads:
        thread.start()
    path = tmp_path / "busy.backup"
    try:
        assert voting.wait(60)
        result = runner.invoke(backup_command, [str(path)])
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert result.exit_code == 0, result.output
    original_url, new_url = set_aside()
    copy = restored(new_url)
    assert copy.test_cli_runner().invoke(restore_command, [str(path)]).exit_code == 0

    after, kept = snapshot(original_url), snapshot(new_url)
    used = [c for c in kept["cards"] if c[_column("cards", "used")]]
    assert len(kept["ballots"]) == len(used)  # one moment: no card spent without its ballot
    assert 5 <= len(kept["ballots"]) <= len(after["ballots"])
    assert set(kept["ballots"]) <= set(after["ballots"])
    assert set(kept["marks"]) <= set(after["marks"])
    assert {m[0] for m in kept["marks"]} == {b[0] for b in kept["ballots"]}
    code_hash = _column("cards", "code_hash")
    assert {c[code_hash] for c in kept["cards"]} == {c[code_hash] for c in after["cards"]}


def _column(table: str, name: str) -> int:
    return list(Base.metadata.tables[table].columns.keys()).index(name)


def test_restore_refuses_a_database_that_is_not_empty(app, session, runner, make_round,
                                                       tmp_path):
    round_ = make_round(cards=3, open_=True)
    path = tmp_path / "copy.backup"
    assert runner.invoke(backup_command, [str(path)]).exit_code == 0
    before = session.scalars(select(Card.code_hash).order_by(Card.serial)).all()
    result = runner.invoke(restore_command, [str(path)])
    assert result.exit_code == 1
    assert "không trống" in result.output and "Traceback" not in result.output
    session.expire_all()
    assert session.scalars(select(Card.code_hash).where(Card.round_id == round_.id)
                           .order_by(Card.serial)).all() == before


def test_backup_never_overwrites_a_file(app, runner, tmp_path):
    path = tmp_path / "kept.backup"
    path.write_bytes(b"an older backup")
    result = runner.invoke(backup_command, [str(path)])
    assert result.exit_code == 1 and "đã có" in result.output
    assert path.read_bytes() == b"an older backup"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".part") == []
    with app.extensions["survey.sessionmaker"]() as session:  # nothing noted for a refusal
        assert session.scalars(select(AuditEntry.action)).all() == []


def test_no_warning_when_no_round_is_open(app, runner, make_round, tmp_path):
    make_round(cards=2)
    result = runner.invoke(backup_command, [str(tmp_path / "quiet.backup")])
    assert result.exit_code == 0 and result.stderr == ""
    assert "Đã sao lưu vào" in result.stdout


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path, set_aside, restored):
    _original, new_url = set_aside()
    copy = restored(new_url)
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    result = copy.test_cli_runner().invoke(restore_command, [str(path)])
    assert result.exit_code == 1 and "không phải bản sao lưu" in result.output


@pytest.mark.skipif(bool(PG_URL), reason="edits an SQLite copy")
def test_restore_refuses_a_backup_from_a_newer_version(app, runner, tmp_path, set_aside,
                                                       restored):
    import sqlite3

    path = tmp_path / "newer.backup"
    assert runner.invoke(backup_command, [str(path)]).exit_code == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    _original, new_url = set_aside()
    copy = restored(new_url)
    result = copy.test_cli_runner().invoke(restore_command, [str(path)])
    assert result.exit_code == 1 and "9999_future" in result.output
    target = Path(make_url(new_url).database)  # refused before anything was written into it:
    assert not target.exists() or target.stat().st_size == 0  # (the app makes it empty, 0600)


@pytest.mark.skipif(not PG_URL, reason="pg_dump is PostgreSQL's")
def test_a_missing_or_old_pg_dump_is_named_in_the_message(app, runner, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    app.config["PG_BIN"] = str(empty)
    result = runner.invoke(backup_command, [str(tmp_path / "a.backup")])
    assert result.exit_code == 1 and "Không tìm thấy pg_dump" in result.output
    old = empty / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    result = runner.invoke(backup_command, [str(tmp_path / "a.backup")])
    assert result.exit_code == 1 and "phiên bản 9 cũ hơn máy chủ PostgreSQL" in result.output
    assert not (tmp_path / "a.backup").exists()
    with app.extensions["survey.sessionmaker"]() as session:
        assert session.scalars(select(AuditEntry.action)).all() == []


@pytest.mark.skipif(not PG_URL, reason="schemas are PostgreSQL's")
def test_restore_into_an_existing_empty_schema(app, client, runner, make_round, tmp_path,
                                              set_aside, restored):
    """As into ``public`` of a new database: the schema is there already, and empty."""
    round_ = make_round(cards=3, open_=True)
    cast_some(client, round_, round_.codes[:2])
    path = tmp_path / "copy.backup"
    assert runner.invoke(backup_command, [str(path)]).exit_code == 0
    original_url, new_url = set_aside()
    schema = make_url(new_url).query["options"].removeprefix("-csearch_path=")
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    copy = restored(new_url)
    result = copy.test_cli_runner().invoke(restore_command, [str(path)])
    assert result.exit_code == 0, result.output
    assert snapshot(new_url) == snapshot(original_url)
    with copy.extensions["survey.sessionmaker"]() as s:
        assert len(s.scalars(select(Mark.ballot_id)).all()) > 0
