"""The ballot file and the independent recount: ``survey report --format jsonl`` and
``survey recount FILE``, down to the console script on a machine without the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
from sqlalchemy import func, select

from survey.ballots.models import Ballot, Mark
from survey.reports.cli import recount_command, report_command, tally_command
from survey.tally import marks_file
from survey.tally.recount import sha256_hex
from tests.factories import BTV_EXPECTED, confidence_file

SURVEY = click.Group("survey", commands=[tally_command, report_command, recount_command])


def invoke(runner, *args):
    return runner.invoke(SURVEY, [str(arg) for arg in args])


# -- through the CLI -----------------------------------------------------------------------------


def test_export_recount_gives_the_identical_tally(runner, session, make_closed, tmp_path):
    round_ = make_closed()
    path = tmp_path / "phieu.jsonl"
    result = invoke(runner, "report", round_.id, "--format", "jsonl", "--out", path)
    assert result.exit_code == 0, result.output
    digest = sha256_hex(path.read_bytes())
    # the same bytes as the web download and the fingerprint the minutes print
    stdout = invoke(runner, "report", round_.id, "--format", "jsonl")
    assert stdout.stdout_bytes == path.read_bytes()

    tally = json.loads(invoke(runner, "tally", round_.id, "--format", "json").stdout)
    done = invoke(runner, "recount", path, "--expect", digest.upper()[:20] + " " + digest[20:])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == tally  # identical, figure by figure
    assert f"Mã kiểm tra SHA-256 của tệp: {digest}" in done.stderr
    assert "KẾT LUẬN: KHỚP." in done.stderr
    assert "Đã kiểm lại 37 phiếu của 12 người được lấy phiếu từ chính tệp này." in done.stderr
    for subject in tally["subjects"]:
        row = BTV_EXPECTED[subject["order"]]
        assert (subject["valid"], subject["counts"]["high"], subject["counts"]["confidence"],
                subject["counts"]["low"], subject["invalid"]) == (row[0], row[1], row[3],
                                                                  row[5], row[7])

    plain = invoke(runner, "recount", path)  # no fingerprint to compare: said so, still counts
    assert plain.exit_code == 0 and json.loads(plain.stdout) == tally
    assert "Chưa so sánh mã kiểm tra" in plain.stderr

    text = invoke(runner, "recount", path, "--format", "text")
    assert "Giàng Ngọc Sơn" in text.stdout and "67.57" in text.stdout
    assert "two_thirds_low" in text.stdout


def test_the_file_written_in_pieces_is_the_same_file(session, make_closed):
    from survey.kinds import kind_of
    from survey.reports import ballot_file

    round_ = make_closed()
    whole = ballot_file.ballot_file(session, round_)
    pieces = list(kind_of(round_).ballot_lines(session, round_))
    assert b"".join(pieces) == whole
    # the header, then a piece per run of equal records (a line and a level), never a ballot
    assert len(pieces) <= 1 + 12 * 3 < whole.count(b"\n")
    assert ballot_file.fingerprint(session, round_) == sha256_hex(whole)
    parsed = marks_file.decode(whole)
    # one record per stored mark, and nothing else
    marks = session.scalar(select(func.count()).select_from(Mark).join(Ballot)
                           .where(Ballot.round_id == round_.id))
    assert sum(sum(c.values()) for c in parsed.counts) == marks == whole.count(b"\n") - 1
    assert (parsed.collected, parsed.invalid_ballots) == (37, 1)


def test_one_byte_changed_fails_the_check(runner, session, make_closed, tmp_path):
    round_ = make_closed()
    path = tmp_path / "phieu.jsonl"
    assert invoke(runner, "report", round_.id, "--format", "jsonl", "--out", path).exit_code == 0
    original = path.read_bytes()
    digest = sha256_hex(original)

    # a "low" turned into a "high" on one ballot: still a well-formed file, another tally
    at = original.index(b'"low"', original.index(b"\n"))
    forged = original[:at] + b'"hig"' + original[at + 5:]
    forged = forged.replace(b'"hig"', b'"high"', 1)
    assert len(forged) == len(original) + 1
    tampered = tmp_path / "sua.jsonl"
    tampered.write_bytes(forged)
    result = invoke(runner, "recount", tampered, "--expect", digest)
    assert result.exit_code == 1
    assert result.stdout == ""  # no tally from a file that is not the original
    assert "KẾT LUẬN: KHÔNG KHỚP." in result.stderr and digest in result.stderr

    # exactly one byte: the file no longer reads, and the fingerprint does not match either
    for position in (len(original) // 2, len(original) - 3):
        flipped = bytearray(original)
        flipped[position] ^= 0x01
        tampered.write_bytes(bytes(flipped))
        result = invoke(runner, "recount", tampered, "--expect", digest)
        assert result.exit_code == 1, position
        assert "KHÔNG KHỚP" in result.stderr
        assert sha256_hex(bytes(flipped)) != digest


def test_a_file_that_is_not_a_ballot_file_is_refused(runner, tmp_path):
    path = tmp_path / "khac.jsonl"
    path.write_text('{"format": "other"}\n', encoding="utf-8")
    result = invoke(runner, "recount", path)
    assert result.exit_code == 1
    assert "Tệp không đúng định dạng tệp phiếu: Đây không phải tệp phiếu xuất từ phần mềm." in (
        result.stderr)
    path.write_bytes(confidence_file([["high", None]]) + b'["low"]\n')
    result = invoke(runner, "recount", path)
    assert result.exit_code == 1 and "Dòng 3 không phải một phiếu của đợt này." in result.stderr


def test_report_command_writes_every_format(runner, session, make_closed, tmp_path):
    import io

    import openpyxl
    import pypdf

    round_ = make_closed()
    for fmt, document, check in [
        ("pdf", "minutes", lambda d: "BIÊN BẢN KIỂM PHIẾU" in pypdf.PdfReader(io.BytesIO(d))
         .pages[0].extract_text()),
        ("pdf", "summary", lambda d: "BÁO CÁO KẾT QUẢ" in pypdf.PdfReader(io.BytesIO(d))
         .pages[0].extract_text()),
        ("xlsx", "results", lambda d: openpyxl.load_workbook(io.BytesIO(d))
         ["Kết quả"].cell(5, 2).value == "Lường Hữu Ánh"),
        ("csv", "results", lambda d: d.startswith("\ufeffSTT,Họ và tên".encode())),
        ("html", "minutes", lambda d: "BIÊN BẢN KIỂM PHIẾU" in d.decode()
         and "<style>" in d.decode() and "/static/" not in d.decode()),
        ("html", "summary", lambda d: d.decode().count('<svg class="bar-chart"') == 12),
    ]:
        out = tmp_path / f"{document}.{fmt}"
        result = invoke(runner, "report", round_.id, "--format", fmt, "--document", document,
                        "--order", "low", "--out", out)
        assert result.exit_code == 0, result.output
        assert f"Đã ghi {out}" in result.stderr
        assert check(out.read_bytes()), (fmt, document)


def test_report_command_refusals(runner, session, make_round, tmp_path):
    round_ = make_round(cards=3, open_=True)
    result = invoke(runner, "report", round_.id, "--format", "pdf", "--out", tmp_path / "x.pdf")
    assert result.exit_code == 1
    assert "Kết quả chỉ xem được sau khi kết thúc bỏ phiếu." in result.stderr
    assert not (tmp_path / "x.pdf").exists()
    assert invoke(runner, "report", round_.id, "--format", "pdf").exit_code == 2  # no --out
    wrong = invoke(runner, "report", round_.id, "--format", "xlsx", "--document", "minutes",
                   "--out", tmp_path / "x.xlsx")
    assert wrong.exit_code == 2 and "không dùng cho minutes" in wrong.stderr
    assert invoke(runner, "report", 9999, "--format", "csv").exit_code == 1


def _version_1_file(session, round_) -> bytes:
    """The file of ``round_`` as version 1 wrote it before: whole ballots, in the order of
    their ids (as the minutes of rounds counted then printed its fingerprint)."""
    from survey.kinds.counts import issued
    from survey.kinds.info import file_round_info, subject_entries
    from survey.tally.recount import encode

    ids = sorted(session.scalars(select(Ballot.id).where(Ballot.round_id == round_.id)))
    subject_ids = [s.id for s in round_.subjects]
    ballots = []
    for ballot_id in ids:
        marks = dict(session.execute(select(Mark.subject_id, Mark.choice)
                                     .where(Mark.ballot_id == ballot_id)).all())
        ballots.append([marks.get(s) for s in subject_ids])
    return encode(round_info=file_round_info(round_), kind=round_.kind,
                  summoned=round_.summoned, present=round_.present,
                  issued=issued(session, round_.id), denominator=round_.denominator,
                  min_ballots=round_.min_ballots, subjects=subject_entries(round_),
                  ballots=ballots)


def test_a_version_1_file_is_still_recounted(runner, session, make_closed, tmp_path):
    """A file written before version 2 (whole ballots), whose fingerprint earlier minutes
    printed, is still checked and counted: the same tally as the round's file of today."""
    round_ = make_closed()
    old = tmp_path / "phieu-cu.jsonl"
    old.write_bytes(_version_1_file(session, round_))
    assert json.loads(old.read_bytes().split(b"\n", 1)[0])["version"] == 1
    new = tmp_path / "phieu.jsonl"
    assert invoke(runner, "report", round_.id, "--format", "jsonl", "--out", new).exit_code == 0
    assert sha256_hex(old.read_bytes()) != sha256_hex(new.read_bytes())

    tally = json.loads(invoke(runner, "tally", round_.id, "--format", "json").stdout)
    done = invoke(runner, "recount", old, "--expect", sha256_hex(old.read_bytes()))
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == tally == json.loads(invoke(runner, "recount", new).stdout)
    assert tally["invalid_ballots"] == 1
    assert "KẾT LUẬN: KHỚP." in done.stderr
    # and its fingerprint is checked like any other
    wrong = invoke(runner, "recount", old, "--expect", sha256_hex(new.read_bytes()))
    assert wrong.exit_code == 1 and "KẾT LUẬN: KHÔNG KHỚP." in wrong.stderr


def test_a_file_of_an_unknown_version_is_refused(runner, session, make_closed, tmp_path):
    round_ = make_closed()
    path = tmp_path / "phieu.jsonl"
    assert invoke(runner, "report", round_.id, "--format", "jsonl", "--out", path).exit_code == 0
    path.write_bytes(path.read_bytes().replace(b'"version":2', b'"version":3', 1))
    result = invoke(runner, "recount", path)
    assert result.exit_code == 1
    assert "Phiên bản tệp phiếu không được hỗ trợ: 3." in result.stderr


# -- on another computer -------------------------------------------------------------------------


def test_console_script_recounts_without_a_database(runner, session, make_closed, tmp_path):
    round_ = make_closed()
    path = tmp_path / "phieu.jsonl"
    assert invoke(runner, "report", round_.id, "--format", "jsonl", "--out", path).exit_code == 0
    digest = sha256_hex(path.read_bytes())
    elsewhere = tmp_path / "may-khac"
    elsewhere.mkdir()
    script = Path(sys.executable).with_name("survey")
    env = {key: value for key, value in os.environ.items() if not key.startswith("SURVEY_")}
    env |= {"SURVEY_INSTANCE_PATH": str(elsewhere / "instance"), "HOME": str(elsewhere)}
    done = subprocess.run([str(script), "recount", str(path), "--expect", digest],
                          capture_output=True, text=True, env=env, cwd=elsewhere, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["collected"] == 37
    assert "KẾT LUẬN: KHỚP." in done.stderr
    assert not (elsewhere / "instance").exists()  # no app, no database was made
