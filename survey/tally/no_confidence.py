"""Tally of a confidence vote (bỏ phiếu tín nhiệm): two levels per subject.

Same per-line validity as the poll (a blank line is invalid for that subject only);
percentages are of the ballots collected; dismissal is proposed when more than half of the
ballots collected say "không tín nhiệm" (``2*no > collected``, exactly half is not enough).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from survey.tally.confidence import LevelCounts, RoundFigures, percent


class Level(StrEnum):
    """The two marks a ballot line can carry, in ballot order."""

    confidence = "confidence"  # Tín nhiệm
    no_confidence = "no_confidence"  # Không tín nhiệm


@dataclass(frozen=True)
class SubjectCounts(LevelCounts):
    """A confidence vote's valid marks for one subject."""

    levels = Level
    confidence: int = 0
    no_confidence: int = 0


@dataclass(frozen=True)
class SubjectResult:
    counts: SubjectCounts
    valid: int
    #: Ballots collected whose line for this subject was blank.
    invalid: int
    #: Percentage of the ballots collected per level, 2 places, rounded half-up.
    percent: dict[str, Decimal]
    #: More than half of the ballots collected say "không tín nhiệm".
    dismissal: bool


@dataclass(frozen=True)
class RoundResult:
    figures: RoundFigures
    #: The ballots collected: what percentages and the dismissal rule are taken of.
    base: int
    min_ballots: int
    #: True when fewer ballots than ``min_ballots`` were collected: no figure may be shown.
    suppressed: bool
    #: One result per subject in ballot order; empty when suppressed.
    subjects: tuple[SubjectResult, ...]


def dismissal_proposed(no: int, collected: int) -> bool:
    """``2*no > collected``: over half of the ballots collected, in integers."""
    return collected > 0 and 2 * no > collected


def tally_subject(counts: SubjectCounts, collected: int) -> SubjectResult:
    """:raises ValueError: if the counts are negative or exceed the ballots collected."""
    if min(counts.confidence, counts.no_confidence) < 0:
        raise ValueError("counts cannot be negative")
    if counts.valid > collected:
        raise ValueError(f"{counts.valid} valid marks exceed {collected} ballots collected")
    return SubjectResult(
        counts=counts,
        valid=counts.valid,
        invalid=collected - counts.valid,
        percent={level.value: percent(getattr(counts, level.value), collected) for level in Level},
        dismissal=dismissal_proposed(counts.no_confidence, collected),
    )


def tally_round(
    figures: RoundFigures, subjects: Iterable[SubjectCounts], *, min_ballots: int = 5
) -> RoundResult:
    """Tally every subject, in ballot order; below ``min_ballots`` nothing per subject."""
    suppressed = figures.collected < min_ballots
    results = (
        () if suppressed else tuple(tally_subject(c, figures.collected) for c in subjects)
    )
    return RoundResult(
        figures=figures,
        base=figures.collected,
        min_ballots=min_ballots,
        suppressed=suppressed,
        subjects=results,
    )
