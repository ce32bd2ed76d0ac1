"""Plain helpers and constants shared by several test modules.

Fixtures live in ``tests/conftest.py`` (browser-only ones in ``tests/browser/conftest.py``); a
test module never imports from another test module (``tests/test_suite_layout.py``).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import click
from sqlalchemy import select

from survey.auth.cli import user_cli
from survey.ballots.operations import create_cards, issue_cards
from survey.cli import demo_command
from survey.db import init_command
from survey.desk.cli import cards_cli, round_cli
from survey.desk.operations import create_round, open_round
from survey.kinds.nomination.positions import replace_nominations
from survey.kinds.nomination.sheet import parse_nominations
from survey.paper.models import PaperEntry
from survey.reports.cli import tally_command
from survey.rounds.importing import SubjectRow
from survey.rounds.operations import record_attendance
from survey.tally.recount import SubjectEntry, encode

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"

# -- confidence polls of the BTV list (tests/data/tin-nhiem-btv.csv) ---------------------------

#: The twelve names of tests/data/tin-nhiem-btv.csv, in file order.
BTV = [
    "Lường Hữu Ánh",
    "Quàng Ngọc Liên",
    "Giàng Ngọc Sơn",
    "Hà Công Ánh",
    "Hoàng Minh Lan",
    "Đỗ Công Quyết",
    "Bùi Thanh Liên",
    "Hoàng Quang Hưng",
    "Cà Ngọc Long",
    "Nguyễn Đức Sơn",
    "Lường Thanh Hưng",
    "Quàng Minh Toàn",
]


CLOSED_AT = NOW + timedelta(hours=2, minutes=15)  # 10:15 UTC, 17:15 in Hà Nội


def new_round_form(**overrides) -> dict:
    """The fields of the new round form, filled in; ``overrides`` replace some."""
    data = {
        "title": "Lấy phiếu tín nhiệm giữa nhiệm kỳ 2025-2030",
        "body": "Ban Chấp hành Đảng bộ thành phố",
        "body_kind": "party",
        "place": "Hội trường Thành ủy",
        "held_on": "2026-11-02",
        "denominator": "collected",
        "min_ballots": "5",
        "summoned": "40",
    }
    data.update(overrides)
    return data


def btv_ballot(ids: list[int], i: int) -> dict[int, str]:
    """Ballot ``i`` of 37 for the :data:`BTV` list. Ballot 36 is wholly blank; subject 2 is
    blank on ballot 0.

    Subject 1: 20 high, 10 confidence, 6 low. Subject 3: 25 low (two thirds or more).
    Subject 12: 19 low (over half). Everyone else: high.
    """
    if i == 36:
        return {}
    choices = dict.fromkeys(ids, "high")
    choices[ids[0]] = "high" if i < 20 else "confidence" if i < 30 else "low"
    if i == 0:
        del choices[ids[1]]
    else:
        choices[ids[1]] = "confidence"
    choices[ids[2]] = "low" if i < 25 else "high"
    choices[ids[11]] = "low" if i < 19 else "confidence"
    return choices


#: The tally of :func:`btv_ballot`'s 37 ballots, worked out by hand, per subject: (valid, high,
#: confidence, low, invalid) and the percentages of the 37 ballots collected.
BTV_EXPECTED = {
    1: (36, 20, "54,05", 10, "27,03", 6, "16,22", 1),
    2: (35, 0, "0,00", 35, "94,59", 0, "0,00", 2),
    3: (36, 11, "29,73", 0, "0,00", 25, "67,57", 1),
    12: (36, 0, "0,00", 17, "45,95", 19, "51,35", 1),
    **{n: (36, 36, "97,30", 0, "0,00", 0, "0,00", 1) for n in range(4, 12)},
}


# -- the voter's path ----------------------------------------------------------------------------


def vote(client, code, choices):
    """Walk the whole path; return the final response."""
    response = client.post("/v", data={"code": code})
    if response.status_code != 200:
        return response
    data = {"code": code} | {f"s{sid}": level for sid, level in choices.items()}
    review = client.post("/v/review", data=data)
    if review.status_code != 200:
        return review
    return client.post("/v/cast", data=data)


def appraise(client, round_, name, lines):
    """Cast the named card of ``name`` (``round_.codes``) with ``lines``: subject name →
    (level, general score, tasks score, comment); it must be recorded."""
    data = {"code": round_.codes[name]}
    ids = {s.name: s.id for s in round_.subjects}
    for subject, (level, general, tasks, comment) in lines.items():
        data[f"l{ids[subject]}"] = level
        if general is not None:
            data[f"g{ids[subject]}"] = str(general)
        if tasks is not None:
            data[f"t{ids[subject]}"] = str(tasks)
        if comment:
            data[f"c{ids[subject]}"] = comment
    response = client.post("/v/a/cast", data=data)
    assert response.status_code == 303, response.text


# -- appraisal rounds ----------------------------------------------------------------------------

UNITS = ("Phòng A", "Phòng B")


def small_roster() -> list[SubjectRow]:
    """Five people in Phòng A, three in Phòng B."""
    people = [("An", 0), ("Bình", 0), ("Chi", 0), ("Dũng", 0), ("Em", 0), ("Giang", 1),
              ("Hà", 1), ("Khoa", 1)]
    return [SubjectRow(i, name, "Chuyên viên", UNITS[u]) for i, (name, u) in enumerate(people, 1)]


# -- confidence votes and nomination rounds ------------------------------------------------------

VOTE_SUBJECTS = [
    SubjectRow(2, "Lò Văn Minh", "Phó Bí thư Thường trực", ""),
    SubjectRow(3, "Vì Thị Hoa", "Trưởng Ban Dân vận", ""),
    SubjectRow(4, "Giàng A Páo", "Chủ nhiệm Ủy ban Kiểm tra", ""),
    SubjectRow(5, "Quàng Văn Dũng", "Phó Chủ tịch UBND", ""),
]

#: "Không tín nhiệm" per subject out of 10 ballots, and its blank lines:
#: 60% (dismissal), exactly 50% (not), 20% with one blank, 80% with one blank (dismissal).
VOTE_NO = {0: (6, 0), 1: (5, 0), 2: (2, 1), 3: (8, 1)}

#: A planning sheet: Bí thư Thành ủy (2 seats, 3 candidates), Chủ tịch UBND (1 seat, 2).
SHEET = """Chức danh quy hoạch,Số người quy hoạch tối đa,Họ và tên,Chức vụ hiện tại
Bí thư Thành ủy,2,Tòng Minh Ánh,Phó Chánh Văn phòng
Bí thư Thành ủy,2,Lê Hữu Hải,Bí thư Đảng ủy phường
Bí thư Thành ủy,2,Lò Văn Lâm,Trưởng phòng Y tế
Chủ tịch UBND thành phố,1,Trần Mạnh Toàn,Phó Chủ tịch UBND
Chủ tịch UBND thành phố,1,Lương Minh Chiến,Chủ tịch Liên đoàn Lao động
""".encode()


def nomination_round(session, *, summoned=10, present=9, cards=9):
    """An open nomination round of :data:`SHEET`; returns it and its card codes."""
    round_ = create_round(session, title="Giới thiệu quy hoạch nhiệm kỳ 2030-2035", now=NOW,
                          kind="nomination", body="Ban Chấp hành Đảng bộ thành phố")
    parsed = parse_nominations(SHEET, "quy-hoach.csv")
    assert parsed.ok, parsed.errors
    replace_nominations(session, round_, parsed)
    record_attendance(session, round_, summoned=summoned, present=present)
    codes = [c.code for c in create_cards(session, round_, cards)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    return round_, codes


def draft_nomination(session):
    """A draft nomination round of :data:`SHEET`."""
    round_ = create_round(session, title="Giới thiệu quy hoạch", now=NOW, kind="nomination")
    replace_nominations(session, round_, parse_nominations(SHEET, "quy-hoach.csv"))
    session.commit()
    return round_


# -- the command line ----------------------------------------------------------------------------

#: The commands ``survey.cli.main`` puts on the console script (``serve`` is left out: it blocks).
SURVEY = click.Group(
    "survey",
    commands=[init_command, user_cli, round_cli, cards_cli, tally_command, demo_command],
)


def run(runner, *args: object, input: str | None = None) -> click.testing.Result:
    """``survey ARGS``; it must succeed."""
    result = runner.invoke(SURVEY, [str(arg) for arg in args], input=input)
    assert result.exit_code == 0, result.output
    return result


def run_json(runner, *args: object) -> dict:
    """``survey ARGS --json``: standard output is exactly one JSON object."""
    return json.loads(run(runner, *args, "--json").stdout)


def refused(runner, *args: object, input: str | None = None) -> str:
    """``survey ARGS`` must fail with a message, not a traceback; return standard error."""
    result = runner.invoke(SURVEY, [str(arg) for arg in args], input=input)
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a refusal, no crash
    assert result.stdout == ""
    return result.stderr


# -- pages ---------------------------------------------------------------------------------------


class Controls(HTMLParser):
    """Form controls, their labels, fieldsets and legends, and the ids on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.fieldsets: list[dict] = []
        self._label_depth = 0
        self._legend: dict | None = None
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag == "fieldset":
            self.fieldsets.append({"legend": "", "radios": set()})
        elif tag == "legend" and self.fieldsets:
            self._legend = self.fieldsets[-1]
        elif tag in ("input", "select", "textarea", "button"):
            kind = a.get("type", "text" if tag == "input" else tag)
            if kind in ("hidden",):
                return
            self.controls.append({"tag": tag, "type": kind, "attrs": a,
                                  "wrapped": self._label_depth > 0, "text": ""})
            if kind == "radio" and self.fieldsets:
                self.fieldsets[-1]["radios"].add(a.get("name"))
        if tag not in ("input", "br", "img", "meta", "link"):
            self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1
        elif tag == "legend":
            self._legend = None
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if self._legend is not None:
            self._legend["legend"] += data
        if self.controls and self.controls[-1]["tag"] == "button" and "button" in self._stack:
            self.controls[-1]["text"] += data

    def unlabelled(self) -> list[str]:
        missing = []
        for c in self.controls:
            a = c["attrs"]
            if c["tag"] == "button" or c["type"] in ("submit", "reset", "button"):
                named = c["text"].strip() or a.get("aria-label") or a.get("value")
            else:
                named = (c["wrapped"] or a.get("id") in self.label_for
                         or a.get("aria-label") or a.get("aria-labelledby"))
            if not named:
                missing.append(f"<{c['tag']} {a}>")
        return missing


def parse(html: str) -> Controls:
    page = Controls()
    page.feed(html)
    return page


def assert_accessible_basics(html: str, where: str) -> Controls:
    page = parse(html)
    assert page.unlabelled() == [], f"controls without a label on {where}"
    # (qrcode names each card's SVG path "qr-path"; nothing refers to it)
    duplicates = {i for i in page.ids if page.ids.count(i) > 1} - {"qr-path"}
    assert not duplicates, f"duplicate ids on {where}: {duplicates}"
    assert re.search(r'<html lang="(vi|en)">', html), where
    assert re.search(r"<h1[\s>]", html), f"no heading on {where}"
    return page


# -- paper ballots -------------------------------------------------------------------------------


def flashed(client, response):
    """The page the entry redirects to, with its flash message."""
    assert response.status_code == 303, response.text
    return client.get(response.headers["Location"]).text


def entries(session, round_id):
    session.rollback()
    return session.execute(
        select(PaperEntry.counting_number, PaperEntry.number)
        .where(PaperEntry.round_id == round_id)
        .order_by(PaperEntry.counting_number, PaperEntry.number)
    ).all()


def close_web(client, round_):
    return client.post(f"/rounds/{round_.id}/close", data={"password": PASSWORD})


# -- storage order -------------------------------------------------------------------------------


def spearman(xs: list[int], ys: list[int]) -> float:
    n = len(xs)
    rank_x = {v: r for r, v in enumerate(sorted(xs))}
    rank_y = {v: r for r, v in enumerate(sorted(ys))}
    d2 = sum((rank_x[x] - rank_y[y]) ** 2 for x, y in zip(xs, ys, strict=True))
    return 1 - 6 * d2 / (n * (n * n - 1))


# -- ballot files --------------------------------------------------------------------------------

#: The two subjects of the small confidence ballot file below.
RECOUNT_SUBJECTS = [SubjectEntry(1, "Lò Văn Minh", "Bí thư"),
                    SubjectEntry(2, "Vì Thị Hoa", "", "UBND")]


def confidence_file(ballots, **overrides) -> bytes:
    """A confidence poll's ballot file of :data:`RECOUNT_SUBJECTS` (10 summoned, 9 present, 9
    issued, percentages of the ballots collected, minimum 1); ``overrides`` go to ``encode``."""
    options = dict(round_info={"id": 7, "title": "Thử", "body": "", "place": "", "date": None},
                   kind="confidence", summoned=10, present=9, issued=9, denominator="collected",
                   min_ballots=1, subjects=RECOUNT_SUBJECTS, ballots=ballots)
    options.update(overrides)
    return encode(**options)


# -- cards made on the organizer's pages ---------------------------------------------------------

#: A card code as printed: 7 groups of 4 symbols.
CODE = re.compile(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4}){6}")


def once_token(client, round_id: int) -> str:
    """The one-time token of the card form on the round's page (each page view gives a new one)."""
    page = client.get(f"/rounds/{round_id}")
    match = re.search(r'name="once" type="hidden" value="([^"]+)"', page.text)
    assert match, "no card form on the round's page"
    return match[1]


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, page after page."""
    import io

    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pdf_qr_texts(pdf: bytes, dpi: int = 150) -> list[str]:
    """What a QR decoder (zxing-cpp) reads on each page of a PDF rendered by pdfium."""
    import pypdfium2 as pdfium
    import zxingcpp

    found: list[str] = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            found += [c.text for c in sorted(codes, key=lambda c: (
                round(c.position.top_left.y / 50), c.position.top_left.x))]
            page.close()
    finally:
        document.close()
    return found


def pdf_codes(pdf: bytes) -> list[str]:
    """The card codes printed in a cards PDF, in the order of the cards."""
    return CODE.findall(pdf_text(pdf))


def web_cards(client, round_id: int, count: int | None = None, *,
              named: bool = False, **request) -> tuple[object, list[str]]:
    """Create cards with the round page's form (named cards with ``named``), then download
    their sheet: the response with the PDF, and the codes printed in it."""
    data = {"once": once_token(client, round_id)}
    if count is not None:
        data["count"] = str(count)
    made = client.post(f"/rounds/{round_id}/cards{'/named' if named else ''}", data=data,
                       **request)
    assert made.status_code == 302, made.status_code
    assert made.headers["Location"] == f"/rounds/{round_id}/cards/new"
    pdf = client.post(f"/rounds/{round_id}/cards/pdf", **request)
    assert pdf.mimetype == "application/pdf", pdf.status_code
    return pdf, pdf_codes(pdf.data)


# -- procedures: a round run over HTTP from attendance to close ----------------------------------


def run_round_over_http(client, round_id: int, *, summoned: int, present: int,
                        ballots: list[dict[str, str | list[str]]]) -> list[str]:
    """Record attendance, make and issue one card per ballot, open, cast each ballot on the
    voter's pages (``s<subject id>`` / ``w<position id>`` fields), close: all over HTTP.
    Returns the cards' codes."""
    response = client.post(f"/rounds/{round_id}/attendance",
                           data={"summoned": summoned, "present": present})
    assert response.status_code == 302, response.text
    _, codes = web_cards(client, round_id, len(ballots))
    assert len(codes) == len(ballots)
    assert client.post(f"/rounds/{round_id}/cards/issue", data={"serials": ""}).status_code == 302
    opened = client.post(f"/rounds/{round_id}/open", data={"password": PASSWORD})
    assert opened.status_code == 302, opened.text
    for code, ballot in zip(codes, ballots, strict=True):
        assert client.post("/v", data={"code": code}).status_code == 200
        form = {"code": code, **ballot}
        assert client.post("/v/review", data=form).status_code == 200
        cast = client.post("/v/cast", data=form)
        assert cast.status_code == 303, cast.text
    closed = client.post(f"/rounds/{round_id}/close", data={"password": PASSWORD})
    assert closed.status_code == 302, closed.text
    return codes
