"""What the ballot box holds, counted in the database: the figures every kind's tally
starts from."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.ballots.models import Ballot, Card, CountedPaper, Mark
from survey.rounds.models import Round, Subject
from survey.tally.confidence import RoundFigures
from survey.tally.recount import BallotSources


def collected(session: Session, round_id: int) -> int:
    return session.scalar(select(func.count()).where(Ballot.round_id == round_id)) or 0


def issued(session: Session, round_id: int) -> int:
    """Cards activated (and named paper forms recorded) and not voided, plus the paper sheets
    the officer recorded as handed out."""
    cards = session.scalar(
        select(func.count()).where(
            Card.round_id == round_id, Card.issued.is_(True), Card.voided.is_(False)
        )
    )
    sheets = session.scalar(select(Round.paper_issued).where(Round.id == round_id))
    return (cards or 0) + (sheets or 0)


def mark_counts(session: Session, round_id: int) -> dict[int, dict[str, int]]:
    """``{subject_id: {choice: count}}`` from one ``GROUP BY``.

    The round's subjects are named by id rather than joined: the count is then one pass over
    the marks whatever the planner believes about the tables (right after the close every
    mark is new), which keeps it as fast as a bare ``GROUP BY`` over the same rows.
    """
    subject_ids = list(session.scalars(select(Subject.id).where(Subject.round_id == round_id)))
    if not subject_ids:
        return defaultdict(dict)
    rows = session.execute(
        select(Mark.subject_id, Mark.choice, func.count())
        .where(Mark.subject_id.in_(subject_ids))
        .group_by(Mark.subject_id, Mark.choice)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for subject_id, choice, n in rows:
        counts[subject_id][choice] = n
    return counts


def round_figures(session: Session, round_: Round) -> RoundFigures:
    return RoundFigures(
        summoned=round_.summoned,
        present=round_.present,
        issued=issued(session, round_.id),
        collected=collected(session, round_.id),
    )


def blank_ballots(session: Session, round_id: int) -> int:
    """Ballots collected with no mark on any line (wholly blank)."""
    marked = select(Mark.ballot_id).where(Mark.ballot_id == Ballot.id).exists()
    return (
        session.scalar(
            select(func.count()).select_from(Ballot).where(Ballot.round_id == round_id, ~marked)
        )
        or 0
    )


def ballot_sources(session: Session, round_: Round) -> BallotSources:
    """How many ballots came from phones and from paper, and how many paper ones were wholly
    invalid: counted from the counting numbers counted (one per paper ballot) and the round's
    counter, never from the ballots themselves."""
    paper = (
        session.scalar(
            select(func.count()).select_from(CountedPaper)
            .where(CountedPaper.round_id == round_.id)
        )
        or 0
    )
    return BallotSources(
        phone=collected(session, round_.id) - paper, paper=paper,
        paper_invalid=round_.paper_invalid,
    )
