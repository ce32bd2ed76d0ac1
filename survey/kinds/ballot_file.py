"""The ballot file of a round of one level per line (the poll and the confidence vote).

One record per marked line, written from the counts the tally itself uses (a ``GROUP BY``),
in the format's one order (:mod:`survey.tally.marks_file`): the file holds no ballot, no id,
and nothing that depends on the order of casting or of storage.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from survey.errors import RoundStateError
from survey.i18n import _l
from survey.kinds.counts import ballot_sources, blank_ballots, collected, issued, mark_counts
from survey.kinds.info import file_round_info, subject_entries
from survey.rounds.models import Round
from survey.tally.marks_file import encode_lines


def collected_enough(session: Session, round_: Round) -> int:
    """The ballots collected, when there are enough for a ballot file to be given.

    :raises RoundStateError: if too few ballots were collected for any figure to be shown (a
        handful of ballots would reveal how people voted).
    """
    count = collected(session, round_.id)
    if count < round_.min_ballots:
        raise RoundStateError(
            _l(
                "Số phiếu thu về ít hơn mức tối thiểu %(min)d: không xuất phiếu để bảo vệ bí "
                "mật của người bỏ phiếu.",
                min=round_.min_ballots,
            )
        )
    return count


def lines_file(session: Session, round_: Round, levels: list[str]) -> Iterator[bytes]:
    """The file's lines: a header, then one record per marked line."""
    count = collected_enough(session, round_)
    marks = mark_counts(session, round_.id)
    yield from encode_lines(
        round_info=file_round_info(round_),
        kind=round_.kind,
        summoned=round_.summoned,
        present=round_.present,
        issued=issued(session, round_.id),
        collected=count,
        invalid_ballots=blank_ballots(session, round_.id),
        denominator=round_.denominator,
        min_ballots=round_.min_ballots,
        subjects=subject_entries(round_),
        levels=levels,
        counts=[marks.get(subject.id, {}) for subject in round_.subjects],
        sources=ballot_sources(session, round_),
    )
