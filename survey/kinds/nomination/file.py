"""The ballot file of a closed nomination round (format: :mod:`survey.tally.nomination_file`).

Written from the counts the tally itself uses: one record per "Đồng ý", the lines over the
seats and the names written in as counts per position. No ballot, no id, nothing that depends
on the order of casting or of storage; only values frozen at the close, so that its SHA-256
printed in the minutes stays the same.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey.kinds.ballot_file import collected_enough
from survey.kinds.counts import issued
from survey.kinds.info import file_round_info
from survey.kinds.nomination.results import nomination_counts, position_entries
from survey.rounds.models import Round
from survey.tally.nomination_file import encode


def nomination_ballot_file(session: Session, round_: Round) -> bytes:
    """The file's bytes.

    :raises RoundStateError: if too few ballots were collected for a file to be given.
    """
    return encode(
        round_info=file_round_info(round_),
        summoned=round_.summoned,
        present=round_.present,
        issued=issued(session, round_.id),
        collected=collected_enough(session, round_),
        min_ballots=round_.min_ballots,
        positions=position_entries(round_),
        counts=nomination_counts(session, round_),
    )
