"""The ballot file of a nomination round, version 2, pure: one record per agree in one fixed
order, lines over the seats and names written in as counts, every refusal, and a recount equal
to the tally (and to the recount of the same ballots in a version 1 file); no app is built."""

from __future__ import annotations

import json
import random

import pytest

from survey.tally import nomination as nom
from survey.tally.confidence import RoundFigures
from survey.tally.files import RecountError, json_line
from survey.tally.nomination_file import NominationRecords, decode, encode, recount_document
from survey.tally.recount import decode as decode_v1
from survey.tally.recount import recount_document as recount_v1
from survey.tally.recount_kinds import (
    CandidateEntry,
    PositionEntry,
    encode_nomination,
    nomination_counts,
)

ROUND_INFO = {"id": 8, "title": "Thử", "body": "Ban Chấp hành", "place": "Hội trường",
              "date": "2026-11-02"}
SECRETARY = PositionEntry(1, "Bí thư Thành ủy", 2, True, (
    CandidateEntry(1, "Tòng Minh Ánh", "Phó Chánh Văn phòng"),
    CandidateEntry(2, "Lê Hữu Hải", "Bí thư Đảng ủy phường"),
    CandidateEntry(3, "Lò Văn Lâm", "Trưởng phòng Y tế"),
))
CHAIR = PositionEntry(2, "Chủ tịch UBND thành phố", 1, True, (
    CandidateEntry(4, "Trần Mạnh Toàn", "Phó Chủ tịch UBND"),
    CandidateEntry(5, "Lương Minh Chiến"),
))
POSITIONS = (SECRETARY, CHAIR)
#: As a version 1 file lists them: per ballot and position, ``None`` (over the seats) or
#: (agreed candidates' places, names written in). Five summoned, so 3 agrees qualify.
BALLOTS = [
    (((1, 3), ()), ((2,), ())),
    (((1, 3), ()), ((), ("Nguyễn Văn A",))),
    (((2, 3), ()), None),
    (((1, 2), ()), ((2,), ())),
    (((2, 3), ()), ((2,), ())),
]


def _v1(ballots=BALLOTS, positions=POSITIONS, **overrides) -> bytes:
    options = dict(round_info=ROUND_INFO, summoned=5, present=5, issued=5, min_ballots=1,
                   positions=positions, ballots=ballots)
    options.update(overrides)
    return encode_nomination(**options)


def _counts(ballots=BALLOTS, positions=POSITIONS) -> list[nom.PositionCounts]:
    """What the database would count from these ballots."""
    return nomination_counts(decode_v1(_v1(ballots, positions)))


def _file(counts=None, positions=POSITIONS, **overrides) -> bytes:
    options = dict(round_info=ROUND_INFO, summoned=5, present=5, issued=5, collected=5,
                   min_ballots=1, positions=positions,
                   counts=_counts() if counts is None else counts)
    options.update(overrides)
    return encode(**options)


def _header(data: bytes) -> dict:
    return json.loads(data.split(b"\n", 1)[0])


def _refusal(data: bytes) -> tuple[str, dict, str]:
    with pytest.raises(RecountError) as caught:
        decode(data)
    return caught.value.code, caught.value.params, str(caught.value)


# -- writing -------------------------------------------------------------------------------------


def test_one_record_per_agree_and_counts_for_the_rest():
    header, *records = _file().decode("utf-8").splitlines()
    # by position, then by candidate: Ánh 3, Hải 3, Lâm 4; Toàn 0, Chiến 3
    assert records == ["[1,1]"] * 3 + ["[1,2]"] * 3 + ["[1,3]"] * 4 + ["[2,2]"] * 3
    header = json.loads(header)
    assert (header["version"], header["kind"], header["collected"], header["records"]) == (
        2, "nomination", 5, 13)
    assert header["positions"][1] == {
        "order": 2, "title": "Chủ tịch UBND thành phố", "seats": 1, "write_ins": True,
        "candidates": [
            {"order": 1, "name": "Trần Mạnh Toàn", "current_position": "Phó Chủ tịch UBND"},
            {"order": 2, "name": "Lương Minh Chiến", "current_position": ""},
        ],
        "invalid": 1,  # one line over the seat: decided when it was cast, a count here
        "written": [{"name": "Nguyễn Văn A", "votes": 1}],
    }
    assert header["positions"][0]["invalid"] == 0 and header["positions"][0]["written"] == []


def test_names_written_in_are_one_count_per_person():
    """The ways one name was typed are not listed apart (a spelling could be a signature):
    one count per person, shown as the tally shows it."""
    counts = _counts()
    chair = counts[1]
    nobody = tuple(nom.CandidateCounts(c.name, 0, c.current_position) for c in chair.candidates)
    spelled = nom.PositionCounts(
        chair.title, chair.seats, nobody,
        {"Nguyễn Văn A": 2, "nguyễn văn a": 1, "NGUYỄN  VĂN A": 1, "Bùi Thị B": 1}, invalid=0)
    header = _header(_file([counts[0], spelled]))
    assert header["positions"][1]["written"] == [{"name": "Bùi Thị B", "votes": 1},
                                                 {"name": "Nguyễn Văn A", "votes": 4}]


def test_the_bytes_depend_on_the_counts_alone():
    """However the lines were combined on ballots and whatever order they were cast in, the
    same lines give the same file: a dictated combination leaves no trace of its own."""
    rng = random.Random(377)
    columns = [[ballot[i] for ballot in BALLOTS] for i in range(2)]
    for column in columns:
        rng.shuffle(column)
    regrouped = list(zip(*columns, strict=True))
    assert regrouped != BALLOTS
    assert _file(_counts(list(reversed(regrouped)))) == _file(_counts(BALLOTS))


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c[:1],  # a position short
        lambda c: [c[0], nom.PositionCounts(c[1].title, 1, c[1].candidates[:1], {}, 0)],
        lambda c: [c[0], nom.PositionCounts(c[1].title, 1, c[1].candidates, {}, 6)],
        lambda c: [nom.PositionCounts(c[0].title, 2, (nom.CandidateCounts("A", 6),
                                                      *c[0].candidates[1:]), {}, 0), c[1]],
        lambda c: [c[0], nom.PositionCounts(c[1].title, 1, c[1].candidates,
                                            {"Lò Văn B": 3}, 1)],  # 3 + 3 on 4 one-seat lines
        lambda c: [c[0], nom.PositionCounts(c[1].title, 1, c[1].candidates,
                                            {"lương minh chiến": 1}, 1)],  # a candidate
    ],
)
def test_the_writer_refuses_counts_no_ballots_could_give(change):
    with pytest.raises(ValueError, match="^the counts do not fit the positions or the ballots"):
        _file(change(_counts()))


def test_the_writer_refuses_a_write_in_where_none_was_offered():
    closed = PositionEntry(2, CHAIR.title, 1, False, CHAIR.candidates)
    with pytest.raises(ValueError):
        _file(positions=(SECRETARY, closed))


# -- reading and recounting ----------------------------------------------------------------------


def test_decode_gives_back_the_tally_s_input():
    parsed = decode(_file())
    assert isinstance(parsed, NominationRecords)
    assert parsed.positions == POSITIONS
    assert list(parsed.counts) == _counts()
    assert (parsed.summoned, parsed.present, parsed.issued, parsed.collected,
            parsed.min_ballots, parsed.round) == (5, 5, 5, 5, 1, ROUND_INFO)


def test_the_recount_is_the_tally_and_the_recount_of_the_whole_ballots():
    parsed = decode(_file())
    document = recount_document(parsed)
    figures = RoundFigures(summoned=5, present=5, issued=5, collected=5)
    result = nom.tally_round(figures, _counts(), min_ballots=1)
    assert [e.votes for p in result.positions for e in p.entries] == [
        c["votes"] for p in document["positions"] for c in p["candidates"] + p["write_ins"]]
    assert document == recount_v1(decode_v1(_v1()))  # figure by figure
    assert document["round"]["status"] == "closed"
    assert document["positions"][0]["tie"] is True
    assert document["positions"][1]["invalid"] == 1
    assert document["positions"][1]["write_ins"][0]["name"] == "Nguyễn Văn A"


@pytest.mark.parametrize("collected", [0, 5])
def test_below_the_minimum_no_figure(collected):
    counts = _counts(BALLOTS[:collected])
    document = recount_document(decode(_file(counts, collected=collected, min_ballots=6)))
    assert document["suppressed"] is True
    assert all(p["valid"] is None and p["write_ins"] is None for p in document["positions"])


# -- every refusal, with its reason --------------------------------------------------------------

DROP = object()


def _changed(header_changes=None, records=None, position=None) -> bytes:
    """The file with header fields changed, the second position's fields changed, or other
    records (as text)."""
    data = _file()
    header = _header(data)
    for key, value in (header_changes or {}).items():
        if value is DROP:
            header.pop(key)
        else:
            header[key] = value
    for key, value in (position or {}).items():
        if value is DROP:
            header["positions"][1].pop(key)
        else:
            header["positions"][1][key] = value
    rows = data.decode("utf-8").splitlines()[1:] if records is None else records
    return json_line(header) + "".join(f"{row}\n" for row in rows).encode("utf-8")


POSITIONS_WRONG = ("bad_header", {"field": "positions"}, "header field 'positions' is wrong")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"version": 1}, ("bad_version", {"version": 1}, "unknown ballot file version")),
        ({"kind": "confidence"}, ("bad_kind", {"kind": "confidence"}, "unknown kind of round")),
        ({"round": DROP}, ("bad_header", {"field": "round"}, "header field 'round' is wrong")),
        ({"collected": "5"}, ("bad_header", {"field": "collected"},
                              "header field 'collected' is not a count")),
        ({"records": DROP}, ("bad_header", {"field": "records"},
                             "header field 'records' is not a count")),
        ({"positions": []}, POSITIONS_WRONG),
        ({"records": 12}, ("records_mismatch", {"found": 13, "expected": 12},
                           "13 records in the file, the header says 12")),
        ({"collected": 3}, POSITIONS_WRONG),  # 4 agrees for Lâm on 3 ballots
    ],
)
def test_decode_refuses_a_wrong_header_naming_the_field(changes, expected):
    assert _refusal(_changed(changes)) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"invalid": DROP}, ("bad_header", {"field": "positions"},
                             "header field 'positions' is not a count")),
        ({"invalid": -1}, ("bad_header", {"field": "positions"},
                           "header field 'positions' is not a count")),
        ({"invalid": 6}, POSITIONS_WRONG),  # more lines than ballots
        ({"invalid": 3}, POSITIONS_WRONG),  # 3 agrees for Chiến on 2 lines that count
        ({"written": DROP}, POSITIONS_WRONG),
        ({"written": "Nguyễn Văn A"}, POSITIONS_WRONG),
        ({"written": [["Nguyễn Văn A", 1]]}, POSITIONS_WRONG),
        ({"written": [{"name": "Nguyễn Văn A"}]}, POSITIONS_WRONG),
        ({"written": [{"name": "Nguyễn Văn A", "votes": 1, "ballot": 2}]}, POSITIONS_WRONG),
        ({"written": [{"name": "Nguyễn Văn A", "votes": 0}]}, POSITIONS_WRONG),
        ({"written": [{"name": "Nguyễn Văn A", "votes": True}]}, POSITIONS_WRONG),
        ({"written": [{"name": "Nguyễn Văn A", "votes": "1"}]}, POSITIONS_WRONG),
        ({"written": [{"name": "", "votes": 1}]}, POSITIONS_WRONG),
        ({"written": [{"name": " Nguyễn Văn A", "votes": 1}]}, POSITIONS_WRONG),  # not clean
        ({"written": [{"name": 7, "votes": 1}]}, POSITIONS_WRONG),
        ({"written": [{"name": "Nguyễn Văn A", "votes": 1}, {"name": "Bùi B", "votes": 1}]},
         POSITIONS_WRONG),  # not sorted
        ({"written": [{"name": "NGUYỄN VĂN A", "votes": 1}, {"name": "Nguyễn Văn A",
                                                             "votes": 1}]},
         POSITIONS_WRONG),  # one person twice
        ({"written": [{"name": "Nguyễn Văn A", "votes": 2}]}, POSITIONS_WRONG),  # 5 on 4 seats
        ({"written": [{"name": "Lương Minh Chiến", "votes": 1}]}, POSITIONS_WRONG),  # listed
        ({"write_ins": False}, POSITIONS_WRONG),  # written in where none was offered
    ],
)
def test_decode_refuses_wrong_counts_of_a_position(changes, expected):
    assert _refusal(_changed(position=changes)) == expected


@pytest.mark.parametrize(
    "record",
    ["[1]", "[1,1,1]", "[3,1]", "[0,1]", "[1,0]", "[1,4]", "[2,3]", "[true,1]", "[1,1.0]",
     '[1,"1"]', '[1,[1,3]]', '[[1,3],[2]]', '{"1":1}', "null"],
)
def test_decode_refuses_what_is_not_a_record_naming_the_line(record):
    rows = _file().decode("utf-8").splitlines()[1:]
    rows[0] = record
    assert _refusal(_changed(records=rows)) == (
        "bad_record", {"line": 2}, "line 2 is not a record of this round")


def test_decode_refuses_records_out_of_their_order():
    rows = _file().decode("utf-8").splitlines()[1:]
    rows[2], rows[3] = rows[3], rows[2]  # [1,2] before the last [1,1]
    assert _refusal(_changed(records=rows)) == (
        "out_of_order", {"line": 5}, "line 5 is out of order")
    assert _refusal(_changed(records=[*rows[-3:], *rows[:-3]]))[0] == "out_of_order"


def test_decode_refuses_a_line_that_is_not_json():
    rows = _file().decode("utf-8").splitlines()[1:]
    rows[4] = "[1,2"
    assert _refusal(_changed(records=rows)) == ("bad_line", {"line": 6}, "line 6 is not JSON")
