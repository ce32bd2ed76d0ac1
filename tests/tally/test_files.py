"""What every ballot file shares: its lines, the header's counts, the first reading, the
versions, records in their one order, the quorum of the documents' heads; no app is built."""

from __future__ import annotations

import pytest

from survey.tally.files import (
    FORMAT,
    VERSION,
    WHOLE_BALLOTS,
    BallotSources,
    RecountError,
    header_count,
    header_counts,
    json_line,
    quorum_met,
    read_file,
    read_records,
    read_sources,
    recount_round,
    whole_ballots,
)


def test_format_name_and_versions():
    # the app writes version 2; version 1 (whole ballots) is still read
    assert (FORMAT, VERSION, WHOLE_BALLOTS) == ("survey-ballots", 2, 1)


def test_a_line_is_compact_utf8_json_ending_in_a_newline():
    assert json_line({"name": "Lò Văn Minh", "lines": [1, None, True]}) == (
        '{"name":"Lò Văn Minh","lines":[1,null,true]}\n'.encode())
    assert json_line(["high", None]) == b'["high",null]\n'


def test_a_recount_error_is_a_value_error_with_a_code_and_its_parameters():
    error = RecountError("bad_line", "line 3 is not JSON", line=3)
    assert isinstance(error, ValueError)
    assert (str(error), error.code, error.params) == ("line 3 is not JSON", "bad_line", {"line": 3})


# -- header_count() --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "optional", "expected"),
    [
        (0, False, 0),
        (37, False, 37),
        (0, True, 0),
        (480, True, 480),
        (None, True, None),  # an unrecorded count, where the header may leave it out
    ],
)
def test_header_count_takes_a_non_negative_integer(value, optional, expected):
    assert header_count(value, "issued", optional=optional) == expected


@pytest.mark.parametrize(
    ("value", "optional"),
    [
        (None, False),
        (-1, False),
        (-1, True),
        (True, False),  # a JSON true is an int to Python, never a count
        (False, True),
        (1.0, False),
        ("3", False),
        ([3], True),
    ],
)
def test_header_count_refuses_anything_else(value, optional):
    with pytest.raises(RecountError) as caught:
        header_count(value, "collected", optional=optional)
    error = caught.value
    assert (error.code, error.params) == ("bad_header", {"field": "collected"})
    assert str(error) == "header field 'collected' is not a count"


# -- read_file() -----------------------------------------------------------------------------

HEADER = b'{"format":"survey-ballots","version":2,"kind":"confidence"}'


@pytest.mark.parametrize(
    ("data", "rest"),
    [
        (HEADER + b"\n", []),
        (HEADER, []),  # no newline at the end
        (HEADER + b'\n["high"]\n[null]\n', ['["high"]', "[null]"]),
        (HEADER + b'\n["high"]\n[null]', ['["high"]', "[null]"]),
        (HEADER + b"\n\n", [""]),  # an empty line is handed on, for the reader to refuse
        (HEADER + b"\r\n[1]\r\n", ["[1]\r"]),
    ],
)
def test_read_file_gives_the_header_and_the_other_lines_unread(data, rest):
    header, lines = read_file(data)
    assert header == {"format": "survey-ballots", "version": 2, "kind": "confidence"}
    assert lines == rest
    # the same bytes as a version 1 file: read as such only when that version is asked for
    old = data.replace(b'"version":2', b'"version":1')
    assert read_file(old, WHOLE_BALLOTS) == (header | {"version": 1}, rest)
    with pytest.raises(RecountError) as caught:
        read_file(old)
    assert (caught.value.code, caught.value.params) == ("bad_version", {"version": 1})


@pytest.mark.parametrize(
    ("data", "code", "params", "message"),
    [
        (b"\xff" + HEADER, "not_utf8", {}, "the file is not UTF-8 text"),
        ("Lò".encode("utf-16"), "not_utf8", {}, "the file is not UTF-8 text"),
        (b"", "empty", {}, "the file is empty"),
        (b"\n", "bad_line", {"line": 1}, "line 1 is not JSON"),
        (b'{"format":"survey-ballots",\n', "bad_line", {"line": 1}, "line 1 is not JSON"),
        (b"format=survey-ballots\n", "bad_line", {"line": 1}, "line 1 is not JSON"),
        (b'["survey-ballots",1]\n', "not_ballot_file", {}, "this is not a ballot file of survey"),
        (b'"survey-ballots"\n', "not_ballot_file", {}, "this is not a ballot file of survey"),
        (b'{"format":"other","version":1}\n', "not_ballot_file", {},
         "this is not a ballot file of survey"),
        (b'{"version":1}\n', "not_ballot_file", {}, "this is not a ballot file of survey"),
        (b'{"format":"survey-ballots","version":3}\n', "bad_version", {"version": 3},
         "unknown ballot file version"),
        (b'{"format":"survey-ballots","version":1}\n', "bad_version", {"version": 1},
         "unknown ballot file version"),
        (b'{"format":"survey-ballots","version":"2"}\n', "bad_version", {"version": "2"},
         "unknown ballot file version"),
        (b'{"format":"survey-ballots","version":true}\n', "bad_version", {"version": True},
         "unknown ballot file version"),
        (b'{"format":"survey-ballots","version":2.0}\n', "bad_version", {"version": 2.0},
         "unknown ballot file version"),
        (b'{"format":"survey-ballots"}\n', "bad_version", {"version": None},
         "unknown ballot file version"),
    ],
)
def test_read_file_refuses_with_a_reason(data, code, params, message):
    with pytest.raises(RecountError) as caught:
        read_file(data)
    error = caught.value
    assert (error.code, error.params, str(error)) == (code, params, message)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"format":"survey-ballots","version":1,"kind":"confidence"}\n["high"]\n', True),
        (b'{"format":"survey-ballots","version":1}', True),
        (b'{"format":"survey-ballots","version":2,"kind":"confidence"}\n', False),
        (b'{"format":"survey-ballots","version":true}\n', False),  # a JSON true is not 1
        (b'{"format":"survey-ballots","version":1.0}\n', False),
        (b'{"format":"survey-ballots","version":"1"}\n', False),
        (b'{"format":"survey-ballots"}\n', False),
        (b'[1]\n', False),
        (b'{"version":\n', False),
        (b"\xff\xfe", False),
        (b"", False),
    ],
)
def test_whole_ballots_tells_a_version_1_file_by_its_first_line(data, expected):
    assert whole_ballots(data) is expected


# -- header_counts(), read_sources(), recount_round() ------------------------------------------


def test_header_counts_reads_the_five_counts():
    header = {"min_ballots": 5, "issued": 38, "collected": 37, "summoned": None, "present": 30}
    assert header_counts(header) == header
    with pytest.raises(RecountError) as caught:
        header_counts(header | {"issued": None})
    assert caught.value.params == {"field": "issued"}


@pytest.mark.parametrize(
    ("value", "collected", "expected"),
    [
        (None, 4, None),
        ({"phone": 4, "paper": 0, "paper_invalid": 0}, 4, BallotSources(4)),
        ({"phone": 1, "paper": 3, "paper_invalid": 3}, 4, BallotSources(1, 3, 3)),
    ],
)
def test_read_sources_takes_counts_that_add_up(value, collected, expected):
    assert read_sources(value, collected) == expected


@pytest.mark.parametrize(
    "value",
    [
        "paper",
        {"phone": 4, "paper": 0},
        {"phone": 3, "paper": 0, "paper_invalid": 0},  # 3 of 4
        {"phone": 3, "paper": 1, "paper_invalid": 2},  # more invalid than on paper
    ],
)
def test_read_sources_refuses_counts_that_do_not(value):
    with pytest.raises(RecountError) as caught:
        read_sources(value, 4)
    assert (caught.value.code, caught.value.params) == ("bad_header", {"field": "sources"})


def test_a_recount_s_round_is_closed_and_takes_only_the_round_s_facts():
    info = {"id": 7, "title": "Thử", "body": "", "place": "", "date": None,
            "status": "published", "secret": "x"}
    assert recount_round(info, "confidence") == {
        "id": 7, "title": "Thử", "body": "", "kind": "confidence", "status": "closed",
        "place": "", "date": None}


# -- read_records() --------------------------------------------------------------------------


def _key(value):
    """Records ``[line, level]`` of two lines and two levels, as a reader's key."""
    if not isinstance(value, list) or len(value) != 2 or value[0] not in (1, 2):
        return None
    return (value[0], ("a", "b").index(value[1])) if value[1] in ("a", "b") else None


@pytest.mark.parametrize(
    ("lines", "runs"),
    [
        ([], []),
        (['[1,"a"]'], [([1, "a"], 1)]),
        (['[1,"a"]', '[1,"a"]', '[1,"b"]', '[2,"a"]', '[2,"b"]', '[2,"b"]'],
         [([1, "a"], 2), ([1, "b"], 1), ([2, "a"], 1), ([2, "b"], 2)]),
        # the same record written otherwise is read again, and is in its place
        (['[1,"a"]', '[1, "a"]', '[1, "a"]', '[1,"a"]'],
         [([1, "a"], 1), ([1, "a"], 2), ([1, "a"], 1)]),
    ],
)
def test_read_records_takes_records_in_their_order_as_runs(lines, runs):
    assert read_records(lines, len(lines), _key) == runs


@pytest.mark.parametrize(
    ("lines", "expected", "refusal"),
    [
        (['[1,"b"]', '[1,"a"]'], 2, ("out_of_order", {"line": 3}, "line 3 is out of order")),
        (['[1,"a"]', '[2,"a"]', '[1,"b"]'], 3,
         ("out_of_order", {"line": 4}, "line 4 is out of order")),
        (['[1,"a"]', '[3,"a"]'], 2,
         ("bad_record", {"line": 3}, "line 3 is not a record of this round")),
        (['[1,"c"]'], 1, ("bad_record", {"line": 2}, "line 2 is not a record of this round")),
        (["[1,"], 1, ("bad_line", {"line": 2}, "line 2 is not JSON")),
        ([""], 1, ("bad_line", {"line": 2}, "line 2 is not JSON")),
        (['[1,"a"]'], 2, ("records_mismatch", {"found": 1, "expected": 2},
                          "1 records in the file, the header says 2")),
        (['[1,"a"]', '[1,"a"]'], 1, ("records_mismatch", {"found": 2, "expected": 1},
                                     "2 records in the file, the header says 1")),
        (['[1,"b"]', '[1,"b"]', '[1,"a"]'], 3,
         ("out_of_order", {"line": 4}, "line 4 is out of order")),
        (['[2,"a"]', '[2,"a"]', '[2, "a"]', '[1,"b"]'], 4,
         ("out_of_order", {"line": 5}, "line 5 is out of order")),
    ],
)
def test_read_records_refuses_naming_the_line(lines, expected, refusal):
    with pytest.raises(RecountError) as caught:
        read_records(lines, expected, _key)
    assert (caught.value.code, caught.value.params, str(caught.value)) == refusal


# -- quorum_met() ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("summoned", "present", "expected"),
    [
        (40, 27, True),  # 81 >= 80
        (40, 26, False),  # 78 < 80: just under two thirds
        (39, 26, True),  # exactly two thirds
        (39, 25, False),
        (3, 2, True),  # exactly two thirds
        (3, 1, False),
        (1, 1, True),
        (480, 320, True),  # the National Assembly: exactly two thirds
        (480, 319, False),
        (0, 0, False),  # nobody summoned: no quorum to speak of
        (None, 30, False),  # attendance not recorded
        (40, None, False),
        (None, None, False),
    ],
)
def test_quorum_is_two_thirds_of_those_summoned_in_integers(summoned, present, expected):
    assert quorum_met(summoned, present) is expected
