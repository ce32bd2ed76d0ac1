"""An appraisal round's roster, its rules and its named cards.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from survey.ballots.cards import hash_code
from survey.ballots.models import Card
from survey.ballots.operations import MAX_CARDS, NewCard, code_for
from survey.errors import InvalidInput, RoundStateError
from survey.i18n import _l
from survey.kinds.appraisal.models import Member
from survey.rounds.importing import MAX_ROWS, SubjectRow
from survey.rounds.models import Round, RoundState, Subject
from survey.tally.appraisal import QuotaGroup


def require_appraisal(round_: Round) -> None:
    if round_.kind != "appraisal":
        raise InvalidInput(_l("Chỉ dùng cho đợt đánh giá, xếp loại chất lượng."))


def replace_roster(session: Session, round_: Round, rows: Iterable[SubjectRow]) -> None:
    """Make ``rows`` the roster and, since in a unit everyone rates everyone, the subjects.

    Each member becomes a subject linked to them (so that their own line is left out of
    their ballot). The organizer may afterwards remove a subject line: that member still
    rates, but is not rated.

    :raises InvalidInput: if named cards were already made for the current roster.
    """
    round_.require_draft()
    rows = list(rows)
    if round_.id is not None:
        named = session.scalar(
            select(func.count()).where(Card.round_id == round_.id, Card.member_id.is_not(None))
        )
        if named:
            raise InvalidInput(
                _l("Đã tạo thẻ có tên cho danh sách hiện tại: không thể nhập lại danh sách.")
            )
    round_.subjects.clear()
    session.flush()  # the old subjects go before the members they point to
    if round_.id is not None:
        session.execute(delete(Member).where(Member.round_id == round_.id))
    members = [
        Member(round_id=round_.id, order=order, name=row.name, position=row.position,
               unit=row.unit)
        for order, row in enumerate(rows, start=1)
    ]
    session.add_all(members)
    session.flush()
    for member in members:
        round_.subjects.append(
            Subject(order=member.order, name=member.name, position=member.position,
                    unit=member.unit, member_id=member.id)
        )


#: The most people an appraisal roster may hold: a whole agency, rated unit by unit (a
#: city committee's 1,200 cadres and civil servants, say); one form still has at most
#: ``MAX_ROWS`` lines (:func:`check_form_size`).
MAX_ROSTER = 2000


def check_form_size(round_: Round) -> None:
    """:raises RoundStateError: if a form would have more than ``MAX_ROWS`` lines: the whole
    roster, or with ``same_unit_only`` the largest unit."""
    units = Counter(s.unit for s in round_.subjects)
    largest = max(units.values(), default=0) if round_.same_unit_only else len(round_.subjects)
    if largest > MAX_ROWS:
        raise RoundStateError(_l(
            "Một phiếu đánh giá có nhiều nhất %(max)d dòng, mà phiếu của đợt này sẽ có %(n)d "
            "dòng: hãy chọn “chỉ đánh giá người cùng đơn vị” (đơn vị lớn nhất không quá %(max)d "
            "người) hoặc chia danh sách thành nhiều đợt.", max=MAX_ROWS, n=largest))


def roster(session: Session, round_id: int) -> list[Member]:
    return list(
        session.scalars(select(Member).where(Member.round_id == round_id).order_by(Member.order))
    )


def roster_units(members: Sequence[Member]) -> list[tuple[str, int]]:
    """``(unit, members)`` in roster order of first appearance."""
    units: dict[str, int] = {}
    for member in members:
        units[member.unit] = units.get(member.unit, 0) + 1
    return list(units.items())


@dataclass(frozen=True)
class Settings:
    min_raters: int = 3
    quota_percent: int = 20
    quota_group: str = QuotaGroup.round
    same_unit_only: bool = False


def update_settings(session: Session, round_: Round, settings: Settings) -> None:
    """Change a draft round's appraisal rules; they are frozen once it opens."""
    require_appraisal(round_)
    round_.require_draft()
    if not 1 <= settings.min_raters <= 100:
        raise InvalidInput(_l("Số người đánh giá tối thiểu phải từ 1 đến 100."))
    if not 0 <= settings.quota_percent <= 100:
        raise InvalidInput(_l("Tỷ lệ tối đa phải từ 0 đến 100."))
    if settings.quota_group not in QuotaGroup.__members__:
        raise InvalidInput(_l("Nhóm tính tỷ lệ không hợp lệ."))
    round_.min_raters = settings.min_raters
    round_.quota_percent = settings.quota_percent
    round_.quota_group = settings.quota_group
    round_.same_unit_only = settings.same_unit_only


# -- named cards ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedCard:
    card: NewCard
    holder: str


def create_named_cards(session: Session, round_: Round, *,
                       seed: bytes | None = None) -> list[NamedCard]:
    """One card for each roster member who has none yet; codes returned, never stored (with
    ``seed``, derived from it: :func:`survey.ballots.operations.create_cards`)."""
    require_appraisal(round_)
    if round_.state not in (RoundState.draft, RoundState.open):
        raise RoundStateError(_l("Đợt lấy phiếu đã kết thúc: không thể tạo thêm thẻ."))
    has_card = select(Card.member_id).where(
        Card.round_id == round_.id, Card.member_id.is_not(None)
    )
    members = list(
        session.scalars(
            select(Member)
            .where(Member.round_id == round_.id, Member.id.not_in(has_card))
            .order_by(Member.order)
        )
    )
    if not members:
        raise InvalidInput(
            _l("Mọi người trong danh sách đều đã có thẻ (hoặc danh sách còn trống).")
        )
    if len(members) > MAX_CARDS:
        raise InvalidInput(_l("Số thẻ phải từ 1 đến %(max)d.", max=MAX_CARDS))
    last = session.scalar(select(func.max(Card.serial)).where(Card.round_id == round_.id)) or 0
    made = [
        NamedCard(NewCard(serial=last + i, code=code_for(seed, last + i)), member.name)
        for i, member in enumerate(members, start=1)
    ]
    session.execute(
        insert(Card),
        [
            {"round_id": round_.id, "serial": named.card.serial,
             "code_hash": hash_code(named.card.code), "member_id": member.id}
            for named, member in zip(made, members, strict=True)
        ],
    )
    return made


def holders(session: Session, round_id: int, serials: Iterable[int]) -> dict[int, str]:
    """The names printed on the named cards ``serials`` (anonymous cards are left out)."""
    rows = session.execute(
        select(Card.serial, Member.name)
        .join(Member, Member.id == Card.member_id)
        .where(Card.round_id == round_id, Card.serial.in_(list(serials)))
    )
    return {serial: name for serial, name in rows}


def turnout_by_unit(session: Session, round_id: int) -> list[tuple[str, int, int]]:
    """``(unit, used, issued)`` of the named cards, per unit: counts only, never names. Paper
    forms are not cards: nobody knows whose form was counted."""
    rows = session.execute(
        select(
            Member.unit,
            func.min(Member.order),
            func.count().filter(Card.used.is_(True)),
            func.count(),
        )
        .join(Card, Card.member_id == Member.id)
        .where(Member.round_id == round_id, Card.issued.is_(True), Card.voided.is_(False),
               Card.medium == "phone")
        .group_by(Member.unit)
    )
    return [(unit, used, issued) for unit, _first, used, issued in
            sorted(rows, key=lambda row: row[1])]


