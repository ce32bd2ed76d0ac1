"""The ballot file of a round of one level per line (the poll and the confidence vote).

The ballots are listed in the order of their ids, given afresh at the close (see
``survey.ballots.shuffle.shuffle_ballots``): stable from then on, and random with respect to
the order of casting; the ids themselves are not written.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from survey.ballots.models import Ballot, Mark
from survey.errors import RoundStateError
from survey.i18n import _l
from survey.kinds.counts import ballot_sources, issued
from survey.kinds.info import file_round_info, subject_entries
from survey.rounds.models import Round
from survey.tally.recount import encode_lines


def ballot_ids(session: Session, round_: Round) -> list[str]:
    """The round's ballot ids in the file's order (sorted in Python, so that the database's
    collation cannot change it).

    :raises RoundStateError: if too few ballots were collected for any figure to be shown (a
        handful of ballots would reveal how people voted).
    """
    ids = sorted(session.scalars(select(Ballot.id).where(Ballot.round_id == round_.id)))
    if len(ids) < round_.min_ballots:
        raise RoundStateError(
            _l(
                "Số phiếu thu về ít hơn mức tối thiểu %(min)d: không xuất phiếu để bảo vệ bí "
                "mật của người bỏ phiếu.",
                min=round_.min_ballots,
            )
        )
    return ids


def lines_file(session: Session, round_: Round, levels: list[str]) -> Iterator[bytes]:
    """The file's lines: a header, then one line per ballot."""
    ids = ballot_ids(session, round_)
    yield from encode_lines(
        round_info=file_round_info(round_),
        kind=round_.kind,
        summoned=round_.summoned,
        present=round_.present,
        issued=issued(session, round_.id),
        denominator=round_.denominator,
        min_ballots=round_.min_ballots,
        subjects=subject_entries(round_),
        collected=len(ids),
        ballots=_ballots(session, round_, ids),
        levels=levels,
        sources=ballot_sources(session, round_),
    )


#: Ballots read per query while a file is written (bounds memory whatever the round's size).
CHUNK = 2000


def _ballots(session: Session, round_: Round, ids: list[str]) -> Iterator[list[str | None]]:
    """Each ballot's line per subject in ballot order, ``CHUNK`` ballots per query, in the
    order of ``ids``."""
    position = {subject.id: index for index, subject in enumerate(round_.subjects)}
    query = select(Mark.ballot_id, Mark.subject_id, Mark.choice).where(
        Mark.ballot_id.in_(bindparam("ids", expanding=True))
    )
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        marks: dict[str, list[str | None]] = {ballot_id: [None] * len(position)
                                              for ballot_id in chunk}
        for ballot_id, subject_id, choice in session.execute(query, {"ids": chunk}):
            marks[ballot_id][position[subject_id]] = choice
        yield from (marks[ballot_id] for ballot_id in chunk)


