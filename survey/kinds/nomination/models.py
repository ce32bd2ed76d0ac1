"""What a nomination round adds to the schema: its positions, and the two parts of a ballot
line that are not a mark (the names written in, and lines invalid for naming too many).

Write-ins and invalid lines hang off their ballot's row, like marks: the close rewrites them
with it (:attr:`survey.kinds.base.Kind.ballot_tables`).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.rounds.models import Round

#: At most this many people are planned for one position (docs/rules.md, "The nomination").
MAX_SEATS = 3


class Position(Base):
    """A position being planned for in a nomination round, with its seats."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    #: 1-based position on the ballot.
    order: Mapped[int]
    title: Mapped[str] = mapped_column(String(250))
    #: How many people may be planned for it, 1 to :data:`MAX_SEATS`.
    seats: Mapped[int]
    #: Whether the ballot offers write-in names for this position.
    allow_write_ins: Mapped[bool] = mapped_column(default=True)



#: A nomination round's positions (chức danh quy hoạch), in ballot order.
Round.positions = relationship(
    Position, order_by=Position.order, cascade="all, delete-orphan", passive_deletes=True
)


def positions_of(round_: Round) -> list[Position]:
    """``round_``'s positions in ballot order (the relationship this module adds to rounds)."""
    positions: list[Position] = round_.positions  # type: ignore[attr-defined]
    return positions


class WriteIn(Base):
    """A name a voter wrote in for a position of a nomination ballot (NFC, spaces collapsed)."""

    __tablename__ = "write_ins"
    __table_args__ = {"sqlite_with_rowid": False}

    ballot_id: Mapped[str] = mapped_column(
        ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True
    )
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    name: Mapped[str] = mapped_column(String(120), primary_key=True)


class InvalidLine(Base):
    """A nomination ballot's line for a position that named more people than its seats."""

    __tablename__ = "invalid_lines"
    __table_args__ = {"sqlite_with_rowid": False}

    ballot_id: Mapped[str] = mapped_column(
        ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True
    )
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
