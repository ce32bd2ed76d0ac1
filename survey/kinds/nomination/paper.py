"""Paper nomination ballots: the write-ins an entry reads, and storing an agreed ballot.

A paper line is stored exactly as a phone line is
(:func:`survey.kinds.nomination.ballot.store_lines`): the candidates marked Đồng ý, the names
written in, and the position's line invalid when they name more people than it has seats; a
Không đồng ý, blank or over-marked candidate stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from survey.errors import InvalidInput
from survey.i18n import _l
from survey.kinds.nomination.ballot import AGREE, clean_write_ins, store_lines
from survey.kinds.nomination.models import positions_of
from survey.kinds.paper import Reading
from survey.rounds.importing import MAX_NAME_LENGTH
from survey.rounds.models import Round
from survey.tally.nomination import clean_name, name_key


def read(round_: Round, reading: Reading, write_ins: Mapping[int, Sequence[str]]) -> Reading:
    """Add the typed write-ins of each position to ``reading``.

    Names are cleaned and the same name (by the tally's key) kept once, in key order, so that
    two people typing "nguyễn văn a" and "Nguyễn Văn A" agree.

    :raises InvalidInput: for a position not on the ballot or without write-ins, more names than
        it has blank lines, or a name too long.
    """
    positions = {p.id: p for p in positions_of(round_)}
    names: dict[int, tuple[str, ...]] = {}
    for pid, values in write_ins.items():
        position = positions.get(pid)
        typed = [v for v in values if clean_name(v)]
        if not typed:
            continue
        if position is None or not position.allow_write_ins:
            raise InvalidInput(_l("Có lựa chọn không thuộc phiếu này."))
        if len(typed) > position.seats:
            raise InvalidInput(
                _l("Chức danh “%(title)s” chỉ có %(n)d dòng ghi thêm tên.",
                   title=position.title, n=position.seats)
            )
        if any(len(clean_name(v)) > MAX_NAME_LENGTH for v in typed):
            raise InvalidInput(_l("Tên ghi thêm dài quá %(max)d ký tự.", max=MAX_NAME_LENGTH))
        names[pid] = tuple(sorted(clean_write_ins(typed), key=name_key))
    return replace(reading, write_ins=names)


def store(session: Session, round_: Round, ballot_id: str, reading: Reading) -> None:
    """Store the agreed ballot's lines as a phone nomination ballot is stored."""
    choices = {sid: AGREE for sid, mark in reading.lines.items() if mark == AGREE}
    store_lines(session, round_, ballot_id, choices, reading.write_ins)
