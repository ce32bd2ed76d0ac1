"""Planning procedures and planning lists: the three-step variant, the CLI with --json, the
list's limits and warnings, and the yearly review voted on by the leadership collective."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from survey.procedures.cli import procedure_cli
from survey.procedures.models import PlanningEntry, Procedure
from survey.procedures.planning_cli import planning_cli
from survey.rounds.models import Round
from survey.security.models import AuditEntry
from tests.factories import run_round_over_http

POST, OTHER = "Giám đốc Trung tâm", "Phó Chánh Văn phòng"
BODY = "Đảng ủy Sở Nội vụ"


def _fresh(session) -> None:
    session.rollback()
    session.expire_all()


def _cli(app, group, *args: object) -> dict:
    result = app.test_cli_runner().invoke(group, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _refused(app, group, *args: object) -> str:
    result = app.test_cli_runner().invoke(group, [str(a) for a in args])
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit), result.output
    return result.output


def _ids(session, round_id: int) -> dict[str, int]:
    _fresh(session)
    found = {s.name: s.id for s in session.get(Round, round_id).subjects}
    _fresh(session)
    return found


def test_three_steps_from_elsewhere_by_the_command_line(app, logged_in, session):
    made = _cli(app, procedure_cli, "create", "--title", "Bổ nhiệm Giám đốc Trung tâm",
                "--purpose", "planning", "--variant", "external", "--body", BODY,
                "--members", 5, "--post", f"{POST}; 1", "--json")
    assert [s["conference"] for s in made["steps"]] == [
        "Trao đổi với tập thể lãnh đạo nơi dự kiến bổ nhiệm",
        "Tập thể lãnh đạo nơi nhân sự đang công tác", "Báo cáo cấp có thẩm quyền"]
    assert [s["kind"] for s in made["steps"]] == [None, "collective_vote", None]
    pid = made["id"]
    assert "Bước 1 không bỏ phiếu" in _refused(app, procedure_cli, "derive", pid)
    step1 = _cli(app, procedure_cli, "meeting", pid, 1, "--date", "2026-04-01", "--summoned", 5,
                 "--present", 4, "--person", "Hà Văn Tú; Phó Giám đốc Sở Y tế", "--json")
    assert step1["steps"][0]["done"] and step1["current_step"] == 2
    derived = _cli(app, procedure_cli, "derive", pid, "--json")
    step2 = derived["steps"][1]
    assert step2["list"] == [{"post": POST, "name": "Hà Văn Tú",
                              "current_position": "Phó Giám đốc Sở Y tế"}]
    assert step2["status"] == "draft" and step2["summoned"] is None  # another body's collective
    # the collective where he works: 8 summoned, 4 agree: exactly half, the head decides
    ids = _ids(session, step2["round_id"])
    ballots = [{f"s{ids['Hà Văn Tú']}": "agree"}] * 4 + [{f"s{ids['Hà Văn Tú']}": "disagree"}] * 4
    run_round_over_http(logged_in, step2["round_id"], summoned=8, present=8, ballots=ballots)
    shown = _cli(app, procedure_cli, "show", pid, "--json")
    [result] = shown["steps"][1]["results"]
    assert (result["percent"], result["head_decides"], result["passed"]) == ("50.00", True, False)
    assert "quyết định của người đứng đầu" in _refused(app, procedure_cli, "meeting", pid, 3)
    _cli(app, procedure_cli, "decide", step2["round_id"], 1, "--agree", "--json")
    done = _cli(app, procedure_cli, "meeting", pid, 3, "--date", "2026-04-20", "--note",
                "Báo cáo Ban Thường vụ", "--json")
    assert done["current_step"] is None
    assert done["steps"][2]["list"] == step2["list"]
    planned = _cli(app, procedure_cli, "plan", pid, "--json")
    assert planned["planned_at"] is not None
    listed = _cli(app, planning_cli, "show", "--json")
    assert [(e["post"], e["name"]) for e in listed["entries"]] == [(POST, "Hà Văn Tú")]
    assert listed["entries"][0]["source"] == f"Quy trình số {pid}: Bổ nhiệm Giám đốc Trung tâm"
    assert "đã được ghi" in _refused(app, procedure_cli, "plan", pid)
    _fresh(session)
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"procedure.create", "procedure.meeting", "procedure.derive", "round.head_decision",
            "planning.from_procedure"} <= actions


def test_an_appointment_procedure_is_not_planned(app):
    made = _cli(app, procedure_cli, "create", "--title", "Bổ nhiệm", "--members", 3,
                "--post", POST, "--json")
    assert made["posts"] == [{"title": POST, "seats": 1}]
    assert "Chỉ quy trình quy hoạch" in _refused(app, procedure_cli, "plan", made["id"])
    assert "Số người của một chức danh phải từ 1 đến 3" in _refused(
        app, procedure_cli, "create", "--title", "X", "--members", 3, "--post", f"{POST}; 4")


def _add(client, name: str, post: str = POST, reason: str = "Danh sách năm 2025"):
    return client.post("/planning/entries", data={"body": BODY, "post": post, "name": name,
                                                  "current": "Trưởng phòng", "reason": reason})


def test_at_most_three_people_per_post_and_a_warning_past_three_posts(logged_in, session):
    for name in ("Lò Văn Minh", "Vì Thị Hoa", "Giàng A Páo"):
        assert _add(logged_in, name).status_code == 302
    full = _add(logged_in, "Hà Văn Tú")
    assert full.status_code == 422 and "đã có 3 người trong quy hoạch" in full.text
    twice = _add(logged_in, "lò văn  minh")
    assert twice.status_code == 422 and "đã có trong quy hoạch" in twice.text
    assert _add(logged_in, "Người Khác", reason=" ").status_code == 422
    for post in ("Chức danh 2", "Chức danh 3", "Chức danh 4"):
        assert _add(logged_in, "Lò Văn Minh", post).status_code == 302
    page = logged_in.get("/planning").text
    assert "Lưu ý: Lò Văn Minh được quy hoạch cho hơn 3 chức danh" in page
    _fresh(session)
    entries = session.scalars(select(PlanningEntry)).all()
    assert len(entries) == 6
    assert all(e.source.startswith("Ghi trực tiếp (organizer): Danh sách năm 2025")
               for e in entries)
    hoa = next(e for e in entries if e.name == "Vì Thị Hoa")
    removed = logged_in.post(f"/planning/entries/{hoa.id}/remove",
                             data={f"r{hoa.id}-reason": "Nghỉ hưu"})
    assert removed.status_code == 302
    _fresh(session)
    assert session.get(PlanningEntry, hoa.id).removed_at is not None
    assert "Nghỉ hưu" in session.get(PlanningEntry, hoa.id).removal
    assert _add(logged_in, "Hà Văn Tú").status_code == 302  # room again


@pytest.fixture
def planned(logged_in):
    for name in ("Lò Văn Minh", "Vì Thị Hoa"):
        assert _add(logged_in, name).status_code == 302
    return logged_in


def test_yearly_review_adds_and_removes_what_the_collective_approves(planned, session):
    client = planned
    response = client.post("/planning/reviews", data={
        "body": BODY, "year": "2026", "members": "6", "proposals":
        f"+; {POST}; Hà Văn Tú; Phó phòng; đủ tiêu chuẩn\n"
        f"+; {POST}; Cầm Thị Lan; Phó phòng; đề xuất của chi bộ\n"
        f"-; {POST}; Vì Thị Hoa; chuyển công tác"})
    assert response.status_code == 302, response.text
    round_id = int(response.headers["Location"].rsplit("/", 1)[1])
    _fresh(session)
    round_ = session.get(Round, round_id)
    assert round_.kind == "collective_vote" and round_.list_locked and round_.summoned == 6
    assert [(s.name, s.position) for s in round_.subjects] == [
        ("Hà Văn Tú", f"Bổ sung vào quy hoạch: {POST}"),
        ("Cầm Thị Lan", f"Bổ sung vào quy hoạch: {POST}"),
        ("Vì Thị Hoa", f"Đưa ra khỏi quy hoạch: {POST}")]
    ids = _ids(session, round_id)
    tu, lan, hoa = ids["Hà Văn Tú"], ids["Cầm Thị Lan"], ids["Vì Thị Hoa"]
    # Tú 4 of 6 (approved), Lan 2 of 6 (not), Hoa's removal 5 of 6 (approved)
    ballots = [{f"s{tu}": "agree" if i < 4 else "disagree",
                f"s{lan}": "agree" if i < 2 else "disagree",
                f"s{hoa}": "agree" if i < 5 else "disagree"} for i in range(6)]
    before = client.post("/planning/reviews/1/apply")
    assert "chưa kết thúc" in client.get(before.headers["Location"]).text
    run_round_over_http(client, round_id, summoned=6, present=6, ballots=ballots)
    applied = client.post("/planning/reviews/1/apply")
    assert "Đã ghi kết quả rà soát: 2 thay đổi." in client.get(applied.headers["Location"]).text
    _fresh(session)
    active = session.scalars(select(PlanningEntry.name).where(
        PlanningEntry.removed_at.is_(None)).order_by(PlanningEntry.id)).all()
    assert active == ["Lò Văn Minh", "Hà Văn Tú"]
    tu_entry = session.scalars(select(PlanningEntry).where(
        PlanningEntry.name == "Hà Văn Tú")).one()
    assert tu_entry.source.startswith("Rà soát quy hoạch năm 2026")
    again = client.post("/planning/reviews/1/apply")
    assert "đã được ghi" in client.get(again.headers["Location"]).text


def test_a_review_names_only_people_on_the_list(planned):
    response = planned.post("/planning/reviews", data={
        "body": BODY, "year": "2026", "members": "6",
        "proposals": f"-; {POST}; Người Không Có; lý do"})
    assert response.status_code == 422
    assert "Dòng 1: cần" in response.text


def test_procedures_and_planning_pages(logged_in, session):
    assert logged_in.get("/procedures").status_code == 200
    bad = logged_in.post("/procedures", data={"title": "X", "purpose": "appointment",
                                              "variant": "internal", "body_kind": "party",
                                              "members": "5", "min_ballots": "5",
                                              "posts": "Giám đốc; nhiều"})
    assert bad.status_code == 422 and "Dòng 1: cần" in bad.text
    _fresh(session)
    assert session.scalars(select(Procedure)).all() == []
    assert logged_in.get("/procedures/999").status_code == 404
    assert logged_in.get("/planning").status_code == 200
