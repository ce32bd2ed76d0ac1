"""An appointment procedure of five linked conferences, over HTTP: each step's list derived from
the previous result, each step's threshold, the head's decision at exactly half, changes with
their reasons, and the dossier (PDF and XLSX) holding every step's figures."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from survey.ballots.models import Card
from survey.db import Base
from survey.kinds.approval.models import HeadDecision
from survey.procedures.models import Procedure, Step, StepChange
from survey.rounds.models import Round
from survey.security.models import AuditEntry
from tests.factories import run_round_over_http

MINH, HOA, PAO, NAM = "Lò Văn Minh", "Vì Thị Hoa", "Giàng A Páo", "Nguyễn Văn Nam"
POST = "Phó Giám đốc Sở"


def _fresh(session) -> None:
    session.rollback()
    session.expire_all()


def _procedure(session, procedure_id: int) -> Procedure:
    _fresh(session)
    procedure = session.get(Procedure, procedure_id)
    assert procedure is not None
    return procedure


def _round(session, procedure_id: int, order: int) -> Round:
    procedure = _procedure(session, procedure_id)
    step = next(s for s in procedure.steps if s.order == order)
    assert step.round_id is not None, f"step {order} has no round"
    return session.get(Round, step.round_id)


def _names(round_: Round) -> list[str]:
    return [s.name for s in round_.subjects]


def _ids(round_: Round) -> dict[str, int]:
    return {s.name: s.id for s in round_.subjects}


def _derive(client, procedure_id: int):
    response = client.post(f"/procedures/{procedure_id}/derive")
    assert response.status_code == 302, response.text
    return response


def _create(client, **fields) -> int:
    data = {"title": "Bổ nhiệm Phó Giám đốc Sở Nội vụ", "purpose": "appointment",
            "variant": "internal", "body": "Đảng ủy Sở Nội vụ", "body_kind": "party",
            "place": "Phòng họp tầng 2", "members": "6", "min_ballots": "5",
            "posts": f"{POST}; 2"} | fields
    response = client.post("/procedures", data=data)
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _step1(client, procedure_id: int) -> None:
    response = client.post(f"/procedures/{procedure_id}/steps/1/meeting", data={
        "held_on": "2026-03-02", "summoned": "6", "present": "5",
        "note": "Thống nhất cơ cấu, tiêu chuẩn và nguồn nhân sự trong quy hoạch.",
        "people": f"{MINH}; Trưởng phòng Tổ chức\n{HOA}; Chánh Văn phòng\n"
                  f"{PAO}; Trưởng phòng Cải cách hành chính",
    })
    assert response.status_code == 302, response.text


def _agree(ids: dict[str, int], *names: str) -> dict[str, str]:
    return {f"s{ids[name]}": "agree" for name in names}


def _levels(ids: dict[str, int], marks: dict[str, str]) -> dict[str, str]:
    return {f"s{ids[name]}": mark for name, mark in marks.items()}


def _ballot(session, procedure_id: int, order: int) -> tuple[int, dict[str, int], list[int]]:
    """Step ``order``'s round id, its subject ids by name and its position ids; the test's
    session then holds no snapshot (the close rebuilds the SQLite file)."""
    round_ = _round(session, procedure_id, order)
    found = round_.id, _ids(round_), [p.id for p in getattr(round_, "positions", [])]
    _fresh(session)
    return found


@pytest.fixture
def five_steps(logged_in, session):
    """The whole procedure run over HTTP; returns its id."""
    client = logged_in
    procedure_id = _create(client)
    _step1(client, procedure_id)
    codes: list[str] = []

    # step 2, extended conference, 10 summoned: Hoa 6 of 10 (50% + 1 vote) is chosen, Minh 5
    # of 10 (exactly 50%) is not; one write-in
    _derive(client, procedure_id)
    round_id, ids, [position] = _ballot(session, procedure_id, 2)
    ballots = ([_agree(ids, MINH, HOA)] * 5 + [_agree(ids, HOA)]
               + [{f"w{position}": NAM}] + [{}] * 3)
    codes += run_round_over_http(client, round_id, summoned=10, present=10, ballots=ballots)

    # step 3, the collective (6 members): Hoa 6, and Minh added back with a reason: 4
    _derive(client, procedure_id)
    added = client.post(f"/procedures/{procedure_id}/steps/3/names", data={
        "action": "add", "post": POST, "name": MINH, "current": "Trưởng phòng Tổ chức",
        "reason": "Cấp ủy đề nghị xem xét thêm theo quy hoạch đã phê duyệt"})
    assert added.status_code == 302
    round_id, ids, _positions = _ballot(session, procedure_id, 3)
    ballots = [_agree(ids, HOA, MINH)] * 4 + [_agree(ids, HOA)] * 2
    codes += run_round_over_http(client, round_id, summoned=6, present=6, ballots=ballots)

    # step 4, key cadres (20 summoned, 18 present): shares for information
    _derive(client, procedure_id)
    round_id, ids, _positions = _ballot(session, procedure_id, 4)
    ballots = ([_levels(ids, {HOA: "agree", MINH: "agree"})] * 9
               + [_levels(ids, {HOA: "agree", MINH: "disagree"})] * 6
               + [_levels(ids, {HOA: "disagree", MINH: "disagree"})] * 2
               + [_levels(ids, {HOA: "disagree"})])  # Minh's line left blank
    codes += run_round_over_http(client, round_id, summoned=20, present=18, ballots=ballots)

    # step 5, the collective's vote (6 members): Hoa 4 (approved), Minh exactly 3 (the head)
    _derive(client, procedure_id)
    round_id, ids, _positions = _ballot(session, procedure_id, 5)
    ballots = ([_levels(ids, {HOA: "agree", MINH: "agree"})] * 3
               + [_levels(ids, {HOA: "agree", MINH: "disagree"})]
               + [_levels(ids, {HOA: "disagree", MINH: "disagree"})] * 2)
    codes += run_round_over_http(client, round_id, summoned=6, present=6, ballots=ballots)
    return SimpleNamespace(id=procedure_id, codes=codes)


def test_each_step_derives_its_list_from_the_previous_result(five_steps, session):
    procedure = _procedure(session, five_steps.id)
    rounds_ = {n: _round(session, five_steps.id, n) for n in range(2, 6)}
    step1 = procedure.steps[0]
    assert [p.name for p in step1.people] == [MINH, HOA, PAO]
    assert (step1.summoned, step1.present) == (6, 5)
    # step 2 lists step 1's people, with write-ins; step 3 those step 2 chose (then Minh, added
    # with a reason); steps 4 and 5 everyone of the step before
    assert _names(rounds_[2]) == [MINH, HOA, PAO]
    assert rounds_[2].positions[0].allow_write_ins and rounds_[2].positions[0].seats == 2
    assert _names(rounds_[3]) == [HOA, MINH]
    assert not rounds_[3].positions[0].allow_write_ins
    assert _names(rounds_[4]) == [HOA, MINH] == _names(rounds_[5])
    assert [s.position for s in rounds_[5].subjects] == [POST, POST]
    assert [r.kind for r in rounds_.values()] == ["nomination", "nomination", "approval",
                                                  "collective_vote"]
    # the collective's conferences summon its members
    assert rounds_[3].summoned == rounds_[5].summoned == 6
    assert all(r.list_locked for r in rounds_.values())
    [change] = session.scalars(select(StepChange)).all()
    assert (change.action, change.name, change.post) == ("add", MINH, POST)
    assert change.reason == "Cấp ủy đề nghị xem xét thêm theo quy hoạch đã phê duyệt"


def test_thresholds_of_each_step(five_steps, logged_in, session):
    data = logged_in.get(f"/procedures/{five_steps.id}").text
    step2 = data.split('id="step-2"')[1].split('id="step-3"')[0]
    # exactly half of those summoned is not chosen; one vote more is
    assert f"{HOA}</strong> <span class=\"muted\">– {POST}</span>: 60,00% — Đạt" in step2
    assert f"{MINH}</strong> <span class=\"muted\">– {POST}</span>: 50,00% — Không đạt" in step2
    assert f"{NAM}</strong>" in step2 and "10,00% — Không đạt" in step2
    step4 = data.split('id="step-4"')[1].split('id="step-5"')[0]
    assert "75,00% — Tham khảo" in step4 and "45,00% — Tham khảo" in step4
    step5 = data.split('id="step-5"')[1].split('id="dossier"')[0]
    assert "66,67% — Đạt" in step5
    assert "50,00% — Đúng 1/2: chờ người đứng đầu" in step5
    assert "ghi quyết định của người đứng đầu" in data


def test_exactly_half_at_the_final_vote_is_the_heads_decision(five_steps, logged_in, session):
    step5 = _round(session, five_steps.id, 5)
    results = logged_in.get(f"/rounds/{step5.id}/results").text
    assert "Đúng 1/2: người đứng đầu quyết định" in results
    assert "Đạt (trên 1/2 tổng số thành viên đồng ý)" in results
    minh = _ids(step5)[MINH]
    hoa = _ids(step5)[HOA]
    # only someone at exactly half can be decided by the head
    refused = logged_in.post(f"/rounds/{step5.id}/head-decisions/{hoa}",
                             data={f"d{hoa}-decision": "agree", f"d{hoa}-note": ""})
    assert "Người đứng đầu chỉ quyết định khi đúng 1/2" in logged_in.get(
        refused.headers["Location"]).text
    response = logged_in.post(f"/rounds/{step5.id}/head-decisions/{minh}", data={
        f"d{minh}-decision": "agree", f"d{minh}-note": "Giám đốc Sở quyết định đồng ý"})
    assert response.status_code == 302
    again = logged_in.post(f"/rounds/{step5.id}/head-decisions/{minh}",
                           data={f"d{minh}-decision": "disagree"})
    assert "đã được ghi" in logged_in.get(again.headers["Location"]).text
    _fresh(session)
    [decision] = session.scalars(select(HeadDecision)).all()
    assert (decision.subject_id, decision.agreed) == (minh, True)
    assert decision.note == "Giám đốc Sở quyết định đồng ý"
    actions = session.scalars(select(AuditEntry.action)).all()
    assert actions.count("round.head_decision") == 1
    page = logged_in.get(f"/procedures/{five_steps.id}").text
    assert "Người đứng đầu đồng ý" in page and "Quy trình đã xong mọi bước" in page


def _decide(client, session, procedure_id: int) -> None:
    round_id, ids, _positions = _ballot(session, procedure_id, 5)
    minh = ids[MINH]
    response = client.post(f"/rounds/{round_id}/head-decisions/{minh}", data={
        f"d{minh}-decision": "agree", f"d{minh}-note": "Giám đốc Sở quyết định đồng ý"})
    assert response.status_code == 302


def test_dossier_pdf_holds_every_steps_figures(five_steps, logged_in, session):
    _decide(logged_in, session, five_steps.id)
    response = logged_in.get(f"/procedures/{five_steps.id}/dossier.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "HỒ SƠ QUY TRÌNH BỔ NHIỆM CÁN BỘ" in flat
    # every conference's minutes, in order: the meeting's, then four counts
    assert flat.count("BIÊN BẢN HỘI NGHỊ") == 1 and flat.count("BIÊN BẢN KIỂM PHIẾU") == 4
    minutes = flat.split("BIÊN BẢN KIỂM PHIẾU")[1:]
    assert [[n for n in range(1, 6) if f"Bước {n}: " in part[:200]] for part in minutes] == [
        [2], [3], [4], [5]]
    assert flat.index("BIÊN BẢN HỘI NGHỊ") < flat.index("BIÊN BẢN KIỂM PHIẾU")
    for figure in ("60,00", "50,00", "10,00",  # step 2
                   "100,00", "66,67",  # step 3
                   "75,00", "45,00",  # step 4
                   "Giám đốc Sở quyết định đồng ý",  # step 5: 66,67 and 50,00 again
                   "Cấp ủy đề nghị xem xét thêm theo quy hoạch đã phê duyệt"):
        assert figure in flat, figure
    # the cover table: who passed which step with which share
    assert "Người đứng đầu đồng ý" in flat and "Tham khảo" in flat
    _fresh(session)
    head = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    assert head in text.replace("\n", "")
    # each count's minutes has its attendance: 10 summoned at step 2, 20 at step 4
    assert "Tổng số người được triệu tập: 20 người" in flat


def test_dossier_workbook_holds_every_steps_figures(five_steps, logged_in, session):
    _decide(logged_in, session, five_steps.id)
    response = logged_in.get(f"/procedures/{five_steps.id}/dossier.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:2] == ["Tổng hợp", "Các hội nghị"]
    cover = [list(row) for row in book["Tổng hợp"].iter_rows(values_only=True)]
    by_name = {row[1]: row for row in cover if row and row[1] in (HOA, MINH, PAO, NAM)}
    assert by_name[HOA][3:13] == [None, "Có tên", 60, "Đạt", 100, "Đạt", 75, "Tham khảo",
                                  66.67, "Đạt"]
    assert by_name[MINH][5:7] == [50, "Không đạt"]
    assert by_name[MINH][11:13] == [50, "Người đứng đầu đồng ý"]
    assert by_name[NAM][5:7] == [10, "Không đạt"]
    step4 = [list(row) for row in book["Bước 4"].iter_rows(values_only=True)]
    assert [POST, HOA, "Chánh Văn phòng", 15, 20, 75, "Tham khảo"] in [r[:7] for r in step4]
    assert ["Triệu tập", 20, "Có mặt", 18, "Phiếu phát ra", 18, "Phiếu thu về", 18] in step4
    steps = [list(row) for row in book["Các hội nghị"].iter_rows(values_only=True)][1:]
    assert [row[4:8] for row in steps] == [[6, 5, None, None], [10, 10, 10, 10],
                                           [6, 6, 6, 6], [20, 18, 18, 18], [6, 6, 6, 6]]


def test_derived_lists_change_only_here_with_a_reason(logged_in, session):
    procedure_id = _create(logged_in)
    _step1(logged_in, procedure_id)
    _derive(logged_in, procedure_id)
    step2 = _round(session, procedure_id, 2)
    url = f"/procedures/{procedure_id}/steps/2/names"
    # no reason, no change
    response = logged_in.post(url, data={"action": "remove", "post": POST, "name": PAO,
                                         "reason": " "})
    assert response.status_code == 302
    assert _names(_round(session, procedure_id, 2)) == [MINH, HOA, PAO]
    # the round's own list pages refuse: the list is the previous step's result
    position = step2.positions[0]
    response = logged_in.post(f"/rounds/{step2.id}/positions/{position.id}/candidates",
                              data={f"p{position.id}-name": "Người Khác"})
    page = logged_in.get(response.headers["Location"]).text
    assert "chỉ thêm hoặc bớt người ở trang quy trình, kèm lý do" in page
    assert _names(_round(session, procedure_id, 2)) == [MINH, HOA, PAO]
    # with a reason: removed, recorded, audited, shown
    logged_in.post(url, data={"action": "remove", "post": POST, "name": PAO,
                              "reason": "Đang trong thời gian xem xét kỷ luật"})
    assert _names(_round(session, procedure_id, 2)) == [MINH, HOA]
    audit = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "procedure.name_remove")).one()
    assert "Đang trong thời gian xem xét kỷ luật" in audit.details
    assert audit.round_id == step2.id
    page = logged_in.get(f"/procedures/{procedure_id}").text
    assert "Đang trong thời gian xem xét kỷ luật" in page
    # a step that is not open for changes refuses
    response = logged_in.post(f"/procedures/{procedure_id}/steps/3/names", data={
        "action": "add", "post": POST, "name": NAM, "reason": "thử"})
    assert "Chỉ thêm hoặc bớt người khi đợt của bước đang chuẩn bị" in logged_in.get(
        response.headers["Location"]).text


def test_a_step_comes_only_after_the_previous_one(logged_in, session):
    procedure_id = _create(logged_in)
    response = logged_in.post(f"/procedures/{procedure_id}/derive")
    assert "Bước 1 không bỏ phiếu" in logged_in.get(response.headers["Location"]).text
    # the meeting needs two thirds of those summoned
    response = logged_in.post(f"/procedures/{procedure_id}/steps/1/meeting", data={
        "summoned": "6", "present": "3", "people": MINH})
    assert response.status_code == 422
    assert "cần ít nhất 2/3 của 6 người được triệu tập" in response.text
    _step1(logged_in, procedure_id)
    _derive(logged_in, procedure_id)
    again = logged_in.post(f"/procedures/{procedure_id}/derive")
    assert "Bước 2 đã có đợt bỏ phiếu" in logged_in.get(again.headers["Location"]).text
    _fresh(session)
    assert session.scalar(select(func.count()).select_from(Round)) == 1
    assert session.scalar(select(func.count()).select_from(Step)) == 5


#: What the procedure adds to the schema: none of it may point at a ballot or a card.
PROCEDURE_TABLES = ("procedures", "procedure_posts", "procedure_steps", "step_people",
                    "step_changes", "planning_entries", "planning_reviews", "planning_proposals",
                    "head_decisions")
BALLOT_TABLES = {"ballots", "marks", "write_ins", "invalid_lines", "cards", "appraisal_lines",
                 "paper_entries"}


def test_nothing_of_a_procedure_links_a_card_to_a_choice(five_steps, logged_in, session):
    _decide(logged_in, session, five_steps.id)
    for name in PROCEDURE_TABLES:
        table = Base.metadata.tables[name]
        assert {fk.column.table.name for fk in table.foreign_keys} <= {
            "rounds", "subjects", "procedures", "procedure_steps", "planning_reviews",
            "planning_entries"}, name
        assert not {fk.column.table.name for fk in table.foreign_keys} & BALLOT_TABLES
        # min_ballots is a threshold of figures shown, not a reference to a ballot
        assert not any("ballot" in c.name or "card" in c.name for c in table.columns
                       if c.name != "min_ballots"), name
    # every step is a round of anonymous cards: no card names anyone, no stored row or
    # document holds a card's code
    assert len(five_steps.codes) == 10 + 6 + 18 + 6
    _fresh(session)
    assert session.scalar(select(func.count()).select_from(Card).where(
        Card.member_id.is_not(None))) == 0
    stored = " ".join(repr(tuple(row)) for table in Base.metadata.sorted_tables
                      for row in session.execute(select(table)))
    dossier = logged_in.get(f"/procedures/{five_steps.id}/dossier.pdf").data
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(dossier)).pages)
    book = load_workbook(io.BytesIO(logged_in.get(
        f"/procedures/{five_steps.id}/dossier.xlsx").data))
    cells = " ".join(str(value) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)
    assert "Vì Thị Hoa" in cells and "Vì Thị Hoa" in stored  # the dumps hold the data
    for code in five_steps.codes:
        for form in (code, code.replace("-", "")):
            assert form not in stored and form not in text and form not in cells
    # the audit log of the procedure's own actions names people and steps, never a ballot
    _fresh(session)
    details = session.scalars(select(AuditEntry.details).where(
        AuditEntry.action.like("procedure.%"))).all()
    assert details and not any("ballot" in d or "card" in d for d in details)


def _dossier_text(client, procedure_id: int) -> str:
    response = client.get(f"/procedures/{procedure_id}/dossier.pdf")
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    return " ".join(text.split())


def _earlier_rows(client, procedure_id: int) -> list[list]:
    book = load_workbook(io.BytesIO(client.get(f"/procedures/{procedure_id}/dossier.xlsx").data))
    return [list(row) for row in book["Các đợt trước"].iter_rows(values_only=True)]


def test_the_dossier_shows_a_persons_earlier_confidence_poll(logged_in, session, make_closed):
    # the poll of the same body, closed before: its first official had 20 high, 10
    # confidence and 6 low of 37 ballots collected
    poll = make_closed()
    official = poll.subjects[0]
    procedure_id = _create(logged_in, body="  ban chấp hành Đảng bộ thành phố ")
    response = logged_in.post(f"/procedures/{procedure_id}/steps/1/meeting", data={
        "held_on": "2026-03-02", "summoned": "6", "present": "6",
        "people": f"{official.name.upper()}; {official.position}\n{HOA}; Chánh Văn phòng"})
    assert response.status_code == 302, response.text
    flat = _dossier_text(logged_in, procedure_id)
    earlier = flat.split("KẾT QUẢ CÁC ĐỢT TRƯỚC ĐÂY")[1].split("BIÊN BẢN")[0]
    assert "Tín nhiệm cao 54,05%" in earlier and "Tín nhiệm thấp 16,22%" in earlier
    assert official.name.upper() in earlier and HOA not in earlier  # Hoa was in no round
    rows = _earlier_rows(logged_in, procedure_id)
    name = official.name.upper()
    assert [(r[0], r[3], r[4]) for r in rows[1:]] == [
        (name, "Tín nhiệm cao", 54.05), (name, "Tín nhiệm", 27.03), (name, "Tín nhiệm thấp", 16.22)]


def test_the_dossier_shows_a_persons_earlier_procedure(five_steps, logged_in, session):
    # a later procedure of the same body considers Hoa and Páo again
    later = _create(logged_in, title="Bổ nhiệm Giám đốc Sở Nội vụ", posts="Giám đốc Sở; 1")
    response = logged_in.post(f"/procedures/{later}/steps/1/meeting", data={
        "held_on": "2026-09-01", "summoned": "6", "present": "6",
        "people": f"{HOA}; Phó Giám đốc Sở\n{PAO}; Trưởng phòng"})
    assert response.status_code == 302, response.text
    rows = _earlier_rows(logged_in, later)
    hoa = [(r[3], r[4]) for r in rows[1:] if r[0] == HOA]
    # the earlier procedure's four counts, oldest first: step 2, 3, 4, 5
    assert [share for _level, share in hoa] == [60, 100, 75, 66.67]
    # Páo had no vote at step 2 and went no further
    assert [r[4] for r in rows[1:] if r[0] == PAO] == [0]
    flat = _dossier_text(logged_in, later)
    earlier = flat.split("KẾT QUẢ CÁC ĐỢT TRƯỚC ĐÂY")[1]
    for share in ("60,00%", "100,00%", "75,00%", "66,67%"):
        assert share in earlier, share
