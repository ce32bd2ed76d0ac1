"""An appraisal form: its lines as posted and checked, stored line by line, rewritten at the
close. A named card's form never holds its member's own line.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from survey.ballots.operations import reject
from survey.errors import CardRejected
from survey.i18n import _l
from survey.kinds.appraisal.models import (
    MAX_COMMENT,
    AppraisalMark,
    Comment,
    Member,
    new_comment_id,
    new_line_id,
)
from survey.kinds.base import Form
from survey.rounds.models import Round, Subject
from survey.tally.appraisal import GENERAL_MAX, TASKS_MAX, Level, contradicts

#: The value of the "Không có ý kiến" choice: the line is skipped and stores nothing.
SKIP = "skip"
LEVELS = tuple(level.value for level in Level)

#: Most digits a score field may hold before it is refused unread.
_SCORE_DIGITS = 3


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
        if not self.rated or self.errors:
            return None
        return contradicts(self.level, self.general_value, self.tasks_value)


_PREFIXES = {"l": "level", "g": "general", "t": "tasks", "c": "comment"}


def read_lines(form: Form | Mapping[str, Sequence[str]]) -> dict[int, Line]:
    """The posted lines by subject id, from ``l<id>``, ``g<id>``, ``t<id>``, ``c<id>`` fields.

    Fields that are not lines (the code, the CSRF token) are ignored.

    :raises CardRejected: if a field is posted twice or a level is not one of the choices.
    """
    lists = form.lists() if hasattr(form, "lists") else form.items()
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
