"""The documents of the confidence vote and of nomination rounds beyond the minutes: the
Standing Committee's summary (HTML, PDF), the XLSX workbook, the recount of the ballot file;
and the write-in switch of a draft nomination round's positions."""

from __future__ import annotations

import io
import json
from html import unescape

import openpyxl
import pypdf
from sqlalchemy import select

from survey.ballots.operations import cast_ballot, create_cards, issue_cards
from survey.rounds.models import Position, Round
from survey.rounds.nomination import parse_nominations, replace_nominations
from survey.rounds.operations import close_round, create_round, open_round, record_attendance
from survey.security.models import AuditEntry
from survey.tally.recount import sha256_hex
from tests.conftest import NOW
from tests.test_nomination import SHEET

# -- the write-in switch ---------------------------------------------------------------------


def _fresh(session):
    """Read what the views committed (the test's session holds loaded objects)."""
    session.rollback()
    session.expire_all()


def _draft_nomination(session):
    round_ = create_round(session, title="Giới thiệu quy hoạch", now=NOW, kind="nomination")
    replace_nominations(session, round_, parse_nominations(SHEET, "quy-hoach.csv"))
    session.commit()
    return round_


def test_write_ins_are_switched_per_position_in_a_draft_and_audited(client, session, logged_in):
    round_ = _draft_nomination(session)
    secretary, chair = round_.positions
    assert secretary.allow_write_ins and chair.allow_write_ins
    page = client.get(f"/rounds/{round_.id}/positions")
    assert page.text.count("Tắt ô ghi thêm người ngoài danh sách") == 2
    url = f"/rounds/{round_.id}/positions/{chair.id}/write-ins"

    response = client.post(url, data={f"w{chair.id}-allow": "0"})
    assert response.status_code == 302
    _fresh(session)
    assert session.get(Position, chair.id).allow_write_ins is False
    assert session.get(Position, secretary.id).allow_write_ins is True  # only that position
    page = client.get(f"/rounds/{round_.id}/positions").text
    assert "Bật ô ghi thêm người ngoài danh sách" in page
    assert "Không ghi thêm người ngoài danh sách" in page
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "position.write_ins")
                            ).one()
    assert entry.round_id == round_.id
    assert json.loads(entry.details) == {"position": chair.id, "allow": False}

    assert client.post(url, data={f"w{chair.id}-allow": "1"}).status_code == 302
    _fresh(session)
    assert session.get(Position, chair.id).allow_write_ins is True
    # a value other than 0 or 1, or a position of another round: nothing changes
    assert client.post(url, data={f"w{chair.id}-allow": "maybe"}).status_code == 400
    other = _draft_nomination(session)
    wrong = f"/rounds/{round_.id}/positions/{other.positions[0].id}/write-ins"
    assert client.post(wrong, data={f"w{other.positions[0].id}-allow": "0"}).status_code == 404
    _fresh(session)
    assert session.get(Position, other.positions[0].id).allow_write_ins is True


def test_write_ins_cannot_be_switched_once_open(client, session, logged_in):
    round_ = _draft_nomination(session)
    chair = round_.positions[1]
    record_attendance(session, round_, summoned=5, present=5)
    create_cards(session, round_, 5)
    issue_cards(session, round_)
    open_round(session, round_, NOW)
    session.commit()
    page = client.get(f"/rounds/{round_.id}/positions").text
    assert "ô ghi thêm người ngoài danh sách" not in page  # no switch on an open round
    response = client.post(f"/rounds/{round_.id}/positions/{chair.id}/write-ins",
                           data={f"w{chair.id}-allow": "0"})
    assert response.status_code == 409
    assert "Đợt lấy phiếu đã mở" in response.text
    _fresh(session)
    assert session.get(Position, chair.id).allow_write_ins is True
    assert session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "position.write_ins")) is None
