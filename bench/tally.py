"""The count at scale: a million marks tallied by the app against the plain ``GROUP BY``, the
close that rewrites them, and the documents (the minutes PDF, the card sheet).

The round, its subjects and its cards are made by the app's operations; the ballots are then
written in bulk in exactly the shape :func:`survey.ballots.operations.cast_ballot` writes them
(one row with a random id per ballot, one row per marked line, the card flagged as used), since
casting 20,000 ballots one HTTP request at a time is what ``python -m bench vote`` measures.

Each measurement runs in a fresh process, so its peak memory is its own: the figure is the
growth of the resident set above what the process held just before the measured call.
"""

from __future__ import annotations

import multiprocessing
import random
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import func, select, text, update

from bench.data import DEFAULT_PG_URL, bench_app, fresh_database, subject_rows
from survey.ballots.models import Ballot, Card, Mark
from survey.ballots.operations import create_cards, issue_cards
from survey.desk.operations import create_round, open_round
from survey.rounds.models import Round
from survey.rounds.operations import record_attendance

MB = 1024 * 1024
LEVELS = ("high", "confidence", "low")
PLAIN_GROUP_BY = "SELECT subject_id, choice, COUNT(*) FROM marks GROUP BY subject_id, choice"


# -- the data ------------------------------------------------------------------------------------


def load_round(database_url: str, *, ballots: int, subjects: int, seed: int = 20_000,
               blank: float = 0.02) -> tuple[int, int]:
    """An open round with ``ballots`` cast ballots of ``subjects`` lines; ``(round id, marks)``."""
    app = bench_app(database_url)
    now = datetime.now(UTC)
    maker = app.extensions["survey.sessionmaker"]
    with maker.begin() as session:
        round_ = create_round(session, title=f"Tally {ballots} x {subjects}", now=now,
                              body="Tỉnh (benchmark)", subjects=subject_rows(subjects),
                              min_ballots=5)
        record_attendance(session, round_, summoned=ballots, present=ballots)
        for start in range(0, ballots, 2000):
            create_cards(session, round_, min(2000, ballots - start))
        issue_cards(session, round_)
        open_round(session, round_, now)
        round_id = round_.id
        subject_ids = [s.id for s in round_.subjects]
    rng = random.Random(seed)
    engine = app.extensions["survey.engine"]
    marks = 0
    batch = 1000
    for start in range(0, ballots, batch):
        ballot_rows = []
        mark_rows = []
        for _ in range(min(batch, ballots - start)):
            ballot_id = secrets.token_hex(16)
            ballot_rows.append((ballot_id, round_id))
            mark_rows += [(ballot_id, s, rng.choice(LEVELS)) for s in subject_ids
                          if rng.random() >= blank]
        marks += len(mark_rows)
        _bulk_insert(engine, ballot_rows, mark_rows)
    with maker.begin() as session:
        session.execute(update(Card).where(Card.round_id == round_id).values(used=True))
    engine.dispose()
    return round_id, marks


def _bulk_insert(engine: Any, ballot_rows: list[tuple], mark_rows: list[tuple]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy("COPY ballots (id, round_id) FROM STDIN") as copy:
                for row in ballot_rows:
                    copy.write_row(row)
            with cursor.copy("COPY marks (ballot_id, subject_id, choice) FROM STDIN") as copy:
                for row in mark_rows:
                    copy.write_row(row)
        else:
            cursor.execute("BEGIN")
            cursor.executemany("INSERT INTO ballots (id, round_id) VALUES (?, ?)", ballot_rows)
            cursor.executemany(
                "INSERT INTO marks (ballot_id, subject_id, choice) VALUES (?, ?, ?)", mark_rows)
        raw.commit()
    finally:
        raw.close()


# -- measuring in a fresh process ----------------------------------------------------------------


class PeakRss:
    """The largest growth of this process's resident set while the ``with`` block runs."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self.base = self.process.memory_info().rss
        self.peak = self.base
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / MB


def _in_child(task: str, database_url: str, round_id: int, queue: Any,
              kwargs: dict[str, Any]) -> None:
    try:
        queue.put(TASKS[task](database_url, round_id, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


def in_fresh_process(task: str, database_url: str, round_id: int, timeout: float = 900,
                     **kwargs: Any) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_in_child,
                              args=(task, database_url, round_id, queue, kwargs))
    process.start()
    try:
        result = queue.get(timeout=timeout)
    finally:
        process.join(30)
        if process.is_alive():
            process.kill()
    if "error" in result:
        raise RuntimeError(f"{task}: {result['error']}")
    return result


@contextmanager
def _session(database_url: str):
    app = bench_app(database_url)
    try:
        with app.app_context(), app.extensions["survey.sessionmaker"]() as session:
            yield app, session
    finally:
        app.extensions["survey.engine"].dispose()


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def task_tally(database_url: str, round_id: int, repeats: int = 5) -> dict[str, Any]:
    """The app's tally and the plain ``GROUP BY``, alternated, medians; then the app's memory."""
    from survey.kinds.confidence import confidence_result

    with _session(database_url) as (_app, session):
        round_ = session.get(Round, round_id)
        subjects = list(round_.subjects)  # loaded before measuring: the same in both arms
        plain: list[float] = []
        app_tally: list[float] = []
        session.execute(text(PLAIN_GROUP_BY)).all()  # warm the caches for both
        confidence_result(session, round_)
        for _ in range(repeats):
            seconds, rows = _timed(lambda: session.execute(text(PLAIN_GROUP_BY)).all())
            plain.append(seconds)
            seconds, result = _timed(lambda: confidence_result(session, round_))
            app_tally.append(seconds)
        plain_marks = sum(n for _s, _c, n in rows)
        app_marks = sum(r.valid for r in result.subjects)
        session.rollback()
    # memory in a state where nothing of the above is still cached in Python
    with _session(database_url) as (_app, session):
        round_ = session.get(Round, round_id)
        list(round_.subjects)
        with PeakRss() as peak:
            confidence_result(session, round_)
    return {
        "plain_seconds": statistics.median(plain),
        "app_seconds": statistics.median(app_tally),
        "ratio": statistics.median(app_tally) / statistics.median(plain),
        "plain_marks": plain_marks,
        "app_marks": app_marks,
        "subjects": len(subjects),
        "collected": result.figures.collected,
        "app_peak_growth_mb": peak.growth_mb,
    }


def task_close(database_url: str, round_id: int) -> dict[str, Any]:
    """``close_round`` (which rewrites every ballot) and its commit, as the close view does."""
    from survey.db import begin_write, compact
    from survey.desk.operations import close_round

    with _session(database_url) as (app, session):
        begin_write(session)
        round_ = session.get(Round, round_id)
        before = set(session.scalars(select(Ballot.id).where(Ballot.round_id == round_id)
                                     .order_by(Ballot.id).limit(1000)))
        with PeakRss() as peak:
            seconds, _ = _timed(lambda: (close_round(session, round_, datetime.now(UTC)),
                                         session.commit()))
        compact_seconds, _ = _timed(lambda: compact(app.extensions["survey.engine"]))
        ballots = session.scalar(select(func.count()).where(Ballot.round_id == round_id))
        marks = session.scalar(select(func.count()).select_from(Mark))
        survivors = session.scalar(select(func.count()).where(Ballot.id.in_(before)))
    return {"seconds": seconds, "peak_growth_mb": peak.growth_mb, "ballots": ballots,
            "marks": marks, "old_ids_left": survivors, "compact_seconds": compact_seconds}


def task_minutes(database_url: str, round_id: int) -> dict[str, Any]:
    """The minutes of the count as a PDF: gathering the report, then drawing it."""
    from zoneinfo import ZoneInfo

    from survey.kinds import kind_of
    from survey.reports.report import build_frame

    with _session(database_url) as (app, session), app.test_request_context():
        round_ = session.get(Round, round_id)
        list(round_.subjects)
        kind = kind_of(round_)
        with PeakRss() as report_peak:
            report_seconds, report = _timed(lambda: kind.report(
                session, round_, build_frame(session, round_, tz=ZoneInfo("Asia/Ho_Chi_Minh")),
                published_only=False))
        with PeakRss() as pdf_peak:
            pdf_seconds, pdf = _timed(lambda: kind.minutes_pdf(report))
    return {"available": True, "report_seconds": report_seconds,
            "report_peak_growth_mb": report_peak.growth_mb, "pdf_seconds": pdf_seconds,
            "pdf_peak_growth_mb": pdf_peak.growth_mb, "pdf_bytes": len(pdf),
            "subjects": len(report.lines)}


def task_cards_pdf(database_url: str, round_id: int, cards: int = 480) -> dict[str, Any]:
    """The printable card sheet for a National Assembly sitting (480 cards, 60 pages)."""
    from survey.ballots.cards import card_url, new_code
    from survey.ballots.printing import PrintedCard, cards_pdf

    app = bench_app(database_url)
    printed = [PrintedCard(i, code, card_url("http://192.168.1.10:8000", code))
               for i, code in enumerate((new_code() for _ in range(cards)), start=1)]
    with app.test_request_context():
        seconds, pdf = _timed(lambda: cards_pdf(
            title="Lấy phiếu tín nhiệm đối với người giữ chức vụ do Quốc hội bầu hoặc phê chuẩn",
            body="Quốc hội", vote_address="http://192.168.1.10:8000/v", cards=printed))
    app.extensions["survey.engine"].dispose()
    return {"cards": cards, "seconds": seconds, "pdf_bytes": len(pdf)}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "tally": task_tally,
    "close": task_close,
    "minutes": task_minutes,
    "cards_pdf": task_cards_pdf,
}


# -- the whole benchmark -------------------------------------------------------------------------


def run_tally_bench(engine: str, *, ballots: int = 20_000, subjects: int = 50,
                    small: int = 2_000, cards: int = 480,
                    pg_url: str = DEFAULT_PG_URL) -> dict[str, Any]:
    """Tally (open round: the figures an organizer would see only after the close, but the same
    query), close, tally again, then the minutes; and the tally's memory at ``small`` ballots."""
    result: dict[str, Any] = {"engine": engine, "ballots": ballots, "subjects": subjects}
    with tempfile.TemporaryDirectory(prefix="survey-tally-") as tmp:
        workdir = Path(tmp)
        if small:
            with fresh_database(engine, workdir, pg_url) as db:
                round_id, _ = load_round(db.url, ballots=small, subjects=subjects)
                result["small"] = {"ballots": small,
                                   **in_fresh_process("tally", db.url, round_id)}
                result["small"]["close"] = in_fresh_process("close", db.url, round_id)
        with fresh_database(engine, workdir, pg_url) as db:
            load_seconds, (round_id, marks) = _timed(
                lambda: load_round(db.url, ballots=ballots, subjects=subjects))
            result["marks"] = marks
            result["load_seconds"] = load_seconds
            result["close"] = in_fresh_process("close", db.url, round_id)
            result["tally"] = in_fresh_process("tally", db.url, round_id)
            result["minutes"] = in_fresh_process("minutes", db.url, round_id)
            result["cards_pdf"] = in_fresh_process("cards_pdf", db.url, round_id, cards=cards)
    tally = result["tally"]
    result["ok"] = (tally["plain_marks"] == tally["app_marks"] == marks
                    and tally["collected"] == ballots
                    and result["close"]["ballots"] == ballots
                    and result["close"]["marks"] == marks
                    and result["close"]["old_ids_left"] == 0)
    return result


def tally_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "engine      ballots x subj    marks  GROUP BY s  app tally s  ratio  tally mem MB"
        " (small → full)  close s  close mem MB  minutes: report s + PDF s  card sheet s  ok",
    ]
    for r in results:
        t, c, m = r["tally"], r["close"], r["minutes"]
        small = r.get("small", {})
        minutes = (f"{m['report_seconds']:.2f} + {m['pdf_seconds']:.2f}"
                   if m.get("available") else "n/a")
        lines.append(
            f"{r['engine']:<11} {r['ballots']:>7} x {r['subjects']:<4} {r['marks']:>8}"
            f"  {t['plain_seconds']:>10.3f}  {t['app_seconds']:>11.3f}  {t['ratio']:>5.2f}"
            f"  {small.get('app_peak_growth_mb', 0):>9.1f} → {t['app_peak_growth_mb']:<9.1f}"
            f"  {c['seconds']:>7.1f}  {c['peak_growth_mb']:>12.0f}  {minutes:>25}"
            f"  {r['cards_pdf']['seconds']:>12.2f}  {'yes' if r['ok'] else 'NO'}"
            f"  (card sheet: {r['cards_pdf']['cards']} cards)"
        )
        if m.get("available"):
            lines.append(f"{'':<11} minutes: {m['subjects']} subjects, {m['pdf_bytes'] / 1024:.0f}"
                         f" KB; report memory +{m['report_peak_growth_mb']:.0f} MB, PDF +"
                         f"{m['pdf_peak_growth_mb']:.0f} MB; close at {small.get('ballots')}: "
                         f"{small.get('close', {}).get('peak_growth_mb', 0):.0f} MB")
    return "\n".join(lines)
