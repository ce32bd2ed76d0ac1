"""Nomination ballots: write-ins, the seat check of each line, and storing a line.

A line (one position of one ballot) names the candidates marked Đồng ý plus the names written
in. If it names more people than the position has seats it is stored as an invalid line and
nothing else of it is kept (its agrees and write-ins would not be counted anyway); a blank or
"Không đồng ý" mark is not stored at all, since it counts as disagree. Nothing is refused for
being over the seats: the voter is warned on the page and at review, as a paper ballot would
simply be invalid for that position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import Session

from survey.ballots.models import Mark
from survey.errors import RoundStateError
from survey.i18n import _l
from survey.kinds.nomination.models import InvalidLine, Position, WriteIn, positions_of
from survey.rounds.importing import MAX_NAME_LENGTH
from survey.rounds.models import Round
from survey.tally.nomination import clean_name, name_key

#: Đồng ý / Không đồng ý on a nomination ballot; only "agree" is stored (a blank line and a
#: "disagree" line count the same).
AGREE = "agree"
DISAGREE = "disagree"


@dataclass(frozen=True)
class LineCount:
    """What one position's line names, against its seats."""

    position: Position
    agrees: int
    write_ins: tuple[str, ...]

    @property
    def named(self) -> int:
        return self.agrees + len(self.write_ins)

    @property
    def over(self) -> bool:
        return self.named > self.position.seats


def clean_write_ins(values: Sequence[str]) -> tuple[str, ...]:
    """The names of one line, cleaned, blanks dropped, the same name (by key) kept once."""
    names: dict[str, str] = {}
    for value in values:
        name = clean_name(value)
        if name:
            names.setdefault(name_key(name), name)
    return tuple(names.values())


def bad_write_ins(round_: Round, write_ins: Mapping[int, Sequence[str]]) -> bool:
    """True if a write-in is for a position not on this ballot, not offering write-ins, or
    there are more fields than seats, or a name is too long: the page never sends these."""
    positions = {p.id: p for p in positions_of(round_)}
    for position_id, names in write_ins.items():
        position = positions.get(position_id)
        if position is None or not position.allow_write_ins or len(names) > position.seats:
            return True
        if any(len(clean_name(name)) > MAX_NAME_LENGTH for name in names):
            return True
    return False


def fold_write_ins(
    round_: Round, choices: Mapping[int, str], write_ins: Mapping[int, Sequence[str]]
) -> tuple[dict[int, str], dict[int, tuple[str, ...]]]:
    """A name written in that is one of the position's listed candidates (same name by
    :func:`~survey.tally.nomination.name_key`) is an agree for that candidate, once: it must
    not split the candidate's votes, nor take a second seat on the line.

    :returns: the choices and write-ins with such names folded in.
    """
    candidates: dict[tuple[int, str], int] = {
        (s.position_id, name_key(s.name)): s.id for s in round_.subjects
        if s.position_id is not None
    }
    folded = dict(choices)
    kept: dict[int, tuple[str, ...]] = {}
    for position_id, values in write_ins.items():
        names = []
        for name in clean_write_ins(values):
            subject_id = candidates.get((position_id, name_key(name)))
            if subject_id is None:
                names.append(name)
            else:
                folded[subject_id] = AGREE
        if names:
            kept[position_id] = tuple(names)
    return folded, kept


def line_counts(
    round_: Round, choices: Mapping[int, str], write_ins: Mapping[int, Sequence[str]]
) -> list[LineCount]:
    """Each position's line, in ballot order (write-ins of listed candidates folded in)."""
    choices, write_ins = fold_write_ins(round_, choices, write_ins)
    agrees: dict[int, int] = {}
    for subject in round_.subjects:
        if choices.get(subject.id) == AGREE and subject.position_id is not None:
            agrees[subject.position_id] = agrees.get(subject.position_id, 0) + 1
    return [
        LineCount(p, agrees.get(p.id, 0), clean_write_ins(write_ins.get(p.id, ())))
        for p in positions_of(round_)
    ]


def store_lines(
    session: Session,
    round_: Round,
    ballot_id: str,
    choices: Mapping[int, str],
    write_ins: Mapping[int, Sequence[str]],
) -> None:
    """Insert the ballot's agrees, write-ins and invalid lines (the ballot row exists)."""
    choices, write_ins = fold_write_ins(round_, choices, write_ins)
    over = {line.position.id for line in line_counts(round_, choices, write_ins) if line.over}
    position_of = {s.id: s.position_id for s in round_.subjects}
    marks = [
        {"ballot_id": ballot_id, "subject_id": sid, "choice": AGREE}
        for sid, choice in choices.items()
        if choice == AGREE and position_of.get(sid) not in over
    ]
    if marks:
        session.execute(insert(Mark.__table__), marks)
    names = [
        {"ballot_id": ballot_id, "position_id": pid, "name": name}
        for pid, values in write_ins.items()
        if pid not in over
        for name in clean_write_ins(values)
    ]
    if names:
        session.execute(insert(WriteIn.__table__), names)
    if over:
        session.execute(
            insert(InvalidLine.__table__),
            [{"ballot_id": ballot_id, "position_id": pid} for pid in sorted(over)],
        )


def check_ready(round_: Round) -> None:
    """A nomination round opens only with positions, each with a candidate or write-ins."""
    if not positions_of(round_):
        raise RoundStateError(_l("Chưa có chức danh quy hoạch nào."))
    if any(s.position_id is None for s in round_.subjects):
        raise RoundStateError(_l("Có người trong danh sách chưa gắn với chức danh quy hoạch."))
    with_candidates = {s.position_id for s in round_.subjects}
    for position in positions_of(round_):
        if position.id not in with_candidates and not position.allow_write_ins:
            raise RoundStateError(
                _l("Chức danh “%(title)s” chưa có người nào.", title=position.title)
            )
