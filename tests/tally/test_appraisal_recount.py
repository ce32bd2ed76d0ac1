"""The appraisal ballot file of version 1 (still read), pure: writing, reading, refusing,
recounting."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from survey.tally.appraisal import SubjectInput, tally_appraisal
from survey.tally.appraisal_recount import (
    Rules,
    decode,
    encode,
    is_appraisal_file,
    recount,
    recount_document,
    subject_inputs,
    tally_document,
)
from survey.tally.files import json_line
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
    assert parsed.raters == (4, 3, None) and parsed.collected == 4  # Chi: below the minimum
    result = recount(parsed)
    an, binh, chi = result.subjects
    assert an.counts == {"excellent": 2, "good": 2, "completed": 0, "failed": 0}
    assert an.tied and an.total is not None and an.total.median == 89  # 82, 85, 93, 95
    assert binh.majority[0].value == "good" and binh.tasks is not None
    assert binh.tasks.median == 55  # 60, 50: the mean of the two middle values
    assert chi.suppressed and chi.raters is None and chi.counts is None
    assert result.cohort.subjects == 2


def test_the_same_input_gives_the_same_bytes():
    assert _file() == _file()
    header = json.loads(_file().split(b"\n", 1)[0])
    assert header["subjects"][2] == {"order": 3, "name": "Chi", "position": "Chuyên viên",
                                     "unit": "Phòng B", "raters": None, "suppressed": True}
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
    (lambda rows: [rows[0].replace('"raters":null,"suppressed":true',
                                   '"raters":null,"suppressed":false')] + rows[1:], "bad_header"),
    (lambda rows: [rows[0].replace('"raters":4,"suppressed":false',
                                   '"raters":null,"suppressed":false')] + rows[1:], "bad_header"),
    (lambda rows: [rows[0].replace('"raters":4,"suppressed":false',
                                   '"raters":null,"suppressed":true')] + rows[1:], "bad_ballot"),
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
    assert document["subjects"][2]["raters"] is None and document["subjects"][2]["counts"] is None


def test_a_file_that_gives_the_count_of_a_hidden_subject_still_recounts():
    """Files written before the header left that count out give it (below the minimum): they
    are read as they were, and the recount shows no count either."""
    rows = _file().decode("utf-8").splitlines()
    old = rows[0].replace('"raters":null,"suppressed":true', '"raters":1,"suppressed":true')
    assert old != rows[0]
    parsed = decode(("\n".join([old, *rows[1:]]) + "\n").encode("utf-8"))
    assert parsed.raters == (4, 3, 1)
    assert recount_document(parsed) == recount_document(decode(_file()))
    wrong = rows[0].replace('"raters":null,"suppressed":true', '"raters":3,"suppressed":true')
    with pytest.raises(RecountError):
        decode(("\n".join([wrong, *rows[1:]]) + "\n").encode("utf-8"))


def test_a_confidence_file_is_not_taken_for_an_appraisal_file():
    assert not is_appraisal_file(b'{"format":"survey-ballots","kind":"confidence"}\n')
    assert not is_appraisal_file(b"\xff\xfe")
    assert not is_appraisal_file(b"")


def test_rules_default_to_the_domain_s_and_read_back():
    assert Rules().as_dict() == {"min_raters": 3, "quota_percent": 20, "quota_group": "round",
                                 "same_unit_only": False}
    rules = Rules(min_raters=3, quota_percent=25, quota_group="unit", same_unit_only=True)
    parsed = decode(_file(rules=rules))
    assert parsed.rules == rules
    document = recount_document(parsed)
    assert document["rules"] == rules.as_dict()
    # per unit: Phòng B's only subject is below the minimum, so Phòng B has no figure at all
    assert document["quota"] == [{"group": "Phòng A", "excellent": 0, "good": 1,
                                  "quota_percent": 25, "allowed": 0, "share": "0.00",
                                  "breach": False}]
    # An is a tie of excellent and good: undecided, yet good or better whichever way it goes
    assert document["cohort"] == {"subjects": 2, "undecided": 1, "completed_or_better": 2,
                                  "good_or_better": 2, "excellent": 0,
                                  "percent": {"completed_or_better": "100.00",
                                              "good_or_better": "100.00", "excellent": "0.00"}}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([(1, "good", None, 71)], "a tasks score is out of range"),
        ([(1, "good", None, -1)], "a tasks score is out of range"),
        ([(1, "good", 31, 70)], "a general score is out of range"),
        ([(1, "good", -1, None)], "a general score is out of range"),
        ([(1, "best", None, None)], "a line does not match the shown subjects or the levels"),
        ([(4, "good", None, None)], "a line does not match the shown subjects or the levels"),
        ([(3, "good", None, None)], "a line does not match the shown subjects or the levels"),
    ],
)
def test_the_writer_refuses_each_impossible_line(lines, message):
    with pytest.raises(ValueError) as caught:
        _file(lines=lines, raters=(3, 3, 0))
    assert str(caught.value) == message


def test_scores_at_the_edges_of_the_frame_are_written_and_read():
    lines = [(1, "excellent", 30, 70), (1, "failed", 0, 0)]
    data = _file(lines=lines, raters=(2, 0, 0), rules=Rules(min_raters=2))
    assert decode(data).lines == tuple(lines)


DROP = object()


def _header_changed(**changes) -> bytes:
    header, rest = _file().split(b"\n", 1)
    header = json.loads(header)
    for key, value in changes.items():
        if value is DROP:
            header.pop(key)
        else:
            header[key] = value
    return json_line(header) + rest


def _refusal(data: bytes) -> tuple[str, dict, str]:
    with pytest.raises(RecountError) as caught:
        decode(data)
    return caught.value.code, caught.value.params, str(caught.value)


def _wrong(field):
    return ("bad_header", {"field": field}, f"header field {field!r} is wrong")


def _not_a_count(field):
    return ("bad_header", {"field": field}, f"header field {field!r} is not a count")


RULES = {"min_raters": 3, "quota_percent": 20, "quota_group": "round", "same_unit_only": False}
SUBJECT_ITEMS = json.loads(_file().split(b"\n", 1)[0])["subjects"]


def _subjects(index, **changes):
    items = [dict(item) for item in SUBJECT_ITEMS]
    for key, value in changes.items():
        if value is DROP:
            items[index].pop(key)
        else:
            items[index][key] = value
    return items


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"kind": DROP}, ("bad_kind", {"kind": None}, "unknown kind of round")),
        ({"kind": "nomination"}, ("bad_kind", {"kind": "nomination"}, "unknown kind of round")),
        ({"levels": ["failed", "completed", "good", "excellent"]}, _wrong("levels")),
        ({"levels": ["high", "confidence", "low"]}, _wrong("levels")),
        ({"levels": DROP}, _wrong("levels")),
        ({"round": None}, _wrong("round")),
        ({"round": DROP}, _wrong("round")),
        ({"rules": DROP}, _wrong("rules")),
        ({"rules": "round"}, _wrong("rules")),
        ({"rules": {k: v for k, v in RULES.items() if k != "same_unit_only"}}, _wrong("rules")),
        ({"rules": RULES | {"max_raters": 9}}, _wrong("rules")),
        ({"rules": RULES | {"min_raters": "3"}}, _not_a_count("rules")),
        ({"rules": RULES | {"min_raters": True}}, _not_a_count("rules")),
        ({"rules": RULES | {"quota_percent": -20}}, _not_a_count("rules")),
        ({"rules": RULES | {"quota_percent": 20.0}}, _not_a_count("rules")),
        ({"rules": RULES | {"min_raters": 0}}, _wrong("rules")),
        ({"rules": RULES | {"quota_group": "team"}}, _wrong("rules")),
        ({"rules": RULES | {"quota_group": None}}, _wrong("rules")),
        ({"rules": RULES | {"same_unit_only": "no"}}, _wrong("rules")),
        ({"rules": RULES | {"same_unit_only": 0}}, _wrong("rules")),
        ({"rules": RULES | {"same_unit_only": None}}, _wrong("rules")),
        ({"subjects": []}, _wrong("subjects")),
        ({"subjects": "An"}, _wrong("subjects")),
        ({"subjects": DROP}, _wrong("subjects")),
        ({"subjects": ["An", "Bình", "Chi"]}, _wrong("subjects")),
        ({"subjects": _subjects(1, order=3)}, _wrong("subjects")),
        ({"subjects": _subjects(0, name=DROP)}, _wrong("subjects")),
        ({"subjects": _subjects(0, position=DROP)}, _wrong("subjects")),  # all three required
        ({"subjects": _subjects(2, unit=None)}, _wrong("subjects")),
        ({"subjects": _subjects(2, suppressed=DROP)}, _wrong("subjects")),
        ({"subjects": _subjects(2, suppressed=1)}, _wrong("subjects")),
        ({"subjects": _subjects(1, raters=-3)}, _not_a_count("subjects")),
        ({"subjects": _subjects(1, raters=DROP)}, _not_a_count("subjects")),
        ({"subjects": _subjects(1, raters=3.0)}, _not_a_count("subjects")),
        ({"issued": -1}, _not_a_count("issued")),
        ({"collected": "4"}, _not_a_count("collected")),
        ({"lines": DROP}, _not_a_count("lines")),
        ({"summoned": -5}, _not_a_count("summoned")),
        ({"present": True}, _not_a_count("present")),
    ],
)
def test_decode_refuses_a_wrong_header_naming_the_field(changes, expected):
    assert _refusal(_header_changed(**changes)) == expected


# _rules() tests the quota group with ``in`` a set, which hashes it: an array or object there
# raises TypeError instead of the reasoned refusal. Strict: when it is refused properly, these
# fail and join the table above.
@pytest.mark.parametrize("group", [["round"], {"round": 1}])
def test_decode_refuses_an_array_or_object_as_the_quota_group(group):
    assert _refusal(_header_changed(rules=RULES | {"quota_group": group})) == _wrong("rules")


def test_decode_takes_attendance_left_unrecorded():
    parsed = decode(_header_changed(summoned=None, present=None))
    assert (parsed.summoned, parsed.present, parsed.issued, parsed.collected) == (
        None, None, 5, 4)
    document = recount_document(parsed)
    assert (document["summoned"], document["present"]) == (None, None)


@pytest.mark.parametrize(
    "line",
    [
        '{"1":"good"}',
        '"good"',
        '[1,"good",null]',  # a field short
        '[1,"good",null,null,null]',
        '[0,"good",null,null]',  # orders start at 1
        '[4,"good",null,null]',  # three subjects
        '[1.0,"good",null,null]',
        '["1","good",null,null]',
        '[false,"good",null,null]',
        '[1,null,null,null]',  # a skipped subject has no line at all
        '[1,"Good",null,null]',
        '[1,"good",31,null]',
        '[1,"good",-1,null]',
        '[1,"good","20",null]',
        '[1,"good",true,null]',
        '[1,"good",20.5,null]',
        '[1,"good",null,false]',
        '[1,"good",null,70.5]',
        '[1,"good",null,[60]]',
    ],
)
def test_decode_refuses_a_line_that_is_not_a_rated_line_naming_it(line):
    data = _file() + line.encode("utf-8") + b"\n"  # the ninth line
    assert _refusal(data) == ("bad_ballot", {"line": 9},
                              "line 9 is not a ballot line of this round")


def test_decode_refuses_a_line_that_is_not_json_naming_it():
    rows = _file().decode("utf-8").splitlines()
    rows[3] = rows[3][:-1]
    assert _refusal(("\n".join(rows) + "\n").encode("utf-8")) == (
        "bad_line", {"line": 4}, "line 4 is not JSON")


@pytest.mark.parametrize(("keep", "found"), [(6, 6), (0, 0)])
def test_decode_refuses_a_file_whose_lines_do_not_add_up(keep, found):
    rows = _file().decode("utf-8").splitlines()
    data = ("\n".join(rows[:1 + keep]) + "\n").encode("utf-8")
    assert _refusal(data) == ("count_mismatch", {"found": found, "expected": 7},
                              f"{found} lines in the file, the header says 7")


def test_subject_inputs_from_the_lines():
    inputs = subject_inputs(SUBJECTS, (4, 3, 1), LINES)
    assert inputs == [
        SubjectInput("Phòng A", {"excellent": 2, "good": 2}, general=[28, 25, 29, 24],
                     tasks=[65, 60, 66, 58], totals=[93, 85, 95, 82]),
        # a line with one score has no total
        SubjectInput("Phòng A", {"good": 2, "failed": 1}, general=[20], tasks=[60, 50],
                     totals=[70]),
        # below the minimum, no line: its raters under no level that is ever shown
        SubjectInput("Phòng B", {"completed": 1}, general=[], tasks=[], totals=[]),
    ]
    assert subject_inputs(SUBJECTS, (4, 3, 0), LINES)[2].levels == {}


def test_a_shown_subject_without_score_statistics_has_null_figures():
    parsed = decode(_file())
    result = recount(parsed)
    bare = replace(result.subjects[1], general=None, tasks=None, total=None)
    document = tally_document(
        round_info={"id": 9}, rules=parsed.rules, summoned=5, present=5, issued=5,
        collected=4, subjects=SUBJECTS,
        result=replace(result, subjects=(result.subjects[0], bare, result.subjects[2])))
    item = document["subjects"][1]
    assert (item["general"], item["tasks"], item["total"]) == (None, None, None)
    assert item["counts"] == {"excellent": 0, "good": 2, "completed": 0, "failed": 1}
    assert item["percent"] == {"excellent": "0.00", "good": "66.67", "completed": "0.00",
                               "failed": "33.33"}
    assert document["subjects"][0]["total"] == {"count": 4, "mean": "88.75",
                                                "median": "89.00"}
