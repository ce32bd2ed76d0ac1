"""The real server under load and failure: several processes, a close in flight, SIGKILL."""

from __future__ import annotations

import http.client
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from survey.ballots.cards import hash_code
from survey.ballots.models import Ballot, Card
from survey.ballots.operations import create_cards, issue_cards
from survey.db import begin_write
from survey.desk.operations import close_round, create_round, open_round
from survey.rounds.models import Round
from survey.rounds.operations import get_round, record_attendance
from tests.conftest import NOW, btv_rows, make_test_app
from tests.liveserver import LiveServer, Phone

pytestmark = pytest.mark.slow


@pytest.fixture
def live(database_url, tmp_path):
    servers = []

    def _start(workers=1):
        server = LiveServer(database_url, tmp_path / "instance", workers=workers).start()
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()


@pytest.fixture
def processes(live, database_url):
    """``n`` server processes on the test database: one server of ``n`` workers on PostgreSQL;
    on SQLite, which ``survey serve`` runs in one worker only, ``n`` servers of one worker (the
    file is still shared by several processes, as with a CLI command during a round)."""

    def _processes(n):
        if database_url.startswith("sqlite"):
            return [live() for _ in range(n)]
        return [live(workers=n)]

    return _processes


def logs(servers) -> str:
    return "".join(server.log()[-2000:] for server in servers)


@pytest.fixture
def data(database_url):
    """An app on the server's database, for setting up rounds and reading rows (after start)."""
    apps = []

    def _app():
        app = make_test_app(database_url)
        apps.append(app)
        return app

    yield _app
    for app in apps:
        app.extensions["survey.engine"].dispose()


def open_round_with_cards(app, n):
    with app.extensions["survey.sessionmaker"].begin() as session:
        round_ = create_round(session, title="Live", subjects=btv_rows()[:3], now=NOW)
        record_attendance(session, round_, summoned=n, present=n)
        codes = [c.code for c in create_cards(session, round_, n)]
        issue_cards(session, round_)
        open_round(session, round_, NOW)
        return round_.id, [s.id for s in round_.subjects], codes


def counts(app, round_id):
    with app.extensions["survey.sessionmaker"]() as session:
        ballots = session.scalar(select(func.count()).where(Ballot.round_id == round_id))
        used = session.scalar(
            select(func.count()).where(Card.round_id == round_id, Card.used.is_(True))
        )
        issued = session.scalar(
            select(func.count()).where(Card.round_id == round_id, Card.issued.is_(True))
        )
        return ballots, used, issued


def test_same_card_from_several_processes_votes_once(processes, data):
    servers = processes(3)
    app = data()
    round_id, subjects, codes = open_round_with_cards(app, 2)
    phones = [Phone(servers[i % len(servers)].url) for i in range(24)]
    tokens = [p.token() for p in phones]
    barrier = threading.Barrier(len(phones))

    def send(i):
        barrier.wait()
        return phones[i].request("/v/cast", {"csrf_token": tokens[i], "code": codes[0],
                                             f"s{subjects[0]}": "high"})

    with ThreadPoolExecutor(len(phones)) as pool:
        results = list(pool.map(send, range(len(phones))))
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [200] + [404] * (len(phones) - 1), logs(servers)
    assert sum(url.endswith("/v/thanks") for _, url, _ in results) == 1
    assert counts(app, round_id)[:2] == (1, 1)


def test_close_with_100_votes_in_flight(processes, data):
    servers = processes(2)
    app = data()
    n = 100
    round_id, subjects, codes = open_round_with_cards(app, n)
    phones = [Phone(servers[i % len(servers)].url) for i in range(n)]
    tokens = [p.token() for p in phones]
    barrier = threading.Barrier(n + 1)

    def cast(i):
        barrier.wait()
        return phones[i].request("/v/cast", {"csrf_token": tokens[i], "code": codes[i],
                                             f"s{subjects[i % 3]}": "low"})

    def close():
        barrier.wait()
        with app.extensions["survey.sessionmaker"]() as session:
            begin_write(session)
            close_round(session, get_round(session, round_id), NOW)
            session.commit()

    with ThreadPoolExecutor(n + 1) as pool:
        futures = [pool.submit(cast, i) for i in range(n)]
        closer = pool.submit(close)
        results = [f.result() for f in futures]
        closer.result()
    statuses = [status for status, _, _ in results]
    assert set(statuses) <= {200, 409}, logs(servers)
    ballots, used, issued = counts(app, round_id)
    assert ballots == used == statuses.count(200) <= issued == n
    from survey.kinds.counts import collected

    with app.extensions["survey.sessionmaker"]() as session:
        assert collected(session, round_id) == ballots
    late = Phone(servers[0].url).cast(
        codes[statuses.index(409)] if 409 in statuses else codes[0], {}
    )
    assert late[0] == 409


def test_no_cast_is_accepted_after_the_instant_the_close_records(processes, data):
    """100 casts sent over two seconds, the close issued amid them: every ballot accepted was sent
    before the instant the minutes record; every cast sent after it is refused as closed, its
    card unspent; the count equals the stored ballots and the spent cards."""
    servers = processes(2)
    app = data()
    n = 100
    round_id, subjects, codes = open_round_with_cards(app, n)
    phones = [Phone(servers[i % len(servers)].url) for i in range(n)]
    tokens = [p.token() for p in phones]
    barrier = threading.Barrier(n + 1)

    def cast(i):
        barrier.wait()
        time.sleep(i * 0.02)
        sent = datetime.now(UTC)
        return (sent, *phones[i].request("/v/cast", {"csrf_token": tokens[i], "code": codes[i],
                                                     f"s{subjects[i % 3]}": "low"}))

    def close():
        barrier.wait()
        time.sleep(1.0)
        with app.extensions["survey.sessionmaker"]() as session:
            begin_write(session)
            close_round(session, get_round(session, round_id), lambda: datetime.now(UTC))
            session.commit()

    with ThreadPoolExecutor(n + 1) as pool:
        futures = [pool.submit(cast, i) for i in range(n)]
        closer = pool.submit(close)
        results = [f.result() for f in futures]
        closer.result()
    with app.extensions["survey.sessionmaker"]() as session:
        instant = session.get(Round, round_id).closed_at.replace(tzinfo=UTC)
        spent = set(session.scalars(select(Card.code_hash).where(
            Card.round_id == round_id, Card.used.is_(True))))
        from survey.kinds.counts import collected

        counted = collected(session, round_id)
    accepted = [i for i, (_, status, url, _) in enumerate(results) if status == 200]
    refused = [i for i in range(n) if i not in accepted]
    assert accepted and refused, "the close did not fall amid the casts"
    assert all(results[i][2].endswith("/v/thanks") for i in accepted)
    assert all(results[i][0] < instant for i in accepted), logs(servers)
    for i in refused:
        assert results[i][1] == 409 and "Đợt lấy phiếu đã kết thúc" in results[i][3]
    assert any(results[i][0] > instant for i in refused)  # casts went on after the close
    assert spent == {hash_code(codes[i]) for i in accepted}  # refused cards stay unspent
    assert counts(app, round_id)[:2] == (len(accepted), len(accepted)) and counted == len(accepted)


def test_sigkill_during_casts_loses_nothing_half_way(live, data, database_url, tmp_path):
    server = live(workers=1)
    app = data()
    n = 60
    round_id, subjects, codes = open_round_with_cards(app, n)
    phones = [Phone(server.url) for _ in range(n)]
    tokens = [p.token() for p in phones]
    confirmed: list[str] = []
    lock = threading.Lock()
    quarter = threading.Event()

    def cast(i):
        status, url, _ = phones[i].request(
            "/v/cast", {"csrf_token": tokens[i], "code": codes[i], f"s{subjects[0]}": "high"},
            timeout=10,
        )
        if status == 200 and url.endswith("/v/thanks"):
            with lock:
                confirmed.append(codes[i])
                if len(confirmed) >= n // 4:
                    quarter.set()
        return status

    def killer():
        quarter.wait(60)
        server.kill()

    with ThreadPoolExecutor(16) as pool:
        k = pool.submit(killer)
        list(pool.map(lambda i: _swallow(cast, i), range(n)))
        k.result()
    restarted = LiveServer(database_url, tmp_path / "instance2").start()
    try:
        ballots, used, _ = counts(app, round_id)
        assert ballots == used >= len(confirmed) > 0
        with app.extensions["survey.sessionmaker"]() as session:
            used_hashes = set(session.scalars(select(Card.code_hash).where(Card.used.is_(True))))
        assert {hash_code(c) for c in confirmed} <= used_hashes  # every confirmed vote kept
        # a card the crash interrupted either voted or can still vote
        fresh = [c for c in codes if hash_code(c) not in used_hashes]
        if fresh:
            status, url, _ = Phone(restarted.url).cast(fresh[0], {subjects[1]: "low"})
            assert url.endswith("/v/thanks"), status
            assert counts(app, round_id)[:2] == (ballots + 1, used + 1)
    finally:
        restarted.stop()


def _swallow(fn, i):
    try:
        return fn(i)
    except (OSError, http.client.HTTPException):  # the connection died with the server
        return None


def test_logs_never_hold_a_code_a_hash_or_a_choice(live, data):
    server = live(workers=1)
    app = data()
    round_id, subjects, codes = open_round_with_cards(app, 3)
    phone = Phone(server.url)
    phone.cast(codes[0], {subjects[0]: "high", subjects[1]: "confidence", subjects[2]: "low"})
    phone.cast(codes[0], {subjects[0]: "low"})  # refused: already used
    phone.request("/v", {"csrf_token": phone.token(), "code": codes[1]})
    phone.request("/v/cast", {"code": codes[2]})  # no CSRF token: refused
    server.stop()
    log = server.log()
    assert "POST /v/cast" in log  # the access log is on
    for code in codes:
        for needle in (code, code.replace("-", ""), hash_code(code)):
            assert needle not in log
    for choice in ("high", "confidence", "low", "=high", f"s{subjects[0]}"):
        assert choice not in log


def _open_files(pid: int) -> list[str]:
    """What the process's file descriptors point at (``socket:[inode]`` for sockets)."""
    targets = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            targets.append(os.readlink(fd))
        except FileNotFoundError:  # closed meanwhile
            pass
    return targets


def _sockets_to_port(port: int) -> set[str]:
    """Inodes of the machine's TCP sockets connected to ``port`` (from /proc/net/tcp, tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[2].rsplit(":", 1)[1], 16) == port:
                found.add(fields[9])
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads Linux's /proc")
def test_workers_inherit_no_database_connection_from_the_master(live, data, database_url):
    server = live(workers=1)
    app = data()
    _round_id, subjects, codes = open_round_with_cards(app, 1)
    assert Phone(server.url).cast(codes[0], {subjects[0]: "high"})[1].endswith("/v/thanks")
    # no control socket either (it could add workers at run time)
    assert "Control socket" not in server.log()
    # the master ran the migrations and created the admin account before it forked the worker;
    # every connection it opened for that must be closed, or the worker shares it
    master = _open_files(server.process.pid)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        database = str(Path(url.database).resolve())
        assert not [t for t in master if t.startswith(database)]
    else:
        inodes = {t[len("socket:["):-1] for t in master if t.startswith("socket:[")}
        assert inodes  # the listening socket, at least
        assert not inodes & _sockets_to_port(url.port or 5432)
