"""Use cases of appraisal rounds: roster, named cards, settings, the appraisal cast, the close.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from survey.appraisal.models import (
    MAX_COMMENT,
    AppraisalMark,
    Comment,
    Member,
    new_comment_id,
    new_line_id,
)
from survey.ballots.cards import hash_code, new_code
from survey.ballots.models import Card
from survey.ballots.operations import MAX_CARDS, NewCard, reject, spend_card, voting_card
from survey.errors import CardRejected, InvalidInput, RoundStateError
from survey.i18n import _l
from survey.rounds.importing import SubjectRow
from survey.rounds.models import Round, RoundKind, RoundState, Subject
from survey.tally.appraisal import GENERAL_MAX, TASKS_MAX, Level, QuotaGroup

#: The value of the "Không có ý kiến" choice: the line is skipped and stores nothing.
SKIP = "skip"
LEVELS = tuple(level.value for level in Level)

#: Most digits a score field may hold before it is refused unread.
_SCORE_DIGITS = 3


def require_appraisal(round_: Round) -> None:
    if round_.kind != RoundKind.appraisal:
        raise InvalidInput(_l("Chỉ dùng cho đợt đánh giá, xếp loại chất lượng."))


# -- the roster ----------------------------------------------------------------------------------


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


def create_named_cards(session: Session, round_: Round) -> list[NamedCard]:
    """One card for each roster member who has none yet; codes returned, never stored."""
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
        NamedCard(NewCard(serial=last + i, code=new_code()), member.name)
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
    """``(unit, used, issued)`` of the named cards, per unit: counts only, never names."""
    rows = session.execute(
        select(
            Member.unit,
            func.min(Member.order),
            func.count().filter(Card.used.is_(True)),
            func.count(),
        )
        .join(Card, Card.member_id == Member.id)
        .where(Member.round_id == round_id, Card.issued.is_(True), Card.voided.is_(False))
        .group_by(Member.unit)
    )
    return [(unit, used, issued) for unit, _first, used, issued in
            sorted(rows, key=lambda row: row[1])]


# -- the ballot ----------------------------------------------------------------------------------


def not_named() -> CardRejected:
    return CardRejected(
        "not_named",
        str(_l("Thẻ này không gắn với người nào trong danh sách đánh giá. Hãy báo ban kiểm "
               "phiếu.")),
    )


def card_member(session: Session, member_id: int | None) -> Member:
    """The roster member of a named card (``CardCheck.member_id``).

    :raises CardRejected: for an anonymous card (appraisal rounds vote with named cards).
    """
    member = session.get(Member, member_id) if member_id is not None else None
    if member is None:
        raise not_named()
    return member


def ballot_subjects(round_: Round, member: Member) -> list[Subject]:
    """The subjects on ``member``'s ballot: never their own line; their unit's only if so set."""
    return [
        subject
        for subject in round_.subjects
        if subject.member_id != member.id
        and (not round_.same_unit_only or subject.unit == member.unit)
    ]


@dataclass
class Line:
    """One posted line of an appraisal ballot, as typed (to show it again) and as parsed."""

    level: str = ""  # "" untouched, SKIP, or a Level value
    general: str = ""
    tasks: str = ""
    comment: str = ""
    general_value: int | None = None
    tasks_value: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def rated(self) -> bool:
        return self.level in LEVELS

    @property
    def contradiction(self) -> Level | None:
        from survey.tally.appraisal import contradicts

        if not self.rated or self.errors:
            return None
        return contradicts(self.level, self.general_value, self.tasks_value)


_PREFIXES = {"l": "level", "g": "general", "t": "tasks", "c": "comment"}


def read_lines(form: Mapping[str, Sequence[str]] | object) -> dict[int, Line]:
    """The posted lines by subject id, from ``l<id>``, ``g<id>``, ``t<id>``, ``c<id>`` fields.

    Fields that are not lines (the code, the CSRF token) are ignored.

    :raises CardRejected: if a field is posted twice or a level is not one of the choices.
    """
    lists = form.lists() if hasattr(form, "lists") else form.items()  # type: ignore[union-attr]
    lines: dict[int, Line] = {}
    for key, values in lists:
        prefix, rest = key[:1], key[1:]
        if prefix not in _PREFIXES or not (rest.isascii() and rest.isdigit()) or len(key) > 12:
            continue
        values = list(values)
        if len(values) != 1:  # two marks on one line
            raise reject("bad_ballot")
        value = values[0]
        if prefix == "l" and value not in (*LEVELS, SKIP, ""):
            raise reject("bad_ballot")
        setattr(lines.setdefault(int(rest), Line()), _PREFIXES[prefix], value)
    for line in lines.values():
        _check_line(line)
    return lines


def _score(text: str, top: int) -> tuple[int | None, bool]:
    text = text.strip()
    if not text:
        return None, True
    if not (text.isascii() and text.isdigit()) or len(text) > _SCORE_DIGITS:
        return None, False
    value = int(text)
    return (value, True) if value <= top else (None, False)


def _check_line(line: Line) -> None:
    line.comment = " ".join(  # control characters count as spaces
        "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in line.comment).split()
    )
    line.general_value, ok_general = _score(line.general, GENERAL_MAX)
    line.tasks_value, ok_tasks = _score(line.tasks, TASKS_MAX)
    if not ok_general:
        line.errors.append(str(_l("Điểm tiêu chí chung phải là số nguyên từ 0 đến 30.")))
    if not ok_tasks:
        line.errors.append(str(_l("Điểm kết quả nhiệm vụ phải là số nguyên từ 0 đến 70.")))
    if len(line.comment) > MAX_COMMENT:
        line.errors.append(str(_l("Nhận xét dài quá %(max)d ký tự.", max=MAX_COMMENT)))
    has_content = line.general.strip() or line.tasks.strip() or line.comment
    if has_content and not line.rated:
        line.errors.append(
            str(_l("Hãy chọn mức xếp loại, hoặc xóa điểm và nhận xét nếu không có ý kiến."))
        )


def check_lines(subjects: Sequence[Subject], lines: Mapping[int, Line]) -> None:
    """:raises CardRejected: if a posted line is not on this member's ballot (their own line,
    another unit's subject, a subject of another round)."""
    allowed = {subject.id for subject in subjects}
    if any(subject_id not in allowed for subject_id in lines):
        raise reject("bad_ballot")


def cast_appraisal(session: Session, code: str, form: Mapping[str, Sequence[str]] | object) -> None:
    """Spend the named card ``code`` and record its appraisal, in the caller's one transaction.

    A line posted for the card's own member, or (``same_unit_only``) for another unit's
    subject, or with a bad level, score or comment, refuses the whole ballot: nothing is
    written then. Skipped lines store nothing; comments are stored apart from the ballot.

    :raises CardRejected: with the reason.
    """
    round_, card_id, member_id = voting_card(session, code)
    if round_.kind != RoundKind.appraisal:
        raise reject("bad_ballot")
    member = card_member(session, member_id)
    lines = read_lines(form)
    check_lines(ballot_subjects(round_, member), lines)
    if any(line.errors for line in lines.values()):
        raise reject("bad_ballot")
    if spend_card(session, card_id, round_.id) is None:  # a second tab or a replay
        raise reject("used")
    store_appraisal(session, round_.id, lines)  # the form's ballot row has no lines


def store_appraisal(session: Session, round_id: int, lines: Mapping[int, Line]) -> None:
    """Insert the rated lines of one form and their comments, each on its own (the form's
    ballot row, without lines, is the caller's); skipped lines store nothing. Paper forms are
    stored by this too."""
    rated = {sid: line for sid, line in lines.items() if line.rated}
    if rated:  # each line on its own: nothing ties the lines of one form together
        session.execute(
            insert(AppraisalMark.__table__),
            [
                {"id": new_line_id(), "round_id": round_id, "subject_id": sid,
                 "level": line.level, "score_general": line.general_value,
                 "score_tasks": line.tasks_value}
                for sid, line in rated.items()
            ],
        )
    comments = [(sid, line.comment) for sid, line in rated.items() if line.comment]
    if comments:
        session.execute(
            insert(Comment.__table__),
            [{"id": new_comment_id(), "round_id": round_id, "subject_id": sid, "text": text}
             for sid, text in comments],
        )


# -- the close -----------------------------------------------------------------------------------


def shuffle_appraisal_marks(session: Session, round_id: int) -> int:
    """Rewrite a round's appraisal lines in random order under fresh random ids.

    Afterwards neither an id nor a row position from the time of voting survives, so lines
    cast together cannot be found together.
    """
    table = AppraisalMark.__table__
    columns = ("subject_id", "level", "score_general", "score_tasks")
    rows = session.execute(
        select(*(table.c[c] for c in columns)).where(table.c.round_id == round_id)
    ).all()
    if not rows:
        return 0
    session.execute(delete(table).where(table.c.round_id == round_id))
    fresh = sorted(
        ({"id": new_line_id(), "round_id": round_id, **dict(zip(columns, row, strict=True))}
         for row in rows),
        key=lambda item: item["id"],
    )
    session.execute(insert(table), fresh)
    return len(fresh)


def shuffle_comments(session: Session, round_id: int) -> int:
    """Rewrite a round's comments in random order under fresh random ids."""
    table = Comment.__table__
    rows = session.execute(
        select(table.c.subject_id, table.c.text).where(table.c.round_id == round_id)
    ).all()
    if not rows:
        return 0
    session.execute(delete(table).where(table.c.round_id == round_id))
    fresh = sorted(
        ({"id": new_comment_id(), "round_id": round_id, "subject_id": sid, "text": text}
         for sid, text in rows),
        key=lambda item: item["id"],
    )
    session.execute(insert(table), fresh)
    return len(fresh)
