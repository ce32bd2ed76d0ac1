"""The ballot file of the poll and the confidence vote, version 2, pure: one record per marked
line in one fixed order, the invalid ballots as a count, every refusal, and a recount equal to
the tally (and to the recount of the same ballots in a version 1 file); no app is built."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.tally.confidence import Denominator, RoundFigures, SubjectCounts, tally_round
from survey.tally.files import BallotSources, RecountError, json_line
from survey.tally.marks_file import MarksFile, decode, encode, encode_lines, recount_document
from survey.tally.recount import blank_ballots
from survey.tally.recount import decode as decode_v1
from survey.tally.recount import recount_document as recount_v1
from survey.tally.recount_kinds import NO_CONFIDENCE_LEVELS
from tests.factories import RECOUNT_SUBJECTS, confidence_file

LEVELS = ("high", "confidence", "low")
ROUND_INFO = {"id": 7, "title": "Thử", "body": "", "place": "", "date": None}
#: Four ballots: [high, low], [low, low], [confidence, low], [blank, blank].
BALLOTS = [["high", "low"], ["low", "low"], ["confidence", "low"], [None, None]]
COUNTS = [{"high": 1, "confidence": 1, "low": 1}, {"low": 3}]


def counts_of(ballots, width=2, levels=LEVELS):
    """Marks per level of each line, as the database's ``GROUP BY`` gives them."""
    return [{level: n for level in levels if (n := sum(1 for b in ballots if b[i] == level))}
            for i in range(width)]


def _file(counts=COUNTS, **overrides) -> bytes:
    options = dict(round_info=ROUND_INFO, kind="confidence", summoned=10, present=9, issued=9,
                   collected=4, invalid_ballots=1, denominator="collected", min_ballots=1,
                   subjects=RECOUNT_SUBJECTS, levels=LEVELS, counts=counts)
    options.update(overrides)
    return encode(**options)


def _header(data: bytes) -> dict:
    return json.loads(data.split(b"\n", 1)[0])


def _refusal(data: bytes) -> tuple[str, dict, str]:
    with pytest.raises(RecountError) as caught:
        decode(data)
    return caught.value.code, caught.value.params, str(caught.value)


# -- writing -------------------------------------------------------------------------------------


def test_one_record_per_marked_line_in_one_fixed_order():
    data = _file()
    assert data.endswith(b"\n")
    header, *records = data.decode("utf-8").splitlines()
    # by subject, then by level in ballot order; a blank line has no record
    assert records == ['[1,"high"]', '[1,"confidence"]', '[1,"low"]',
                       '[2,"low"]', '[2,"low"]', '[2,"low"]']
    assert json.loads(header) == {
        "format": "survey-ballots", "version": 2, "kind": "confidence", "round": ROUND_INFO,
        "summoned": 10, "present": 9, "issued": 9, "collected": 4, "invalid_ballots": 1,
        "denominator": "collected", "min_ballots": 1, "levels": list(LEVELS),
        "subjects": [{"order": 1, "name": "Lò Văn Minh", "position": "Bí thư", "unit": ""},
                     {"order": 2, "name": "Vì Thị Hoa", "position": "", "unit": "UBND"}],
        "records": 6,
    }


def test_the_bytes_depend_on_the_counts_alone():
    """However the marks were spread over ballots and whatever order they were cast in, the
    same counts give the same file: a dictated combination of marks leaves no trace of its
    own, and neither does the order of casting."""
    rng = random.Random(45)
    ballots = [[rng.choice((*LEVELS, None)) for _ in range(2)] for _ in range(30)]
    # the same marks of each line, dealt out to other ballots
    columns = [[b[i] for b in ballots] for i in range(2)]
    for column in columns:
        rng.shuffle(column)
    regrouped = [list(pair) for pair in zip(*columns, strict=True)]
    assert regrouped != ballots
    assert _file(counts_of(ballots), collected=30, invalid_ballots=0) == _file(
        counts_of(list(reversed(regrouped))), collected=30, invalid_ballots=0)


def test_the_header_says_where_the_ballots_came_from_only_when_paper_was_counted():
    plain = _file()
    assert "sources" not in _header(plain)
    assert _file(sources=BallotSources(phone=4)) == plain
    mixed = _file(sources=BallotSources(phone=3, paper=1, paper_invalid=1))
    assert _header(mixed)["sources"] == {"phone": 3, "paper": 1, "paper_invalid": 1}
    assert mixed.split(b"\n", 1)[1] == plain.split(b"\n", 1)[1]
    assert decode(mixed).sources == BallotSources(3, 1, 1)
    assert decode(plain).sources is None


def test_encode_lines_gives_the_same_bytes_in_pieces():
    pieces = list(encode_lines(
        round_info=ROUND_INFO, kind="confidence", summoned=10, present=9, issued=9,
        collected=4, invalid_ballots=1, denominator="collected", min_ballots=1,
        subjects=RECOUNT_SUBJECTS, levels=LEVELS, counts=COUNTS))
    assert b"".join(pieces) == _file()
    # the header, then one piece per run of equal records: a million marks are a few hundred
    # pieces, not a million
    assert pieces[1:] == [b'[1,"high"]\n', b'[1,"confidence"]\n', b'[1,"low"]\n',
                          b'[2,"low"]\n' * 3]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"counts": COUNTS[:1]}, "the counts do not match the subjects or levels"),
        ({"counts": [{"high": 1}, {"maybe": 1}]}, "the counts do not match the subjects or levels"),
        ({"counts": [{"high": -1}, {}]}, "the counts do not match the subjects or levels"),
        ({"counts": COUNTS, "levels": NO_CONFIDENCE_LEVELS},
         "the counts do not match the subjects or levels"),
        ({"invalid_ballots": 5}, "the counts do not fit the ballots collected"),
        ({"invalid_ballots": 2}, "the counts do not fit the ballots collected"),  # 3 low of 2
        # 7 valid ballots and 6 marks: a valid ballot with no line marked
        ({"collected": 8}, "the counts do not fit the ballots collected"),
        ({"sources": BallotSources(2, 2, 2)}, "the counts do not fit the ballots collected"),
    ],
)
def test_the_writer_refuses_counts_no_ballots_could_give(changes, message):
    with pytest.raises(ValueError) as caught:
        _file(**changes)
    assert str(caught.value) == message


# -- reading and recounting ----------------------------------------------------------------------


def test_decode_gives_back_the_counts():
    parsed = decode(_file())
    assert isinstance(parsed, MarksFile)
    assert parsed.counts == ({"high": 1, "confidence": 1, "low": 1},
                             {"high": 0, "confidence": 0, "low": 3})
    assert (parsed.kind, parsed.levels, parsed.denominator) == (
        "confidence", LEVELS, Denominator.collected)
    assert (parsed.summoned, parsed.present, parsed.issued, parsed.collected,
            parsed.invalid_ballots, parsed.min_ballots) == (10, 9, 9, 4, 1, 1)
    assert parsed.subjects == tuple(RECOUNT_SUBJECTS) and parsed.round == ROUND_INFO


def test_recount_document_of_a_poll_figure_by_figure():
    data = _file(sources=BallotSources(phone=3, paper=1, paper_invalid=1),
                 round_info=ROUND_INFO | {"status": "published"})
    assert recount_document(decode(data)) == {
        "round": {"id": 7, "title": "Thử", "body": "", "kind": "confidence",
                  "status": "closed", "place": "", "date": None},
        "summoned": 10, "present": 9, "absent": 1, "quorum": True, "issued": 9,
        "collected": 4, "sources": {"phone": 3, "paper": 1, "paper_invalid": 1},
        "invalid_ballots": 1,
        "denominator": "collected", "denominator_value": 4, "min_ballots": 1,
        "suppressed": False,
        "subjects": [
            {"order": 1, "name": "Lò Văn Minh", "position": "Bí thư", "unit": "", "issued": 9,
             "collected": 4, "valid": 3, "invalid": 1,
             "counts": {"high": 1, "confidence": 1, "low": 1},
             "percent": {"high": "25.00", "confidence": "25.00", "low": "25.00"},
             "band": None},
            {"order": 2, "name": "Vì Thị Hoa", "position": "", "unit": "UBND", "issued": 9,
             "collected": 4, "valid": 3, "invalid": 1,
             "counts": {"high": 0, "confidence": 0, "low": 3},
             "percent": {"high": "0.00", "confidence": "0.00", "low": "75.00"},
             "band": "two_thirds_low"},
        ],
    }


def test_recount_document_of_a_confidence_vote():
    data = _file([{"no_confidence": 3, "confidence": 1}, {"confidence": 1, "no_confidence": 2}],
                 kind="no_confidence", levels=NO_CONFIDENCE_LEVELS, summoned=5, present=4,
                 issued=4, invalid_ballots=0)
    assert data.decode().splitlines()[1:3] == ['[1,"confidence"]', '[1,"no_confidence"]']
    document = recount_document(decode(data))
    assert document["round"]["kind"] == "no_confidence"
    assert document["levels"] == ["confidence", "no_confidence"]
    assert list(document)[6:8] == ["collected", "invalid_ballots"]
    assert document["invalid_ballots"] == 0
    assert [(s["valid"], s["invalid"], s["dismissal"]) for s in document["subjects"]] == [
        (4, 0, True), (3, 1, False)]  # exactly half of those collected is not enough


@pytest.mark.parametrize("kind", ["confidence", "no_confidence"])
def test_below_the_minimum_no_figure_and_no_count_of_invalid_ballots(kind):
    levels = LEVELS if kind == "confidence" else NO_CONFIDENCE_LEVELS
    counts = [{levels[0]: 1}, {levels[-1]: 3}]
    document = recount_document(decode(_file(counts, kind=kind, levels=levels, min_ballots=5)))
    assert document["suppressed"] is True and document["invalid_ballots"] is None
    assert all(subject["counts"] is None for subject in document["subjects"])


BALLOT = st.lists(st.sampled_from((*LEVELS, None)), min_size=2, max_size=2)


@given(st.lists(BALLOT, min_size=1, max_size=60), st.sampled_from(list(Denominator)),
       st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_recount_equals_the_tally_and_the_recount_of_the_whole_ballots(ballots, denominator,
                                                                      rng):
    counts = counts_of(ballots)
    data = _file(counts, collected=len(ballots), invalid_ballots=blank_ballots(ballots),
                 denominator=denominator.value)
    expected = tally_round(RoundFigures(10, 9, 9, len(ballots)),
                           [SubjectCounts.from_mapping(c) for c in counts],
                           denominator=denominator, min_ballots=1)
    document = recount_document(decode(data))
    assert [s["counts"] for s in document["subjects"]] == [
        line.counts.as_dict() for line in expected.subjects]
    assert [s["band"] for s in document["subjects"]] == [
        line.band.value if line.band else None for line in expected.subjects]
    # the same ballots in a version 1 file, in any order: the same recount, figure by figure
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    assert recount_v1(decode_v1(confidence_file(shuffled, denominator=denominator.value))) == (
        document)


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


def _wrong(field):
    return ("bad_header", {"field": field}, f"header field {field!r} is wrong")


def _not_a_count(field):
    return ("bad_header", {"field": field}, f"header field {field!r} is not a count")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"version": 1}, ("bad_version", {"version": 1}, "unknown ballot file version")),
        ({"kind": "nomination"}, ("bad_kind", {"kind": "nomination"}, "unknown kind of round")),
        ({"kind": "appraisal"}, ("bad_kind", {"kind": "appraisal"}, "unknown kind of round")),
        ({"kind": DROP}, ("bad_kind", {"kind": None}, "unknown kind of round")),
        ({"kind": ["confidence"]}, ("bad_kind", {"kind": ["confidence"]},
                                    "unknown kind of round")),
        ({"issued": -1}, _not_a_count("issued")),
        ({"min_ballots": DROP}, _not_a_count("min_ballots")),
        ({"levels": ["confidence", "no_confidence"]}, _wrong("levels")),
        ({"denominator": "voters"}, _wrong("denominator")),
        ({"round": None}, _wrong("round")),
        ({"subjects": []}, _wrong("subjects")),
        ({"invalid_ballots": DROP}, _not_a_count("invalid_ballots")),
        ({"invalid_ballots": -1}, _not_a_count("invalid_ballots")),
        ({"invalid_ballots": True}, _not_a_count("invalid_ballots")),
        ({"records": DROP}, _not_a_count("records")),
        ({"records": "6"}, _not_a_count("records")),
        ({"sources": {"phone": 4, "paper": 0}}, _wrong("sources")),
        # the counts cannot be those of 4 ballots:
        ({"invalid_ballots": 5}, _wrong("invalid_ballots")),  # more invalid than collected
        ({"invalid_ballots": 2}, _wrong("invalid_ballots")),  # 3 "low" on 2 valid ballots
        ({"collected": 8}, _wrong("invalid_ballots")),  # 7 valid ballots, 6 marks in all
        ({"sources": {"phone": 2, "paper": 2, "paper_invalid": 2}}, _wrong("sources")),
        ({"records": 7}, ("records_mismatch", {"found": 6, "expected": 7},
                          "6 records in the file, the header says 7")),
        ({"records": 5}, ("records_mismatch", {"found": 6, "expected": 5},
                          "6 records in the file, the header says 5")),
    ],
)
def test_decode_refuses_a_wrong_header_naming_the_field(changes, expected):
    assert _refusal(_changed(changes)) == expected


@pytest.mark.parametrize(
    "record",
    [
        '["high",1]',
        '[1,"high",1]',  # a record holds one line's mark and nothing else
        '[1,["high"]]',
        '[1,{"high":1}]',
        '[["high","low"]]',  # never a ballot
        '["high","low"]',
        "[1,null]",  # a blank line has no record
        "[3,\"high\"]",  # two subjects
        "[0,\"high\"]",
        "[true,\"high\"]",
        "[1.0,\"high\"]",
        '[1,"no_confidence"]',
        '[1,"High"]',
        '{"1":"high"}',
        "null",
    ],
)
def test_decode_refuses_what_is_not_a_record_naming_the_line(record):
    rows = _file().decode("utf-8").splitlines()[1:]
    rows[1] = record
    assert _refusal(_changed(records=rows)) == (
        "bad_record", {"line": 3}, "line 3 is not a record of this round")


@pytest.mark.parametrize(
    ("rows", "line"),
    [
        (['[1,"confidence"]', '[1,"high"]', '[1,"low"]', '[2,"low"]', '[2,"low"]', '[2,"low"]'],
         3),  # levels in ballot order
        (['[2,"low"]', '[1,"high"]', '[1,"confidence"]', '[1,"low"]', '[2,"low"]', '[2,"low"]'],
         3),  # subjects in ballot order
        (['[1,"high"]', '[1,"confidence"]', '[2,"low"]', '[1,"low"]', '[2,"low"]', '[2,"low"]'],
         5),
    ],
)
def test_decode_refuses_records_out_of_their_order(rows, line):
    """Any other order could carry something besides the counts (the order of casting, or
    which marks were on one ballot): such a file is refused."""
    assert _refusal(_changed(records=rows)) == (
        "out_of_order", {"line": line}, f"line {line} is out of order")


def test_decode_refuses_a_line_that_is_not_json_naming_it():
    rows = _file().decode("utf-8").splitlines()[1:]
    rows[2] = '[1,"low"'
    assert _refusal(_changed(records=rows)) == ("bad_line", {"line": 4}, "line 4 is not JSON")


def test_a_file_of_no_mark_reads_when_every_ballot_is_invalid():
    parsed = decode(_file([{}, {}], invalid_ballots=4))
    assert parsed.counts == ({"high": 0, "confidence": 0, "low": 0},) * 2
    document = recount_document(parsed)
    assert document["invalid_ballots"] == 4
    assert [s["invalid"] for s in document["subjects"]] == [4, 4]
