"""An agency's whole roster in one appraisal round: up to 2,000 people in one file, rated unit
by unit; a form never has more than 500 lines, and a poll's list stays at 500."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from survey.errors import RoundStateError
from survey.kinds import kind_named
from survey.kinds.appraisal.roster import check_form_size
from survey.rounds.models import Round, Subject


def roster_csv(people: int, units: int = 40) -> bytes:
    lines = ["STT,Họ và tên,Chức vụ,Đơn vị"]
    lines += [f"{i},Nguyễn Văn Người {i},Chuyên viên,Phòng {i % units + 1}"
              for i in range(1, people + 1)]
    return ("\n".join(lines) + "\n").encode()


def new_round(client, kind: str, data: bytes):
    return client.post("/rounds/new", data={
        "title": "Đánh giá, xếp loại chất lượng năm 2026", "kind": kind,
        "body": "Thành ủy Điện Biên Phủ", "body_kind": "party", "denominator": "collected",
        "min_ballots": "5", "summoned": "40",
        "subjects_file": (io.BytesIO(data), "danh-sach.csv"),
    }, content_type="multipart/form-data", follow_redirects=False)


def test_an_appraisal_roster_of_1200_is_imported_whole(client, logged_in, session):
    response = new_round(client, "appraisal", roster_csv(1200))
    assert response.status_code == 302, response.text
    round_id = int(re.search(r"/rounds/(\d+)", response.location).group(1))
    count = session.scalar(select(func.count()).where(Subject.round_id == round_id))
    assert count == 1200


def test_a_poll_list_still_stops_at_500(client, logged_in, session):
    response = new_round(client, "confidence", roster_csv(501))
    assert "nhiều hơn mức tối đa 500 người một lần nhập" in response.text
    assert session.scalar(select(func.count()).select_from(Round)) == 0


def test_no_roster_file_over_2000(app):
    parsed = kind_named("appraisal").read_list(roster_csv(2001), "danh-sach.csv")
    assert parsed.errors and "mức tối đa 2000 người" in parsed.errors[0].message


def test_a_form_of_more_than_500_lines_cannot_open(app, session):
    """1,200 people: a form over the whole roster would have 1,200 lines; unit by unit (the
    largest unit of 30) it opens; one unit of 501 does not."""
    kind = kind_named("appraisal")
    round_ = Round(title="Đánh giá", kind="appraisal")
    round_.subjects = [Subject(order=i, name=f"Người {i}", position="", unit=f"Phòng {i % 40}")
                       for i in range(1, 1201)]
    with pytest.raises(RoundStateError, match="nhiều nhất 500 dòng.*1200 dòng"):
        check_form_size(round_)
    round_.same_unit_only = True
    kind.check_ready(round_)  # units of 30
    round_.subjects[0:501] = [Subject(order=i, name=f"Người {i}", position="", unit="Phòng lớn")
                              for i in range(1, 502)]
    with pytest.raises(RoundStateError, match="501 dòng"):
        kind.check_ready(round_)
