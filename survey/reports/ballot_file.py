"""The anonymised ballots of a closed round as one file, and its SHA-256 fingerprint.

Each kind writes its own file (:meth:`survey.kinds.base.Kind.ballot_lines`; formats in
:mod:`survey.tally` and docs/formats.md); every one holds one record per ballot line, with what
that line says and nothing else, and what is decided about a whole ballot or a whole line as
counts: no ballot, no ballot id, card, time or position in the order of voting, so that no
pattern dictated over several lines of one ballot can be looked for in it.

It must come out byte for byte the same every time, since its fingerprint is printed in the
minutes. The records are in one fixed order that depends on nothing but what they say (by line,
then by value), so the file is the same whatever order the ballots were cast or stored in, on
SQLite and PostgreSQL alike. Only values frozen at the close (title, subjects, attendance,
cards issued, rules, and the counts) go into the header; nothing that can change afterwards
(publication, the minutes' details, the language of the user).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlalchemy.orm import Session

from survey.errors import RoundStateError
from survey.i18n import _l
from survey.kinds import kind_of
from survey.rounds.models import Round
from survey.tally.recount import sha256_hex

__all__ = ["ballot_file", "ballot_file_name", "fingerprint", "sha256_hex"]


def ballot_file(session: Session, round_: Round) -> bytes:
    """The ballot file's bytes.

    :raises RoundStateError: if the round is not closed yet, or too few ballots were collected
        for any figure to be shown (a handful of ballots would reveal how people voted).
    """
    return b"".join(_lines(session, round_))


def fingerprint(session: Session, round_: Round) -> str | None:
    """SHA-256 of the ballot file, or ``None`` when no file can be given (too few ballots).

    The file is hashed piece by piece as it is written (a run of equal records is one piece),
    so a large round's file is never held whole in memory (a million marks make about 13 MB).
    """
    digest = hashlib.sha256()
    try:
        for line in _lines(session, round_):
            digest.update(line)
    except RoundStateError:
        return None
    return digest.hexdigest()


def _lines(session: Session, round_: Round) -> Iterator[bytes]:
    if not round_.results_ready:
        raise RoundStateError(_l("Kết quả chỉ xem được sau khi kết thúc bỏ phiếu."))
    yield from kind_of(round_).ballot_lines(session, round_)


def ballot_file_name(round_: Round) -> str:
    return f"phieu-{round_.id}.jsonl"
