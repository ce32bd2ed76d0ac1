"""Cards and ballots: stored so that nothing can link the two.

A :class:`Card` records *that* it was used (a flag, never a time). A :class:`Ballot` records
*what* was chosen, under a random key, with no card reference, time, address or order.
"""

from __future__ import annotations

from secrets import token_hex

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base


def new_ballot_id() -> str:
    return token_hex(16)


class Card(Base):
    __tablename__ = "cards"
    __table_args__ = (UniqueConstraint("round_id", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    #: The number printed on the card, for issuing and voiding by hand.
    serial: Mapped[int]
    #: SHA-256 of the secret in the QR link; the secret itself is never stored. A paper row
    #: has no code (``None``): it can never vote from a phone.
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: ``"phone"`` (a QR card) or ``"paper"``: an appraisal round's record that a member votes
    #: on paper (``survey.paper``); a member has one or the other, never both.
    medium: Mapped[str] = mapped_column(String(8), default="phone", server_default="phone")
    #: Activated by the organizer when handed out; only issued cards vote.
    issued: Mapped[bool] = mapped_column(default=False)
    #: Lost or withdrawn; never votes again.
    voided: Mapped[bool] = mapped_column(default=False)
    #: A flag, not a timestamp: a time could be matched against a ballot.
    used: Mapped[bool] = mapped_column(default=False)
    #: Named cards (appraisal rounds): the roster member it was printed for; a paper row names
    #: a member who votes on paper (their form is the group's, like everyone's). The link is
    #: card → member, never card → ballot.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)


class CountedPaper(Base):
    """A paper ballot counted, by the number the counting committee wrote on it as it came out
    of the box (survey.paper): entering that number again is refused, so that no paper ballot
    is counted twice. It says nothing about the ballot stored; paper ballots counted are the
    count of these rows."""

    __tablename__ = "paper_counted"
    __table_args__ = {"sqlite_with_rowid": False}  # no insertion order

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    counting_number: Mapped[int] = mapped_column(primary_key=True)


class Ballot(Base):
    """What one card chose: no card reference, no time, a random key."""

    __tablename__ = "ballots"
    __table_args__ = {"sqlite_with_rowid": False}  # a rowid would leak insertion order

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_ballot_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    marks: Mapped[list[Mark]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class Mark(Base):
    """One line of a ballot; a blank line has no row."""

    __tablename__ = "marks"
    __table_args__ = {"sqlite_with_rowid": False}

    ballot_id: Mapped[str] = mapped_column(
        ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True
    )
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    choice: Mapped[str] = mapped_column(String(16))


class FormToken(Base):
    """A form that creates cards, once submitted: the same form sent again (a double click, a
    reload, the back button) is refused instead of creating a second batch."""

    __tablename__ = "form_tokens"

    #: SHA-256 of the random token the form carried.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
