"""Benchmark databases and rounds, set up through the app's own operations, and read back."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from survey import create_app
from survey.ballots.models import Ballot, Card, Mark
from survey.ballots.operations import create_cards, issue_cards
from survey.db import upgrade
from survey.desk.operations import create_round, open_round
from survey.rounds.importing import SubjectRow
from survey.rounds.operations import record_attendance

DEFAULT_PG_URL = "postgresql+psycopg://survey:survey@127.0.0.1/survey_bench"

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân", "Hồng")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hạnh", "Hùng", "Khánh", "Lan", "Long",
         "Mai", "Nam", "Phong", "Phương", "Quang", "Sơn", "Tâm", "Thắng", "Thảo", "Trung", "Tuấn")
POSITIONS = (
    "Chủ tịch Quốc hội",
    "Phó Chủ tịch Quốc hội",
    "Chủ nhiệm Ủy ban Kinh tế và Tài chính của Quốc hội",
    "Bộ trưởng Bộ Kế hoạch và Đầu tư",
    "Thống đốc Ngân hàng Nhà nước Việt Nam",
    "Chánh án Tòa án nhân dân tối cao",
    "Viện trưởng Viện kiểm sát nhân dân tối cao",
    "Tổng Kiểm toán nhà nước",
)


def subject_rows(n: int, seed: int = 45) -> list[SubjectRow]:
    """``n`` fictional officials with names and positions as long as real ones."""
    rng = random.Random(seed)
    return [
        SubjectRow(
            line=i,
            name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            position=rng.choice(POSITIONS),
            unit="",
        )
        for i in range(1, n + 1)
    ]


@dataclass(frozen=True)
class Database:
    """A database of its own for one benchmark: an SQLite file, or a PostgreSQL schema."""

    engine: str  # "sqlite" or "postgresql"
    url: str


@contextmanager
def fresh_database(engine: str, workdir: Path, pg_url: str = DEFAULT_PG_URL) -> Iterator[Database]:
    """A new, migrated, empty database, removed afterwards."""
    if engine == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:8]}.sqlite"
        db = Database("sqlite", f"sqlite:///{path}")
        try:
            _migrate(db.url)
            yield db
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    admin = create_engine(pg_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        db = Database("postgresql", url.render_as_string(hide_password=False))
        _migrate(db.url)
        yield db
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def postgres_available(pg_url: str = DEFAULT_PG_URL) -> str | None:
    """``None`` if ``pg_url`` accepts connections, else why not."""
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()


def bench_app(database_url: str) -> Flask:
    """The app on ``database_url``, for operations run from the benchmark process."""
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench",
                       "BASE_URL": "http://127.0.0.1"})


def _migrate(url: str) -> None:
    app = bench_app(url)
    with app.app_context():
        upgrade()  # as `survey init` / `survey serve` do
    app.extensions["survey.engine"].dispose()


@dataclass(frozen=True)
class Election:
    """An open round, its ballot and its issued cards (codes exist only here and on paper)."""

    round_id: int
    subject_ids: tuple[int, ...]
    codes: tuple[str, ...]


def open_election(app: Flask, *, voters: int, subjects: int) -> Election:
    """An open confidence round with ``subjects`` officials and ``voters`` issued cards."""
    now = datetime.now(UTC)
    with app.extensions["survey.sessionmaker"].begin() as session:
        round_ = create_round(session, title=f"Benchmark {voters} x {subjects}", now=now,
                              body="Quốc hội (benchmark)", subjects=subject_rows(subjects))
        record_attendance(session, round_, summoned=voters, present=voters)
        codes: list[str] = []
        for start in range(0, voters, 2000):  # MAX_CARDS per call
            codes += [c.code for c in create_cards(session, round_, min(2000, voters - start))]
        issue_cards(session, round_)
        open_round(session, round_, now)
        return Election(round_.id, tuple(s.id for s in round_.subjects), tuple(codes))


@dataclass(frozen=True)
class Check:
    """What the database holds after a run, against what the voters were told."""

    ballots: int
    distinct_ballot_ids: int
    used_cards: int
    confirmed: int
    #: Marks per ``(subject_id, choice)`` in the database minus those sent in confirmed casts.
    mark_difference: dict[tuple[int, str], int]

    @property
    def lost(self) -> int:
        return max(0, self.confirmed - self.ballots)

    @property
    def duplicated(self) -> int:
        return max(0, self.ballots - self.confirmed) + (self.ballots - self.distinct_ballot_ids)

    @property
    def ok(self) -> bool:
        return (self.ballots == self.distinct_ballot_ids == self.used_cards == self.confirmed
                and not self.mark_difference)


def verify(app: Flask, election: Election, confirmed: list[Mapping[int, str]]) -> Check:
    """Read the round back: ballots == used cards == confirmed casts, and every mark once."""
    expected = Counter((s, c) for choices in confirmed for s, c in choices.items())
    with app.extensions["survey.sessionmaker"]() as session:
        r = election.round_id
        ballots = session.scalar(select(func.count()).where(Ballot.round_id == r))
        distinct = session.scalar(
            select(func.count(func.distinct(Ballot.id))).where(Ballot.round_id == r))
        used = session.scalar(
            select(func.count()).where(Card.round_id == r, Card.used.is_(True)))
        stored = Counter({
            (s, c): n for s, c, n in session.execute(
                select(Mark.subject_id, Mark.choice, func.count())
                .join(Ballot, Ballot.id == Mark.ballot_id)
                .where(Ballot.round_id == r)
                .group_by(Mark.subject_id, Mark.choice)
            )
        })
    difference = {k: stored[k] - expected[k] for k in stored.keys() | expected.keys()
                  if stored[k] != expected[k]}
    return Check(ballots, distinct, used, len(confirmed), difference)
