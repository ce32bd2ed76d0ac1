"""Nothing lost, nothing twice: full disks, hostile input, and the tally against a direct count."""

from __future__ import annotations

import random
import string
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select, text

from survey.ballots.models import Ballot, Card, Mark
from survey.desk.operations import close_round
from survey.kinds.casting import cast_ballot
from survey.kinds.confidence import confidence_result
from survey.tally.confidence import Level
from tests.conftest import NOW

LEVELS = [level.value for level in Level]


def _rows(session, model):
    session.rollback()  # end the read snapshot (SQLite WAL keeps it)
    return session.scalar(select(func.count()).select_from(model))


def test_disk_full_gives_503_and_keeps_the_card(app, client, session, make_round):
    engine = app.extensions["survey.engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("max_page_count is SQLite's; PostgreSQL disk-full is an operator matter")
    round_ = make_round(cards=2, open_=True)
    other = make_round(title="Ballast")
    # Fill every free byte, then forbid the file to grow: the next insert hits SQLITE_FULL.
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE ballast (x BLOB)")
    pages = {}

    def cap(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA max_page_count={pages['n']}")

    with engine.begin() as conn:
        pages["n"] = conn.exec_driver_sql("PRAGMA page_count").scalar() + 2
    engine.dispose()
    event.listen(engine, "connect", cap)
    try:
        raw = engine.raw_connection()  # autocommit: each row stays once written
        try:
            for size in (4096, 512, 64, 8, 1):
                for _ in range(100000):
                    try:
                        raw.driver_connection.execute(
                            f"INSERT INTO ballast VALUES (randomblob({size}))"
                        )
                    except Exception:  # noqa: BLE001 - SQLITE_FULL at this size: go smaller
                        break
            # and the ballot tables' own pages, so that a new ballot needs a page it can't have
            conn = raw.driver_connection
            failures = 0
            while failures < 300:
                try:
                    conn.execute("INSERT INTO ballots VALUES (lower(hex(randomblob(16))), ?)",
                                 (other.id,))
                    conn.execute(
                        "INSERT INTO marks SELECT id, ?, 'high' FROM ballots "
                        "WHERE id NOT IN (SELECT ballot_id FROM marks) LIMIT 1",
                        (other.subjects[0].id,),
                    )
                    failures = 0
                except Exception:  # noqa: BLE001
                    failures += 1
        finally:
            raw.close()
        data = {"code": round_.codes[0]} | {f"s{s.id}": "high" for s in round_.subjects}
        response = client.post("/v/cast", data=data)
        assert response.status_code == 503
        assert "hết chỗ lưu trữ" in response.text and "Không có gì bị thay đổi" in response.text
        session.rollback()  # end the read snapshot (SQLite WAL keeps it)
        mine = select(func.count()).where(Ballot.round_id == round_.id)
        assert session.scalar(mine) == 0
        assert session.scalar(
            select(func.count()).select_from(Mark).where(
                Mark.subject_id.in_([s.id for s in round_.subjects]))
        ) == 0
        assert session.scalar(select(func.count()).where(Card.used.is_(True))) == 0
    finally:
        event.remove(engine, "connect", cap)
        engine.dispose()
    session.close()
    # space is back: the same card now votes
    assert client.post("/v/cast", data=data).status_code == 303
    session.rollback()  # end the read snapshot (SQLite WAL keeps it)
    assert session.scalar(select(func.count()).where(Ballot.round_id == round_.id)) == 1


def test_fuzzed_posts_never_500_and_store_nothing(client, session, make_round):
    round_ = make_round(cards=3, open_=True)
    rng = random.Random(20261129)
    valid = round_.codes[0]
    alphabet = string.printable + "ạếỗ\x00\u202e😀"
    paths = ["/v", "/v/review", "/v/ballot", "/v/cast"]
    sid = round_.subjects[0].id
    for i in range(1500):
        code = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        if i % 7 == 0:  # near misses of a real code
            chars = list(valid)
            chars[rng.randrange(len(chars))] = rng.choice(string.ascii_uppercase)
            code = "".join(chars)
        data = {"code": code}
        for _ in range(rng.randint(0, 4)):
            key = rng.choice([f"s{sid}", f"s{rng.randint(-5, 10**12)}", "s", "sX", "code",
                              "".join(rng.choice(alphabet) for _ in range(5))])
            data[key] = rng.choice(LEVELS + ["", "HIGH", "x" * 3000, "\x00", "1"])
        # many addresses, so that the throttle (tested on its own) lets the fuzz through
        response = client.post(rng.choice(paths), data=data,
                               environ_base={"REMOTE_ADDR": f"10.9.{i // 200}.{i % 200}"})
        assert response.status_code < 500, (data, response.status_code)
    # a few structurally broken requests, from a fresh browser and address
    client = client.application.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.8.0.1"
    assert client.post("/v/cast", data=b"\xff\xfe", content_type="text/plain").status_code == 400
    assert client.post("/v/cast", json={"code": valid}).status_code == 400
    assert client.post("/v/cast", data={"code": [valid, valid]}).status_code < 500
    assert _rows(session, Ballot) == 0 or session.scalar(
        select(func.count()).where(Card.used.is_(True))
    ) == _rows(session, Ballot)
    # nothing was stored without a valid card: only the real code could have voted
    assert _rows(session, Ballot) <= 1


def direct_count(ballots, subject_ids):
    """The counting committee's way: go through the ballots one by one."""
    tally = {sid: Counter() for sid in subject_ids}
    for ballot in ballots:
        for sid, level in ballot.items():
            tally[sid][level] += 1
    return tally


ballot_strategy = st.lists(
    st.dictionaries(st.integers(0, 3), st.sampled_from(LEVELS), max_size=4),
    min_size=0, max_size=40,
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ballots=ballot_strategy, seed=st.integers(0, 2**32 - 1))
def test_tally_equals_a_direct_count_in_any_order(session, make_round, ballots, seed):
    round_ = make_round(rows=None, cards=len(ballots) or 1, summoned=max(len(ballots), 1),
                        present=max(len(ballots), 1), open_=True, min_ballots=1)
    subjects = [s.id for s in round_.subjects[:4]]
    order = list(range(len(ballots)))
    random.Random(seed).shuffle(order)  # the order of casting must not matter
    for i in order:
        cast_ballot(session, round_.codes[i],
                    {subjects[k]: level for k, level in ballots[i].items()})
    close_round(session, round_, NOW)
    session.commit()
    result = confidence_result(session, round_)
    expected = direct_count([{subjects[k]: v for k, v in b.items()} for b in ballots], subjects)
    assert result.figures.collected == len(ballots)
    if not ballots:
        assert result.suppressed
        return
    for subject, line in zip(round_.subjects[:4], result.subjects, strict=False):
        assert line.counts.as_dict() == {lv: expected[subject.id][lv] for lv in LEVELS}
        assert line.invalid == len(ballots) - sum(expected[subject.id].values())
    # the database agrees with itself by a second route
    raw = session.execute(
        text("SELECT COUNT(*) FROM marks JOIN ballots ON ballots.id = marks.ballot_id "
             "WHERE ballots.round_id = :r"),
        {"r": round_.id},
    ).scalar()
    assert raw == sum(len(b) for b in ballots)
