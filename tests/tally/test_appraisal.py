"""The pure appraisal tally: medians, majorities, quota, cohort, suppression."""

from __future__ import annotations

from decimal import Decimal

import pytest

from survey.tally.appraisal import (
    Cohort,
    GroupFigures,
    Level,
    QuotaGroup,
    Stats,
    SubjectInput,
    check_quota,
    contradicts,
    level_for_score,
    majority,
    mean,
    median,
    percent,
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
    assert hidden.suppressed and hidden.raters is None  # not even how many rated
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


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (13333, 20000, "66.67"),  # 66.665: half-up from integers, where a float gives 66.66
        (2, 3, "66.67"),
        (1, 3, "33.33"),
        (1, 8, "12.50"),
        (1, 800, "0.13"),  # 0.125
        (5, 5, "100.00"),
        (0, 4, "0.00"),
        (0, 0, "0.00"),  # nobody rated: no division
        (3, 0, "0.00"),
    ],
)
def test_percent_two_places_half_up(part, whole, expected):
    assert str(percent(part, whole)) == expected


@pytest.mark.parametrize(
    ("totals", "median_total", "level"),
    [
        ([89, 90], "89.50", Level.good),  # the median falls short of 90
        ([90, 90], "90.00", Level.excellent),
        ([69, 70, 71], "70.00", Level.good),
        ([49, 50], "49.50", Level.failed),
        ([50], "50.00", Level.completed),
        ([0, 100, 40], "40.00", Level.failed),
    ],
)
def test_median_level_at_the_band_edges(totals, median_total, level):
    rating = rate_subject(SubjectInput("", {"good": len(totals)}, totals=totals), min_raters=1)
    assert rating.total == Stats(len(totals), mean(totals), Decimal(median_total))
    assert rating.median_level is level


@pytest.mark.parametrize(
    ("raters", "min_raters", "suppressed"),
    [(3, 3, False), (2, 3, True), (0, 3, True), (0, 1, True), (1, 1, False), (10, 11, True)],
)
def test_minimum_raters_exactly(raters, min_raters, suppressed):
    rating = rate_subject(SubjectInput("A", {"good": raters}, totals=[80] * raters),
                          min_raters=min_raters)
    assert (rating.suppressed, rating.raters) == (suppressed, None if suppressed else raters)
    if suppressed:
        assert (rating.counts, rating.percent, rating.general, rating.tasks, rating.total,
                rating.median_level, rating.majority) == (None, None, None, None, None, None, ())
        assert rating.rating is None and not rating.tied
    else:
        assert rating.counts == {"excellent": 0, "good": raters, "completed": 0, "failed": 0}
        assert rating.rating is Level.good


def test_nothing_shown_gives_zero_shares_and_no_quota_share():
    result = tally_appraisal([_subject("A", "excellent", 2, 95), _subject("B", "good", 1)],
                             min_raters=3)
    assert (result.shown, result.suppressed) == (0, 2)
    assert result.cohort == Cohort(subjects=0, completed_or_better=0, good_or_better=0,
                                   excellent=0, undecided=0,
                                   percent={"completed_or_better": Decimal("0.00"),
                                            "good_or_better": Decimal("0.00"),
                                            "excellent": Decimal("0.00")})
    [quota] = result.quota  # the whole round: one figure, all zeros
    assert (quota.group, quota.excellent, quota.good, quota.allowed, quota.share,
            quota.breach) == ("", 0, 0, 0, None, False)
    assert tally_appraisal([], min_raters=3, quota_group="unit").quota == ()


def test_quota_per_unit_in_first_seen_order_with_its_own_share():
    subjects = [_subject("Phòng B", "good", 3), _subject("Phòng A", "excellent", 3),
                _subject("Phòng B", "excellent", 3), _subject("Phòng A", "good", 4)]
    subjects += [_subject("Phòng B", "good", 3)] * 4
    result = tally_appraisal(subjects, min_raters=3, quota_group=QuotaGroup.unit)
    assert result.quota_group is QuotaGroup.unit
    assert [(q.group, q.excellent, q.good, q.allowed, q.share, q.breach)
            for q in result.quota] == [
        ("Phòng B", 1, 5, 1, Decimal("20.00"), False),  # exactly 20%: allowed
        ("Phòng A", 1, 1, 0, Decimal("100.00"), True),
    ]
    whole = tally_appraisal(subjects, min_raters=3, quota_percent=30)
    [quota] = whole.quota
    # 2 excellent of 6 good: 33.33% > 30%; floor(6 * 30 / 100) = 1 allowed
    assert (quota.excellent, quota.good, quota.allowed, quota.share, quota.breach) == (
        2, 6, 1, Decimal("33.33"), True)
    assert whole.quota_percent == 30 and whole.min_raters == 3


def test_an_unknown_quota_group_is_an_error():
    with pytest.raises(ValueError):
        tally_appraisal([], quota_group="team")


@pytest.mark.parametrize(
    ("level", "general", "tasks", "expected"),
    [
        (Level.good, 30, 60, Level.excellent),  # 90
        ("good", 30, 59, None),  # 89: good, as proposed
        ("failed", 0, 49, None),
        ("failed", 0, 50, Level.completed),
        ("excellent", 0, 0, Level.failed),
        (Level.completed, 20, 49, None),  # 69
        ("completed", None, None, None),
    ],
)
def test_contradiction_table(level, general, tasks, expected):
    assert contradicts(level, general, tasks) is expected


def test_contradiction_of_an_unknown_level_is_an_error():
    with pytest.raises(ValueError):
        contradicts("best", 30, 70)


def test_a_subject_nobody_rated_with_no_minimum_is_shown_undecided():
    rating = rate_subject(SubjectInput("A", {}), min_raters=0)
    assert (rating.suppressed, rating.raters, rating.majority, rating.rating) == (
        False, 0, (), None)
    assert rating.percent == dict.fromkeys(("excellent", "good", "completed", "failed"),
                                           Decimal("0.00"))
    figures = GroupFigures.of([rating])
    assert (figures.subjects, figures.undecided) == (1, 1)
    assert figures.undecided_at_least == {"excellent": 0, "good": 0, "completed": 0,
                                          "failed": 0}
    assert Cohort.of(figures).completed_or_better == 0
