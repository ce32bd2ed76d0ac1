"""What every ballot file shares: its lines, the header's counts, the first reading, the
quorum of the documents' heads; no app is built."""

from __future__ import annotations

import pytest

from survey.tally.files import (
    FORMAT,
    VERSION,
    RecountError,
    header_count,
    json_line,
    quorum_met,
    read_file,
)


def test_format_name_and_version():
    assert (FORMAT, VERSION) == ("survey-ballots", 1)


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

HEADER = b'{"format":"survey-ballots","version":1,"kind":"confidence"}'


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
    assert header == {"format": "survey-ballots", "version": 1, "kind": "confidence"}
    assert lines == rest


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
        (b'{"format":"survey-ballots","version":2}\n', "bad_version", {"version": 2},
         "unknown ballot file version"),
        (b'{"format":"survey-ballots","version":"1"}\n', "bad_version", {"version": "1"},
         "unknown ballot file version"),
        (b'{"format":"survey-ballots","version":true}\n', "bad_version", {"version": True},
         "unknown ballot file version"),
        (b'{"format":"survey-ballots","version":1.0}\n', "bad_version", {"version": 1.0},
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
