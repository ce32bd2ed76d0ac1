"""The poll's ballot file of version 1 (whole ballots, still read), pure: writing, reading,
refusing each malformed file, recounting, and the tally documents of every kind of round with
subjects or positions; no app is built."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.tally.confidence import Denominator, RoundFigures, SubjectCounts, tally_round
from survey.tally.files import json_line
from survey.tally.recount import (
    BallotSources,
    RecountError,
    SubjectEntry,
    blank_ballots,
    decode,
    encode_lines,
    recount,
    recount_document,
    sha256_hex,
    subject_counts,
    tally_document,
)
from tests.factories import RECOUNT_SUBJECTS, confidence_file

LEVELS = ("high", "confidence", "low", None)
LEVEL_NAMES = ("high", "confidence", "low")


# -- the format, pure ----------------------------------------------------------------------------


def test_encode_then_decode_gives_back_the_ballots():
    ballots = [["high", None], ["low", "low"], [None, None]]
    data = confidence_file(ballots)
    assert data.endswith(b"\n") and data.count(b"\n") == 4
    assert data.decode("utf-8").splitlines()[1:] == ['["high",null]', '["low","low"]',
                                                      "[null,null]"]
    parsed = decode(data)
    assert parsed.ballots == (("high", None), ("low", "low"), (None, None))
    assert parsed.subjects == tuple(RECOUNT_SUBJECTS)
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
    data = confidence_file(ballots, denominator=denominator.value)
    counts = [SubjectCounts.from_mapping({level: sum(1 for b in ballots if b[i] == level)
                                          for level in ("high", "confidence", "low")})
              for i in range(2)]
    expected = tally_round(RoundFigures(10, 9, 9, len(ballots)), counts,
                           denominator=denominator, min_ballots=1)
    assert recount(decode(data)) == expected
    assert sha256_hex(data) == sha256_hex(confidence_file(ballots, denominator=denominator.value))


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
    data = confidence_file([["high", None], ["low", "low"], [None, None]])
    with pytest.raises(RecountError) as caught:
        decode(mangle(data))
    assert caught.value.code == code


def test_encode_refuses_a_ballot_that_does_not_fit():
    with pytest.raises(ValueError):
        confidence_file([["high"]])
    with pytest.raises(ValueError):
        confidence_file([["high", "maybe"]])


def test_recount_document_has_the_tally_shape():
    data = decode(confidence_file([["high", None], ["low", "low"]]))
    document = recount_document(data)
    assert list(document) == ["round", "summoned", "present", "absent", "quorum", "issued",
                              "collected", "sources", "invalid_ballots", "denominator",
                              "denominator_value", "min_ballots", "suppressed", "subjects"]
    # a file that does not say where its ballots came from: all from phones
    assert document["sources"] == {"phone": 2, "paper": 0, "paper_invalid": 0}
    assert document["round"] == {"id": 7, "title": "Thử", "body": "", "kind": "confidence",
                                 "status": "closed", "place": "", "date": None}
    assert (document["absent"], document["quorum"]) == (1, True)
    assert document["subjects"][1]["percent"] == {"high": "0.00", "confidence": "0.00",
                                                  "low": "50.00"}


# -- writing ---------------------------------------------------------------------------------

BALLOTS = [["high", "low"], ["low", "low"], ["confidence", "low"], [None, None]]


def _header(data: bytes) -> dict:
    return json.loads(data.split(b"\n", 1)[0])


def test_the_fingerprint_is_the_sha256_of_the_exact_bytes():
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


def test_the_header_says_where_the_ballots_came_from_only_when_paper_was_counted():
    plain = confidence_file(BALLOTS)
    assert "sources" not in _header(plain)
    # every ballot from a phone: the same bytes as a file that does not say, the same fingerprint
    assert confidence_file(BALLOTS, sources=BallotSources(phone=4)) == plain
    mixed = confidence_file(BALLOTS, sources=BallotSources(phone=3, paper=1, paper_invalid=1))
    assert _header(mixed)["sources"] == {"phone": 3, "paper": 1, "paper_invalid": 1}
    assert mixed.split(b"\n", 1)[1] == plain.split(b"\n", 1)[1]  # the ballots are unchanged
    assert decode(mixed).sources == BallotSources(3, 1, 1)
    assert decode(plain).sources is None


@pytest.mark.parametrize(
    ("ballots", "levels"),
    [
        ([["high"]], LEVEL_NAMES),  # a line short
        ([["high", "low", "low"]], LEVEL_NAMES),  # a line too many
        ([["high", "maybe"]], LEVEL_NAMES),
        ([["high", "Low"]], LEVEL_NAMES),
        ([["high", None]], ("confidence", "no_confidence")),  # a poll's mark in a vote's file
    ],
)
def test_encode_refuses_a_ballot_of_another_round(ballots, levels):
    with pytest.raises(ValueError, match="^a ballot does not match the subjects or levels$"):
        confidence_file(ballots, levels=levels)


def _lines(collected, ballots):
    return encode_lines(
        round_info={"id": 7}, kind="confidence", summoned=None, present=None, issued=9,
        denominator="collected", min_ballots=1, subjects=RECOUNT_SUBJECTS,
        collected=collected, ballots=ballots,
    )


def test_encode_lines_gives_the_same_bytes_one_line_at_a_time():
    lines = list(_lines(4, iter(BALLOTS)))
    assert len(lines) == 5 and all(line.endswith(b"\n") for line in lines)
    assert b"".join(lines) == confidence_file(
        BALLOTS, round_info={"id": 7}, summoned=None, present=None)
    assert _header(lines[0])["collected"] == 4


def test_encode_lines_writes_the_header_before_reading_any_ballot():
    def unread():
        raise AssertionError("a ballot was read before the header was written")
        yield  # a generator

    assert _header(next(_lines(10**6, unread())))["collected"] == 10**6


@pytest.mark.parametrize("collected", [3, 5, 0])
def test_encode_lines_refuses_a_wrong_count_at_the_end(collected):
    written = []
    with pytest.raises(ValueError, match="^the header's count of ballots is wrong$"):
        for line in _lines(collected, iter(BALLOTS)):
            written.append(line)
    assert len(written) == 5  # the header and every ballot went out before the count was known


def test_encode_lines_refuses_a_bad_ballot_where_it_comes():
    written = []
    with pytest.raises(ValueError, match="^a ballot does not match the subjects or levels$"):
        for line in _lines(3, iter([["high", None], ["high"], ["low", "low"]])):
            written.append(line)
    assert written[1:] == [b'["high",null]\n']


# -- reading: every refusal, with its reason -------------------------------------------------

DROP = object()


def _changed(header_changes=None, rows=None) -> bytes:
    """The file of :data:`BALLOTS` with header fields changed (``DROP`` removes one) and, if
    given, other ballot lines (as text)."""
    data = confidence_file(BALLOTS)
    header = _header(data)
    for key, value in (header_changes or {}).items():
        if value is DROP:
            header.pop(key)
        else:
            header[key] = value
    lines = data.decode("utf-8").splitlines()[1:] if rows is None else rows
    return json_line(header) + "".join(f"{line}\n" for line in lines).encode("utf-8")


def _refusal(data: bytes) -> tuple[str, dict, str]:
    with pytest.raises(RecountError) as caught:
        decode(data)
    return caught.value.code, caught.value.params, str(caught.value)


def _wrong(field):
    return ("bad_header", {"field": field}, f"header field {field!r} is wrong")


def _not_a_count(field):
    return ("bad_header", {"field": field}, f"header field {field!r} is not a count")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"kind": DROP}, ("bad_kind", {"kind": None}, "unknown kind of round")),
        ({"kind": "appraisal"}, ("bad_kind", {"kind": "appraisal"}, "unknown kind of round")),
        ({"kind": "Confidence"}, ("bad_kind", {"kind": "Confidence"}, "unknown kind of round")),
        ({"min_ballots": -1}, _not_a_count("min_ballots")),
        ({"min_ballots": DROP}, _not_a_count("min_ballots")),
        ({"issued": "9"}, _not_a_count("issued")),
        ({"collected": None}, _not_a_count("collected")),
        ({"collected": 4.0}, _not_a_count("collected")),
        ({"summoned": -10}, _not_a_count("summoned")),
        ({"present": True}, _not_a_count("present")),
        ({"levels": ["high", "confidence"]}, _wrong("levels")),
        ({"levels": ["low", "confidence", "high"]}, _wrong("levels")),  # not in ballot order
        ({"levels": ["confidence", "no_confidence"]}, _wrong("levels")),
        ({"levels": DROP}, _wrong("levels")),
        ({"denominator": "voters"}, _wrong("denominator")),
        ({"denominator": DROP}, _wrong("denominator")),
        ({"round": ["Thử"]}, _wrong("round")),
        ({"round": DROP}, _wrong("round")),
        ({"subjects": []}, _wrong("subjects")),
        ({"subjects": "Lò Văn Minh"}, _wrong("subjects")),
        ({"subjects": DROP}, _wrong("subjects")),
        ({"subjects": ["Lò Văn Minh", "Vì Thị Hoa"]}, _wrong("subjects")),
        ({"subjects": [{"order": 2, "name": "A"}, {"order": 1, "name": "B"}]}, _wrong("subjects")),
        ({"subjects": [{"order": 1, "name": "A"}, {"order": 3, "name": "B"}]}, _wrong("subjects")),
        ({"subjects": [{"order": 1}, {"order": 2, "name": "B"}]}, _wrong("subjects")),
        ({"subjects": [{"order": 1, "name": 5}, {"order": 2, "name": "B"}]}, _wrong("subjects")),
        ({"subjects": [{"order": 1, "name": "A", "position": None}, {"order": 2, "name": "B"}]},
         _wrong("subjects")),
        ({"subjects": [{"order": 1, "name": "A"}, {"order": 2, "name": "B", "unit": 3}]},
         _wrong("subjects")),
        ({"sources": "paper"}, _wrong("sources")),
        ({"sources": {"phone": 4, "paper": 0}}, _wrong("sources")),
        ({"sources": {"phone": 4, "paper": 0, "paper_invalid": 0, "fax": 0}}, _wrong("sources")),
        ({"sources": {"phone": -1, "paper": 5, "paper_invalid": 0}}, _not_a_count("sources")),
        ({"sources": {"phone": 4, "paper": 0, "paper_invalid": False}}, _not_a_count("sources")),
        ({"sources": {"phone": 2, "paper": 1, "paper_invalid": 0}}, _wrong("sources")),  # 3 of 4
        ({"sources": {"phone": 4, "paper": 1, "paper_invalid": 0}}, _wrong("sources")),  # 5 of 4
        ({"sources": {"phone": 3, "paper": 1, "paper_invalid": 2}}, _wrong("sources")),
    ],
)
def test_decode_refuses_a_wrong_header_naming_the_field(changes, expected):
    assert _refusal(_changed(changes)) == expected


@pytest.mark.parametrize(
    ("changes", "summoned", "present", "sources", "subject"),
    [
        ({"summoned": None, "present": None}, None, None, None, RECOUNT_SUBJECTS[0]),
        ({"sources": None}, 10, 9, None, RECOUNT_SUBJECTS[0]),
        ({"sources": {"phone": 0, "paper": 4, "paper_invalid": 4}}, 10, 9,
         BallotSources(0, 4, 4), RECOUNT_SUBJECTS[0]),
        ({"sources": {"phone": 4, "paper": 0, "paper_invalid": 0}}, 10, 9, BallotSources(4),
         RECOUNT_SUBJECTS[0]),
        # position and unit may be left out of a subject: both are then empty
        ({"subjects": [{"order": 1, "name": "Lò Văn Minh"}, {"order": 2, "name": "B"}]}, 10, 9,
         None, SubjectEntry(1, "Lò Văn Minh")),
    ],
)
def test_decode_takes_what_the_header_may_leave_out(changes, summoned, present, sources,
                                                    subject):
    parsed = decode(_changed(changes))
    assert (parsed.summoned, parsed.present, parsed.sources) == (summoned, present, sources)
    assert parsed.subjects[0] == subject
    assert parsed.collected == len(parsed.ballots) == 4


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ('{"1":"low"}', "bad_ballot"),  # not a list
        ('"low"', "bad_ballot"),
        ("null", "bad_ballot"),
        ('["low"]', "bad_ballot"),  # a line short
        ('["low","low",null]', "bad_ballot"),  # a line too many
        ("[]", "bad_ballot"),
        ('["low","Low"]', "bad_ballot"),
        ('["low","no_confidence"]', "bad_ballot"),  # a mark of the confidence vote
        ('["low",1]', "bad_ballot"),
        ('["low",""]', "bad_ballot"),
        ('["low",nul]', "bad_line"),
        ('["low","low"', "bad_line"),
        ("", "bad_line"),  # an empty line inside the file
    ],
)
def test_decode_refuses_a_line_that_is_not_a_ballot_naming_the_line(line, code):
    rows = confidence_file(BALLOTS).decode("utf-8").splitlines()[1:]
    rows[1] = line  # the file's third line
    message = ("line 3 is not JSON" if code == "bad_line"
               else "line 3 is not a ballot of this round")
    assert _refusal(_changed(rows=rows)) == (code, {"line": 3}, message)


# decode() tests a mark with ``in set(levels)``, which hashes it: a JSON array or object as a
# mark raises TypeError instead of the reasoned refusal, and ``survey recount`` stops with a
# traceback. Strict: when decode() refuses it properly, these fail and join the table above.
@pytest.mark.parametrize("line", ['["low",["low"]]', '[{"low":1},null]'])
def test_decode_refuses_an_array_or_object_as_a_mark(line):
    rows = confidence_file(BALLOTS).decode("utf-8").splitlines()[1:]
    rows[1] = line
    assert _refusal(_changed(rows=rows)) == (
        "bad_ballot", {"line": 3}, "line 3 is not a ballot of this round")


@pytest.mark.parametrize(
    ("rows", "found"),
    [
        (['["low","low"]'] * 5, 5),
        (['["low","low"]'] * 3, 3),
        ([], 0),
    ],
)
def test_decode_refuses_a_file_whose_ballots_do_not_add_up(rows, found):
    assert _refusal(_changed(rows=rows)) == (
        "count_mismatch", {"found": found, "expected": 4},
        f"{found} ballots in the file, the header says 4")


def test_a_file_of_no_ballot_reads_and_recounts_to_nothing_shown():
    parsed = decode(confidence_file([]))
    assert (parsed.collected, parsed.ballots) == (0, ())
    result = recount(parsed)  # the minimum is 1 ballot: nothing is computed from none
    assert result.suppressed and result.subjects == () and result.base == 0


# -- counting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ballots", "width", "expected"),
    [
        (BALLOTS, 2, [SubjectCounts(1, 1, 1), SubjectCounts(low=3)]),
        ([], 2, [SubjectCounts(), SubjectCounts()]),
        ([[None, None]], 2, [SubjectCounts(), SubjectCounts()]),
        ([["high"], ["high"], ["confidence"]], 1, [SubjectCounts(high=2, confidence=1)]),
        ([["low", None, "high"]], 3, [SubjectCounts(low=1), SubjectCounts(), SubjectCounts(1)]),
    ],
)
def test_subject_counts_count_each_line_and_blank_nowhere(ballots, width, expected):
    assert subject_counts(ballots, width) == expected


@pytest.mark.parametrize(
    ("ballots", "blank"),
    [
        (BALLOTS, 1),
        ([], 0),
        ([[None, None], [None, None]], 2),
        ([[None, "low"], ["high", None]], 0),  # a blank line is not a blank ballot
    ],
)
def test_blank_ballots_have_no_mark_on_any_line(ballots, blank):
    assert blank_ballots(ballots) == blank


# -- the tally document ----------------------------------------------------------------------

ROUND = {"id": 7, "title": "Thử", "body": "", "kind": "confidence", "status": "closed",
         "place": "", "date": None}


def test_recount_document_of_a_poll_figure_by_figure():
    data = confidence_file(
        BALLOTS, sources=BallotSources(phone=3, paper=1, paper_invalid=1),
        # a status in the file is not trusted: the count was made on the closed round
        round_info={"id": 7, "title": "Thử", "body": "", "place": "", "date": None,
                    "status": "published", "secret": "x"},
    )
    assert recount_document(decode(data)) == {
        "round": ROUND,
        "summoned": 10, "present": 9, "absent": 1, "quorum": True, "issued": 9,
        "collected": 4, "sources": {"phone": 3, "paper": 1, "paper_invalid": 1},
        "invalid_ballots": 1,  # the ballot with no line marked
        "denominator": "collected", "denominator_value": 4, "min_ballots": 1,
        "suppressed": False,
        "subjects": [
            {"order": 1, "name": "Lò Văn Minh", "position": "Bí thư", "unit": "", "issued": 9,
             "collected": 4, "valid": 3, "invalid": 1,
             "counts": {"high": 1, "confidence": 1, "low": 1},
             "percent": {"high": "25.00", "confidence": "25.00", "low": "25.00"},
             "band": None},
            # 3 "low" of 4: 9 >= 8, two thirds or more
            {"order": 2, "name": "Vì Thị Hoa", "position": "", "unit": "UBND", "issued": 9,
             "collected": 4, "valid": 3, "invalid": 1,
             "counts": {"high": 0, "confidence": 0, "low": 3},
             "percent": {"high": "0.00", "confidence": "0.00", "low": "75.00"},
             "band": "two_thirds_low"},
        ],
    }


@pytest.mark.parametrize(
    ("denominator", "base", "low", "band"),
    [
        ("collected", 4, "50.00", None),  # 2 of 4: exactly half, in neither band
        ("present", 9, "22.22", None),
        ("summoned", 10, "20.00", None),
    ],
)
def test_recount_document_takes_the_round_s_denominator(denominator, base, low, band):
    ballots = [["low", "low"], ["low", "high"], ["high", None], ["confidence", None]]
    document = recount_document(decode(confidence_file(ballots, denominator=denominator)))
    assert (document["denominator"], document["denominator_value"]) == (denominator, base)
    first = document["subjects"][0]
    assert (first["percent"]["low"], first["band"]) == (low, band)
    assert (first["valid"], first["invalid"]) == (4, 0)  # validity is always of collected


def test_recount_document_with_no_attendance_recorded():
    data = confidence_file(BALLOTS, summoned=None, present=None, denominator="summoned")
    document = recount_document(decode(data))
    assert (document["summoned"], document["present"], document["absent"]) == (None, None, None)
    assert document["quorum"] is False
    assert document["denominator_value"] == 0  # nothing to take percentages of
    assert document["subjects"][1]["percent"] == {"high": "0.00", "confidence": "0.00",
                                                  "low": "0.00"}
    assert document["subjects"][1]["band"] is None
    assert document["subjects"][1]["counts"] == {"high": 0, "confidence": 0, "low": 3}


@pytest.mark.parametrize("collected", [0, 1, 4])
def test_recount_document_below_the_minimum_shows_no_figure(collected):
    data = confidence_file(BALLOTS[:collected], min_ballots=5)
    document = recount_document(decode(data))
    assert document["suppressed"] is True
    assert (document["collected"], document["min_ballots"]) == (collected, 5)
    assert document["sources"] == {"phone": collected, "paper": 0, "paper_invalid": 0}
    for subject, entry in zip(document["subjects"], RECOUNT_SUBJECTS, strict=True):
        assert subject == {"order": entry.order, "name": entry.name,
                           "position": entry.position, "unit": entry.unit, "issued": 9,
                           "collected": collected, "valid": None, "invalid": None,
                           "counts": None, "percent": None, "band": None}


def test_recount_document_at_exactly_the_minimum_shows_the_figures():
    document = recount_document(decode(confidence_file(BALLOTS, min_ballots=4)))
    assert document["suppressed"] is False
    assert document["subjects"][0]["counts"] == {"high": 1, "confidence": 1, "low": 1}


def test_tally_document_takes_the_sources_it_is_given():
    parsed = decode(confidence_file(BALLOTS))
    document = tally_document(ROUND, parsed.subjects, recount(parsed),
                              BallotSources(phone=1, paper=3, paper_invalid=0))
    assert document["sources"] == {"phone": 1, "paper": 3, "paper_invalid": 0}
    assert list(document)[6:8] == ["collected", "sources"]
    assert document["round"] == ROUND and document["round"] is not ROUND  # a copy
