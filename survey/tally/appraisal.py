"""Tally of a peer appraisal (đánh giá, xếp loại chất lượng): levels, scores, quota, cohort.

Pure functions over what the database counted: each subject's levels and the scores given to
it. Exact arithmetic (:class:`~decimal.Decimal` from integers), 2 decimals, half-up. A subject
rated by fewer than ``min_raters`` people is *suppressed*: it gets no figure here, and it is
left out of every group figure and of the cohort summary, so that no shown total can be
subtracted from another to recover it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

TWO_PLACES = Decimal("0.01")

#: Score ranges of the 100-point frame (Regulation 366-QĐ/TW, Decree 335/2025/NĐ-CP).
GENERAL_MAX = 30
TASKS_MAX = 70


class Level(StrEnum):
    """The proposed levels, best first."""

    excellent = "excellent"  # Hoàn thành xuất sắc nhiệm vụ
    good = "good"  # Hoàn thành tốt nhiệm vụ
    completed = "completed"  # Hoàn thành nhiệm vụ
    failed = "failed"  # Không hoàn thành nhiệm vụ


class QuotaGroup(StrEnum):
    """Where the quota of excellent is counted: the whole round, or each unit."""

    round = "round"
    unit = "unit"


def level_for_score(total: Decimal | int) -> Level:
    """The level a total score (general + tasks, 0–100) falls in (docs/rules.md#levels-by-score)."""
    if total >= 90:
        return Level.excellent
    if total >= 70:
        return Level.good
    if total >= 50:
        return Level.completed
    return Level.failed


def contradicts(level: Level | str, general: int | None, tasks: int | None) -> Level | None:
    """The score's level when both scores are given and it differs from ``level``."""
    if general is None or tasks is None:
        return None
    by_score = level_for_score(general + tasks)
    return by_score if by_score != Level(level) else None


def percent(part: int, whole: int) -> Decimal:
    """``part / whole`` as a percentage, 2 decimals, half-up, from integers."""
    if whole == 0:
        return Decimal("0.00")
    return (Decimal(100 * part) / Decimal(whole)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def mean(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )


def median(values: Sequence[int]) -> Decimal | None:
    """The middle value; of an even count, the mean of the two middle values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        value = Decimal(ordered[middle])
    else:
        value = Decimal(ordered[middle - 1] + ordered[middle]) / 2
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def majority(counts: Mapping[str, int]) -> tuple[Level, ...]:
    """The most proposed level(s), best first; more than one is a tie, never broken here."""
    top = max((counts.get(level.value, 0) for level in Level), default=0)
    if top == 0:
        return ()
    return tuple(level for level in Level if counts.get(level.value, 0) == top)


@dataclass(frozen=True)
class SubjectInput:
    """What the database holds about one subject's lines (skipped lines are not here)."""

    unit: str
    #: ``{"excellent": n, ...}``: how many raters proposed each level.
    levels: Mapping[str, int]
    #: Every general score given (0–30), every tasks score (0–70), and the totals of the
    #: lines that gave both (a line with one score has no total).
    general: Sequence[int] = ()
    tasks: Sequence[int] = ()
    totals: Sequence[int] = ()

    @property
    def raters(self) -> int:
        return sum(self.levels.values())


@dataclass(frozen=True)
class Stats:
    count: int
    mean: Decimal | None
    median: Decimal | None

    @classmethod
    def of(cls, values: Sequence[int]) -> Stats:
        return cls(len(values), mean(values), median(values))


@dataclass(frozen=True)
class SubjectRating:
    """One subject's figures; every figure is ``None`` when suppressed, the number of raters
    too (it would say how many gave an opinion of someone the minimum protects)."""

    unit: str
    raters: int | None
    suppressed: bool
    counts: dict[str, int] | None = None
    percent: dict[str, Decimal] | None = None
    general: Stats | None = None
    tasks: Stats | None = None
    total: Stats | None = None
    #: The level the median total falls in (``None`` without any total).
    median_level: Level | None = None
    #: The most proposed level(s); two or more is a tie.
    majority: tuple[Level, ...] = ()

    @property
    def tied(self) -> bool:
        return len(self.majority) > 1

    @property
    def rating(self) -> Level | None:
        """The level counted in group figures: the majority, when there is one."""
        return self.majority[0] if len(self.majority) == 1 else None


def rate_subject(data: SubjectInput, *, min_raters: int) -> SubjectRating:
    raters = data.raters
    if raters < min_raters:
        return SubjectRating(unit=data.unit, raters=None, suppressed=True)
    counts = {level.value: int(data.levels.get(level.value, 0)) for level in Level}
    total = Stats.of(data.totals)
    return SubjectRating(
        unit=data.unit,
        raters=raters,
        suppressed=False,
        counts=counts,
        percent={key: percent(n, raters) for key, n in counts.items()},
        general=Stats.of(data.general),
        tasks=Stats.of(data.tasks),
        total=total,
        median_level=None if total.median is None else level_for_score(total.median),
        majority=majority(counts),
    )


@dataclass(frozen=True)
class GroupFigures:
    """Subjects shown in a group, by the level counted for each (:attr:`SubjectRating.rating`).

    ``undecided`` are shown subjects whose majority is a tie: they are counted in ``subjects``
    but under no level. Suppressed subjects are not counted anywhere.
    """

    subjects: int
    levels: dict[str, int]
    undecided: int
    #: The undecided subjects by the worst of their tied levels: a tie of "excellent" and
    #: "good" is good or better whichever way the competent level decides it.
    undecided_at_least: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, ratings: Iterable[SubjectRating]) -> GroupFigures:
        shown = [r for r in ratings if not r.suppressed]
        levels = {level.value: 0 for level in Level}
        at_least = {level.value: 0 for level in Level}
        undecided = 0
        order = list(Level)
        for rating in shown:
            if rating.rating is None:
                undecided += 1
                if rating.majority:
                    worst = max(rating.majority, key=order.index)
                    at_least[worst.value] += 1
            else:
                levels[rating.rating.value] += 1
        return cls(subjects=len(shown), levels=levels, undecided=undecided,
                   undecided_at_least=at_least)


@dataclass(frozen=True)
class QuotaCheck:
    """Excellent may be at most ``quota_percent`` % of good in the group; flagged, not fixed."""

    group: str  # "" for the whole round, else the unit's name
    excellent: int
    good: int
    quota_percent: int
    #: The most excellent the quota allows: ``floor(good * quota_percent / 100)``.
    allowed: int
    #: ``excellent`` as a percentage of ``good`` (``None`` when no one is good).
    share: Decimal | None
    breach: bool


def check_quota(group: str, figures: GroupFigures, quota_percent: int) -> QuotaCheck:
    excellent, good = figures.levels["excellent"], figures.levels["good"]
    return QuotaCheck(
        group=group,
        excellent=excellent,
        good=good,
        quota_percent=quota_percent,
        allowed=good * quota_percent // 100,
        share=percent(excellent, good) if good else None,
        breach=100 * excellent > quota_percent * good,  # integers: 20% exactly is allowed
    )


@dataclass(frozen=True)
class Cohort:
    """Shares of the shown subjects, as committees report them."""

    subjects: int
    completed_or_better: int
    good_or_better: int
    excellent: int
    undecided: int
    percent: dict[str, Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, figures: GroupFigures) -> Cohort:
        levels = figures.levels
        tied = {level.value: figures.undecided_at_least.get(level.value, 0) for level in Level}
        counts = {
            "completed_or_better": levels["excellent"] + levels["good"] + levels["completed"]
            + tied["good"] + tied["completed"],  # a tie's worst level is never "excellent"
            "good_or_better": levels["excellent"] + levels["good"] + tied["good"],
            "excellent": levels["excellent"],
        }
        return cls(
            subjects=figures.subjects,
            undecided=figures.undecided,
            percent={key: percent(n, figures.subjects) for key, n in counts.items()},
            **counts,
        )


@dataclass(frozen=True)
class AppraisalResult:
    subjects: tuple[SubjectRating, ...]
    min_raters: int
    quota_percent: int
    quota_group: QuotaGroup
    #: Quota per group: one entry for the round, or one per unit (in first-seen order).
    quota: tuple[QuotaCheck, ...]
    cohort: Cohort
    #: Subjects shown / held back below the minimum.
    shown: int
    suppressed: int


def tally_appraisal(
    subjects: Iterable[SubjectInput],
    *,
    min_raters: int = 3,
    quota_percent: int = 20,
    quota_group: QuotaGroup | str = QuotaGroup.round,
) -> AppraisalResult:
    """Rate every subject (in the order given), check the quota, and sum up the cohort."""
    ratings = tuple(rate_subject(s, min_raters=min_raters) for s in subjects)
    group = QuotaGroup(quota_group)
    if group is QuotaGroup.round:
        quota: tuple[QuotaCheck, ...] = (
            check_quota("", GroupFigures.of(ratings), quota_percent),
        )
    else:
        units: dict[str, list[SubjectRating]] = {}
        for rating in ratings:
            units.setdefault(rating.unit, []).append(rating)
        # a unit with no shown subject has no figure at all (not even zeros)
        quota = tuple(
            check_quota(unit, GroupFigures.of(members), quota_percent)
            for unit, members in units.items()
            if any(not r.suppressed for r in members)
        )
    suppressed = sum(r.suppressed for r in ratings)
    return AppraisalResult(
        subjects=ratings,
        min_raters=min_raters,
        quota_percent=quota_percent,
        quota_group=group,
        quota=quota,
        cohort=Cohort.of(GroupFigures.of(ratings)),
        shown=len(ratings) - suppressed,
        suppressed=suppressed,
    )
