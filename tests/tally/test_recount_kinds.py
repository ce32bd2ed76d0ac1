"""The version 1 ballot files (whole ballots, still read) and the tally documents of the
confidence vote and of nomination rounds, pure: writing, reading, refusing each malformed file,
recounting; no app is built."""

from __future__ import annotations

import json

import pytest

from survey.tally import no_confidence as nc
from survey.tally import nomination as nom
from survey.tally.confidence import RoundFigures
from survey.tally.files import json_line
from survey.tally.recount import RecountError, decode, encode, recount_document
from survey.tally.recount_kinds import (
    NO_CONFIDENCE_LEVELS,
    CandidateEntry,
    NominationFile,
    PositionEntry,
    document_head,
    encode_nomination,
    no_confidence_counts,
    no_confidence_document,
    nomination_counts,
    nomination_document,
    recount_nomination,
)
from tests.factories import RECOUNT_SUBJECTS

ROUND_INFO = {"id": 8, "title": "Thử", "body": "Ban Chấp hành", "place": "Hội trường",
              "date": "2026-11-02"}


def _round(kind):
    return {**ROUND_INFO, "kind": kind, "status": "closed"}


def _refusal(data: bytes) -> tuple[str, dict, str]:
    with pytest.raises(RecountError) as caught:
        decode(data)
    return caught.value.code, caught.value.params, str(caught.value)


# -- document_head() -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("summoned", "present", "absent", "quorum"),
    [
        (40, 38, 2, True),
        (39, 26, 13, True),  # exactly two thirds
        (40, 26, 14, False),
        (12, 12, 0, True),
        (None, 30, None, False),  # attendance not recorded: nothing derived from it
        (40, None, None, False),
        (None, None, None, False),
    ],
)
def test_document_head_derives_absent_and_quorum(summoned, present, absent, quorum):
    figures = RoundFigures(summoned=summoned, present=present, issued=30, collected=29)
    head = document_head({"id": 1}, figures, denominator="present", base=38, min_ballots=5,
                         suppressed=False)
    assert head == {"round": {"id": 1}, "summoned": summoned, "present": present,
                    "absent": absent, "quorum": quorum, "issued": 30, "collected": 29,
                    "denominator": "present", "denominator_value": 38, "min_ballots": 5,
                    "suppressed": False}


# -- the confidence vote ---------------------------------------------------------------------

NO, YES = "no_confidence", "confidence"
#: Subject 1: 3 "không tín nhiệm" of 4 (dismissal). Subject 2: 2 of 4, exactly half (not), and
#: a blank line.
VOTE_BALLOTS = [[NO, YES], [NO, None], [YES, NO], [NO, NO]]


def _vote_file(ballots=VOTE_BALLOTS, **overrides) -> bytes:
    options = dict(round_info=ROUND_INFO, kind="no_confidence", summoned=5, present=4,
                   issued=4, denominator="collected", min_ballots=1, subjects=RECOUNT_SUBJECTS,
                   ballots=ballots, levels=NO_CONFIDENCE_LEVELS)
    options.update(overrides)
    return encode(**options)


def test_the_vote_s_levels_in_ballot_order():
    assert NO_CONFIDENCE_LEVELS == ("confidence", "no_confidence")


@pytest.mark.parametrize(
    ("ballots", "width", "expected"),
    [
        (VOTE_BALLOTS, 2, [nc.SubjectCounts(1, 3), nc.SubjectCounts(1, 2)]),
        ([], 3, [nc.SubjectCounts()] * 3),
        ([[None, YES, NO]], 3, [nc.SubjectCounts(), nc.SubjectCounts(1, 0),
                                nc.SubjectCounts(0, 1)]),
    ],
)
def test_no_confidence_counts_count_each_line_and_blank_nowhere(ballots, width, expected):
    assert no_confidence_counts(ballots, width) == expected


def test_recount_document_of_a_confidence_vote_figure_by_figure():
    parsed = decode(_vote_file())
    assert parsed.kind == "no_confidence" and parsed.levels == NO_CONFIDENCE_LEVELS
    assert recount_document(parsed) == {
        "round": _round("no_confidence"),
        "summoned": 5, "present": 4, "absent": 1, "quorum": True, "issued": 4, "collected": 4,
        "invalid_ballots": 0, "denominator": "collected", "denominator_value": 4, "min_ballots": 1,
        "suppressed": False,
        "levels": ["confidence", "no_confidence"],
        "subjects": [
            {"order": 1, "name": "Lò Văn Minh", "position": "Bí thư", "unit": "", "issued": 4,
             "collected": 4, "valid": 4, "invalid": 0,
             "counts": {"confidence": 1, "no_confidence": 3},
             "percent": {"confidence": "25.00", "no_confidence": "75.00"},
             "dismissal": True},
            {"order": 2, "name": "Vì Thị Hoa", "position": "", "unit": "UBND", "issued": 4,
             "collected": 4, "valid": 3, "invalid": 1,
             "counts": {"confidence": 1, "no_confidence": 2},
             "percent": {"confidence": "25.00", "no_confidence": "50.00"},
             "dismissal": False},  # exactly half of the ballots collected is not enough
        ],
    }


@pytest.mark.parametrize("collected", [0, 3])
def test_a_confidence_vote_below_the_minimum_shows_no_figure(collected):
    document = recount_document(decode(_vote_file(VOTE_BALLOTS[:collected], min_ballots=4)))
    assert document["suppressed"] is True and document["collected"] == collected
    assert [subject["order"] for subject in document["subjects"]] == [1, 2]
    for subject in document["subjects"]:
        assert (subject["valid"], subject["invalid"], subject["counts"], subject["percent"],
                subject["dismissal"]) == (None, None, None, None, None)


def test_no_confidence_document_of_the_tally_itself():
    figures = RoundFigures(summoned=None, present=None, issued=7, collected=6)
    result = nc.tally_round(figures, [nc.SubjectCounts(2, 4)], min_ballots=5)
    [subject] = no_confidence_document({"id": 2}, RECOUNT_SUBJECTS[:1], result)["subjects"]
    assert subject["percent"] == {"confidence": "33.33", "no_confidence": "66.67"}
    assert (subject["valid"], subject["invalid"], subject["dismissal"]) == (6, 0, True)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"levels": ["high", "confidence", "low"]},
         ("bad_header", {"field": "levels"}, "header field 'levels' is wrong")),
        ({"levels": ["no_confidence", "confidence"]},
         ("bad_header", {"field": "levels"}, "header field 'levels' is wrong")),
    ],
)
def test_a_vote_file_with_the_poll_s_levels_is_refused(change, expected):
    header, rest = _vote_file().split(b"\n", 1)
    assert _refusal(json_line(json.loads(header) | change) + rest) == expected


def test_a_poll_mark_in_a_vote_file_is_refused():
    data = _vote_file().replace(b'["no_confidence",null]', b'["low",null]')
    assert _refusal(data) == ("bad_ballot", {"line": 3}, "line 3 is not a ballot of this round")


# -- nomination rounds: the file -------------------------------------------------------------

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
#: 5 summoned, so 3 agrees are needed (2*3 > 5). Bí thư (2 seats): Lâm 4, Ánh 3, Hải 3: Lâm
#: nominated, Ánh and Hải tied at the last seat. Chủ tịch (1 seat): Chiến 3 (nominated), Toàn
#: 0, one write-in, one line over the seat (invalid) and one blank line (disagree for both).
NOMINATION_BALLOTS = [
    (((1, 3), ()), ((2,), ())),
    (((1, 3), ()), ((), ("Nguyễn Văn A",))),
    (((2, 3), ()), None),
    (((1, 2), ()), ((2,), ())),
    (((2, 3), ()), ((2,), ())),
]


def _nomination_file(ballots=NOMINATION_BALLOTS, positions=POSITIONS, **overrides) -> bytes:
    options = dict(round_info=ROUND_INFO, summoned=5, present=5, issued=5, min_ballots=1,
                   positions=positions, ballots=ballots)
    options.update(overrides)
    return encode_nomination(**options)


def test_encode_nomination_writes_sorted_lines_and_the_positions():
    data = _nomination_file([(((3, 1), ()), ((), ("Bùi B", "An A")))])
    header, line = data.decode("utf-8").splitlines()
    assert line == '[[[1,3],[]],[[],["An A","Bùi B"]]]'
    header = json.loads(header)
    assert (header["kind"], header["collected"], header["summoned"]) == ("nomination", 1, 5)
    assert "levels" not in header and "denominator" not in header
    assert header["positions"][1] == {
        "order": 2, "title": "Chủ tịch UBND thành phố", "seats": 1, "write_ins": True,
        "candidates": [
            # a candidate's place is numbered within its position in the file
            {"order": 1, "name": "Trần Mạnh Toàn", "current_position": "Phó Chủ tịch UBND"},
            {"order": 2, "name": "Lương Minh Chiến", "current_position": ""},
        ],
    }


def test_encode_nomination_refuses_a_ballot_of_other_positions():
    with pytest.raises(ValueError, match="^a ballot does not match the positions$"):
        _nomination_file([(((1,), ()),)])


def test_a_nomination_file_reads_back_as_written():
    parsed = decode(_nomination_file())
    assert isinstance(parsed, NominationFile)
    assert parsed.positions == POSITIONS  # places on the whole ballot: 1-3, then 4-5
    assert parsed.ballots == tuple(tuple(ballot) for ballot in NOMINATION_BALLOTS)
    assert (parsed.summoned, parsed.present, parsed.issued, parsed.collected,
            parsed.min_ballots) == (5, 5, 5, 5, 1)
    assert parsed.round == ROUND_INFO


def test_nomination_counts_are_what_the_database_would_count():
    assert nomination_counts(decode(_nomination_file())) == [
        nom.PositionCounts(
            title="Bí thư Thành ủy", seats=2,
            candidates=(nom.CandidateCounts("Tòng Minh Ánh", 3, "Phó Chánh Văn phòng"),
                        nom.CandidateCounts("Lê Hữu Hải", 3, "Bí thư Đảng ủy phường"),
                        nom.CandidateCounts("Lò Văn Lâm", 4, "Trưởng phòng Y tế")),
            write_ins={}, invalid=0),
        nom.PositionCounts(
            title="Chủ tịch UBND thành phố", seats=1,
            candidates=(nom.CandidateCounts("Trần Mạnh Toàn", 0, "Phó Chủ tịch UBND"),
                        nom.CandidateCounts("Lương Minh Chiến", 3, "")),
            write_ins={"Nguyễn Văn A": 1}, invalid=1),
    ]


def test_recount_nomination_is_the_tally_of_the_counts():
    parsed = decode(_nomination_file())
    figures = RoundFigures(summoned=5, present=5, issued=5, collected=5)
    assert recount_nomination(parsed) == nom.tally_round(figures, nomination_counts(parsed),
                                                         min_ballots=1)


def _candidate(order, name, current, votes, percent, qualifies, nominated, tied):
    return {"order": order, "name": name, "current_position": current, "votes": votes,
            "percent": percent, "qualifies": qualifies, "nominated": nominated, "tied": tied}


def test_recount_document_of_a_nomination_round_figure_by_figure():
    assert recount_document(decode(_nomination_file())) == {
        "round": _round("nomination"),
        "summoned": 5, "present": 5, "absent": 0, "quorum": True, "issued": 5, "collected": 5,
        "denominator": "summoned", "denominator_value": 5, "min_ballots": 1,
        "suppressed": False,
        "positions": [
            {"order": 1, "title": "Bí thư Thành ủy", "seats": 2, "write_ins_allowed": True,
             "valid": 5, "invalid": 0, "tie": True,
             "candidates": [
                 _candidate(1, "Tòng Minh Ánh", "Phó Chánh Văn phòng", 3, "60.00", True,
                            False, True),
                 _candidate(2, "Lê Hữu Hải", "Bí thư Đảng ủy phường", 3, "60.00", True,
                            False, True),
                 _candidate(3, "Lò Văn Lâm", "Trưởng phòng Y tế", 4, "80.00", True, True,
                            False),
             ],
             "write_ins": []},
            {"order": 2, "title": "Chủ tịch UBND thành phố", "seats": 1,
             "write_ins_allowed": True, "valid": 4, "invalid": 1, "tie": False,
             "candidates": [
                 _candidate(4, "Trần Mạnh Toàn", "Phó Chủ tịch UBND", 0, "0.00", False, False,
                            False),
                 _candidate(5, "Lương Minh Chiến", "", 3, "60.00", True, True, False),
             ],
             "write_ins": [{"name": "Nguyễn Văn A", "votes": 1, "percent": "20.00",
                            "qualifies": False, "nominated": False, "tied": False}]},
        ],
        "warnings": [],
    }


@pytest.mark.parametrize("collected", [0, 5])
def test_a_nomination_round_below_the_minimum_shows_no_figure(collected):
    data = _nomination_file(NOMINATION_BALLOTS[:collected], min_ballots=6)
    document = recount_document(decode(data))
    assert document["suppressed"] is True and document["collected"] == collected
    empty = dict.fromkeys(("votes", "percent", "qualifies", "nominated", "tied"))
    for position, entry in zip(document["positions"], POSITIONS, strict=True):
        assert (position["valid"], position["invalid"], position["tie"],
                position["write_ins"]) == (None, None, None, None)
        assert position["candidates"] == [
            {"order": c.order, "name": c.name, "current_position": c.current_position, **empty}
            for c in entry.candidates]
    assert document["warnings"] == []


def test_one_person_nominated_for_four_positions_is_a_warning():
    positions = tuple(PositionEntry(n, f"Chức danh {n}", 1, False,
                                    (CandidateEntry(n, "Lò Văn Lâm"),)) for n in range(1, 5))
    data = _nomination_file([(((1,), ()),) * 4], positions=positions, summoned=1, present=1,
                            issued=1)
    document = recount_document(decode(data))
    assert [p["candidates"][0]["nominated"] for p in document["positions"]] == [True] * 4
    assert document["warnings"] == [{
        "code": "over_three_positions", "name": "Lò Văn Lâm",
        "positions": ["Chức danh 1", "Chức danh 2", "Chức danh 3", "Chức danh 4"],
    }]


def test_nomination_document_of_the_tally_itself():
    figures = RoundFigures(summoned=4, present=4, issued=4, collected=4)
    counts = nom.PositionCounts("Bí thư Thành ủy", 2, (
        nom.CandidateCounts("Tòng Minh Ánh", 2), nom.CandidateCounts("Lê Hữu Hải", 3),
        nom.CandidateCounts("Lò Văn Lâm", 0)), {}, 0)
    result = nom.tally_round(figures, [counts, nom.PositionCounts(
        "Chủ tịch UBND thành phố", 1, (nom.CandidateCounts("Trần Mạnh Toàn", 4),
                                       nom.CandidateCounts("Lương Minh Chiến", 0)), {}, 0)],
        min_ballots=1)
    document = nomination_document({"id": 3}, POSITIONS, result)
    secretary = document["positions"][0]["candidates"]
    # exactly half of those summoned (2 of 4) does not qualify
    assert [(c["votes"], c["percent"], c["qualifies"], c["nominated"]) for c in secretary] == [
        (2, "50.00", False, False), (3, "75.00", True, True), (0, "0.00", False, False)]
    assert document["positions"][0]["tie"] is False
    assert document["positions"][1]["candidates"][0]["percent"] == "100.00"


# -- nomination rounds: every refusal --------------------------------------------------------

DROP = object()


def _with_header(**changes) -> bytes:
    header, rest = _nomination_file().split(b"\n", 1)
    header = json.loads(header)
    for key, value in changes.items():
        if value is DROP:
            header.pop(key)
        else:
            header[key] = value
    return json_line(header) + rest


def _position(**changes):
    item = {"order": 1, "title": "Bí thư", "seats": 1, "write_ins": False,
            "candidates": [{"order": 1, "name": "Lò Văn Lâm", "current_position": ""}]}
    for key, value in changes.items():
        if value is DROP:
            item.pop(key)
        else:
            item[key] = value
    return item


def _candidates(*items):
    return _position(candidates=list(items))


POSITIONS_WRONG = ("bad_header", {"field": "positions"}, "header field 'positions' is wrong")


@pytest.mark.parametrize(
    "positions",
    [
        DROP,
        [],
        "Bí thư",
        {"1": _position()},
        ["Bí thư"],
        [_position(order=2)],
        [_position(), _position(order=3)],
        [_position(order=DROP)],
        [_position(title=None)],
        [_position(title=DROP)],
        [_position(seats=0)],
        [_position(seats=-1)],
        [_position(seats=True)],  # a JSON true is not a number of seats
        [_position(seats="1")],
        [_position(seats=1.0)],
        [_position(seats=DROP)],
        [_position(write_ins="yes")],
        [_position(write_ins=1)],
        [_position(write_ins=DROP)],
        [_position(candidates=None)],
        [_position(candidates=DROP)],
        [_position(candidates={"1": "Lò Văn Lâm"})],
        [_candidates("Lò Văn Lâm")],
        [_candidates({"order": 2, "name": "Lò Văn Lâm"})],
        [_candidates({"order": 1, "name": "A"}, {"order": 1, "name": "B"})],
        [_candidates({"order": 1})],
        [_candidates({"order": 1, "name": 7})],
        [_candidates({"order": 1, "name": "A", "current_position": None})],
    ],
)
def test_a_wrong_list_of_positions_is_refused(positions):
    assert _refusal(_with_header(positions=positions, collected=0)) == POSITIONS_WRONG


def test_a_file_of_positions_and_no_ballot_reads():
    # a position may list no candidate (write-ins only); current_position may be left out
    positions = [_position(candidates=[]),
                 _position(order=2, seats=3, write_ins=True,
                           candidates=[{"order": 1, "name": "Lò Văn Lâm"}])]
    header = json.loads(_nomination_file().split(b"\n", 1)[0])
    header |= {"positions": positions, "collected": 0}
    parsed = decode(json_line(header))
    assert parsed.positions == (
        PositionEntry(1, "Bí thư", 1, False, ()),
        PositionEntry(2, "Bí thư", 3, True, (CandidateEntry(1, "Lò Văn Lâm", ""),)),
    )
    assert parsed.ballots == () and parsed.collected == 0


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"round": None}, ("bad_header", {"field": "round"}, "header field 'round' is wrong")),
        ({"round": DROP}, ("bad_header", {"field": "round"}, "header field 'round' is wrong")),
        ({"issued": -5}, ("bad_header", {"field": "issued"},
                          "header field 'issued' is not a count")),
        ({"min_ballots": None}, ("bad_header", {"field": "min_ballots"},
                                 "header field 'min_ballots' is not a count")),
        ({"summoned": "5"}, ("bad_header", {"field": "summoned"},
                             "header field 'summoned' is not a count")),
        ({"collected": 6}, ("count_mismatch", {"found": 5, "expected": 6},
                            "5 ballots in the file, the header says 6")),
        ({"collected": 4}, ("count_mismatch", {"found": 5, "expected": 4},
                            "5 ballots in the file, the header says 4")),
    ],
)
def test_a_wrong_nomination_header_is_refused_with_its_reason(changes, expected):
    assert _refusal(_with_header(**changes)) == expected


def test_a_nomination_file_with_no_attendance_recorded_reads():
    parsed = decode(_with_header(summoned=None, present=None))
    assert (parsed.summoned, parsed.present) == (None, None)
    document = recount_document(parsed)
    assert (document["denominator_value"], document["quorum"], document["absent"]) == (
        0, False, None)
    assert not any(c["qualifies"] for p in document["positions"] for c in p["candidates"])


#: One entry for the chair's line (1 seat, 2 candidates, write-ins allowed), each impossible.
CHAIR_LINES = [
    '"[2]"',  # not [agreed, written]
    "[[2]]",
    "[[2],[],[]]",
    "2",
    '{"agreed":[2]}',
    '[2,[]]',  # agreed not a list
    '[[2],"Nguyễn Văn A"]',  # written not a list
    "[[true],[]]",  # a JSON true is not a candidate's place
    "[[0],[]]",  # places start at 1
    "[[3],[]]",  # the chair lists 2 candidates
    '[["2"],[]]',
    "[[1.0],[]]",
    "[[2,1],[]]",  # not ascending (and over the seat)
    "[[1,1],[]]",  # the same candidate twice
    "[[1,2],[]]",  # over the seat, yet stored as a valid line
    '[[1],["Nguyễn Văn A"]]',  # an agree and a write-in for one seat
    '[[],["Bùi B","An A"]]',  # write-ins not sorted (and over the seat)
    "[[],[5]]",
    '[[],[""]]',
    '[[],[" Nguyễn Văn A"]]',  # not as stored: whitespace collapsed
    '[[],["Nguyễn  Văn A"]]',
    '[[],["Nguyễn\\tVăn A"]]',
    '[[],["Nguye\\u0302\\u0303n Văn A"]]',  # not NFC
    '[[],[null]]',
]


@pytest.mark.parametrize("entry", CHAIR_LINES)
def test_a_ballot_line_that_cannot_be_on_the_chair_s_line_is_refused(entry):
    data = _nomination_file().decode("utf-8").splitlines()
    data[4] = f"[[[1,2],[]],{entry}]"  # the fourth ballot, line 5 of the file
    assert _refusal(("\n".join(data) + "\n").encode("utf-8")) == (
        "bad_ballot", {"line": 5}, "line 5 is not a ballot of this round")


SEATS_2 = _position(seats=2, write_ins=True, candidates=[
    {"order": 1, "name": "A", "current_position": ""},
    {"order": 2, "name": "B", "current_position": ""}])
NO_WRITE_INS = _position(order=2, seats=2, write_ins=False, candidates=[
    {"order": 1, "name": "C", "current_position": ""}])


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ('[[[1,2],[]],[[1],[]]]', True),
        ('[[[],["An A","Bùi B"]],null]', True),  # two write-ins for two seats
        ('[[[1],["Nguyễn Văn A"]],[[],[]]]', True),
        ("[null,null]", True),  # both lines over the seats
        ('[[[],["Nguyễn Văn A","nguyễn văn a"]],null]', False),  # one name twice
        ('[[[],["An A","An A"]],null]', False),
        ('[[[],["An A","Bùi B","Chu C"]],null]', False),  # three names for two seats
        ('[[[1],[]],[[],["Chu C"]]]', False),  # a write-in where none was offered
        ('[[[1],[]]]', False),  # a line short
        ('[[[1],[]],null,null]', False),  # a line too many
        ('{"1":null}', False),
        ("null", False),
    ],
)
def test_write_ins_and_lines_over_the_seats(line, ok):
    header = json.loads(_nomination_file().split(b"\n", 1)[0])
    header |= {"positions": [SEATS_2, NO_WRITE_INS], "collected": 1}
    data = json_line(header) + line.encode("utf-8") + b"\n"
    if ok:
        assert len(decode(data).ballots) == 1
    else:
        assert _refusal(data) == ("bad_ballot", {"line": 2},
                                  "line 2 is not a ballot of this round")


def test_a_nomination_line_that_is_not_json_is_refused():
    data = _nomination_file().replace(b"[[[2,3],[]],null]", b"[[[2,3],[]],nul]")
    assert _refusal(data) == ("bad_line", {"line": 4}, "line 4 is not JSON")
