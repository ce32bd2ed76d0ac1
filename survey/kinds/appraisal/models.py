"""The roster of an appraisal round, and what appraisal ballots hold.

:class:`AppraisalMark` and :class:`Comment` hang off *nothing* that identifies a ballot. A
named card's ballot never holds its holder's own line, so the lines of one ballot, kept
together, would name their rater by the one subject missing; a comment linked to a ballot
would tie its words to that rater's scores. Each line and each comment has its own random key
and its round; they are rewritten under fresh keys, in random order, at the close. The tally
needs nothing more: every figure is per subject. The ballot itself is still stored (without
lines), so that "collected" counts appraisal forms as it counts every other ballot.
"""

from __future__ import annotations

from secrets import token_hex

from sqlalchemy import ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.db import Base

#: Longest comment, in characters.
MAX_COMMENT = 500


def new_comment_id() -> str:
    return token_hex(16)


class Member(Base):
    """A person on an appraisal round's roster: a rater (named card), usually a subject too."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    #: 1-based position in the roster as imported.
    order: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(250), default="")
    unit: Mapped[str] = mapped_column(String(250), default="")


def new_line_id() -> str:
    return token_hex(16)


class AppraisalMark(Base):
    """One rated line of an appraisal form, on its own: no ballot, card or time; a random key.

    A skipped subject has no row.
    """

    __tablename__ = "appraisal_marks"
    __table_args__ = {"sqlite_with_rowid": False}  # a rowid would leak insertion order

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_line_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    #: A :class:`survey.tally.appraisal.Level` value.
    level: Mapped[str] = mapped_column(String(16))
    #: General criteria, 0–30; ``None`` when not given.
    score_general: Mapped[int | None] = mapped_column(SmallInteger)
    #: Results of assigned tasks, 0–70; ``None`` when not given.
    score_tasks: Mapped[int | None] = mapped_column(SmallInteger)


class Comment(Base):
    """A rater's comment on a subject: no ballot, no card, no time; a random key."""

    __tablename__ = "comments"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_comment_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(MAX_COMMENT))
