"""The ballot file and the independent recount: ``survey report --format jsonl`` and
``survey recount FILE``, down to the console script on a machine without the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.reports.cli import recount_command, report_command, tally_command
from survey.tally.confidence import Denominator, RoundFigures, SubjectCounts, tally_round
from survey.tally.recount import (
    RecountError,
    SubjectEntry,
    decode,
    encode,
    recount,
    recount_document,
    sha256_hex,
)
from tests.test_reports import EXPECTED, make_closed  # noqa: F401 (a fixture)

SURVEY = click.Group("survey", commands=[tally_command, report_command, recount_command])
SUBJECTS = [SubjectEntry(1, "Lò Văn Minh", "Bí thư"), SubjectEntry(2, "Vì Thị Hoa", "", "UBND")]
LEVELS = ("high", "confidence", "low", None)


def _file(ballots, **overrides) -> bytes:
    options = dict(round_info={"id": 7, "title": "Thử", "body": "", "place": "", "date": None},
                   kind="confidence", summoned=10, present=9, issued=9, denominator="collected",
                   min_ballots=1, subjects=SUBJECTS, ballots=ballots)
    options.update(overrides)
    return encode(**options)


def invoke(runner, *args):
    return runner.invoke(SURVEY, [str(arg) for arg in args])


# -- the format, pure ----------------------------------------------------------------------------


def test_encode_then_decode_gives_back_the_ballots():
    ballots = [["high", None], ["low", "low"], [None, None]]
    data = _file(ballots)
    assert data.endswith(b"\n") and data.count(b"\n") == 4
    assert data.decode("utf-8").splitlines()[1:] == ['["high",null]', '["low","low"]',
                                                      "[null,null]"]
    parsed = decode(data)
    assert parsed.ballots == (("high", None), ("low", "low"), (None, None))
    assert parsed.subjects == tuple(SUBJECTS)
    assert (parsed.summoned, parsed.present, parsed.issued, parsed.collected) == (10, 9, 9, 3)
    result = recount(parsed)
    assert [line.counts for line in result.subjects] == [
        SubjectCounts(high=1, low=1), SubjectCounts(low=1)]
    assert [line.invalid for line in result.subjects] == [1, 2]


@given(st.lists(st.lists(st.sampled_from(LEVELS), min_size=2, max_size=2), min_size=1,
                max_size=60),
       st.sampled_from(list(Denominator)))
@settings(max_examples=60, deadline=None)
def test_recount_equals_the_tally_of_the_counts(ballots, denominator):
    data = _file(ballots, denominator=denominator.value)
    counts = [SubjectCounts.from_mapping({level: sum(1 for b in ballots if b[i] == level)
                                          for level in ("high", "confidence", "low")})
              for i in range(2)]
    expected = tally_round(RoundFigures(10, 9, 9, len(ballots)), counts,
                           denominator=denominator, min_ballots=1)
    assert recount(decode(data)) == expected
    assert sha256_hex(data) == sha256_hex(_file(ballots, denominator=denominator.value))


@pytest.mark.parametrize(
    ("mangle", "code"),
    [
        (lambda d: b"", "empty"),
        (lambda d: b"\xff" + d, "not_utf8"),
        (lambda d: d.replace(b'"survey-ballots"', b'"other"'), "not_ballot_file"),
        (lambda d: d.replace(b'"version":1', b'"version":2'), "bad_version"),
        (lambda d: d.replace(b'"kind":"confidence"', b'"kind":"appraisal"'), "bad_kind"),
        (lambda d: d.replace(b'"issued":9', b'"issued":-1'), "bad_header"),
        (lambda d: d.replace(b'"order":2', b'"order":3'), "bad_header"),
        (lambda d: d.replace(b'["low","low"]', b'["low","lowx"]'), "bad_ballot"),
        (lambda d: d.replace(b'["low","low"]', b'["low"]'), "bad_ballot"),
        (lambda d: d.replace(b'["low","low"]', b'["low","low"'), "bad_line"),
        (lambda d: d + b'["high","high"]\n', "count_mismatch"),
        (lambda d: d.rsplit(b"\n", 2)[0] + b"\n", "count_mismatch"),
    ],
)
def test_a_malformed_file_is_refused_with_a_reason(mangle, code):
    data = _file([["high", None], ["low", "low"], [None, None]])
    with pytest.raises(RecountError) as caught:
        decode(mangle(data))
    assert caught.value.code == code


def test_encode_refuses_a_ballot_that_does_not_fit():
    with pytest.raises(ValueError):
        _file([["high"]])
    with pytest.raises(ValueError):
        _file([["high", "maybe"]])


# -- through the CLI -----------------------------------------------------------------------------


def test_export_recount_gives_the_identical_tally(runner, session, make_closed, tmp_path):  # noqa: F811
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
        row = EXPECTED[subject["order"]]
        assert (subject["valid"], subject["counts"]["high"], subject["counts"]["confidence"],
                subject["counts"]["low"], subject["invalid"]) == (row[0], row[1], row[3],
                                                                  row[5], row[7])

    plain = invoke(runner, "recount", path)  # no fingerprint to compare: said so, still counts
    assert plain.exit_code == 0 and json.loads(plain.stdout) == tally
    assert "Chưa so sánh mã kiểm tra" in plain.stderr

    text = invoke(runner, "recount", path, "--format", "text")
    assert "Giàng Ngọc Sơn" in text.stdout and "67.57" in text.stdout
    assert "two_thirds_low" in text.stdout


def test_the_file_read_in_chunks_is_the_same_file(session, make_closed, monkeypatch):  # noqa: F811
    from survey.kinds import ballot_file as lines_file
    from survey.reports import ballot_file

    round_ = make_closed()
    whole = ballot_file.ballot_file(session, round_)
    monkeypatch.setattr(lines_file, "CHUNK", 5)  # 37 ballots: 8 queries, the last short
    assert ballot_file.ballot_file(session, round_) == whole
    assert ballot_file.fingerprint(session, round_) == sha256_hex(whole)
    parsed = decode(whole)
    assert len(parsed.ballots) == 37 and len(set(parsed.ballots)) > 1


def test_one_byte_changed_fails_the_check(runner, session, make_closed, tmp_path):  # noqa: F811
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
    path.write_bytes(_file([["high", None]]) + b'["low"]\n')
    result = invoke(runner, "recount", path)
    assert result.exit_code == 1 and "Dòng 3 không phải một phiếu của đợt này." in result.stderr


def test_recount_document_has_the_tally_shape():
    data = decode(_file([["high", None], ["low", "low"]]))
    document = recount_document(data)
    assert list(document) == ["round", "summoned", "present", "absent", "quorum", "issued",
                              "collected", "sources", "denominator", "denominator_value",
                              "min_ballots", "suppressed", "subjects"]
    # a file that does not say where its ballots came from: all from phones
    assert document["sources"] == {"phone": 2, "paper": 0, "paper_invalid": 0}
    assert document["round"] == {"id": 7, "title": "Thử", "body": "", "kind": "confidence",
                                 "status": "closed", "place": "", "date": None}
    assert (document["absent"], document["quorum"]) == (1, True)
    assert document["subjects"][1]["percent"] == {"high": "0.00", "confidence": "0.00",
                                                  "low": "50.00"}


def test_report_command_writes_every_format(runner, session, make_closed, tmp_path):  # noqa: F811
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


# -- on another computer -------------------------------------------------------------------------


def test_console_script_recounts_without_a_database(runner, session, make_closed, tmp_path):  # noqa: F811
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
