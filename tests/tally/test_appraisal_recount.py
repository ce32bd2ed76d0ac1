"""The appraisal ballot file, pure: writing, reading, refusing, recounting."""

from __future__ import annotations

import json

import pytest

from survey.tally.appraisal import SubjectInput, tally_appraisal
from survey.tally.appraisal_recount import (
    Rules,
    decode,
    encode,
    is_appraisal_file,
    recount,
    recount_document,
    tally_document,
)
from survey.tally.recount import RecountError, SubjectEntry

SUBJECTS = [SubjectEntry(1, "An", "Trưởng phòng", "Phòng A"),
            SubjectEntry(2, "Bình", "Chuyên viên", "Phòng A"),
            SubjectEntry(3, "Chi", "Chuyên viên", "Phòng B")]
LINES = [(1, "excellent", 28, 65), (2, "good", None, 60), (1, "good", 25, 60),
         (2, "good", 20, 50), (1, "excellent", 29, 66), (2, "failed", None, None),
         (1, "good", 24, 58)]


def _file(lines=LINES, raters=(4, 3, 1), **overrides) -> bytes:
    options = dict(round_info={"id": 9, "title": "Đánh giá", "body": "", "place": "",
                               "date": None},
                   summoned=5, present=5, issued=5, collected=4, rules=Rules(min_raters=3),
                   subjects=SUBJECTS, raters=raters, lines=lines)
    options.update(overrides)
    return encode(**options)


def test_encode_then_decode_and_recount():
    data = _file()
    assert is_appraisal_file(data)
    parsed = decode(data)
    assert parsed.lines == tuple(LINES)
    assert parsed.raters == (4, 3, 1) and parsed.collected == 4
    result = recount(parsed)
    an, binh, chi = result.subjects
    assert an.counts == {"excellent": 2, "good": 2, "completed": 0, "failed": 0}
    assert an.tied and an.total is not None and an.total.median == 89  # 82, 85, 93, 95
    assert binh.majority[0].value == "good" and binh.tasks is not None
    assert binh.tasks.median == 55  # 60, 50: the mean of the two middle values
    assert chi.suppressed and chi.raters == 1 and chi.counts is None
    assert result.cohort.subjects == 2


def test_the_same_input_gives_the_same_bytes():
    assert _file() == _file()
    header = json.loads(_file().split(b"\n", 1)[0])
    assert header["subjects"][2] == {"order": 3, "name": "Chi", "position": "Chuyên viên",
                                     "unit": "Phòng B", "raters": 1, "suppressed": True}
    assert header["lines"] == len(LINES)


def test_the_writer_refuses_a_line_of_a_hidden_subject_or_a_bad_score():
    with pytest.raises(ValueError, match="shown subjects"):
        _file(lines=[*LINES, (3, "good", None, None)])
    with pytest.raises(ValueError, match="general score"):
        _file(lines=[(1, "good", 31, None)], raters=(3, 3, 0))


@pytest.mark.parametrize(("change", "code"), [
    (lambda rows: rows + ['[3,"good",null,null]'], "bad_ballot"),  # the hidden subject
    (lambda rows: rows + ['[1,"good",10,71]'], "bad_ballot"),  # tasks over 70
    (lambda rows: rows + ['[1,"best",null,null]'], "bad_ballot"),
    (lambda rows: rows + ['[true,"good",null,null]'], "bad_ballot"),
    (lambda rows: rows + ["[1,"], "bad_line"),
    (lambda rows: rows[:-1], "count_mismatch"),
    (lambda rows: [rows[0].replace('"raters":4', '"raters":5')] + rows[1:], "bad_header"),
    (lambda rows: [rows[0].replace('"raters":1,"suppressed":true',
                                   '"raters":1,"suppressed":false')] + rows[1:], "bad_header"),
    (lambda rows: [rows[0].replace('"min_raters":3', '"min_raters":0')] + rows[1:],
     "bad_header"),
    (lambda rows: [rows[0].replace('"kind":"appraisal"', '"kind":"other"')] + rows[1:],
     "bad_kind"),
])
def test_decode_refuses_a_changed_file(change, code):
    rows = _file().decode("utf-8").splitlines()
    with pytest.raises(RecountError) as caught:
        decode(("\n".join(change(rows)) + "\n").encode("utf-8"))
    assert caught.value.code == code


def test_a_line_moved_to_another_subject_keeps_the_shape_but_not_the_counts():
    rows = _file().decode("utf-8").splitlines()
    rows[1] = rows[1].replace("[1,", "[2,", 1)
    with pytest.raises(RecountError, match="subjects"):
        decode(("\n".join(rows) + "\n").encode("utf-8"))


def test_recount_document_is_the_tally_document_with_null_comments():
    parsed = decode(_file())
    document = recount_document(parsed)
    inputs = [SubjectInput("Phòng A", {"excellent": 2, "good": 2}, [28, 25, 29, 24],
                           [65, 60, 66, 58], [93, 85, 95, 82]),
              SubjectInput("Phòng A", {"good": 2, "failed": 1}, [20], [60, 50], [70]),
              SubjectInput("Phòng B", {"good": 1})]
    direct = tally_document(
        round_info=document["round"], rules=Rules(min_raters=3), summoned=5, present=5,
        issued=5, collected=4, subjects=SUBJECTS,
        result=tally_appraisal(inputs, min_raters=3),
        comments=[[], ["x"], []],
    )
    assert [s.pop("comments") for s in direct["subjects"]] == [[], ["x"], None]
    assert [s.pop("comments") for s in document["subjects"]] == [None, None, None]
    assert direct == document
    assert document["round"]["kind"] == "appraisal" and document["round"]["status"] == "closed"
    assert document["subjects"][2]["raters"] == 1 and document["subjects"][2]["counts"] is None


def test_a_confidence_file_is_not_taken_for_an_appraisal_file():
    assert not is_appraisal_file(b'{"format":"survey-ballots","kind":"confidence"}\n')
    assert not is_appraisal_file(b"\xff\xfe")
    assert not is_appraisal_file(b"")
