"""Tally of a confidence poll (lấy phiếu tín nhiệm): three levels per subject."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import ClassVar, Self


class Level(StrEnum):
    """The three marks a ballot line can carry, in ballot order."""

    high = "high"  # Tín nhiệm cao
    confidence = "confidence"  # Tín nhiệm
    low = "low"  # Tín nhiệm thấp


class Band(StrEnum):
    """Threshold bands on the share of "low" (docs/rules.md#low-confidence-bands); exactly 50%
    is in neither."""

    over_half_low = "over_half_low"
    two_thirds_low = "two_thirds_low"


class Denominator(StrEnum):
    """Which count percentages and bands are taken of."""

    collected = "collected"
    present = "present"
    summoned = "summoned"


@dataclass(frozen=True)
class LevelCounts:
    """Valid marks for one subject, a field per level of ``levels``; a blank line is counted
    nowhere here. Each kind whose ballot is one level per subject subclasses it."""

    levels: ClassVar[type[StrEnum]]

    @property
    def valid(self) -> int:
        return sum(self.as_dict().values())

    def as_dict(self) -> dict[str, int]:
        return {level.value: getattr(self, level.value) for level in self.levels}

    @classmethod
    def from_mapping(cls, counts: Mapping[str, int]) -> Self:
        """Build from ``{level: n, ...}``; unknown keys are an error, missing ones are 0."""
        unknown = set(counts) - {level.value for level in cls.levels}
        if unknown:
            raise ValueError(f"unknown levels: {sorted(unknown)}")
        return cls(**{key: int(value) for key, value in counts.items()})


@dataclass(frozen=True)
class SubjectCounts(LevelCounts):
    """A confidence poll's valid marks for one subject."""

    levels = Level
    high: int = 0
    confidence: int = 0
    low: int = 0


@dataclass(frozen=True)
class RoundFigures:
    """The separately kept counts of a round (docs/rules.md#counts-kept-apart)."""

    summoned: int | None
    present: int | None
    issued: int
    collected: int


@dataclass(frozen=True)
class SubjectResult:
    counts: SubjectCounts
    valid: int
    #: Ballots collected whose line for this subject was blank (or, on paper, over-marked).
    invalid: int
    #: Percentage of the denominator per level, 2 places, rounded half-up.
    percent: dict[str, Decimal]
    band: Band | None


@dataclass(frozen=True)
class RoundResult:
    figures: RoundFigures
    denominator: Denominator
    #: The value percentages are taken of.
    base: int
    min_ballots: int
    #: True when fewer ballots than ``min_ballots`` were collected: no figure may be shown.
    suppressed: bool
    #: One result per subject in ballot order; empty when suppressed.
    subjects: tuple[SubjectResult, ...]


_CENT = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal:
    """``part / whole`` as a percentage with 2 decimals, rounded half-up, from exact integers."""
    if whole <= 0:
        return Decimal("0.00")
    return (Decimal(100 * part) / Decimal(whole)).quantize(_CENT, rounding=ROUND_HALF_UP)


def band(low: int, denominator: int) -> Band | None:
    """The threshold band of ``low`` marks out of ``denominator``, in integer arithmetic."""
    if denominator <= 0:
        return None
    if 3 * low >= 2 * denominator:  # two thirds or more: no float edge at 66.67%
        return Band.two_thirds_low
    if 2 * low > denominator:  # over half; exactly half is in neither band
        return Band.over_half_low
    return None


def base_of(denominator: Denominator, figures: RoundFigures) -> int:
    """The count that ``denominator`` names; an unrecorded count is 0 (no percentages)."""
    value = getattr(figures, denominator.value)
    return value or 0


def tally_subject(counts: SubjectCounts, collected: int, base: int) -> SubjectResult:
    """Result for one subject: ``collected`` ballots, percentages of ``base``.

    :raises ValueError: if the counts are negative or exceed the ballots collected.
    """
    if min(counts.high, counts.confidence, counts.low) < 0:
        raise ValueError("counts cannot be negative")
    if counts.valid > collected:
        raise ValueError(f"{counts.valid} valid marks exceed {collected} ballots collected")
    return SubjectResult(
        counts=counts,
        valid=counts.valid,
        invalid=collected - counts.valid,
        percent={level.value: percent(getattr(counts, level.value), base) for level in Level},
        band=band(counts.low, base),
    )


def tally_round(
    figures: RoundFigures,
    subjects: Iterable[SubjectCounts],
    *,
    denominator: Denominator = Denominator.collected,
    min_ballots: int = 5,
) -> RoundResult:
    """Tally every subject of a round, in the order given (ballot order).

    Below ``min_ballots`` collected ballots nothing per subject is computed, so nothing can leak.
    """
    base = base_of(denominator, figures)
    suppressed = figures.collected < min_ballots
    results = (
        ()
        if suppressed
        else tuple(tally_subject(counts, figures.collected, base) for counts in subjects)
    )
    return RoundResult(
        figures=figures,
        denominator=denominator,
        base=base,
        min_ballots=min_ballots,
        suppressed=suppressed,
        subjects=results,
    )
