"""The confidence vote's tally: two levels, dismissal over half of the ballots collected."""

from __future__ import annotations

from decimal import Decimal

import pytest

from survey.tally.confidence import RoundFigures
from survey.tally.no_confidence import (
    SubjectCounts,
    dismissal_proposed,
    tally_round,
    tally_subject,
)


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
