"""The appraisal ballot file, version 2, pure: one record per value given (a level, a score, a
total) in one fixed order, nothing of a subject below the minimum, every refusal, and a recount
equal to the tally (and to the recount of the same lines in a version 1 file)."""

from __future__ import annotations

import json
import random

import pytest

from survey.tally.appraisal import SubjectInput, tally_appraisal
from survey.tally.appraisal_file import (
    AppraisalRecords,
    Rules,
    decode,
    encode,
    recount,
    recount_document,
)
from survey.tally.appraisal_recount import decode as decode_v1
from survey.tally.appraisal_recount import encode as encode_v1
from survey.tally.appraisal_recount import recount_document as recount_v1
from survey.tally.appraisal_recount import subject_inputs as inputs_of_lines
from survey.tally.files import RecountError, json_line
from survey.tally.recount import SubjectEntry

SUBJECTS = [SubjectEntry(1, "An", "Trưởng phòng", "Phòng A"),
            SubjectEntry(2, "Bình", "Chuyên viên", "Phòng A"),
            SubjectEntry(3, "Chi", "Chuyên viên", "Phòng B")]
#: Rated lines as raters gave them: (subject order, level, general, tasks).
LINES = [(1, "excellent", 28, 65), (2, "good", None, 60), (1, "good", 25, 60),
         (2, "good", 20, 50), (1, "excellent", 29, 66), (2, "failed", None, None),
         (1, "good", 24, 58), (3, "failed", 3, 7)]
RATERS = (4, 3, 1)
ROUND_INFO = {"id": 9, "title": "Đánh giá", "body": "", "place": "", "date": None}


def _inputs(lines=LINES) -> list[SubjectInput]:
    """What the database gives the tally for these lines (the subject below the minimum
    too: the writer leaves it out)."""
    levels: list[dict[str, int]] = [{} for _ in SUBJECTS]
    general: list[list[int]] = [[] for _ in SUBJECTS]
    tasks: list[list[int]] = [[] for _ in SUBJECTS]
    totals: list[list[int]] = [[] for _ in SUBJECTS]
    for order, level, g, t in lines:
        levels[order - 1][level] = levels[order - 1].get(level, 0) + 1
        if g is not None:
            general[order - 1].append(g)
        if t is not None:
            tasks[order - 1].append(t)
        if g is not None and t is not None:
            totals[order - 1].append(g + t)
    return [SubjectInput(s.unit, levels[i], general[i], tasks[i], totals[i])
            for i, s in enumerate(SUBJECTS)]


def _file(inputs=None, **overrides) -> bytes:
    options = dict(round_info=ROUND_INFO, summoned=5, present=5, issued=5, collected=4,
                   rules=Rules(min_raters=3), subjects=SUBJECTS,
                   inputs=_inputs() if inputs is None else inputs)
    options.update(overrides)
    return encode(**options)


def _header(data: bytes) -> dict:
    return json.loads(data.split(b"\n", 1)[0])


def _refusal(data: bytes) -> tuple[str, dict, str]:
    with pytest.raises(RecountError) as caught:
        decode(data)
    return caught.value.code, caught.value.params, str(caught.value)


# -- writing -------------------------------------------------------------------------------------


def test_one_record_per_value_in_one_fixed_order():
    header, *records = _file().decode("utf-8").splitlines()
    assert [json.loads(r) for r in records] == [
        [1, "level", "excellent"], [1, "level", "excellent"], [1, "level", "good"],
        [1, "level", "good"],
        [1, "general", 24], [1, "general", 25], [1, "general", 28], [1, "general", 29],
        [1, "tasks", 58], [1, "tasks", 60], [1, "tasks", 65], [1, "tasks", 66],
        [1, "total", 82], [1, "total", 85], [1, "total", 93], [1, "total", 95],
        [2, "level", "good"], [2, "level", "good"], [2, "level", "failed"],
        [2, "general", 20], [2, "tasks", 50], [2, "tasks", 60], [2, "total", 70],
        # nothing of Chi's: one rater, below the minimum
    ]
    header = json.loads(header)
    assert (header["version"], header["kind"], header["records"]) == (2, "appraisal", 23)
    assert header["subjects"][2] == {"order": 3, "name": "Chi", "position": "Chuyên viên",
                                     "unit": "Phòng B", "raters": None, "suppressed": True}
    assert "lines" not in header


def test_no_record_holds_a_level_with_its_scores():
    """A rare combination a superior could dictate with a level (failed, 3 and 7 on a line)
    is not in the file as such: each value stands alone."""
    rare = [*LINES[:-1], (1, "failed", 3, 7)]
    records = [json.loads(r) for r in _file(_inputs(rare), collected=5).decode().splitlines()[1:]]
    assert all(len(r) == 3 and r[1] in ("level", "general", "tasks", "total") for r in records)
    assert not any("failed" in r and (3 in r or 7 in r) for r in records)
    assert [1, "general", 3] in records and [1, "tasks", 7] in records
    assert [1, "level", "failed"] in records


def test_the_bytes_depend_on_the_values_alone():
    """Which level went with which scores, and in what order the lines were cast, leave no
    trace: the levels of each subject's lines dealt out again among its lines (so that every
    line now pairs another level with its scores), in another order, give the same file."""
    lines = list(LINES)
    for order in (1, 2):
        mine = [i for i, line in enumerate(lines) if line[0] == order]
        levels = [lines[i][1] for i in mine]
        for i, level in zip(mine, levels[1:] + levels[:1], strict=True):
            lines[i] = (order, level, lines[i][2], lines[i][3])
    random.Random(366).shuffle(lines)
    assert sorted(lines, key=str) != sorted(LINES, key=str)
    assert _file(_inputs(lines)) == _file()


def test_the_writer_refuses_values_no_lines_could_give():
    for changed in (
        [SubjectInput("Phòng A", {"good": 1}, general=[20, 21])],  # two scores, one rater
        [SubjectInput("Phòng A", {"good": 2}, general=[20], tasks=[50], totals=[70, 71])],
        [SubjectInput("Phòng A", {"good": 2}, general=[20, 21], tasks=[50, 51])],  # no total
        [SubjectInput("Phòng A", {"good": 1}, general=[31])],
        [SubjectInput("Phòng A", {"good": 1}, tasks=[71])],
        [SubjectInput("Phòng A", {"best": 1})],
        [SubjectInput("Phòng A", {"good": -1})],
    ):
        with pytest.raises(ValueError, match="^the values do not fit"):
            _file(changed + _inputs()[1:])
    with pytest.raises(ValueError):
        _file(_inputs()[:2])


# -- reading and recounting ----------------------------------------------------------------------


def test_decode_gives_back_the_tally_s_input():
    parsed = decode(_file())
    assert isinstance(parsed, AppraisalRecords)
    an, binh, chi = parsed.inputs
    assert an == SubjectInput("Phòng A", {"excellent": 2, "good": 2}, [24, 25, 28, 29],
                              [58, 60, 65, 66], [82, 85, 93, 95])
    assert binh == SubjectInput("Phòng A", {"good": 2, "failed": 1}, [20], [50, 60], [70])
    # below the minimum: nothing, not even how many rated
    assert chi == SubjectInput("Phòng B", {})
    head = parsed.head
    assert (head.issued, head.collected, head.raters, head.rules) == (5, 4, (4, 3, None),
                                                                       Rules(min_raters=3))


def test_the_recount_is_the_tally_and_the_recount_of_the_version_1_file():
    parsed = decode(_file())
    assert recount(parsed) == tally_appraisal(parsed.inputs, min_raters=3)
    document = recount_document(parsed)
    old = encode_v1(round_info=ROUND_INFO, summoned=5, present=5, issued=5, collected=4,
                    rules=Rules(min_raters=3), subjects=SUBJECTS, raters=RATERS,
                    lines=[line for line in LINES if line[0] != 3])
    assert document == recount_v1(decode_v1(old))  # figure by figure
    # the same values as the version 1 lines give (which keep the lines' order)
    assert [(i.levels, sorted(i.general), sorted(i.tasks), sorted(i.totals))
            for i in inputs_of_lines(SUBJECTS, RATERS, decode_v1(old).lines)[:2]] == [
        (i.levels, list(i.general), list(i.tasks), list(i.totals)) for i in parsed.inputs[:2]]
    an = document["subjects"][0]
    assert an["total"] == {"count": 4, "mean": "88.75", "median": "89.00"}
    assert document["subjects"][2]["suppressed"] is True
    assert all(item["comments"] is None for item in document["subjects"])
    assert document["round"]["status"] == "closed"


def test_a_subject_with_no_score_at_all_reads():
    inputs = [SubjectInput("Phòng A", {"good": 3}), *_inputs()[1:]]
    parsed = decode(_file(inputs))
    assert parsed.inputs[0] == SubjectInput("Phòng A", {"good": 3}, [], [], [])
    assert recount_document(parsed)["subjects"][0]["general"] == {
        "count": 0, "mean": None, "median": None}


# -- every refusal, with its reason --------------------------------------------------------------

DROP = object()


def _changed(header_changes=None, records=None) -> bytes:
    data = _file()
    header = _header(data)
    for key, value in (header_changes or {}).items():
        if value is DROP:
            header.pop(key)
        else:
            header[key] = value
    rows = data.decode("utf-8").splitlines()[1:] if records is None else records
    return json_line(header) + "".join(f"{row}\n" for row in rows).encode("utf-8")


def _subjects(index, **changes):
    items = [dict(item) for item in _header(_file())["subjects"]]
    items[index].update(changes)
    return items


def _wrong(field):
    return ("bad_header", {"field": field}, f"header field {field!r} is wrong")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"version": 1}, ("bad_version", {"version": 1}, "unknown ballot file version")),
        ({"kind": "confidence"}, ("bad_kind", {"kind": "confidence"}, "unknown kind of round")),
        ({"levels": ["high", "confidence", "low"]}, _wrong("levels")),
        ({"rules": {"min_raters": 3}}, _wrong("rules")),
        ({"records": DROP}, ("bad_header", {"field": "records"},
                             "header field 'records' is not a count")),
        ({"records": 22}, ("records_mismatch", {"found": 23, "expected": 22},
                           "23 records in the file, the header says 22")),
        ({"subjects": _subjects(0, raters=5)}, _wrong("subjects")),  # 4 levels for 5 raters
        ({"subjects": _subjects(1, raters=2)}, _wrong("subjects")),
        # Chi shown: its lines are not in the file, so its records do not add up
        ({"subjects": _subjects(2, raters=3, suppressed=False)}, _wrong("subjects")),
    ],
)
def test_decode_refuses_a_wrong_header_naming_the_field(changes, expected):
    assert _refusal(_changed(changes)) == expected


@pytest.mark.parametrize(
    "record",
    [
        '[1,"level","excellent",28,65]',  # a level with its scores: never
        '[1,"excellent",28,65]',  # a version 1 line
        '[1,"level"]',
        '[3,"level","failed"]',  # Chi is below the minimum
        '[4,"level","good"]',
        '[0,"level","good"]',
        '[true,"level","good"]',
        '[1,"comment","Còn chậm"]',  # never a comment
        '[1,"Level","good"]',
        '[1,"level","best"]',
        '[1,"level",1]',
        '[1,"general",31]',
        '[1,"general",-1]',
        '[1,"tasks",71]',
        '[1,"total",101]',
        '[1,"general","25"]',
        '[1,"general",25.0]',
        '[1,"general",true]',
        '[1,"general",null]',
        '{"1":"good"}',
    ],
)
def test_decode_refuses_what_is_not_a_record_naming_the_line(record):
    rows = _file().decode("utf-8").splitlines()[1:]
    rows[0] = record
    assert _refusal(_changed(records=rows)) == (
        "bad_record", {"line": 2}, "line 2 is not a record of this round")


@pytest.mark.parametrize(
    ("swap", "line"),
    [
        ((1, 2), 4),  # excellent after good
        ((3, 4), 6),  # a general score before the last level
        ((5, 6), 8),  # general scores not ascending
        ((15, 16), 18),  # An's total after Bình's level
    ],
)
def test_decode_refuses_records_out_of_their_order(swap, line):
    rows = _file().decode("utf-8").splitlines()[1:]
    i, j = swap
    rows[i], rows[j] = rows[j], rows[i]
    assert _refusal(_changed(records=rows)) == (
        "out_of_order", {"line": line}, f"line {line} is out of order")


def _order(record: str) -> tuple[int, int, int]:
    """A record's place in the file's one order."""
    order, field, value = json.loads(record)
    levels = ("excellent", "good", "completed", "failed")
    return order, ("level", "general", "tasks", "total").index(field), (
        levels.index(value) if field == "level" else value)


@pytest.mark.parametrize(
    ("drop", "add"),
    [
        ('[1,"total",95]', None),  # An's four lines all gave both scores: four totals
        (None, '[2,"total",80]'),  # two totals from one general score
        # two general scores and two tasks on Bình's three lines: one line gave both
        ('[2,"total",70]', '[2,"general",30]'),
        (None, '[1,"level","failed"]'),  # five levels from An's four raters
    ],
)
def test_decode_refuses_values_that_no_lines_could_give(drop, add):
    rows = _file().decode("utf-8").splitlines()[1:]
    if drop:
        rows.remove(drop)
    if add:
        rows = sorted([*rows, add], key=_order)
    assert _refusal(_changed({"records": len(rows)}, records=rows)) == _wrong("subjects")
