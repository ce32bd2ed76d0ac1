"""Unit tests for the confidence-poll tally (docs/rules.md#confidence-poll); no app is built."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.tally.confidence import (
    Band,
    Denominator,
    Level,
    RoundFigures,
    SubjectCounts,
    band,
    percent,
    tally_round,
    tally_subject,
)

CENT = Decimal("0.01")


def exact_half_up(part: int, whole: int) -> Decimal:
    """The reference: the exact quotient, quantized half-up to 2 places."""
    return (Decimal(100 * part) / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


# -- percent() -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (2, 3, "66.67"),
        (1, 3, "33.33"),
        (1, 8, "12.50"),
        (1, 16, "6.25"),
        (1, 200, "0.50"),
        (1, 400, "0.25"),
        (3, 800, "0.38"),  # 0.375: up under every rule
        (0, 37, "0.00"),
        (37, 37, "100.00"),
        (20, 37, "54.05"),
        (1, 0, "0.00"),  # no ballots: 0.00, never a ZeroDivisionError
        (0, 0, "0.00"),
    ],
)
def test_percent_two_places(part, whole, expected):
    result = percent(part, whole)
    assert isinstance(result, Decimal)
    assert str(result) == expected  # value and exactly two places


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 800, "0.13"),  # 0.125
        (5, 800, "0.63"),  # 0.625
        (1, 32, "3.13"),  # 3.125
        (21, 32, "65.63"),  # 65.625
        (5, 4000, "0.13"),  # 0.125
        (201, 20000, "1.01"),  # 1.005, and the float 1.005 is below 1.005
    ],
)
def test_percent_half_up_not_bankers(part, whole, expected):
    """Exact ...5 at the third decimal goes up, where banker's rounding and float round() do not."""
    exact = Decimal(100 * part) / Decimal(whole)
    assert str(exact.quantize(CENT, rounding=ROUND_HALF_EVEN)) != expected
    assert round(100 * part / whole, 2) != float(expected)
    assert str(percent(part, whole)) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (3, 4000, "0.08"),  # 0.075: the float is 0.07499..., round() gives 0.07
        (43, 4000, "1.08"),  # 1.075
        (203, 20000, "1.02"),  # 1.015
    ],
)
def test_percent_exact_not_float(part, whole, expected):
    """Where half-even agrees with half-up, float division still rounds down: exact ints only."""
    assert round(100 * part / whole, 2) != float(expected)
    assert str(percent(part, whole)) == expected


# -- band() ----------------------------------------------------------------------------------

OVER = Band.over_half_low
TWO = Band.two_thirds_low


@pytest.mark.parametrize(
    ("low", "denominator", "expected"),
    [
        (0, 38, None),
        (19, 38, None),  # exactly 50%: in neither band
        (20, 38, OVER),  # just over half
        (25, 38, OVER),  # 75 < 76: just under two thirds
        (26, 38, TWO),  # 78 >= 76: just over two thirds
        (38, 38, TWO),  # 100%
        (19, 39, None),  # 38 < 39: under half
        (20, 39, OVER),
        (25, 39, OVER),  # 75 < 78
        (26, 39, TWO),  # exactly two thirds
        (27, 39, TWO),  # just over
        (18, 36, None),  # exactly half
        (23, 36, OVER),
        (24, 36, TWO),  # exactly two thirds
        (0, 1, None),
        (1, 1, TWO),
        (0, 2, None),
        (1, 2, None),  # exactly half
        (2, 2, TWO),
        (0, 3, None),
        (1, 3, None),
        (2, 3, TWO),  # no over_half value exists for 3
        (3, 3, TWO),
        (13333, 20000, OVER),  # shown as 66.67% yet under two thirds: the integer test decides
        (100001, 200000, OVER),  # shown as 50.00% yet over half
        (0, 0, None),  # nothing collected
    ],
)
def test_band_edges(low, denominator, expected):
    assert band(low, denominator) is expected


def test_band_is_decided_by_integers_not_by_the_shown_percent():
    assert str(percent(13333, 20000)) == "66.67"
    assert str(percent(100001, 200000)) == "50.00"


# -- tally_subject() -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "collected", "valid", "invalid"),
    [
        (SubjectCounts(high=30, confidence=10, low=6), 47, 46, 1),  # the 2023 provincial case
        (SubjectCounts(high=20, confidence=10, low=7), 37, 37, 0),
        (SubjectCounts(), 47, 0, 47),  # every line blank
        (SubjectCounts(), 0, 0, 0),
    ],
)
def test_tally_subject_valid_and_invalid(counts, collected, valid, invalid):
    result = tally_subject(counts, collected, collected)
    assert result.counts == counts
    assert (result.valid, result.invalid) == (valid, invalid)


def test_tally_subject_percent_of_collected_not_of_valid():
    result = tally_subject(SubjectCounts(high=30, confidence=10, low=6), 47, 47)
    assert result.percent == {
        "high": Decimal("63.83"),
        "confidence": Decimal("21.28"),
        "low": Decimal("12.77"),
    }
    assert sum(result.percent.values()) < 100  # the blank line counts in the base


@pytest.mark.parametrize(
    ("counts", "collected", "message"),
    [
        (SubjectCounts(high=20, confidence=10, low=8), 37, "exceed"),
        (SubjectCounts(high=1), 0, "exceed"),
        (SubjectCounts(high=-1, confidence=10, low=7), 37, "negative"),
        (SubjectCounts(high=20, confidence=-1, low=7), 37, "negative"),
        (SubjectCounts(high=20, confidence=10, low=-1), 37, "negative"),
    ],
)
def test_tally_subject_rejects_impossible_counts(counts, collected, message):
    with pytest.raises(ValueError, match=message):
        tally_subject(counts, collected, collected)


# -- tally_round() ---------------------------------------------------------------------------

FIGURES = RoundFigures(summoned=40, present=38, issued=38, collected=37)


def test_worked_example():
    """docs/rules.md#worked-example: 40 summoned, 38 present, 38 issued, 37 collected;
    20 / 10 / 7."""
    result = tally_round(FIGURES, [SubjectCounts(high=20, confidence=10, low=7)], min_ballots=5)
    assert result.denominator is Denominator.collected  # the default
    assert result.base == 37
    assert not result.suppressed
    [subject] = result.subjects
    assert subject.percent == {
        "high": Decimal("54.05"),
        "confidence": Decimal("27.03"),
        "low": Decimal("18.92"),
    }
    assert subject.band is None
    assert (subject.valid, subject.invalid) == (37, 0)


@pytest.mark.parametrize(
    ("denominator", "base", "low_percent", "expected_band"),
    [
        (Denominator.collected, 37, "67.57", TWO),  # 75 >= 74
        (Denominator.present, 38, "65.79", OVER),  # 75 < 76
        (Denominator.summoned, 40, "62.50", OVER),  # 75 < 80
    ],
)
def test_tally_round_denominator_sets_percent_and_band_base(
    denominator, base, low_percent, expected_band
):
    counts = SubjectCounts(high=7, confidence=5, low=25)
    result = tally_round(FIGURES, [counts], denominator=denominator, min_ballots=5)
    assert (result.denominator, result.base) == (denominator, base)
    [subject] = result.subjects
    assert subject.percent[Level.low] == Decimal(low_percent)
    assert subject.band is expected_band
    assert (subject.valid, subject.invalid) == (37, 0)  # validity is always of collected


@pytest.mark.parametrize(
    ("collected", "min_ballots", "suppressed"),
    [
        (4, 5, True),
        (5, 5, False),
        (0, 5, True),
        (2, 3, True),
        (3, 3, False),
    ],
)
def test_tally_round_minimum_ballots(collected, min_ballots, suppressed):
    figures = RoundFigures(summoned=40, present=38, issued=38, collected=collected)
    subjects = [SubjectCounts(high=collected), SubjectCounts(low=collected)]
    result = tally_round(figures, subjects, min_ballots=min_ballots)
    assert result.suppressed is suppressed
    assert result.min_ballots == min_ballots
    if suppressed:
        assert result.subjects == ()  # no figure at all, not even a zero
    else:
        assert [s.counts for s in result.subjects] == subjects


def test_tally_round_keeps_ballot_order():
    subjects = [
        SubjectCounts(high=30, confidence=5, low=2),
        SubjectCounts(high=1, confidence=6, low=30),
        SubjectCounts(high=10, confidence=20, low=5),
    ]
    result = tally_round(FIGURES, iter(subjects), min_ballots=5)  # any iterable, read once
    assert [s.counts for s in result.subjects] == subjects
    assert [s.band for s in result.subjects] == [None, TWO, None]


# -- SubjectCounts.from_mapping --------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"high": 20, "confidence": 10, "low": 7}, SubjectCounts(20, 10, 7)),
        ({"low": 3}, SubjectCounts(0, 0, 3)),
        ({"high": 2, "confidence": 1}, SubjectCounts(2, 1, 0)),
        ({}, SubjectCounts(0, 0, 0)),
    ],
)
def test_from_mapping_missing_levels_are_zero(mapping, expected):
    assert SubjectCounts.from_mapping(mapping) == expected


@pytest.mark.parametrize(
    "mapping",
    [
        {"abstain": 1},
        {"high": 1, "no_confidence": 2},
        {"High": 1},
    ],
)
def test_from_mapping_unknown_level_raises(mapping):
    with pytest.raises(ValueError, match="unknown levels"):
        SubjectCounts.from_mapping(mapping)


# -- property --------------------------------------------------------------------------------


@st.composite
def rounds(draw):
    """Figures with collected <= issued <= present <= summoned, and counts within collected."""
    collected = draw(st.integers(min_value=1, max_value=500))
    issued = collected + draw(st.integers(min_value=0, max_value=20))
    present = issued + draw(st.integers(min_value=0, max_value=20))
    summoned = present + draw(st.integers(min_value=0, max_value=50))
    subjects = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        valid = draw(st.integers(min_value=0, max_value=collected))
        high = draw(st.integers(min_value=0, max_value=valid))
        confidence = draw(st.integers(min_value=0, max_value=valid - high))
        subjects.append(SubjectCounts(high, confidence, valid - high - confidence))
    figures = RoundFigures(summoned=summoned, present=present, issued=issued, collected=collected)
    return figures, subjects, draw(st.sampled_from(Denominator))


@given(rounds())
def test_tally_matches_exact_integer_definitions(case):
    figures, subjects, denominator = case
    result = tally_round(figures, subjects, denominator=denominator, min_ballots=1)
    d = getattr(figures, denominator.value)
    assert result.base == d
    assert [s.counts for s in result.subjects] == subjects
    for subject in result.subjects:
        counts = subject.counts
        assert subject.valid == counts.valid <= figures.collected
        assert subject.invalid == figures.collected - counts.valid
        for level in Level:
            assert subject.percent[level] == exact_half_up(getattr(counts, level), d)
            assert subject.percent[level].as_tuple().exponent == -2
        low = counts.low
        if 3 * low >= 2 * d:
            assert subject.band is Band.two_thirds_low
        elif 2 * low > d and 3 * low < 2 * d:
            assert subject.band is Band.over_half_low
        else:
            assert subject.band is None
        shown = sum(subject.percent.values())
        assert abs(shown - Decimal(100 * counts.valid) / Decimal(d)) <= Decimal("0.02")
