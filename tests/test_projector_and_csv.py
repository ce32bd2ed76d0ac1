"""The results on the projector (only once published) and the CSV for Excel under Vietnamese
regional settings (";" and a decimal comma), with its formula protection."""

from __future__ import annotations

import csv
import io
import re

import pytest

from survey.desk.operations import publish_round
from survey.documents.csv import csv_text, with_separator
from survey.reports.cli import report_command
from survey.rounds.importing import SubjectRow
from survey.rounds.models import Round
from tests.conftest import PASSWORD
from tests.factories import BTV_EXPECTED, CLOSED_AT


def _reader(app, make_user):
    make_user("btv", "observer")
    client = app.test_client()
    client.post("/login", data={"username": "btv", "password": PASSWORD})
    return client


def test_projector_shows_nothing_before_publishing(app, logged_in, make_user, session,
                                                   make_closed):
    round_ = make_closed()
    reader = _reader(app, make_user)
    url = f"/rounds/{round_.id}/projector"
    closed_page = logged_in.get(f"/rounds/{round_.id}/results").text
    assert url not in closed_page  # no link before publishing
    assert logged_in.get(url).status_code == 403
    assert reader.get(url).status_code == 404
    publish_round(session, session.get(Round, round_.id), CLOSED_AT)
    session.commit()
    for client in (logged_in, reader):
        page = client.get(url)
        assert page.status_code == 200
        text = page.text
        assert 'class="projector"' in text and "topbar" not in text  # full screen, no menu
        assert text.count('class="bar-chart"') == 12  # one bar per subject
        assert "Giàng Ngọc Sơn" in text and "67,57" in text
        assert "<style" not in text and " style=" not in text  # the CSP
    assert url in logged_in.get(f"/rounds/{round_.id}/results").text


def test_projector_of_every_kind(app, logged_in, session, closed_vote, closed_nomination):
    for round_ in (closed_vote, closed_nomination):
        publish_round(session, session.get(Round, round_.id), CLOSED_AT)
    session.commit()
    for round_ in (closed_vote, closed_nomination):
        page = logged_in.get(f"/rounds/{round_.id}/projector")
        assert page.status_code == 200
        assert "bar-chart" in page.text and "doc-table" in page.text


def test_csv_with_semicolons_and_decimal_commas(logged_in, session, make_closed):
    round_ = make_closed()
    url = f"/rounds/{round_.id}/results.csv"
    assert f"{url}?sep=semicolon" in logged_in.get(f"/rounds/{round_.id}/results").text
    data = logged_in.get(f"{url}?sep=semicolon").data
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0][:2] == ["STT", "Họ và tên"] and len(rows) == 13
    for row in rows[1:]:
        valid, high, high_p, conf, conf_p, low, low_p, invalid = BTV_EXPECTED[int(row[0])]
        assert [int(row[6]), int(row[7])] == [valid, invalid]
        assert row[8:14] == [str(high), high_p, str(conf), conf_p, str(low), low_p]
    # the same cells as the comma file, but for the decimal separator
    plain = list(csv.reader(io.StringIO(logged_in.get(url).data.decode("utf-8-sig"),
                                        newline="")))
    assert [[c.replace(".", ",") if re.fullmatch(r"\d+\.\d+", c) else c for c in r]
            for r in plain] == rows
    assert logged_in.get(f"{url}?sep=tab").status_code == 400


def test_semicolon_csv_keeps_text_cells_and_their_formula_protection():
    text = csv_text([["Tên", "Tỷ lệ"], ['=HYPERLINK("http://x","y")', "12.50"],
                     ["1.5 Nguyễn; Văn", 0], ["-1.25", "x"]])
    rows = list(csv.reader(io.StringIO(with_separator(text, "semicolon"), newline=""),
                           delimiter=";"))
    assert rows[1] == ['\'=HYPERLINK("http://x","y")', "12,50"]
    assert rows[2] == ["1.5 Nguyễn; Văn", "0"]  # text kept, its ";" quoted
    assert rows[3] == ["'-1.25", "x"]  # a text that starts like a formula stays text
    assert with_separator(text, "comma") == text
    with pytest.raises(ValueError):
        with_separator(text, "tab")


def test_report_command_writes_the_semicolon_csv(runner, session, make_closed, tmp_path):
    rows = [SubjectRow(line=1, name="=SUM(A1)", position="", unit=""),
            SubjectRow(line=2, name="Lò Văn Hùng", position="", unit="")]
    round_ = make_closed(n=6, rows=rows, pattern=lambda ids, i: {
        ids[0]: "high", ids[1]: "low" if i < 4 else "high"})
    out = tmp_path / "ket-qua.csv"
    result = runner.invoke(report_command, [str(round_.id), "--format", "csv", "--separator",
                                            "semicolon", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows_ = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline=""),
                            delimiter=";"))
    assert rows_[1][1] == "'=SUM(A1)"
    assert "66,67" in rows_[2]
