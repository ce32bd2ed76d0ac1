"""What the organizing officer's heavy jobs cost, in-process (the app and its test client,
no server): creating 600 cards through the web form and the page that answers, the PDF of
those cards, importing an appraisal roster of 1,200 rows from a file (and storing
1,200 people alone), and the close of a 480 x 45 round with its minutes and
summary PDFs. Each job runs ``repeats`` times on a fresh round; the figures are wall-clock
seconds (median and range) and the CPU seconds of this process.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.data import bench_app, fresh_database, subject_rows
from bench.tally import load_round
from survey.auth.operations import create_user
from survey.desk.operations import close_round, create_round
from survey.kinds import kind_named, kind_of
from survey.kinds.appraisal.roster import MAX_ROSTER
from survey.reports.report import build_frame
from survey.rounds.importing import SubjectRow
from survey.rounds.models import Round
from survey.rounds.operations import record_attendance

PASSWORD = "officer benchmark password"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_ONCE = re.compile(r'name="once" type="hidden" value="([^"]+)"')


def _spread(samples: list[tuple[float, float]]) -> dict[str, float]:
    walls = [wall for wall, _cpu in samples]
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu_median": statistics.median(cpu for _wall, cpu in samples)}


def _timed(call: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = call()
    return (time.perf_counter() - wall, time.process_time() - cpu), value


def roster_csv(people: int) -> bytes:
    lines = ["STT,Họ và tên,Chức vụ,Đơn vị"]
    lines += [f"{i},{row.name} {i},{row.position},Phòng {i % 40 + 1}"
              for i, row in enumerate(subject_rows(people), start=1)]
    return ("\n".join(lines) + "\n").encode()


def officer_costs(engine: str = "sqlite", pg_url: str | None = None, *, repeats: int = 5,
                  cards: int = 600, roster: int = 1200, voters: int = 480,
                  subjects: int = 45) -> dict[str, Any]:
    kwargs = {"pg_url": pg_url} if pg_url else {}
    with tempfile.TemporaryDirectory(prefix="survey-officer-") as tmp, \
            fresh_database(engine, Path(tmp), **kwargs) as db:
        app = bench_app(db.url)
        maker = app.extensions["survey.sessionmaker"]
        now = datetime.now(UTC)
        with maker.begin() as session:
            create_user(session, "officer", PASSWORD, "organizer", now)
        client = app.test_client()
        page = client.get("/login").text
        client.post("/login", data={"csrf_token": _CSRF.search(page)[1], "username": "officer",
                                    "password": PASSWORD})
        create, pdf, imports, stores, closes, documents = [], [], [], [], [], []
        page_bytes = pdf_bytes = 0
        for i in range(repeats):
            with maker.begin() as session:
                round_ = create_round(session, title="Lấy phiếu tín nhiệm đối với người giữ "
                                      "chức vụ do Quốc hội bầu", now=now, body="Quốc hội",
                                      subjects=subject_rows(subjects))
                record_attendance(session, round_, summoned=cards, present=cards)
                round_id = round_.id
            page = client.get(f"/rounds/{round_id}").text
            form = {"csrf_token": _CSRF.search(page)[1], "once": _ONCE.search(page)[1],
                    "count": str(cards)}

            def made(round_id: int = round_id, form: dict = form) -> str:
                answer = client.post(f"/rounds/{round_id}/cards", data=form)
                assert answer.status_code == 302, answer.status_code
                return client.get(answer.headers["Location"]).text

            sample, made_page = _timed(made)
            create.append(sample)
            page_bytes = len(made_page.encode())
            token = _CSRF.search(made_page)[1]
            sample, answer = _timed(lambda round_id=round_id, token=token: client.post(
                f"/rounds/{round_id}/cards/pdf", data={"csrf_token": token}))
            assert answer.mimetype == "application/pdf", answer.status_code
            pdf.append(sample)
            pdf_bytes = len(answer.data)

            data = roster_csv(min(roster, MAX_ROSTER))
            with maker() as session:
                appraisal = create_round(session, title=f"Đánh giá {i}", now=now,
                                         kind="appraisal")
                session.commit()

                def imported(session: Any = session, appraisal: Round = appraisal,
                             data: bytes = data) -> int:
                    kind = kind_named("appraisal")
                    parsed = kind.read_list(data, "roster.csv")
                    assert not parsed.errors, parsed.errors[:3]
                    kind.replace_list(session, appraisal, parsed)
                    session.commit()
                    return parsed.count

                sample, count = _timed(imported)
                assert count == min(roster, MAX_ROSTER), count
                imports.append(sample)
                whole = create_round(session, title=f"Đánh giá toàn cơ quan {i}", now=now,
                                     kind="appraisal")
                session.commit()
                rows = [SubjectRow(n + 1, f"{r.name} {n}", r.position, f"Phòng {n % 40 + 1}")
                        for n, r in enumerate(subject_rows(roster), start=1)]
                sample, _ = _timed(lambda session=session, whole=whole, rows=rows: (
                    kind_named("appraisal").replace_subjects(session, whole, rows),
                    session.commit()))
                stores.append(sample)
        for _ in range(max(1, repeats // 2)):
            round_id, _marks = load_round(db.url, ballots=voters, subjects=subjects)
            with app.test_request_context(), maker() as session:
                round_ = session.get(Round, round_id)
                sample, _ = _timed(lambda session=session, round_=round_: (
                    close_round(session, round_, datetime.now(UTC)), session.commit()))
                closes.append(sample)
                kind = kind_of(round_)

                def drawn(session: Any = session, round_: Round = round_, kind: Any = kind
                          ) -> int:
                    report = kind.report(session, round_, build_frame(
                        session, round_, tz=ZoneInfo("Asia/Ho_Chi_Minh")), published_only=False)
                    return len(kind.minutes_pdf(report)) + len(kind.summary_pdf(report, "ballot"))

                sample, _size = _timed(drawn)
                documents.append(sample)
        app.extensions["survey.engine"].dispose()
    both = [(c[0] + d[0], c[1] + d[1]) for c, d in zip(closes, documents, strict=True)]
    return {
        "engine": engine, "repeats": repeats, "cards": cards, "roster": roster,
        "voters": voters, "subjects": subjects,
        "create_cards": _spread(create), "created_page_bytes": page_bytes,
        "cards_pdf": _spread(pdf), "cards_pdf_bytes": pdf_bytes,
        "roster_import": _spread(imports), "roster_import_rows": min(roster, MAX_ROSTER),
        "roster_store": _spread(stores),
        "close": _spread(closes), "close_documents": _spread(documents),
        "close_with_documents": _spread(both),
    }


def officer_table(result: dict[str, Any]) -> str:
    rows = [
        (f"create {result['cards']} cards (web form, the page after it)", "create_cards", 1.0),
        (f"their PDF ({result['cards_pdf_bytes'] / 1e6:.1f} MB)", "cards_pdf", 2.0),
        (f"import a roster file of {result['roster_import_rows']} rows",
         "roster_import", 1.0),
        (f"store a roster of {result['roster']}", "roster_store", 1.0),
        (f"close {result['voters']} x {result['subjects']}", "close", None),
        ("its minutes and summary PDFs", "close_documents", None),
        ("close, minutes and summary", "close_with_documents", 2.0),
    ]
    lines = [f"officer jobs on {result['engine']}, {result['repeats']} runs "
             f"(wall median [min-max], CPU median; target)"]
    for label, key, target in rows:
        s = result[key]
        goal = f"< {target:.0f} s" if target else ""
        lines.append(f"  {label:<52} {s['median']:6.2f} s [{s['min']:.2f}-{s['max']:.2f}]"
                     f"  cpu {s['cpu_median']:.2f} s  {goal}")
    lines.append(f"  page after creating cards: {result['created_page_bytes']:,} bytes")
    return "\n".join(lines)
