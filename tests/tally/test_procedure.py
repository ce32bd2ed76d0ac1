"""A procedure's pure rules: who is carried to the next step, the cover table, trends, and the
planning list's limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from survey.tally.procedure import (
    MAX_PER_POST,
    CoverRow,
    Nominee,
    Standing,
    TrendPoint,
    carried,
    cover_rows,
    overplanned,
    people_named,
    room_left,
    trend,
    unique_shares,
)

POST = "Phó Giám đốc Sở"


def standing(name, *, passed=False, tied=False, post=POST, percent="50.00", **extra):
    return Standing(post, name, "", 5, 10, Decimal(percent), passed=passed, tied=tied, **extra)


def test_carried_are_those_who_passed_and_those_tied_once_each():
    rows = [standing("A", passed=True), standing("B"), standing("C", tied=True),
            standing("D", tied=True), standing("a", passed=True),  # the same name: once
            standing("A", passed=True, post="Giám đốc")]  # another post: again
    assert carried(rows) == [Nominee(POST, "A"), Nominee(POST, "C"), Nominee(POST, "D"),
                             Nominee("Giám đốc", "A")]
    assert carried([]) == []


def test_pending_head_decision():
    half = standing("A", head_decides=True)
    assert half.pending and not standing("A").pending
    assert not standing("A", head_decides=True, decided=False).pending


def test_cover_rows_follow_first_appearance_per_post():
    step1 = [standing("A", passed=True), standing("B", passed=True)]
    step2 = [standing("B", passed=True, percent="60.00"), standing("A"),
             standing("N", percent="10.00", written_in=True)]
    rows = cover_rows([step1, step2, None])
    assert [(r.name, r.post) for r in rows] == [("A", POST), ("B", POST), ("N", POST)]
    a, b, n = rows
    assert a.steps[0] is step1[0] and a.steps[1] is step2[1] and a.steps[2] is None
    assert n.steps[0] is None and n.steps[1].written_in
    assert (a.last_passed, b.last_passed, n.last_passed) == (1, 2, 0)
    assert CoverRow(POST, "X", (None,)).last_passed == 0


def test_trend_is_oldest_first_each_round_once():
    shares = (("Đồng ý", Decimal("60.00")),)
    later = TrendPoint(date(2025, 6, 1), "b", shares, 9)
    earlier = TrendPoint(date(2023, 1, 1), "a", shares, 3)
    assert trend([later, earlier, earlier]) == [earlier, later]


def test_names_and_shares_by_name():
    assert people_named(["Lò Văn Minh", "lò văn  minh", "Vì Thị Hoa"]) == {
        "lò văn minh": "Lò Văn Minh", "vì thị hoa": "Vì Thị Hoa"}
    one = (("Đồng ý", Decimal("50.00")),)
    assert unique_shares([("A", one), ("B", one), ("b", one)]) == {"a": one}


def test_planning_limits():
    assert MAX_PER_POST == 3
    assert room_left({POST: 2}, POST) and not room_left({POST: 3}, POST)
    assert room_left({}, POST, 3) and not room_left({}, POST, 4)
    entries = [(f"Chức danh {i}", "Lò Văn Minh") for i in range(4)]
    [warning] = overplanned(entries + [("Chức danh 0", "lò văn minh")])
    assert warning.name == "Lò Văn Minh" and len(warning.posts) == 4
    assert overplanned(entries[:3]) == []


def test_nominee_key_ignores_case_and_spaces():
    assert Nominee(POST, "Lò  Văn Minh").key == Nominee(POST.upper(), "lò văn minh").key
