"""What a leadership collective's vote adds to the schema: the head's decision on a person who
got exactly half of the members' agreement (docs/rules.md#the-heads-decision).

A decision belongs to the closed round and to a line of its list, never to a ballot.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from survey.db import Base


class HeadDecision(Base):
    """The head's decision on one person at exactly half, recorded by the officer afterwards."""

    __tablename__ = "head_decisions"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True
    )
    #: The head agrees (the person is approved) or not.
    agreed: Mapped[bool]
    #: What the officer recorded with it (the head's name, the document, the reasons).
    note: Mapped[str] = mapped_column(String(500), default="")
    #: Who recorded it (an organizer account or ``cli:<user>``), and when (UTC).
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]


def head_decisions(session: Session, round_id: int) -> dict[int, HeadDecision]:
    """The decisions recorded for a round, by subject id."""
    rows = session.scalars(select(HeadDecision).where(HeadDecision.round_id == round_id))
    return {row.subject_id: row for row in rows}
