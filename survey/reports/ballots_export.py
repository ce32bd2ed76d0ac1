"""The anonymised ballots of a closed round as one file, and its SHA-256 fingerprint.

The file (format in :mod:`survey.tally.recount`, documented in docs/formats.md) holds what a
ballot says and nothing else: no ballot id, card, time or position in the order of voting.

It must come out byte for byte the same every time, since its fingerprint is printed in the
minutes. At the close every ballot was rewritten under a fresh random id (see
``survey.ballots.operations.shuffle_ballots``), so listing the ballots sorted by those ids gives
an order that is stable from then on and random with respect to the order of casting. The ids
themselves are not written. The sort is done in Python, so that the database's collation
cannot change it. Only values frozen at the close (title, subjects, attendance, cards issued,
rules) go into the header; nothing that can change afterwards (publication, the minutes'
details, the language of the user).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from survey.ballots.models import Ballot, Mark
from survey.errors import RoundStateError
from survey.i18n import _l
from survey.kinds import kind_of
from survey.kinds.counts import ballot_sources, issued
from survey.reports.export import file_round_info, subject_entries
from survey.reports.nomination_file import nomination_ballot_file
from survey.rounds.models import Round
from survey.tally.recount import encode_lines, sha256_hex

__all__ = ["ballot_file", "ballot_file_name", "fingerprint", "sha256_hex"]


def ballot_file(session: Session, round_: Round) -> bytes:
    """The ballot file's bytes.

    :raises RoundStateError: if the round is not closed yet, or too few ballots were collected
        for any figure to be shown (a handful of ballots would reveal how people voted).
    """
    return b"".join(_lines(session, round_))


def fingerprint(session: Session, round_: Round) -> str | None:
    """SHA-256 of the ballot file, or ``None`` when no file can be given (too few ballots).

    The file is hashed line by line as it is read, so a confidence vote's file is never held
    whole in memory (a million marks make about 40 MB of file).
    """
    digest = hashlib.sha256()
    try:
        for line in _lines(session, round_):
            digest.update(line)
    except RoundStateError:
        return None
    return digest.hexdigest()


#: Ballots read per query while a file is written (bounds memory whatever the round's size).
CHUNK = 2000


def _lines(session: Session, round_: Round) -> Iterator[bytes]:
    if not round_.results_ready:
        raise RoundStateError(_l("Kết quả chỉ xem được sau khi kết thúc bỏ phiếu."))
    if round_.kind == "appraisal":  # lines, not ballots; its minimum is per subject
        from survey.reports.appraisal_file import appraisal_ballot_file

        yield appraisal_ballot_file(session, round_)
        return
    ids = sorted(session.scalars(select(Ballot.id).where(Ballot.round_id == round_.id)))
    if len(ids) < round_.min_ballots:
        raise RoundStateError(
            _l(
                "Số phiếu thu về ít hơn mức tối thiểu %(min)d: không xuất phiếu để bảo vệ bí "
                "mật của người bỏ phiếu.",
                min=round_.min_ballots,
            )
        )
    if round_.kind == "nomination":
        yield nomination_ballot_file(session, round_, ids)
        return
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
        levels=[str(level) for level in kind_of(round_).levels],
        sources=ballot_sources(session, round_),
    )


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


def ballot_file_name(round_: Round) -> str:
    return f"phieu-{round_.id}.jsonl"
