"""The ballot file of a closed nomination round (JSON Lines; see docs/nomination.md).

Like the poll's file (:mod:`survey.kinds.ballot_file`) it holds what each ballot says and
nothing else, in the order of the ballots' ids given at the close, and only values frozen at
the close, so that its SHA-256 printed in the minutes stays the same. The bytes are written by
:func:`survey.tally.recount_kinds.encode_nomination`, beside the reader ``survey recount`` uses.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.ballots.models import Ballot, Mark
from survey.kinds.counts import issued
from survey.kinds.info import file_round_info
from survey.kinds.nomination.models import InvalidLine, WriteIn, positions_of
from survey.kinds.nomination.results import position_entries
from survey.rounds.models import Round
from survey.tally.recount_kinds import encode_nomination


def nomination_ballot_file(session: Session, round_: Round, ids: list[str]) -> bytes:
    """Header, then per ballot one entry per position: ``null`` for an invalid line, else
    ``[agreed candidates (their 1-based place in the position), written-in names (sorted)]``.
    """
    positions = list(positions_of(round_))
    index = {p.id: i for i, p in enumerate(positions)}
    candidates = {p.id: [s for s in round_.subjects if s.position_id == p.id] for p in positions}
    place = {s.id: (index[p.id], n) for p in positions for n, s in enumerate(candidates[p.id], 1)}
    agreed: dict[str, list[list[int]]] = defaultdict(lambda: [[] for _ in positions])
    written: dict[str, list[list[str]]] = defaultdict(lambda: [[] for _ in positions])
    invalid: dict[str, set[int]] = defaultdict(set)
    in_round = select(Ballot.id).where(Ballot.round_id == round_.id)
    for ballot_id, subject_id in session.execute(
        select(Mark.ballot_id, Mark.subject_id).where(Mark.ballot_id.in_(in_round))
    ):
        where, number = place[subject_id]
        agreed[ballot_id][where].append(number)
    for ballot_id, position_id, name in session.execute(
        select(WriteIn.ballot_id, WriteIn.position_id, WriteIn.name)
        .where(WriteIn.ballot_id.in_(in_round))
    ):
        written[ballot_id][index[position_id]].append(name)
    for ballot_id, position_id in session.execute(
        select(InvalidLine.ballot_id, InvalidLine.position_id)
        .where(InvalidLine.ballot_id.in_(in_round))
    ):
        invalid[ballot_id].add(index[position_id])
    return encode_nomination(
        round_info=file_round_info(round_),
        summoned=round_.summoned,
        present=round_.present,
        issued=issued(session, round_.id),
        min_ballots=round_.min_ballots,
        positions=position_entries(round_),
        ballots=[
            [None if i in invalid[ballot_id]
             else (tuple(agreed[ballot_id][i]), tuple(written[ballot_id][i]))
             for i in range(len(positions))]
            for ballot_id in ids
        ],
    )
