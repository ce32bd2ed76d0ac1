"""Tally of a vote of agreement on people proposed for a post: Đồng ý / Không đồng ý per person.

Two kinds of round count this way (docs/rules.md#agreement-votes): the key cadres' conference of
an appointment procedure, whose shares inform the next conference and decide nothing
(*advisory*), and the leadership collective's vote, which decides (*decisive*): a person is
approved with more than half of the members (``2*agree > members``); at exactly half the head of
the body decides, and below it the person is not approved.

Percentages are of those **summoned** (for the leadership collective: its members). A blank line
is invalid for that person only, as in a confidence poll.

Pure code: standard library and :mod:`survey.tally` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from survey.tally.confidence import LevelCounts, RoundFigures, percent
from survey.tally.recount_kinds import document_head


class Level(StrEnum):
    """The two marks a ballot line can carry, in ballot order."""

    agree = "agree"  # Đồng ý
    disagree = "disagree"  # Không đồng ý


#: The levels, in ballot order, as the ballot file lists them.
LEVELS = tuple(level.value for level in Level)


@dataclass(frozen=True)
class SubjectCounts(LevelCounts):
    """Valid marks for one person."""

    levels = Level
    agree: int = 0
    disagree: int = 0


class Outcome(StrEnum):
    """What a decisive vote says of one person (docs/rules.md#collective-vote-majority)."""

    approved = "approved"  # more than half of the members agree
    head_decides = "head_decides"  # exactly half: the head of the body decides
    not_approved = "not_approved"


def outcome(agree: int, members: int) -> Outcome:
    """``2*agree > members``: approved; ``2*agree == members``: the head decides; in integers."""
    if members > 0 and 2 * agree > members:
        return Outcome.approved
    if members > 0 and 2 * agree == members:
        return Outcome.head_decides
    return Outcome.not_approved


@dataclass(frozen=True)
class SubjectResult:
    counts: SubjectCounts
    valid: int
    #: Ballots collected whose line for this person was blank.
    invalid: int
    #: Percentage of those summoned per level, 2 places, rounded half-up.
    percent: dict[str, Decimal]
    #: What the vote decides; ``None`` in an advisory vote.
    outcome: Outcome | None


@dataclass(frozen=True)
class RoundResult:
    figures: RoundFigures
    #: Those summoned: what percentages and the majority are taken of.
    base: int
    min_ballots: int
    #: True when fewer ballots than ``min_ballots`` were collected: no figure may be shown.
    suppressed: bool
    #: The vote decides (the leadership collective's); False: it informs (key cadres').
    decisive: bool
    #: One result per person in ballot order; empty when suppressed.
    subjects: tuple[SubjectResult, ...]


def tally_subject(counts: SubjectCounts, collected: int, summoned: int, *,
                  decisive: bool) -> SubjectResult:
    """:raises ValueError: if the counts are negative or exceed the ballots collected."""
    if min(counts.agree, counts.disagree) < 0:
        raise ValueError("counts cannot be negative")
    if counts.valid > collected:
        raise ValueError(f"{counts.valid} valid marks exceed {collected} ballots collected")
    return SubjectResult(
        counts=counts,
        valid=counts.valid,
        invalid=collected - counts.valid,
        percent={level.value: percent(getattr(counts, level.value), summoned) for level in Level},
        outcome=outcome(counts.agree, summoned) if decisive else None,
    )


def tally_round(figures: RoundFigures, subjects: Iterable[SubjectCounts], *,
                decisive: bool, min_ballots: int = 5) -> RoundResult:
    """Tally every person, in ballot order; below ``min_ballots`` nothing per person."""
    summoned = figures.summoned or 0
    suppressed = figures.collected < min_ballots
    results = () if suppressed else tuple(
        tally_subject(c, figures.collected, summoned, decisive=decisive) for c in subjects
    )
    return RoundResult(figures=figures, base=summoned, min_ballots=min_ballots,
                       suppressed=suppressed, decisive=decisive, subjects=results)


def approval_counts(ballots: Iterable[Sequence[str | None]], width: int) -> list[SubjectCounts]:
    """Marks per level for each of ``width`` people, from a ballot file's lines."""
    counts = [dict.fromkeys(LEVELS, 0) for _ in range(width)]
    for ballot in ballots:
        for index, mark in enumerate(ballot):
            if mark is not None:
                counts[index][mark] += 1
    return [SubjectCounts.from_mapping(c) for c in counts]


def approval_document(round_info: Mapping[str, Any], subjects: Sequence[Any],
                      result: RoundResult) -> dict[str, Any]:
    """The tally as ``survey tally --format json`` prints it (docs/procedure.md).

    :param subjects: in ballot order, each with ``order``, ``name``, ``position``, ``unit``.
    """
    data = document_head(round_info, result.figures, denominator="summoned", base=result.base,
                         min_ballots=result.min_ballots, suppressed=result.suppressed)
    data["levels"] = list(LEVELS)
    data["decisive"] = result.decisive
    items = []
    for index, subject in enumerate(subjects):
        item: dict[str, Any] = {
            "order": subject.order, "name": subject.name, "position": subject.position,
            "unit": subject.unit, "issued": result.figures.issued,
            "collected": result.figures.collected,
        }
        if result.suppressed:
            item.update(valid=None, invalid=None, counts=None, percent=None, outcome=None)
        else:
            line = result.subjects[index]
            item.update(
                valid=line.valid, invalid=line.invalid, counts=line.counts.as_dict(),
                percent={key: str(value) for key, value in line.percent.items()},
                outcome=line.outcome.value if line.outcome else None,
            )
        items.append(item)
    data["subjects"] = items
    return data


def recount_document(round_info: Mapping[str, Any], ballot_file: Any, *,
                     decisive: bool) -> dict[str, Any]:
    """A version 1 ballot file of either vote counted again (``ballot_file``: a
    :class:`survey.tally.recount.BallotFile`), as :func:`approval_document` gives the tally."""
    figures = RoundFigures(summoned=ballot_file.summoned, present=ballot_file.present,
                           issued=ballot_file.issued, collected=len(ballot_file.ballots))
    result = tally_round(figures, approval_counts(ballot_file.ballots, len(ballot_file.subjects)),
                         decisive=decisive, min_ballots=ballot_file.min_ballots)
    return approval_document(round_info, ballot_file.subjects, result)


def recount_marks(round_info: Mapping[str, Any], marks_file: Any, *,
                  decisive: bool) -> dict[str, Any]:
    """A version 2 ballot file of either vote counted again (``marks_file``: a
    :class:`survey.tally.marks_file.MarksFile`, its marks per level of each person), as
    :func:`approval_document` gives the tally."""
    figures = RoundFigures(summoned=marks_file.summoned, present=marks_file.present,
                           issued=marks_file.issued, collected=marks_file.collected)
    counts = [SubjectCounts.from_mapping(c) for c in marks_file.counts]
    result = tally_round(figures, counts, decisive=decisive, min_ballots=marks_file.min_ballots)
    return approval_document(round_info, marks_file.subjects, result)
