"""The documents of a closed round at the size the requirement names: the minutes of the count
and the Standing Committee's summary of a 50-subject poll, as A4 PDFs.

The round is made as ``bench.tally`` makes it (the app's operations, then the ballots in bulk),
closed by the app, its minutes' details and a five-member committee entered. Each document is
drawn ``repeats`` times in this process after one unmeasured warm-up (the faces are parsed
once per process, as in a server); the figures are the median wall-clock and CPU seconds.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.data import DEFAULT_PG_URL, bench_app, fresh_database
from bench.tally import load_round
from survey.desk.operations import close_round
from survey.kinds import kind_of
from survey.reports.operations import MinutesDetails, update_minutes
from survey.reports.report import build_frame
from survey.rounds.models import Round

COMMITTEE = [("Trần Văn Quyết", "head"), ("Vũ Đức Thành", "secretary"),
             ("Nguyễn Thị Hồng Nhung", "member"), ("Lò Thị Mai", "member"),
             ("Cà Văn Hùng", "member")]


def _close(database_url: str, round_id: int) -> None:
    app = bench_app(database_url)
    with app.extensions["survey.sessionmaker"].begin() as session:
        round_ = session.get(Round, round_id)
        close_round(session, round_, datetime.now(UTC))
        update_minutes(session, round_, MinutesDetails(
            parent_body="Đảng bộ tỉnh (benchmark)", locality="Điện Biên Phủ",
            chair="đồng chí Lường Hữu Ánh, Bí thư", conference_time=clock(8, 0),
            minutes_number="05-BB/ĐU", report_number="06-BC/ĐU", members=COMMITTEE))
    app.extensions["survey.engine"].dispose()


def _timed(call: Callable[[], bytes], repeats: int) -> dict[str, Any]:
    call()  # warm-up: imports, the faces parsed
    walls, cpus, size = [], [], 0
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        size = len(call())
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"seconds": statistics.median(walls), "cpu_seconds": statistics.median(cpus),
            "max_seconds": max(walls), "pdf_bytes": size}


def run_documents_bench(engine: str = "sqlite", *, subjects: int = 50, ballots: int = 500,
                        repeats: int = 5, pg_url: str = DEFAULT_PG_URL) -> dict[str, Any]:
    """The minutes and the summary of a closed ``subjects``-subject poll of ``ballots``."""
    result: dict[str, Any] = {"engine": engine, "subjects": subjects, "ballots": ballots,
                              "repeats": repeats}
    with tempfile.TemporaryDirectory(prefix="survey-documents-") as tmp, \
            fresh_database(engine, Path(tmp), pg_url) as db:
        round_id, _marks = load_round(db.url, ballots=ballots, subjects=subjects)
        _close(db.url, round_id)
        app = bench_app(db.url)
        with app.extensions["survey.sessionmaker"]() as session, app.test_request_context():
            round_ = session.get(Round, round_id)
            kind = kind_of(round_)
            started = time.perf_counter()
            report = kind.report(session, round_, build_frame(
                session, round_, tz=ZoneInfo("Asia/Ho_Chi_Minh")), published_only=False)
            result["report_seconds"] = time.perf_counter() - started
            result["minutes"] = _timed(lambda: kind.minutes_pdf(report), repeats)
            result["summary"] = _timed(lambda: kind.summary_pdf(report, "ballot"), repeats)
        app.extensions["survey.engine"].dispose()
    result["ok"] = all(result[d]["pdf_bytes"] > 0 for d in ("minutes", "summary"))
    return result


def documents_table(results: list[dict[str, Any]]) -> str:
    lines = ["engine      subjects  ballots  report s  minutes s (cpu, max)     "
             "summary s (cpu, max)     minutes KB  summary KB"]
    for r in results:
        m, s = r["minutes"], r["summary"]
        lines.append(
            f"{r['engine']:<11} {r['subjects']:>8} {r['ballots']:>8} {r['report_seconds']:>9.2f}"
            f"  {m['seconds']:.2f} ({m['cpu_seconds']:.2f}, {m['max_seconds']:.2f})      "
            f"   {s['seconds']:.2f} ({s['cpu_seconds']:.2f}, {s['max_seconds']:.2f})      "
            f"   {m['pdf_bytes'] / 1024:>9.0f}  {s['pdf_bytes'] / 1024:>10.0f}")
    return "\n".join(lines)
