"""The ``survey`` command line: a whole round scripted by its JSON, refusals, accounts, schema.

The data commands are registered on the console script's ``FlaskGroup`` (``survey.cli.main``),
not on ``app.cli``, so the tests put the same commands in a plain group and run it with the
app's CLI runner: that runner passes the test app in, and every command pushes its context.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.engine import make_url

from survey.auth.models import User
from survey.ballots.models import Ballot, Card
from survey.ballots.operations import card_counts
from survey.db import MIGRATIONS, Base
from survey.rounds.models import Round, RoundState, Subject
from survey.schema import import_models
from tests.conftest import DATA, PASSWORD, PG_URL, make_test_app
from tests.factories import SURVEY, refused, run, run_json, vote

BASE_URL = "http://192.0.2.10:8000"  # make_test_app's BASE_URL


def subject_ids(session, round_id: int) -> list[int]:
    ids = session.scalars(
        select(Subject.id).where(Subject.round_id == round_id).order_by(Subject.order)
    ).all()
    session.rollback()  # end the read: an SQLite reader keeps its snapshot until then
    return ids


def round_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Round))


@pytest.fixture
def fresh_app(database_url, tmp_path):
    """An app on an empty database: no ``create_all``, only what the CLI itself builds."""
    app = make_test_app(database_url)
    app.instance_path = str(tmp_path / "instance")
    yield app
    app.extensions["survey.engine"].dispose()


# -- a whole round, scripted ---------------------------------------------------------------------


def _choices(ids: list[int], i: int) -> dict[int, str]:
    """Ballot ``i`` of 37, a known pattern.

    Subject 1: 20 high, 10 confidence, 7 low (the worked example). Subject 2: blank on ballot 0.
    Subject 3: 25 low of 37 (two thirds or more). Subject 12: 19 low (over half). Others: high.
    """
    choices = dict.fromkeys(ids, "high")
    choices[ids[0]] = "high" if i < 20 else "confidence" if i < 30 else "low"
    if i == 0:
        del choices[ids[1]]
    else:
        choices[ids[1]] = "confidence"
    choices[ids[2]] = "low" if i < 25 else "high"
    choices[ids[11]] = "low" if i < 19 else "confidence"
    return choices


def test_whole_round_by_cli_json(runner, client, session, tmp_path):
    created = run_json(
        runner, "round", "create", "--kind", "confidence", "--title", "Giữa nhiệm kỳ",
        "--subjects", DATA / "tin-nhiem-btv.csv", "--summoned", 40,
    )
    round_id = created["id"]
    assert created["status"] == "draft" and created["subjects"] == 12
    assert created["summoned"] == 40

    attendance = run_json(runner, "round", "attendance", round_id, "--summoned", 40,
                          "--present", 38)
    assert (attendance["summoned"], attendance["present"], attendance["quorum"]) == (40, 38, True)

    pdf = tmp_path / "the" / "cards.pdf"
    pdf.parent.mkdir()
    cards = run_json(runner, "cards", "create", round_id, "--count", 38, "--pdf", pdf)["cards"]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert [card["serial"] for card in cards] == list(range(1, 39))
    codes = [card["code"] for card in cards]
    assert len(set(codes)) == 38
    assert [card["url"] for card in cards] == [f"{BASE_URL}/v#{code}" for code in codes]

    first = run_json(runner, "cards", "issue", round_id, "--serials", "1-37")
    assert (first["newly_issued"], first["issued"]) == (37, 37)
    rest = run_json(runner, "cards", "issue", round_id, "--all")
    assert (rest["newly_issued"], rest["issued"]) == (1, 38)

    assert run_json(runner, "round", "open", round_id)["status"] == "open"

    ids = subject_ids(session, round_id)
    for i, code in enumerate(codes[:37]):
        assert vote(client, code, _choices(ids, i)).status_code == 303, i

    message = refused(runner, "tally", round_id, "--format", "json")
    assert "Kết quả chỉ xem được sau khi kết thúc bỏ phiếu." in message

    assert run_json(runner, "round", "close", round_id)["status"] == "closed"

    tally = json.loads(run(runner, "tally", round_id, "--format", "json").stdout)
    assert {k: tally["round"][k] for k in ("id", "title", "kind", "status")} == {
        "id": round_id, "title": "Giữa nhiệm kỳ", "kind": "confidence", "status": "closed"}
    assert [tally[k] for k in ("summoned", "present", "issued", "collected")] == [40, 38, 38, 37]
    subjects = tally["subjects"]
    assert [s["order"] for s in subjects] == list(range(1, 13))
    one = subjects[0]
    assert (one["name"], one["position"]) == ("Lường Hữu Ánh", "Bí thư Thành ủy")
    assert (one["valid"], one["invalid"]) == (37, 0)
    assert one["counts"] == {"high": 20, "confidence": 10, "low": 7}
    assert one["percent"] == {"high": "54.05", "confidence": "27.03", "low": "18.92"}
    assert one["band"] is None
    two = subjects[1]
    assert (two["valid"], two["invalid"]) == (36, 1)  # the blank line, on that line only
    assert two["counts"] == {"high": 0, "confidence": 36, "low": 0}
    assert two["percent"]["confidence"] == "97.30"  # of the ballots collected
    assert (subjects[2]["percent"]["low"], subjects[2]["band"]) == ("67.57", "two_thirds_low")
    assert (subjects[11]["percent"]["low"], subjects[11]["band"]) == ("51.35", "over_half_low")

    out = tmp_path / "ket-qua.csv"
    result = run(runner, "tally", round_id, "--format", "csv", "--out", out)
    assert result.stdout == ""
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the diacritics right
    assert raw.count(b"\r\n") == 13 and b"\r\r\n" not in raw  # no extra CR on Windows
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1 + 12
    assert rows[1][:2] == ["1", "Lường Hữu Ánh"]
    assert "54.05" in rows[1] and "18.92" in rows[1]

    assert run_json(runner, "round", "publish", round_id)["status"] == "published"
    session.rollback()  # a fresh snapshot, not just expired objects
    assert session.get(Round, round_id).state is RoundState.published


# -- refusals change nothing ---------------------------------------------------------------------


def test_open_without_quorum_is_refused(runner, session, make_round):
    round_ = make_round(summoned=40, present=26, cards=26)
    message = refused(runner, "round", "open", round_.id)
    assert "Không đủ số người có mặt" in message and "40" in message and "26" in message
    session.rollback()  # a fresh snapshot, not just expired objects
    assert session.get(Round, round_.id).state is RoundState.draft


def test_create_with_malformed_subjects_lists_bad_lines_and_creates_nothing(
    runner, session, tmp_path
):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "STT,Họ và tên,Chức vụ\n1,Lường Hữu Ánh,Bí thư\n2,,Phó Bí thư\nba,Giàng Ngọc Sơn,\n",
        encoding="utf-8",
    )
    message = refused(runner, "round", "create", "--title", "Sai", "--subjects", bad, "--json")
    assert "Dòng 3: thiếu họ và tên" in message
    assert "Dòng 4: STT “ba” không phải số nguyên dương" in message
    assert "Tệp danh sách có lỗi; chưa nhập gì." in message
    assert round_count(session) == 0


def test_issue_wants_all_or_serials_not_both(runner, session, make_round):
    round_ = make_round(cards=5, issue=False)
    for flags in (["--all", "--serials", "1-3"], []):
        message = refused(runner, "cards", "issue", round_.id, *flags)
        assert "Dùng một trong hai: --all hoặc --serials." in message
    assert card_counts(session, round_.id).issued == 0


def test_issue_unknown_serial_issues_nothing(runner, session, make_round):
    round_ = make_round(cards=3, issue=False)
    message = refused(runner, "cards", "issue", round_.id, "--serials", "1-3,99")
    assert "Không có thẻ số 99." in message
    assert card_counts(session, round_.id).issued == 0


@pytest.mark.parametrize(
    "args",
    [
        ["round", "attendance", 999, "--summoned", 40, "--present", 38],
        ["round", "open", 999],
        ["round", "close", 999],
        ["round", "publish", 999],
        ["cards", "create", 999, "--count", 3],
        ["cards", "issue", 999, "--all"],
        ["tally", 999],
    ],
    ids=lambda args: " ".join(map(str, args[:2])),
)
def test_unknown_round_is_refused(runner, session, make_round, args):
    round_ = make_round(cards=2, issue=False)
    message = refused(runner, *args)
    assert "Không có đợt lấy phiếu số 999." in message
    session.rollback()  # a fresh snapshot, not just expired objects
    assert round_count(session) == 1
    assert session.get(Round, round_.id).state is RoundState.draft
    assert card_counts(session, round_.id).created == 2


def test_cards_pdf_that_cannot_be_written_creates_no_cards(runner, session, make_round, tmp_path):
    round_ = make_round()
    pdf = tmp_path / "no-such-folder" / "cards.pdf"
    message = refused(runner, "cards", "create", round_.id, "--count", 5, "--pdf", pdf, "--json")
    assert "Không ghi được tệp in thẻ" in message and "chưa tạo thẻ nào" in message
    assert card_counts(session, round_.id).created == 0  # no card whose code nobody has


def test_tally_to_a_file_that_cannot_be_written_is_refused(runner, make_round, tmp_path):
    round_ = make_round(cards=5, open_=True)
    run(runner, "round", "close", round_.id)
    out = tmp_path / "no-such-folder" / "ket-qua.csv"
    message = refused(runner, "tally", round_.id, "--format", "csv", "--out", out)
    assert "Không ghi được tệp" in message and str(out) in message


def test_void_prints_json(runner, session, make_round):
    round_ = make_round(cards=3)
    assert run_json(runner, "cards", "void", round_.id, 2) == {
        "round": round_.id, "voided": 2, "issued": 2}
    message = refused(runner, "cards", "void", round_.id, 2)
    assert "Thẻ số 2 đã bị hủy trước đó." in message


@pytest.mark.parametrize(
    ("command", "summary"),
    [
        ("open", "Open voting on ROUND_ID (needs a quorum)."),
        ("close", "Close voting on ROUND_ID now; no ballot is accepted afterwards."),
        ("publish", "Release the results of ROUND_ID to Standing Committee readers."),
    ],
)
def test_round_transitions_have_help(runner, command, summary):
    assert summary in run(runner, "round", command, "--help").stdout
    listing = run(runner, "round", "--help").stdout.splitlines()
    [line] = [line for line in listing if line.split()[:1] == [command]]
    assert summary.split()[0] in line  # the group's list shows it too


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's deferred-transaction lock upgrade")
@pytest.mark.parametrize(
    "args", [["round", "close"], ["cards", "issue", "--all"]], ids=" ".join
)
def test_write_commands_take_the_write_lock_first(app, runner, make_round, database_url, args):
    """A phone's cast landing between the command's read and its write must wait, not break it.

    SQLite cannot upgrade a read snapshot that another writer has moved past (it fails at once,
    without waiting), so a writing command begins with ``BEGIN IMMEDIATE``, as the views do.
    """
    round_ = make_round(cards=3, issue=False, open_=True)
    meanwhile: list[str] = []

    def a_phone_writes(conn, cursor, statement, *args) -> None:
        if meanwhile or "FROM rounds" not in statement:
            return
        phone = sqlite3.connect(make_url(database_url).database, timeout=0.2,
                                isolation_level=None)
        try:
            phone.execute("UPDATE cards SET used = 1 WHERE serial = 3")
            meanwhile.append("written")
        except sqlite3.OperationalError:
            meanwhile.append("waited")  # the command held the write lock
        finally:
            phone.close()

    engine = app.extensions["survey.engine"]
    event.listen(engine, "after_cursor_execute", a_phone_writes)
    try:
        run(runner, *args[:2], round_.id, *args[2:])
    finally:
        event.remove(engine, "after_cursor_execute", a_phone_writes)
    assert meanwhile == ["waited"]


# -- accounts ------------------------------------------------------------------------------------


def test_user_add_reads_password_from_stdin_and_can_log_in(runner, client):
    result = run(runner, "user", "add", "chair", "--role", "organizer", "--password-stdin",
                 input=f"{PASSWORD}\n")
    assert "chair" in result.stdout
    assert PASSWORD not in result.output
    response = client.post("/login", data={"username": "chair", "password": PASSWORD})
    assert response.status_code == 302


def test_user_add_refuses_short_password_and_duplicate(runner, session):
    message = refused(runner, "user", "add", "chair", "--role", "organizer", input="short\n")
    assert "Mật khẩu cần ít nhất 10 ký tự." in message
    assert session.scalar(select(func.count()).select_from(User)) == 0

    run(runner, "user", "add", "chair", "--role", "observer", input=f"{PASSWORD}\n")
    message = refused(runner, "user", "add", "Chair", "--role", "admin", input=f"{PASSWORD}x\n")
    assert "đã có" in message
    session.rollback()  # a fresh snapshot, not just expired objects
    assert session.scalars(select(User.role)).all() == ["observer"]


# -- the schema ----------------------------------------------------------------------------------


def test_init_builds_the_models_schema_by_migrations_and_is_idempotent(fresh_app):
    runner = fresh_app.test_cli_runner()
    for _ in range(2):
        assert "Cơ sở dữ liệu đã sẵn sàng." in run(runner, "init").stdout
    engine = fresh_app.extensions["survey.engine"]
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        assert list(versions) == [ScriptDirectory(str(MIGRATIONS)).get_current_head()]
    # a model change without a migration fails here
    import_models()
    inspector = inspect(engine)
    migrated = {
        table: sorted(column["name"] for column in inspector.get_columns(table))
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }
    models = {name: sorted(table.columns.keys()) for name, table in Base.metadata.tables.items()}
    assert migrated == models


# -- the demo ------------------------------------------------------------------------------------


def test_demo_opens_a_round_whose_printed_card_votes(fresh_app, tmp_path):
    runner = fresh_app.test_cli_runner()
    pdf = tmp_path / "demo.pdf"
    result = run(runner, "demo", "--pdf", pdf, "--base-url", f"{BASE_URL}/")
    assert pdf.read_bytes().startswith(b"%PDF")
    url = result.stdout.strip().splitlines()[-1]
    assert url.startswith(f"{BASE_URL}/v#")

    with fresh_app.extensions["survey.sessionmaker"]() as session:
        [round_] = session.scalars(select(Round)).all()
        assert round_.state is RoundState.open
        assert len(round_.subjects) == 12
        counts = card_counts(session, round_.id)
        assert (counts.created, counts.issued, counts.used) == (15, 15, 0)
        first = round_.subjects[0].id
        client = fresh_app.test_client()
        code = url.partition("#")[2]
        assert vote(client, code, {first: "high"}).status_code == 303
        session.rollback()  # a fresh snapshot, not just expired objects
        assert card_counts(session, round_.id).used == 1
        assert session.scalar(select(func.count()).select_from(Ballot)) == 1
        assert session.scalar(select(func.count()).select_from(Card)) == 15


def test_demo_with_unwritable_pdf_creates_no_round(fresh_app, tmp_path):
    pdf = tmp_path / "no-such-folder" / "demo.pdf"
    result = fresh_app.test_cli_runner().invoke(
        SURVEY, ["demo", "--pdf", str(pdf), "--base-url", BASE_URL]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception  # a message, no traceback
    with fresh_app.extensions["survey.sessionmaker"]() as session:
        assert round_count(session) == 0


# -- the installed console script ----------------------------------------------------------------


def test_console_script_lists_its_commands(tmp_path):
    script = Path(sys.executable).with_name("survey")
    env = os.environ | {
        "SURVEY_SECRET_KEY": "test",  # no key file is written into the instance folder
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'help.sqlite'}",
    }
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    listed = done.stdout.partition("Commands:")[2].split()
    for command in ("serve", "demo", "round", "cards", "tally", "user", "init"):
        assert command in listed
