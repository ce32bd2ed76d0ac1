"""The tally of a confidence poll, from the counts in the database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey.kinds.counts import mark_counts, round_figures
from survey.rounds.models import Round
from survey.tally.confidence import Denominator, RoundResult, SubjectCounts, tally_round


def confidence_result(session: Session, round_: Round) -> RoundResult:
    """The tally of a confidence round, subjects in ballot order."""
    counts = mark_counts(session, round_.id)
    return tally_round(
        round_figures(session, round_),
        [SubjectCounts.from_mapping(counts.get(s.id, {})) for s in round_.subjects],
        denominator=Denominator(round_.denominator),
        min_ballots=round_.min_ballots,
    )
