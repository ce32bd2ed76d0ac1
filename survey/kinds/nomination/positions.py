"""A nomination round's positions and candidates, edited while the round is a draft.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from survey.errors import InvalidInput, NotFound
from survey.i18n import _l
from survey.kinds.nomination.models import MAX_SEATS, Position, positions_of
from survey.kinds.nomination.sheet import NominationImport
from survey.rounds.models import Round, Subject
from survey.tally.nomination import name_key
from survey.tally.procedure import Nominee, Post


def _require_nomination(round_: Round) -> None:
    round_.require_list_editable()
    if round_.kind != "nomination":
        raise InvalidInput(_l("Chỉ đợt giới thiệu quy hoạch mới có chức danh quy hoạch."))


def _renumber(round_: Round) -> None:
    """Ballot order: positions in their order, each one's candidates in the order entered."""
    rank: dict[int | None, int] = {p.id: p.order for p in positions_of(round_)}
    ordered = sorted(round_.subjects, key=lambda s: (rank.get(s.position_id, 0), s.order))
    for order, subject in enumerate(ordered, start=1):
        subject.order = order
    round_.subjects.sort(key=lambda s: s.order)


def _seats(seats: int) -> int:
    if not 1 <= seats <= MAX_SEATS:
        raise InvalidInput(_l("Số người quy hoạch tối đa phải từ 1 đến %(max)d.", max=MAX_SEATS))
    return seats


def add_position(session: Session, round_: Round, *, title: str, seats: int,
                 allow_write_ins: bool = True) -> Position:
    _require_nomination(round_)
    title = " ".join(title.split())
    if not title:
        raise InvalidInput(_l("Cần có tên chức danh."))
    if any(name_key(p.title) == name_key(title) for p in positions_of(round_)):
        raise InvalidInput(_l("Chức danh “%(title)s” đã có.", title=title))
    position = Position(order=len(positions_of(round_)) + 1, title=title, seats=_seats(seats),
                        allow_write_ins=allow_write_ins)
    positions_of(round_).append(position)
    session.flush()
    return position


def _position_of(round_: Round, position_id: int) -> Position:
    for position in positions_of(round_):
        if position.id == position_id:
            return position
    raise NotFound(_l("Không có chức danh này trong đợt."))


def remove_position(session: Session, round_: Round, position_id: int) -> None:
    """Remove a position and its candidates."""
    _require_nomination(round_)
    position = _position_of(round_, position_id)
    for subject in [s for s in round_.subjects if s.position_id == position.id]:
        round_.subjects.remove(subject)
    positions_of(round_).remove(position)
    for order, other in enumerate(positions_of(round_), start=1):
        other.order = order
    session.flush()
    _renumber(round_)


def add_candidate(session: Session, round_: Round, position_id: int, *, name: str,
                  current: str = "") -> Subject:
    _require_nomination(round_)
    position = _position_of(round_, position_id)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_l("Cần có họ và tên."))
    if any(s.position_id == position.id and name_key(s.name) == name_key(name)
           for s in round_.subjects):
        raise InvalidInput(_l("%(name)s đã có trong chức danh này.", name=name))
    subject = Subject(order=len(round_.subjects) + 1, name=name,
                      position=" ".join(current.split()), unit="", position_id=position.id)
    round_.subjects.append(subject)
    session.flush()
    _renumber(round_)
    return subject


def replace_nominations(session: Session, round_: Round, parsed: NominationImport,
                        *, allow_write_ins: bool = True) -> None:
    """Make the sheet's positions and candidates the ballot."""
    _require_nomination(round_)
    if not parsed.ok:
        raise InvalidInput(_l("Danh sách có lỗi: không nhập gì."))
    round_.subjects.clear()
    positions_of(round_).clear()
    session.flush()
    order = 0
    for number, (title, seats, rows) in enumerate(parsed.positions(), start=1):
        position = Position(order=number, title=title, seats=seats,
                            allow_write_ins=allow_write_ins)
        positions_of(round_).append(position)
        session.flush()
        for row in rows:
            order += 1
            round_.subjects.append(Subject(order=order, name=row.name, position=row.current,
                                           unit="", position_id=position.id))
    session.flush()


def replace_with_nominees(session: Session, round_: Round, posts: Sequence[Post],
                          nominees: Sequence[Nominee], *, write_ins: bool) -> None:
    """Make ``posts`` the positions and ``nominees`` their candidates, in the order given.

    A post without a nominee is kept only where write-ins are offered (a voter can then name
    someone); a nominee for a post not in ``posts`` is refused.
    """
    _require_nomination(round_)
    wanted = {name_key(p.title) for p in posts}
    if stray := [n.post for n in nominees if name_key(n.post) not in wanted]:
        raise InvalidInput(_l("Không có chức danh “%(title)s”.", title=stray[0]))
    round_.subjects.clear()
    session.flush()  # the lines first: deleting a position would take its lines with it
    positions_of(round_).clear()
    session.flush()
    order = 0
    for post in posts:
        listed = [n for n in nominees if name_key(n.post) == name_key(post.title)]
        if not listed and not write_ins:
            continue
        position = Position(order=len(positions_of(round_)) + 1, title=post.title,
                            seats=_seats(post.seats), allow_write_ins=write_ins)
        positions_of(round_).append(position)
        session.flush()
        for nominee in listed:
            order += 1
            round_.subjects.append(Subject(order=order, name=nominee.name,
                                           position=nominee.current, unit="",
                                           position_id=position.id))
    session.flush()


def set_write_ins(session: Session, round_: Round, allow: bool,
                  position_ids: Iterable[int] | None = None) -> None:
    """Offer write-in fields on the ballot for every position (or for ``position_ids``).

    :raises RoundStateError: once the round is open (the ballot is frozen).
    :raises NotFound: if a position of ``position_ids`` is not in the round.
    """
    _require_nomination(round_)
    wanted = None if position_ids is None else set(position_ids)
    if wanted is not None:
        for position_id in wanted:
            _position_of(round_, position_id)
    for position in positions_of(round_):
        if wanted is None or position.id in wanted:
            position.allow_write_ins = allow
