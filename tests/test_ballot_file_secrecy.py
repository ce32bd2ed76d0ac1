"""The ballot file cannot confirm a dictated pattern (docs/security.md, "a dictated pattern").

A superior may order a subordinate to cast a ballot no one else would (a rare combination of
marks over many lines, a name written in that only they would write) and then look for it in the
published file. Each test casts such a ballot on the phone pages in one round, and in a second
round casts the same marks line by line, combined on other ballots so that no ballot holds the
pattern, in another order; the two files' records are the same bytes, so the file cannot tell
whether the pattern was cast at all. No record holds two lines of one ballot, and the records
are in the format's one order, which is not the order of casting. The recount gives the tally,
and a tampered file fails the fingerprint printed in the minutes.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
from html import unescape

import click
import openpyxl

from survey.desk.operations import close_round
from survey.kinds.nomination.positions import replace_nominations
from survey.kinds.nomination.sheet import parse_nominations
from survey.reports.cli import recount_command, tally_command
from survey.rounds.importing import SubjectRow
from survey.rounds.models import Round
from tests.conftest import NOW
from tests.factories import appraise, vote

SURVEY = click.Group("survey", commands=[tally_command, recount_command])
LEVELS = ("high", "confidence", "low")


def _closed(session, round_: Round) -> Round:
    session.rollback()  # a fresh snapshot after the phones' requests
    round_ = session.get(Round, round_.id)
    close_round(session, round_, NOW)
    session.commit()
    return round_


def _download(logged_in, round_: Round) -> tuple[dict, bytes, list]:
    """The file as readers download it: its header (without the round's id), the bytes of its
    records, and the records."""
    data = logged_in.get(f"/rounds/{round_.id}/ballots.jsonl").data
    first, rest = data.split(b"\n", 1)
    header = json.loads(first)
    assert header["version"] == 2
    header["round"].pop("id")
    return header, rest, [json.loads(line) for line in rest.splitlines()]


def _recount_is_the_tally(logged_in, runner, round_: Round, tmp_path) -> None:
    """The recount of the downloaded file is the tally; a file with one record changed fails
    the fingerprint printed in the minutes."""
    data = logged_in.get(f"/rounds/{round_.id}/ballots.jsonl").data
    digest = hashlib.sha256(data).hexdigest()
    assert digest in unescape(logged_in.get(f"/rounds/{round_.id}/minutes").text)
    path = tmp_path / f"phieu-{round_.id}.jsonl"
    path.write_bytes(data)
    tally = json.loads(runner.invoke(SURVEY, ["tally", str(round_.id)]).stdout)
    done = click.testing.CliRunner().invoke(SURVEY, ["recount", str(path), "--expect", digest])
    assert done.exit_code == 0, done.output
    recounted = json.loads(done.stdout)
    for item in tally.get("subjects", []) + recounted.get("subjects", []):
        item.pop("comments", None)  # an appraisal's comments are never in the file
    assert recounted == tally
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[1]
    forged = json.loads(last)
    value = forged[-1]
    forged[-1] = value - 1 if isinstance(value, int) else {"low": "high"}.get(value, "low")
    path.write_bytes(data[: len(data) - len(last) - 1] + json.dumps(
        forged, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    assert path.read_bytes() != data
    failed = click.testing.CliRunner().invoke(SURVEY, ["recount", str(path), "--expect", digest])
    assert failed.exit_code == 1 and "KẾT LUẬN: KHÔNG KHỚP." in failed.stderr
    assert failed.stdout == ""


# -- a confidence poll of 45 officials -----------------------------------------------------------

SUBJECTS = [SubjectRow(n, f"Người thứ {n}", "Ủy viên", "") for n in range(1, 46)]


def _poll_ballots() -> tuple[list[list[str | None]], int]:
    """Eleven ordinary ballots, the dictated one, and a wholly blank one; the dictated one's
    place in that list."""
    rng = random.Random(96)
    ordinary = [[rng.choices((*LEVELS, None), weights=(60, 25, 10, 5))[0] for _ in SUBJECTS]
                for _ in range(11)]
    # what no one else would mark: low, confidence, high, low, blank, … over all 45 lines
    dictated = [(LEVELS[2], LEVELS[1], LEVELS[0], LEVELS[2], None)[n % 5] for n in range(45)]
    assert dictated not in ordinary
    return [*ordinary[:4], dictated, *ordinary[4:], [None] * 45], 4


def test_a_poll_file_of_45_officials_cannot_confirm_a_dictated_ballot(
        client, session, logged_in, runner, make_round, tmp_path):
    ballots, at = _poll_ballots()
    dictated = ballots[at]
    # the same marks line by line, dealt out to other ballots (the blank ballot stays blank)
    marked = [b for b in ballots if any(b)]
    columns = [[b[k] for b in marked] for k in range(45)]
    regrouped = [[columns[k][(i + k + 1) % len(marked)] for k in range(45)]
                 for i in range(len(marked))]
    assert dictated not in regrouped and all(any(b) for b in regrouped)
    others = [*reversed(regrouped), [None] * 45]  # and cast in another order
    assert len(others) == len(ballots)

    rounds = []
    for cast in (ballots, others):
        round_ = make_round(title="Lấy phiếu 45 người", rows=SUBJECTS, cards=len(cast),
                            open_=True)
        ids = [s.id for s in round_.subjects]
        for code, ballot in zip(round_.codes, cast, strict=True):
            choices = {sid: level for sid, level in zip(ids, ballot, strict=True) if level}
            assert vote(client, code, choices).status_code == 303
        rounds.append(_closed(session, round_))

    (header, records_bytes, records), (other_header, other_bytes, _) = (
        _download(logged_in, r) for r in rounds)
    # the round where nobody cast the dictated ballot has the same file, byte for byte
    assert records_bytes == other_bytes and header == other_header
    assert header["collected"] == 13 and header["invalid_ballots"] == 1
    # no record holds two lines of one ballot: each is one line's mark
    assert all(len(r) == 2 and 1 <= r[0] <= 45 and r[1] in LEVELS for r in records)
    assert len(records) == sum(level is not None for b in ballots for level in b)
    # the dictated ballot is nowhere as such: no run of records spells it
    spelled = [[n, level] for n, level in enumerate(dictated, 1) if level]
    assert not any(records[i:i + len(spelled)] == spelled for i in range(len(records)))
    # and the order is the file's own (by line, then by level), not the order of casting
    assert records == sorted(records, key=lambda r: (r[0], LEVELS.index(r[1])))
    _recount_is_the_tally(logged_in, runner, rounds[0], tmp_path)


# -- a nomination round with a unique write-in ---------------------------------------------------

SHEET = """Chức danh quy hoạch,Số người quy hoạch tối đa,Họ và tên,Chức vụ hiện tại
Bí thư Thành ủy,3,Tòng Minh Ánh,Phó Chánh Văn phòng
Bí thư Thành ủy,3,Lê Hữu Hải,Bí thư Đảng ủy phường
Bí thư Thành ủy,3,Lò Văn Lâm,Trưởng phòng Y tế
Bí thư Thành ủy,3,Cầm Thị Mai,Trưởng Ban Dân vận
Bí thư Thành ủy,3,Vàng A Sử,Bí thư Huyện ủy
Phó Bí thư Thường trực,2,Quàng Văn Hưng,Chánh Văn phòng
Phó Bí thư Thường trực,2,Lường Thị Thu,Trưởng Ban Tổ chức
Phó Bí thư Thường trực,2,Điêu Chính Tới,Chủ nhiệm Ủy ban Kiểm tra
Phó Bí thư Thường trực,2,Hà Văn Sơn,Phó Trưởng Ban Tuyên giáo
Chủ tịch UBND thành phố,2,Trần Mạnh Toàn,Phó Chủ tịch UBND
Chủ tịch UBND thành phố,2,Lương Minh Chiến,Chủ tịch Liên đoàn Lao động
Chủ tịch UBND thành phố,2,Bạc Cầm Khánh,Giám đốc Sở Tài chính
Chủ tịch UBND thành phố,2,Lò Thị Hoa,Giám đốc Sở Nội vụ
Chủ tịch HĐND thành phố,1,Nguyễn Thanh Bình,Phó Chủ tịch HĐND
Chủ tịch HĐND thành phố,1,Khà Văn Tiến,Trưởng Ban Pháp chế
Chủ tịch HĐND thành phố,1,Mùa A Chứ,Trưởng Ban Kinh tế
""".encode()
SIGNATURE = "Hà Thị Diệu Linh"  # a name only the subordinate would write in

#: Twelve ballots: per position, the candidates agreed to (places from 1) and the names
#: written in. Ballot 3 is the dictated one; the Bí thư line of ballot 8 names four people
#: for three seats (invalid), as does the Chủ tịch HĐND line of ballot 9.
P1 = [{1, 2, 5}, {2, 4}, {1, 2}, {1, 3}, {4, 5}, {1, 2, 4}, {2}, set(), {1, 2, 4, 5}, {5},
      {1, 4}, {2, 5}]
P2 = [{1}, {1, 2}, {3}, {2, 4}, {1, 3}, set(), {2}, {1, 4}, {3, 4}, {1}, {2, 3}, {1, 2}]
P3 = [{1, 2}, {3}, {2}, {1}, set(), {3, 4}, {1, 3}, {2, 4}, {4}, {1, 2}, set(), {3}]
P4 = [{1}, {2}, {1}, {3}, {2}, {1}, set(), {2}, {1}, {1, 2}, {2}, {1}]
WRITTEN = {(3, 0): [SIGNATURE], (5, 1): ["Nguyễn Văn A"], (9, 1): ["nguyễn văn  a"]}


def _lines(p1, p2, p3, p4, written):
    """Ballots as ``[(agreed, written) per position]``."""
    return [[(agreed, written.get((i, p), [])) for p, agreed in enumerate(lines)]
            for i, lines in enumerate(zip(p1, p2, p3, p4, strict=True))]


def _nomination_round(session, cards: int) -> Round:
    from survey.ballots.operations import create_cards, issue_cards
    from survey.desk.operations import create_round, open_round
    from survey.rounds.operations import record_attendance

    round_ = create_round(session, title="Giới thiệu quy hoạch", now=NOW, kind="nomination",
                          body="Ban Chấp hành Đảng bộ thành phố")
    parsed = parse_nominations(SHEET, "quy-hoach.csv")
    assert parsed.ok, parsed.errors
    replace_nominations(session, round_, parsed)
    record_attendance(session, round_, summoned=13, present=12)
    round_.codes = [c.code for c in create_cards(session, round_, cards)]
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    return round_


def _cast_nomination(client, round_: Round, code: str, ballot) -> None:
    data = {"code": code}
    for position, (agreed, written) in zip(round_.positions, ballot, strict=True):
        candidates = [s for s in round_.subjects if s.position_id == position.id]
        for place in agreed:
            data[f"s{candidates[place - 1].id}"] = "agree"
        if written:
            data[f"w{position.id}"] = written
    assert client.post("/v", data={"code": code}).status_code == 200
    assert client.post("/v/review", data=data).status_code == 200
    assert client.post("/v/cast", data=data).status_code == 303


def _counts(ballots):
    """What each position's line counts: agrees per candidate, names, lines over the seats."""
    seats = (3, 2, 2, 1)
    out = []
    for p in range(4):
        lines = [ballot[p] for ballot in ballots]
        valid = [(a, w) for a, w in lines if len(a) + len(w) <= seats[p]]
        out.append((sorted(n for a, _w in valid for n in a),
                    sorted(" ".join(x.casefold().split()) for _a, w in valid for x in w),
                    len(lines) - len(valid)))
    return out


def test_a_nomination_file_cannot_confirm_a_dictated_ballot_or_its_write_in(
        client, session, logged_in, runner, tmp_path):
    ballots = _lines(P1, P2, P3, P4, WRITTEN)
    dictated = ballots[3]
    assert sum(b[1:] == dictated[1:] for b in ballots) == 1  # its other lines: rare together
    # the second round: the same lines, the Bí thư line's 3 of the dictated ballot traded for
    # the 2 of ballot 6, the other positions' lines moved to other ballots, cast backwards
    p1 = [set(s) for s in P1]
    p1[3], p1[6] = {1, 2}, {3}
    rotated = [[lines[(i + shift) % 12] for i in range(12)]
               for lines, shift in ((P2, 1), (P3, 2), (P4, 3))]
    written = {(3, 0): [SIGNATURE]} | {((i - 1) % 12, 1): w for (i, p), w in WRITTEN.items()
                                       if p == 1}
    others = list(reversed(_lines(p1, *rotated, written)))
    assert _counts(others) == _counts(ballots)
    assert dictated not in others
    assert not any(b[0][0] >= {1, 3} for b in others)  # no Bí thư line agrees to both 1 and 3
    carrier = next(b for b in others if SIGNATURE in b[0][1])
    assert all(line != dictated[p] for p, line in enumerate(carrier))

    rounds = []
    for cast in (ballots, others):
        round_ = _nomination_round(session, len(cast))
        for code, ballot in zip(round_.codes, cast, strict=True):
            _cast_nomination(client, round_, code, ballot)
        rounds.append(_closed(session, round_))

    (header, records_bytes, records), (other_header, other_bytes, _) = (
        _download(logged_in, r) for r in rounds)
    assert records_bytes == other_bytes and header == other_header
    # no record holds two marks of one ballot: one agree each, named by its place
    assert all(len(r) == 2 and all(isinstance(n, int) for n in r) for r in records)
    assert records == sorted(records)  # the file's own order, not the order of casting
    # the unique name is a count of its own, in the header, tied to nothing else
    positions = header["positions"]
    assert positions[0]["written"] == [{"name": SIGNATURE, "votes": 1}]
    assert positions[1]["written"] == [{"name": "Nguyễn Văn A", "votes": 2}]
    assert [p["invalid"] for p in positions] == [1, 0, 0, 1]
    data = logged_in.get(f"/rounds/{rounds[0].id}/ballots.jsonl").data
    assert data.count(SIGNATURE.encode()) == 1
    _recount_is_the_tally(logged_in, runner, rounds[0], tmp_path)


# -- an appraisal: a level dictated with unusual scores, and a signed comment --------------------


def _appraise_round(client, session, make_appraisal, chi: dict) -> Round:
    round_ = make_appraisal()
    for rater, line in chi.items():
        appraise(client, round_, rater, {"Bình": ("good", None, None, None),
                                         "Dũng": ("good", 20, 55, None), "Chi": line})
    return _closed(session, round_)


def test_an_appraisal_file_cannot_tie_a_level_to_its_scores_or_comment(
        client, session, logged_in, runner, make_appraisal, tmp_path):
    comment = "Ý kiến số 7391"
    # Em is told to rate Chi "failed" with 3 and 7 and to sign with a comment
    dictated = {"An": ("excellent", 28, 65, None), "Em": ("failed", 3, 7, comment),
                "Khoa": ("good", 25, 60, None), "Hà": ("good", 20, 55, None)}
    # the same levels and scores, each level beside other scores
    paired = {"An": ("failed", 28, 65, None), "Em": ("good", 3, 7, comment),
              "Khoa": ("excellent", 25, 60, None), "Hà": ("good", 20, 55, None)}
    rounds = [_appraise_round(client, session, make_appraisal, chi)
              for chi in (dictated, paired)]
    (header, records_bytes, records), (other_header, other_bytes, _) = (
        _download(logged_in, r) for r in rounds)
    assert records_bytes == other_bytes and header == other_header
    chi = [r[1:] for r in records if r[0] == 3]
    assert ["level", "failed"] in chi and ["general", 3] in chi and ["tasks", 7] in chi
    assert all(len(r) == 3 for r in records)  # one value each, never a level with scores
    round_id = rounds[0].id
    assert comment.encode() not in logged_in.get(f"/rounds/{round_id}/ballots.jsonl").data
    # the comment is published beside Chi alone, as text, with no level, score or rater
    results = logged_in.get(f"/rounds/{round_id}/results.json").get_json()
    [item] = [s for s in results["subjects"] if s["name"] == "Chi"]
    assert item["comments"] == [comment]
    for page in ("results.csv", "minutes", "summary"):
        assert comment not in logged_in.get(f"/rounds/{round_id}/{page}").get_data(
            as_text=True), page
    book = openpyxl.load_workbook(io.BytesIO(
        logged_in.get(f"/rounds/{round_id}/results.xlsx").data))
    assert not any(comment in str(value) for sheet in book for row in sheet.iter_rows(
        values_only=True) for value in row if value is not None)
    _recount_is_the_tally(logged_in, runner, rounds[0], tmp_path)
