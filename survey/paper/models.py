"""Entries of paper ballots, which exist only until their ballot is counted, and the counting
numbers already counted.

Paper ballots of a round are identical sheets: nothing printed on one tells it from another.
The counting committee numbers the ballots as they come out of the box, after mixing; that
counting number keys the two entries of a ballot. An entry links a counting number to choices,
so it lives no longer than needed: when two entries of a number agree, the ballot is stored
like an electronic one, the number is recorded as counted
(:class:`survey.ballots.models.CountedPaper`), and every entry of that number is deleted in the
same transaction. A round cannot close while an entry remains.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from survey.ballots.models import new_ballot_id
from survey.db import Base


class PaperEntry(Base):
    """One organizer's reading of one paper ballot."""

    __tablename__ = "paper_entries"
    __table_args__ = (
        # the same person never makes two entries of one ballot
        UniqueConstraint("round_id", "counting_number", "user_id",
                         name="uq_paper_entries_counting_user"),
        UniqueConstraint("round_id", "counting_number", "number",
                         name="uq_paper_entries_counting_number"),
        {"sqlite_with_rowid": False},  # random keys, no insertion order
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_ballot_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    #: The number the counting committee wrote on the ballot as it came out of the box.
    counting_number: Mapped[int]
    #: 1 for the first entry of this ballot, 2 for the second, 3 for a third…
    number: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The whole ballot is invalid (no stamp, a name crossed out…).
    invalid: Mapped[bool] = mapped_column(default=False)
    #: ``{"<subject id>": level | "blank" | "invalid"}``; empty when the ballot is invalid.
    lines: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

