"""The poll's ballot file, pure: writing, reading, refusing each malformed file, recounting,
and the tally documents of every kind of round with subjects or positions; no app is built."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.tally.confidence import Denominator, RoundFigures, SubjectCounts, tally_round
from survey.tally.recount import (
    RecountError,
    decode,
    recount,
    recount_document,
    sha256_hex,
)
from tests.factories import RECOUNT_SUBJECTS, confidence_file

LEVELS = ("high", "confidence", "low", None)


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
                              "collected", "sources", "denominator", "denominator_value",
                              "min_ballots", "suppressed", "subjects"]
    # a file that does not say where its ballots came from: all from phones
    assert document["sources"] == {"phone": 2, "paper": 0, "paper_invalid": 0}
    assert document["round"] == {"id": 7, "title": "Thử", "body": "", "kind": "confidence",
                                 "status": "closed", "place": "", "date": None}
    assert (document["absent"], document["quorum"]) == (1, True)
    assert document["subjects"][1]["percent"] == {"high": "0.00", "confidence": "0.00",
                                                  "low": "50.00"}


