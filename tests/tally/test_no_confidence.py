"""The confidence vote's tally: two levels, dismissal over half of the ballots collected."""

from __future__ import annotations

from decimal import Decimal

import pytest

from survey.tally.confidence import RoundFigures
from survey.tally.no_confidence import SubjectCounts, dismissal_proposed, tally_round, tally_subject


@pytest.mark.parametrize(
    ("no", "collected", "expected"),
    [
        (20, 40, False),  # exactly half: not dismissal
        (21, 40, True),
        (19, 39, False),
        (20, 39, True),
        (0, 0, False),
        (1, 1, True),
    ],
)
def test_dismissal_needs_more_than_half_of_collected(no, collected, expected):
    assert dismissal_proposed(no, collected) is expected


def test_blank_lines_are_invalid_for_that_subject_only_and_percent_of_collected():
    result = tally_subject(SubjectCounts(confidence=10, no_confidence=17), collected=30)
    assert result.valid == 27 and result.invalid == 3
    assert result.percent == {"confidence": Decimal("33.33"), "no_confidence": Decimal("56.67")}
    assert result.dismissal is True


def test_half_up_rounding_from_integers():
    result = tally_subject(SubjectCounts(confidence=1, no_confidence=0), collected=8)
    assert result.percent["confidence"] == Decimal("12.50")
    result = tally_subject(SubjectCounts(confidence=1), collected=200)  # 0.5 %
    assert result.percent["confidence"] == Decimal("0.50")
    result = tally_subject(SubjectCounts(confidence=1), collected=400)  # 0.25 %
    assert result.percent["confidence"] == Decimal("0.25")
    result = tally_subject(SubjectCounts(confidence=1), collected=800)  # 0.125 → 0.13
    assert result.percent["confidence"] == Decimal("0.13")


def test_round_is_suppressed_below_the_minimum_and_checks_counts():
    figures = RoundFigures(summoned=10, present=8, issued=8, collected=4)
    result = tally_round(figures, [SubjectCounts(1, 3)], min_ballots=5)
    assert result.suppressed and result.subjects == ()
    figures = RoundFigures(summoned=10, present=8, issued=8, collected=6)
    result = tally_round(figures, [SubjectCounts(3, 3), SubjectCounts(2, 4)], min_ballots=5)
    assert [s.dismissal for s in result.subjects] == [False, True]
    assert result.base == 6
    with pytest.raises(ValueError):
        tally_subject(SubjectCounts(5, 5), collected=6)
    with pytest.raises(ValueError):
        SubjectCounts.from_mapping({"low": 1})


def test_counts_as_a_dict_in_ballot_order():
    counts = SubjectCounts(confidence=3, no_confidence=4)
    assert counts.as_dict() == {"confidence": 3, "no_confidence": 4}
    assert list(counts.as_dict()) == ["confidence", "no_confidence"]
    assert counts.valid == 7


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"confidence": 2, "no_confidence": 5}, SubjectCounts(2, 5)),
        ({"no_confidence": 5}, SubjectCounts(0, 5)),
        ({"confidence": 2}, SubjectCounts(2, 0)),
        ({}, SubjectCounts(0, 0)),
    ],
)
def test_from_mapping_missing_levels_are_zero(mapping, expected):
    assert SubjectCounts.from_mapping(mapping) == expected


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"high": 1}, "unknown levels: ['high']"),
        ({"low": 1, "confidence": 2, "abstain": 0}, "unknown levels: ['abstain', 'low']"),
        ({"No_confidence": 1}, "unknown levels: ['No_confidence']"),
    ],
)
def test_from_mapping_names_the_unknown_levels(mapping, message):
    with pytest.raises(ValueError) as caught:
        SubjectCounts.from_mapping(mapping)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("counts", "collected", "message"),
    [
        (SubjectCounts(-1, 3), 10, "counts cannot be negative"),
        (SubjectCounts(3, -1), 10, "counts cannot be negative"),
        (SubjectCounts(6, 5), 10, "11 valid marks exceed 10 ballots collected"),
        (SubjectCounts(0, 1), 0, "1 valid marks exceed 0 ballots collected"),
    ],
)
def test_tally_subject_refuses_impossible_counts(counts, collected, message):
    with pytest.raises(ValueError) as caught:
        tally_subject(counts, collected)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("no", "collected", "no_percent", "dismissal"),
    [
        (13333, 20000, "66.67", True),  # 66.665: half-up from integers
        (10000, 20000, "50.00", False),  # exactly half
        (10001, 20000, "50.01", True),  # 50.005 → 50.01; over half
        (9999, 20000, "50.00", False),  # 49.995 → 50.00 shown, yet under half
        (1, 3, "33.33", False),
        (2, 3, "66.67", True),
    ],
)
def test_percent_half_up_and_dismissal_decided_by_integers(no, collected, no_percent, dismissal):
    result = tally_subject(SubjectCounts(no_confidence=no), collected)
    assert str(result.percent["no_confidence"]) == no_percent
    assert result.dismissal is dismissal
    assert result.percent["confidence"] == Decimal("0.00")
    assert (result.valid, result.invalid) == (no, collected - no)


@pytest.mark.parametrize(
    ("collected", "min_ballots", "suppressed"),
    [(5, 5, False), (4, 5, True), (0, 5, True), (0, 0, False), (1, 1, False)],
)
def test_suppression_at_the_minimum(collected, min_ballots, suppressed):
    figures = RoundFigures(summoned=None, present=None, issued=collected, collected=collected)
    result = tally_round(figures, [SubjectCounts(no_confidence=collected)],
                         min_ballots=min_ballots)
    assert result.suppressed is suppressed and result.min_ballots == min_ballots
    assert result.base == collected
    if suppressed:
        assert result.subjects == ()
    else:
        [subject] = result.subjects
        assert subject.dismissal is (collected > 0)  # all "không tín nhiệm"; none of nothing
        assert subject.percent["no_confidence"] == (Decimal("100.00") if collected
                                                    else Decimal("0.00"))
