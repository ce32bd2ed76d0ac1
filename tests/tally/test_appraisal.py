"""The pure appraisal tally: medians, majorities, quota, cohort, suppression."""

from __future__ import annotations

from decimal import Decimal

import pytest

from survey.tally.appraisal import (
    Cohort,
    GroupFigures,
    Level,
    SubjectInput,
    check_quota,
    contradicts,
    level_for_score,
    majority,
    mean,
    median,
    rate_subject,
    tally_appraisal,
)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([7], "7.00"),
        ([3, 1, 2], "2.00"),
        ([4, 1, 3, 2], "2.50"),  # even count: mean of the two middle values
        ([90, 70], "80.00"),
        ([89, 90, 10, 100], "89.50"),
        ([1, 2], "1.50"),
    ],
)
def test_median(values, expected):
    assert median(values) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1, 2, 2], "1.67"), ([1, 2], "1.50"), ([2, 2, 2, 1, 1, 1, 1, 1], "1.38"),
     ([0], "0.00"), ([], None)],
)
def test_mean_is_exact_and_rounded_half_up(values, expected):
    # 11/8 = 1.375 → 1.38 (half-up), never a float's 1.37
    assert mean(values) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(
    ("total", "level"),
    [(100, Level.excellent), (90, Level.excellent), (89, Level.good), (70, Level.good),
     (69, Level.completed), (50, Level.completed), (49, Level.failed), (0, Level.failed),
     (Decimal("89.50"), Level.good), (Decimal("49.99"), Level.failed)],
)
def test_score_bands(total, level):
    assert level_for_score(total) is level


def test_contradiction_only_with_both_scores():
    assert contradicts("excellent", 20, 30) is Level.completed
    assert contradicts("completed", 20, 30) is None
    assert contradicts("excellent", None, 70) is None
    assert contradicts("good", 30, None) is None


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"good": 3, "excellent": 1}, (Level.good,)),
        ({"good": 2, "excellent": 2}, (Level.excellent, Level.good)),  # a tie, reported
        ({"completed": 1, "failed": 1, "good": 1}, (Level.good, Level.completed, Level.failed)),
        ({}, ()),
    ],
)
def test_majority_reports_ties(counts, expected):
    assert majority(counts) == expected


def test_tied_subject_is_counted_under_no_level():
    rating = rate_subject(SubjectInput("A", {"good": 2, "excellent": 2}), min_raters=3)
    assert rating.tied and rating.rating is None
    figures = GroupFigures.of([rating])
    assert figures.subjects == 1 and figures.undecided == 1
    assert sum(figures.levels.values()) == 0


def test_subject_figures():
    data = SubjectInput(
        "Phòng A", {"excellent": 1, "good": 2, "completed": 1},
        general=[25, 28, 20], tasks=[60, 65, 40, 50], totals=[85, 93, 60],
    )
    r = rate_subject(data, min_raters=3)
    assert r.raters == 4 and not r.suppressed
    assert r.counts == {"excellent": 1, "good": 2, "completed": 1, "failed": 0}
    assert r.percent == {"excellent": Decimal("25.00"), "good": Decimal("50.00"),
                         "completed": Decimal("25.00"), "failed": Decimal("0.00")}
    assert (r.general.mean, r.general.median) == (Decimal("24.33"), Decimal("25.00"))
    assert (r.tasks.mean, r.tasks.median) == (Decimal("53.75"), Decimal("55.00"))
    assert r.total.count == 3 and r.total.median == Decimal("85.00")
    assert r.median_level is Level.good
    assert r.majority == (Level.good,)


def test_no_scores_no_median_level():
    r = rate_subject(SubjectInput("", {"good": 3}), min_raters=3)
    assert r.total.median is None and r.median_level is None and r.general.count == 0


@pytest.mark.parametrize(
    ("excellent", "good", "breach", "allowed"),
    [
        (1, 5, False, 1),  # exactly 20%: allowed
        (2, 10, False, 2),  # exactly 20%
        (2, 9, True, 1),  # 22.22%
        (1, 4, True, 0),  # 25%
        (0, 0, False, 0),
        (1, 0, True, 0),  # any excellent with no good is over the quota
    ],
)
def test_quota_at_the_edge(excellent, good, breach, allowed):
    figures = GroupFigures(subjects=excellent + good,
                           levels={"excellent": excellent, "good": good, "completed": 0,
                                   "failed": 0},
                           undecided=0)
    check = check_quota("", figures, 20)
    assert check.breach is breach
    assert check.allowed == allowed


def test_quota_percent_is_configurable():
    figures = GroupFigures(subjects=13, levels={"excellent": 3, "good": 10, "completed": 0,
                                                "failed": 0}, undecided=0)
    assert check_quota("", figures, 20).breach
    assert not check_quota("", figures, 30).breach
    assert check_quota("", figures, 30).share == Decimal("30.00")


def _subject(unit, level, n=3, total=None):
    return SubjectInput(unit, {level: n}, totals=[total] * n if total is not None else ())


def test_suppression_below_the_minimum_everywhere():
    subjects = [
        _subject("A", "excellent", 3, 95),
        _subject("A", "good", 3, 80),
        _subject("B", "excellent", 2, 95),  # two raters: suppressed
        _subject("B", "good", 5, 75),
    ]
    result = tally_appraisal(subjects, min_raters=3, quota_group="unit")
    hidden = result.subjects[2]
    assert hidden.suppressed and hidden.raters == 2
    assert hidden.counts is None and hidden.percent is None and hidden.total is None
    assert hidden.majority == () and hidden.median_level is None
    assert result.shown == 3 and result.suppressed == 1
    units = {q.group: q for q in result.quota}
    assert (units["B"].excellent, units["B"].good) == (0, 1)  # the hidden excellent is not here
    assert result.cohort.subjects == 3 and result.cohort.excellent == 1


def test_group_with_only_suppressed_subjects_has_no_figure():
    subjects = [_subject("A", "good", 4), _subject("B", "excellent", 1)]
    result = tally_appraisal(subjects, min_raters=3, quota_group="unit")
    assert [q.group for q in result.quota] == ["A"]


@pytest.mark.parametrize("group", ["round", "unit"])
def test_shown_totals_do_not_change_with_a_suppressed_subject(group):
    """Differencing: whatever the suppressed subject got, every shown total is the same."""
    base = [_subject("A", "good", 3, 80), _subject("A", "excellent", 4, 92),
            _subject("B", "completed", 3, 60)]
    results = [
        tally_appraisal([*base, SubjectInput("B", levels, totals=totals)], min_raters=3,
                        quota_group=group)
        for levels, totals in [({"excellent": 2}, [95, 99]), ({"failed": 2}, [10, 20]),
                               ({}, [])]
    ]
    first = results[0]
    for other in results[1:]:
        assert other.quota == first.quota
        assert other.cohort == first.cohort
        assert other.subjects[:3] == first.subjects[:3]


def test_cohort_shares():
    figures = GroupFigures(subjects=10, levels={"excellent": 1, "good": 6, "completed": 2,
                                                "failed": 0}, undecided=1)
    cohort = Cohort.of(figures)
    assert cohort.percent == {"completed_or_better": Decimal("90.00"),
                              "good_or_better": Decimal("70.00"),
                              "excellent": Decimal("10.00")}
    assert cohort.undecided == 1


def test_a_tie_counts_in_or_better_by_its_worst_level():
    def rated(**counts):
        return rate_subject(SubjectInput("", counts), min_raters=1)

    figures = GroupFigures.of([rated(excellent=2, good=2), rated(good=3), rated(completed=3),
                               rated(good=1, failed=1)])
    cohort = Cohort.of(figures)
    assert (figures.subjects, figures.undecided) == (4, 2)
    assert cohort.completed_or_better == 3  # excellent/good tie, good, completed
    assert cohort.good_or_better == 2  # excellent/good tie, good
    assert cohort.excellent == 0  # a tie is never counted as excellent
    assert cohort.percent["good_or_better"] == Decimal("50.00")
